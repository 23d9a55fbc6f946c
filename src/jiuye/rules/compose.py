"""Several policy documents in force together, joined into one ``PolicyPackage``.

A city's notice stands beside the province's, and later amendments change both. Each
package declares its ``precedence`` (higher prevails: the closing provision
"相关政策与本文件不一致的以本文件为准" makes the document that says so prevail over those
it names) and its document ``title``. ``compose`` decides, for every day:

- a **rule** id: among the versions in force that day (``since`` ≤ day), the version of
  the highest-precedence package that has one wins; within a package, the latest ``since``;
- a **parameter**: among the dated values with start ≤ day, the latest entry of the
  highest-precedence package that has one wins (a ``value: null`` entry is an entry: an
  amendment may withdraw a figure);
- **facts, parameters, rules and reference tables** an amendment adds are simply added;
  a fact defined twice with another type, entity or choices, or a parameter with another
  unit, is an error (the documents would not be talking about the same thing).

The result is a normal ``PolicyPackage``: ``evaluate``, ``evaluate_frame``,
``params_at``, ``facts``, ``parameters``, ``rules`` all work, and each result names the
package and document its rule version comes from.

>>> from datetime import date
>>> from jiuye.rules import Condition, Fact, FactSpec, Param, Parameter, ParamValue, Rule
>>> fact = FactSpec("resident", "bool", "person", "是否为本市居民")
>>> amount = lambda start, fen: Parameter("a.amount_fen", "补贴标准", "fen", "一", (
...     ParamValue(start, fen, "文件"),))
>>> rule = Rule("a", "补贴", "person", "一", "benefit",
...             (Condition("resident", "本市居民", "一", Fact("resident")),),
...             amount=Param("a.amount_fen"))
>>> province = PolicyPackage(name="province", title="省文件", in_force=date(2018, 1, 1),
...     facts=[fact], rules=[rule], parameters=[amount(date(2018, 1, 1), 100000)])
>>> city = PolicyPackage(name="city", title="市文件", in_force=date(2018, 6, 1),
...     facts=[fact], rules=[], parameters=[amount(date(2018, 6, 1), 150000)],
...     precedence=1)
>>> both = compose([province, city])
>>> [both.params_at(day)["a.amount_fen"] for day in (date(2018, 5, 31), date(2018, 6, 1))]
[100000, 150000]
>>> case = both.parse_case({"entity": "person", "as_of": "2018-07-01",
...                         "facts": {"resident": True}})
>>> (result,) = both.evaluate(case)
>>> result.amount_fen, result.package, result.document
(150000, 'province', '省文件')
>>> both.parameters["a.amount_fen"].at(date(2018, 7, 1)).source
'文件'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date

from jiuye.rules.engine import PolicyPackage, ReferenceTable
from jiuye.rules.facts import FactSpec
from jiuye.rules.model import Parameter, ParamValue, Rule

__all__ = ["compose"]


def compose(
    packages: Sequence[PolicyPackage], *, name: str | None = None, title: str | None = None
) -> PolicyPackage:
    """One package in force from the earliest entry into force, the highest precedence
    prevailing where the documents disagree (see the module docstring).

    Precedences must differ: two documents of equal rank that disagree have no rule here
    to decide between them. ``name`` and ``title`` default to the packages' joined by "+"
    and "；" in order of precedence, highest first.
    """
    if not packages:
        raise ValueError("compose needs at least one package")
    ranked = sorted(packages, key=lambda p: p.precedence, reverse=True)
    if len({p.precedence for p in ranked}) != len(ranked):
        raise ValueError("composed packages need distinct precedences")
    facts = _facts(ranked)
    parameters = [
        _parameter(ranked, key) for key in sorted({k for p in ranked for k in p.parameters})
    ]
    references: dict[str, ReferenceTable] = {}
    for pkg in reversed(ranked):  # the higher precedence overwrites
        references.update(pkg.references)
    rules, origin = _rules(ranked)
    composed = PolicyPackage(
        name=name or "+".join(p.name for p in ranked),
        title=title or "；".join(p.title for p in ranked),
        in_force=min(p.in_force for p in ranked),
        facts=facts,
        rules=rules,
        parameters=parameters,
        references=references.values(),
        precedence=ranked[0].precedence,
    )
    composed._origin.update(origin)
    return composed


def _facts(ranked: Sequence[PolicyPackage]) -> list[FactSpec]:
    specs: dict[str, FactSpec] = {}
    for pkg in ranked:
        for spec in pkg.facts:
            seen = specs.get(spec.name)
            if seen is None:
                specs[spec.name] = spec
            elif (seen.type, seen.entity, dict(seen.choices)) != (
                spec.type,
                spec.entity,
                dict(spec.choices),
            ):
                raise ValueError(
                    f"fact {spec.name} is defined differently by "
                    f"{_owner(ranked, seen.name)} and {pkg.name}"
                )
    return list(specs.values())


def _owner(ranked: Sequence[PolicyPackage], fact: str) -> str:
    return next(p.name for p in ranked if fact in p.facts)


def _parameter(ranked: Sequence[PolicyPackage], key: str) -> Parameter:
    """One parameter whose value on each day is the winning package's latest entry."""
    defined = [p.parameters[key] for p in ranked if key in p.parameters]
    units = {p.unit for p in defined}
    if len(units) != 1:
        raise ValueError(f"parameter {key} has different units: {', '.join(sorted(units))}")
    head = defined[0]
    values: list[ParamValue] = []
    for day in sorted({v.start for p in defined for v in p.values}):
        winner = next(v for p in defined if (v := p.at(day)) is not None)
        if not values or values[-1] != winner:
            values.append(winner)
    described = next((p for p in defined if p.set_by or p.note), head)
    return Parameter(
        key,
        head.description,
        head.unit,
        head.clause,
        tuple(values),
        described.set_by,
        described.note,
    )


def _rules(ranked: Sequence[PolicyPackage]) -> tuple[list[Rule], dict[int, tuple[str, str]]]:
    """The flattened versions of each rule id, each tagged with its package and document.

    The winner can only change on a day one of its own versions starts (a package that
    has a version in force keeps one), so the flattened versions keep their ``since``.
    """
    rules: list[Rule] = []
    origin: dict[int, tuple[str, str]] = {}
    # In the order of the base document, then the rules each amendment adds.
    for rule_id in dict.fromkeys(r for p in reversed(ranked) for r in p.rules):
        owners = [p for p in ranked if rule_id in p.rules]
        days = sorted({p.since(r) for p in owners for r in p.rule_versions(rule_id)})
        previous: Rule | None = None
        for day in days:
            pkg, rule = _winner(owners, rule_id, day)
            if rule is previous:
                continue
            dated = dataclasses.replace(rule, since=day, version=pkg.version_label(rule))
            origin[id(dated)] = pkg.origin(rule)
            rules.append(dated)
            previous = rule
    return rules, origin


def _winner(owners: Sequence[PolicyPackage], rule_id: str, day: date) -> tuple[PolicyPackage, Rule]:
    for pkg in owners:
        in_force = [r for r in pkg.rule_versions(rule_id) if pkg.since(r) <= day]
        if in_force:
            return pkg, in_force[-1]
    raise AssertionError("a day of the list always has a version in force")
