"""The decision frozen on a case: the engine on the registry's facts plus the declared
facts, on the application date, stored with everything needed to explain it later."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jiuye.eligibility.facts import case_for
from jiuye.eligibility.policy import package
from jiuye.rules import Case as EngineCase
from jiuye.rules import PolicyPackage, RuleResult
from jiuye.rules.cases import parse_case


@dataclass(frozen=True)
class Frozen:
    result: RuleResult
    result_json: dict[str, Any]
    facts: dict[str, Any]
    parameters: list[dict[str, Any]]


def declared_facts(entity: str, declared: Mapping[str, Any], as_of: date) -> dict[str, Any]:
    """Declared facts (JSON values) checked by the engine's own case parser."""
    pkg = package()
    known = {s.name for s in pkg.facts.for_entity(entity)}
    payload = {"entity": entity, "facts": {k: v for k, v in declared.items() if k in known}}
    return dict(parse_case(pkg, payload, as_of=as_of).facts)


def freeze(
    *,
    rule_id: str,
    entity: str,
    as_of: date,
    record_id: int | None,
    declared: Mapping[str, Any],
) -> Frozen:
    """Evaluate ``rule_id``: registry facts win over declared ones where both exist."""
    pkg = package()
    facts = declared_facts(entity, declared, as_of)
    if record_id is not None:
        facts.update(case_for(entity, record_id, as_of).facts)
    result = pkg.evaluate(EngineCase(entity, pkg.check_as_of(as_of), facts), [rule_id])[0]
    specs = {s.name: s for s in pkg.facts.for_entity(entity)}
    return Frozen(
        result=result,
        result_json=pkg.result_json(result),
        facts={n: specs[n].to_json(v) if n in specs else v for n, v in sorted(facts.items())},
        parameters=rule_parameters(pkg, rule_id, as_of),
    )


def rule_parameters(pkg: PolicyPackage, rule_id: str, as_of: date) -> list[dict[str, Any]]:
    """The parameters ``rule_id`` uses, in the package's order, each with its value on
    ``as_of`` and the source (文号) of that value: what
    :func:`jiuye.evaluation.parameters_json` gives, read for this rule's few parameters
    rather than for every parameter of the package."""
    names = set(pkg.rules[rule_id].param_names())
    out = []
    for parameter in pkg.parameters.values():
        if parameter.name not in names:
            continue
        current = parameter.at(as_of)
        value = None if current is None else current.value
        out.append(
            {
                "name": parameter.name,
                "description": parameter.description,
                "value": value.isoformat() if isinstance(value, date) else value,
                "source": "" if current is None else current.source,
            }
        )
    return out
