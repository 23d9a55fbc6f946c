"""The engine: a policy package evaluated for one case, with reasons, or for a whole frame."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import polars as pl

from jiuye.rules.cases import Case, parse_case
from jiuye.rules.errors import CaseError
from jiuye.rules.expr import All, Env, Outcome
from jiuye.rules.facts import ENTITIES, FactSchema, FactSpec, Value
from jiuye.rules.model import (
    KIND_LABELS,
    Parameter,
    Reason,
    Rule,
    RuleResult,
    Status,
    received_fact,
)
from jiuye.rules.money import fen_to_yuan

__all__ = ["Case", "PolicyPackage", "ReferenceTable"]


@dataclass(frozen=True)
class ReferenceTable:
    """Published figures by region and year, filling a fact the case does not carry.

    ``target`` is filled from ``values[(key fact's value, as-of year + year_offset)]``.
    """

    name: str
    title: str
    key: str
    target: str
    year_offset: int
    values: Mapping[tuple[str, int], Value]
    sources: Mapping[tuple[str, int], str] = field(default_factory=dict)

    def lookup(self, key: Value, as_of: date) -> Value:
        if key is None:
            return None
        return self.values.get((str(key), as_of.year + self.year_offset))


class PolicyPackage:
    """Rules, facts, parameters and reference tables of one policy document.

    A rule may come in dated versions (several ``Rule`` objects with the same id and
    distinct ``since``): ``rules[id]`` is the newest version, ``rule_versions(id)`` all of
    them, ``rule_at(id, day)`` the one in force. ``precedence`` orders packages in force
    together (higher prevails, see ``jiuye.rules.compose``); ``title`` is the document.
    """

    def __init__(
        self,
        *,
        name: str,
        title: str,
        in_force: date,
        facts: Iterable[FactSpec],
        rules: Iterable[Rule],
        parameters: Iterable[Parameter],
        references: Iterable[ReferenceTable] = (),
        precedence: int = 0,
    ) -> None:
        self.name, self.title, self.in_force = name, title, in_force
        self.precedence = precedence
        grouped: dict[str, list[Rule]] = {}
        for rule in rules:
            grouped.setdefault(rule.id, []).append(rule)
        self._versions: dict[str, tuple[Rule, ...]] = {}
        for rule_id, versions in grouped.items():
            versions.sort(key=self.since)
            if len({self.since(r) for r in versions}) != len(versions):
                raise ValueError(f"duplicate rule {rule_id} (two versions from the same day)")
            if len({(r.entity, r.kind) for r in versions}) != 1:
                raise ValueError(f"rule {rule_id}: versions differ in entity or kind")
            self._versions[rule_id] = tuple(versions)
        self.rules: dict[str, Rule] = {rid: v[-1] for rid, v in self._versions.items()}
        #: Package name and document title per rule version (by identity); a composed
        #: package fills it from the packages it joins.
        self._origin: dict[int, tuple[str, str]] = {}
        specs = list(facts)
        names = {s.name for s in specs}
        for rule_id, dated in self._versions.items():
            if any(r.once for r in dated) and received_fact(rule_id) not in names:
                specs.append(
                    FactSpec(
                        received_fact(rule_id),
                        "bool",
                        dated[-1].entity,
                        f"此前是否已领取过{dated[-1].title}",
                    )
                )
        self.facts = FactSchema(specs)
        self.parameters = {p.name: p for p in parameters}
        self.references = {r.target: r for r in references}
        self._mask_facts = {
            rid: tuple(sorted({n for r in versions for n in r.fact_names()}))
            for rid, versions in self._versions.items()
        }
        self._check()
        self._params_at = lru_cache(maxsize=64)(self._resolve_params)
        self._compiled: dict[Hashable, Any] = {}

    def since(self, rule: Rule) -> date:
        """The first day of a rule version (the package's entry into force by default)."""
        return rule.since or self.in_force

    def rule_versions(self, rule_id: str) -> tuple[Rule, ...]:
        """Every version of a rule, oldest first."""
        return self._versions[rule_id]

    def rule_at(self, rule_id: str, on: date) -> Rule:
        """The version in force on ``on`` (the first version for a day before it)."""
        versions = self._versions[rule_id]
        current = versions[0]
        for rule in versions:
            if self.since(rule) <= on:
                current = rule
        return current

    def version_label(self, rule: Rule) -> str:
        return rule.version_label(self.since(rule))

    def origin(self, rule: Rule) -> tuple[str, str]:
        """(package name, document title) a rule version comes from."""
        return self._origin.get(id(rule), (self.name, self.title))

    def mask_facts(self, rule_id: str) -> tuple[str, ...]:
        """Facts of every version of a rule, sorted: bit i of the batch mask is fact i."""
        return self._mask_facts[rule_id]

    def breakpoints(self) -> tuple[date, ...]:
        """Days on which a parameter value or a rule version starts (sorted, distinct)."""
        days = {self.in_force}
        days |= {v.start for p in self.parameters.values() for v in p.values}
        days |= {self.since(r) for versions in self._versions.values() for r in versions}
        return tuple(sorted(days))

    def _check(self) -> None:
        for rule_id, versions in self._versions.items():
            for rule in versions:
                self._check_rule(rule)
            if len(self._mask_facts[rule_id]) > 64:
                raise ValueError(f"rule {rule_id} reads more than 64 facts")

    def _check_rule(self, rule: Rule) -> None:
        if rule.entity not in ENTITIES:
            raise ValueError(f"rule {rule.id}: unknown entity {rule.entity}")
        for name in rule.fact_names():
            if name not in self.facts:
                raise ValueError(f"rule {rule.id} reads unknown fact {name}")
            if self.facts[name].entity != rule.entity:
                raise ValueError(f"rule {rule.id} reads {name} of another entity")
        for name in rule.param_names():
            if name not in self.parameters:
                raise ValueError(f"rule {rule.id} reads unknown parameter {name}")

    def _resolve_params(self, as_of: date) -> Mapping[str, Value]:
        return {name: p.value_at(as_of) for name, p in self.parameters.items()}

    def params_at(self, as_of: date) -> Mapping[str, Value]:
        result: Mapping[str, Value] = self._params_at(as_of)
        return result

    # ---- input -------------------------------------------------------------------------
    def check_as_of(self, as_of: date, field_name: str = "as_of") -> date:
        if as_of < self.in_force:
            raise CaseError(
                "as_of_before_policy",
                field_name,
                f"测评日期早于政策施行日期（{self.in_force.isoformat()}）",
                f"the as-of date is before the policy took effect ({self.in_force.isoformat()})",
            )
        return as_of

    def select_rules(
        self, rule_ids: Sequence[str] | None, entity: str | None, on: date | None = None
    ) -> list[Rule]:
        """The chosen rules (all of ``entity`` by default): versions in force ``on`` a day,
        or the newest."""
        chosen = self._select(rule_ids, entity)
        return chosen if on is None else [self.rule_at(r.id, on) for r in chosen]

    def _select(self, rule_ids: Sequence[str] | None, entity: str | None) -> list[Rule]:
        if rule_ids:
            unknown = [r for r in rule_ids if r not in self.rules]
            if unknown:
                raise CaseError(
                    "unknown_rule",
                    "rule",
                    f"未知的规则：{'、'.join(unknown)}",
                    f"unknown rule: {', '.join(unknown)}",
                )
            chosen = [self.rules[r] for r in rule_ids]
            if entity is not None:
                other = [r.id for r in chosen if r.entity != entity]
                if other:
                    raise CaseError(
                        "rule_entity_mismatch",
                        "rule",
                        f"规则不适用于该对象类型：{'、'.join(other)}",
                        f"rule does not apply to this entity: {', '.join(other)}",
                    )
            return chosen
        return [r for r in self.rules.values() if entity is None or r.entity == entity]

    def parse_case(self, payload: Any, *, as_of: date | None = None) -> Case:
        """Validate case JSON into a ``Case``; raise ``CaseError`` naming the bad field."""
        return parse_case(self, payload, as_of=as_of)

    def enrich(self, case: Case) -> dict[str, Value]:
        facts = dict(case.facts)
        for target, table in self.references.items():
            if facts.get(target) is None and self.facts[target].entity == case.entity:
                value = table.lookup(facts.get(table.key), case.as_of)
                if value is not None:
                    facts[target] = value
        return facts

    # ---- single case -------------------------------------------------------------------
    def evaluate(self, case: Case, rule_ids: Sequence[str] | None = None) -> list[RuleResult]:
        facts = self.enrich(case)
        env = Env(facts, case.as_of, self.params_at(case.as_of))
        return [
            self._evaluate_rule(rule, env)
            for rule in self.select_rules(rule_ids, case.entity, on=case.as_of)
        ]

    def _evaluate_rule(self, rule: Rule, env: Env) -> RuleResult:
        reasons: list[Reason] = []
        outcomes: list[Outcome] = []
        for cond in rule.all_conditions():
            out = cond.expr.evaluate(env)
            outcomes.append(out)
            value = out.value if out.value is None else bool(out.value)
            used = {n: self.facts[n].to_json(env.facts.get(n)) for n in sorted(cond.expr.facts())}
            reasons.append(
                Reason(
                    cond.id,
                    cond.text,
                    cond.clause,
                    value,
                    tuple(sorted(out.missing)),
                    used,
                    cond.origin_clauses,
                )
            )
        status = All.combine(outcomes)
        amount: int | None = None
        missing, unset = status.missing, status.unset
        if status.value is True and rule.amount is not None:
            money = rule.amount.evaluate(env)
            amount = money.value if isinstance(money.value, int) else None
            missing, unset = money.missing, money.unset
        label: Status = (
            "undetermined" if status.value is None else "eligible" if status.value else "ineligible"
        )
        package, document = self.origin(rule)
        return RuleResult(
            rule.id,
            rule.title,
            rule.kind,
            label,
            amount,
            rule.clause,
            rule.fund,
            tuple(sorted(missing)),
            tuple(sorted(unset)),
            tuple(reasons),
            rule.amount_text,
            self.version_label(rule),
            package,
            document,
        )

    # ---- batch (jiuye.rules.batch) ----------------------------------------------------
    def evaluate_frame(
        self,
        frame: pl.DataFrame | pl.LazyFrame,
        *,
        entity: str,
        as_of: date | str,
        rule_ids: Sequence[str] | None = None,
        keep: Sequence[str] = (),
        with_missing: bool = True,
    ) -> pl.DataFrame:
        """All (or the chosen) rules of ``entity`` over every row of ``frame``.

        ``as_of`` is one date, or the name of a Date column of ``frame`` (a date per row:
        each row is decided on its own date, with the parameters and rule versions in
        force that day). Returns the ``keep`` columns, then per rule ``<id>``
        (true/false/null for eligible/ineligible/undetermined), ``<id>__amount_fen`` and,
        unless ``with_missing=False``, ``<id>__missing`` (bit i set when
        ``mask_facts(id)[i]`` could change the result). Only the facts the chosen rules
        read need to be columns; absent ones count as unknown.
        """
        from jiuye.rules.batch import evaluate_frame

        return evaluate_frame(
            self,
            frame,
            entity=entity,
            as_of=as_of,
            rule_ids=rule_ids,
            keep=keep,
            with_missing=with_missing,
        )

    def decode_missing(self, rule_id: str, mask: int) -> tuple[str, ...]:
        names = self.mask_facts(rule_id)
        return tuple(n for i, n in enumerate(names) if mask >> i & 1)

    # ---- output ------------------------------------------------------------------------
    def result_json(self, result: RuleResult) -> dict[str, Any]:
        return {
            "rule": result.rule,
            "title": result.title,
            "kind": result.kind,
            "status": result.status,
            "status_label": KIND_LABELS[result.kind][result.status],
            "amount_yuan": None if result.amount_fen is None else fen_to_yuan(result.amount_fen),
            "amount_text": result.amount_text,
            "clause": result.clause,
            "fund": result.fund,
            "missing_facts": list(result.missing_facts),
            "unset_parameters": list(result.unset_parameters),
            "reasons": [
                {
                    "id": r.id,
                    "text": r.text,
                    "clause": r.clause,
                    "origin_clauses": list(r.origin_clauses),
                    "value": r.value,
                    "missing_facts": list(r.missing_facts),
                    "facts": r.facts,
                }
                for r in result.reasons
            ],
            "version": result.version,
            "package": result.package,
            "document": result.document,
        }
