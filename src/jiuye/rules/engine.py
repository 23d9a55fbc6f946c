"""The engine: a policy package evaluated for one case, with reasons, or for a whole frame."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, reduce
from typing import Any

import polars as pl

from jiuye.rules.branches import Case as CaseExpr
from jiuye.rules.errors import CaseError
from jiuye.rules.expr import All, And, Cmp, Env, Expr, FrameCtx, In, Not, Or, Outcome
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

_MATERIALISED = (And, Or, CaseExpr, Cmp, In, Not)
_MASK_TYPES: tuple[tuple[int, pl.DataType], ...] = (
    (8, pl.UInt8()), (16, pl.UInt16()), (32, pl.UInt32()), (64, pl.UInt64()))


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


@dataclass(frozen=True)
class Case:
    entity: str
    as_of: date
    facts: Mapping[str, Value]


class PolicyPackage:
    """Rules, facts, parameters and reference tables of one policy document."""

    def __init__(self, *, name: str, title: str, in_force: date, facts: Iterable[FactSpec],
                 rules: Iterable[Rule], parameters: Iterable[Parameter],
                 references: Iterable[ReferenceTable] = ()) -> None:
        self.name, self.title, self.in_force = name, title, in_force
        self.rules: dict[str, Rule] = {}
        for rule in rules:
            if rule.id in self.rules:
                raise ValueError(f"duplicate rule {rule.id}")
            self.rules[rule.id] = rule
        specs = list(facts)
        for rule in self.rules.values():
            if rule.once:
                specs.append(FactSpec(received_fact(rule.id), "bool", rule.entity,
                                      f"此前是否已领取过{rule.title}"))
        self.facts = FactSchema(specs)
        self.parameters = {p.name: p for p in parameters}
        self.references = {r.target: r for r in references}
        self._check()
        self._params_at = lru_cache(maxsize=64)(self._resolve_params)

    def _check(self) -> None:
        for rule in self.rules.values():
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
            if len(rule.fact_names()) > 64:
                raise ValueError(f"rule {rule.id} reads more than 64 facts")

    def _resolve_params(self, as_of: date) -> Mapping[str, Value]:
        return {name: p.value_at(as_of) for name, p in self.parameters.items()}

    def params_at(self, as_of: date) -> Mapping[str, Value]:
        result: Mapping[str, Value] = self._params_at(as_of)
        return result

    # ---- input -------------------------------------------------------------------------
    def check_as_of(self, as_of: date, field_name: str = "as_of") -> date:
        if as_of < self.in_force:
            raise CaseError("as_of_before_policy", field_name,
                            f"测评日期早于政策施行日期（{self.in_force.isoformat()}）",
                            f"the as-of date is before the policy took effect "
                            f"({self.in_force.isoformat()})")
        return as_of

    def select_rules(self, rule_ids: Sequence[str] | None, entity: str | None) -> list[Rule]:
        if rule_ids:
            unknown = [r for r in rule_ids if r not in self.rules]
            if unknown:
                raise CaseError("unknown_rule", "rule", f"未知的规则：{'、'.join(unknown)}",
                                f"unknown rule: {', '.join(unknown)}")
            chosen = [self.rules[r] for r in rule_ids]
            if entity is not None:
                other = [r.id for r in chosen if r.entity != entity]
                if other:
                    raise CaseError("rule_entity_mismatch", "rule",
                                    f"规则不适用于该对象类型：{'、'.join(other)}",
                                    f"rule does not apply to this entity: {', '.join(other)}")
            return chosen
        return [r for r in self.rules.values() if entity is None or r.entity == entity]

    def parse_case(self, payload: Any, *, as_of: date | None = None) -> Case:
        """Validate case JSON into a ``Case``; raise ``CaseError`` naming the bad field."""
        if not isinstance(payload, Mapping):
            raise CaseError("invalid_case", "case", "案例应为 JSON 对象", "a case is a JSON object")
        extra = set(payload) - {"entity", "as_of", "facts", "receipts"}
        if extra:
            name = sorted(extra)[0]
            raise CaseError("unknown_field", name, "未知的字段", "unknown field")
        entity = payload.get("entity")
        if entity not in ENTITIES:
            raise CaseError("invalid_entity", "entity",
                            f"对象类型应为：{'、'.join(ENTITIES)}",
                            f"entity must be one of {', '.join(ENTITIES)}")
        when = as_of
        if when is None:
            raw = payload.get("as_of")
            if raw is None:
                raise CaseError("missing_as_of", "as_of", "缺少测评日期",
                                "the as-of date is missing")
            if not isinstance(raw, str):
                raise CaseError("invalid_type", "as_of", "日期格式应为 YYYY-MM-DD",
                                "must be a date YYYY-MM-DD")
            try:
                when = date.fromisoformat(raw)
            except ValueError as exc:
                raise CaseError("invalid_date", "as_of", "不是有效日期，格式 YYYY-MM-DD",
                                "not a real date YYYY-MM-DD") from exc
        self.check_as_of(when)
        raw_facts = payload.get("facts", {})
        if not isinstance(raw_facts, Mapping):
            raise CaseError("invalid_type", "facts", "facts 应为对象", "facts must be an object")
        facts: dict[str, Value] = {}
        for name, raw_value in raw_facts.items():
            if name not in self.facts:
                raise CaseError("unknown_fact", f"facts.{name}", "未知的事实项",
                                "unknown fact")
            spec = self.facts[name]
            if spec.entity != entity:
                raise CaseError("fact_entity_mismatch", f"facts.{name}",
                                f"该事实项属于“{ENTITIES[spec.entity]}”，不属于本案例的对象类型",
                                f"this fact belongs to entity {spec.entity}")
            facts[name] = spec.coerce(raw_value)
        if "receipts" in payload:
            self._apply_receipts(payload["receipts"], entity, facts)
        return Case(entity, when, facts)

    def _apply_receipts(self, receipts: Any, entity: str, facts: dict[str, Value]) -> None:
        if not isinstance(receipts, list):
            raise CaseError("invalid_type", "receipts", "receipts 应为数组",
                            "receipts must be an array")
        received: set[str] = set()
        for i, item in enumerate(receipts):
            rule_id = item.get("rule") if isinstance(item, Mapping) else None
            if rule_id not in self.rules:
                raise CaseError("unknown_rule", f"receipts[{i}].rule", "未知的规则",
                                "unknown rule")
            received.add(rule_id)
        # An explicit record of receipts is complete: what it does not list was not received.
        for rule in self.rules.values():
            if rule.once and rule.entity == entity:
                name = received_fact(rule.id)
                facts[name] = rule.id in received or facts.get(name) is True

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
        return [self._evaluate_rule(rule, env) for rule in
                self.select_rules(rule_ids, case.entity)]

    def _evaluate_rule(self, rule: Rule, env: Env) -> RuleResult:
        reasons: list[Reason] = []
        outcomes: list[Outcome] = []
        for cond in rule.all_conditions():
            out = cond.expr.evaluate(env)
            outcomes.append(out)
            value = out.value if out.value is None else bool(out.value)
            used = {n: self.facts[n].to_json(env.facts.get(n)) for n in sorted(cond.expr.facts())}
            reasons.append(Reason(cond.id, cond.text, cond.clause, value,
                                  tuple(sorted(out.missing)), used))
        status = All.combine(outcomes)
        amount: int | None = None
        missing, unset = status.missing, status.unset
        if status.value is True and rule.amount is not None:
            money = rule.amount.evaluate(env)
            amount = money.value if isinstance(money.value, int) else None
            missing, unset = money.missing, money.unset
        label: Status = ("undetermined" if status.value is None
                         else "eligible" if status.value else "ineligible")
        return RuleResult(rule.id, rule.title, rule.kind, label, amount, rule.clause, rule.fund,
                          tuple(sorted(missing)), tuple(sorted(unset)), tuple(reasons),
                          rule.amount_text)

    # ---- batch -------------------------------------------------------------------------
    def _rule_exprs(self, rule: Rule, root: Expr, ctx: FrameCtx) -> list[pl.Expr]:
        """Status (Boolean), amount in fen (Int64) and missing-fact mask of a rule.

        The mask has bit i set when ``rule.fact_names()[i]`` could change the result; its
        type is the narrowest unsigned integer that holds all the rule's facts.
        """
        names = rule.fact_names()
        status = root.polars(ctx)
        flags: dict[str, list[pl.Expr]] = {}
        root.missing_flags(ctx, [], flags)
        if rule.amount is not None:
            amount_value = rule.amount.polars(ctx).cast(pl.Int64)
            amount = pl.when(status).then(amount_value).otherwise(pl.lit(None, dtype=pl.Int64))
            rule.amount.missing_flags(ctx, [status.fill_null(False)], flags)
        else:
            amount = pl.lit(None, dtype=pl.Int64)
        dtype = next(t for bits, t in _MASK_TYPES if len(names) <= bits)
        parts = [reduce(operator.or_, flags[n]).fill_null(False).cast(dtype) * (1 << i)
                 for i, n in enumerate(names) if n in flags]
        mask = reduce(operator.or_, parts) if parts else pl.lit(0, dtype=dtype)
        return [status.alias(rule.id), amount.alias(f"{rule.id}__amount_fen"),
                mask.cast(dtype).alias(f"{rule.id}__missing")]

    @staticmethod
    def _materialise(roots: Sequence[Expr], ctx: FrameCtx) -> list[list[pl.Expr]]:
        """Stages of columns for every distinct logical node, children before parents.

        Rules share sub-expressions (the same Python objects, e.g. the employment-difficulty
        status); each is computed once, and the Kleene tests of the missing-fact masks then
        read cheap bit-packed Boolean columns instead of recomputing subtrees.
        """
        heights: dict[int, int] = {}
        stages: dict[int, list[pl.Expr]] = {}

        def visit(node: Expr) -> int:
            key = id(node)
            if key in heights:
                return heights[key]
            height = max((visit(c) for c in node.children), default=-1) + 1
            if isinstance(node, _MATERIALISED):
                stages.setdefault(height, []).append(node.polars(ctx).alias(f"__n{key}"))
                ctx.columns[key] = f"__n{key}"
            heights[key] = height
            return height

        for root in roots:
            visit(root)
        return [stages[h] for h in sorted(stages)]

    def prepare_frame(self, frame: pl.LazyFrame, entity: str, as_of: date) -> pl.LazyFrame:
        """Add absent fact columns as nulls and fill reference figures from the tables."""
        present = set(frame.collect_schema().names())
        fill = [pl.lit(None, dtype=s.dtype).alias(s.name)
                for s in self.facts.for_entity(entity) if s.name not in present]
        frame = frame.with_columns(fill) if fill else frame
        for target, table in self.references.items():
            if self.facts[target].entity != entity:
                continue
            year = as_of.year + table.year_offset
            mapping = {k: v for (k, y), v in table.values.items() if y == year}
            looked_up = pl.col(table.key).replace_strict(
                mapping, default=None, return_dtype=self.facts[target].dtype)
            frame = frame.with_columns(pl.coalesce(pl.col(target), looked_up).alias(target))
        return frame

    def evaluate_frame(self, frame: pl.DataFrame | pl.LazyFrame, *, entity: str, as_of: date,
                       rule_ids: Sequence[str] | None = None, keep: Sequence[str] = ()
                       ) -> pl.DataFrame:
        """All (or the chosen) rules of ``entity`` over every row of ``frame``.

        Returns the ``keep`` columns, then per rule ``<id>`` (true/false/null for
        eligible/ineligible/undetermined), ``<id>__amount_fen`` and ``<id>__missing``
        (bit i set when ``rule.fact_names()[i]`` could change the result).
        """
        self.check_as_of(as_of)
        rules = self.select_rules(rule_ids, entity)
        lazy = self.prepare_frame(frame.lazy(), entity, as_of)
        ctx = FrameCtx(as_of, self.params_at(as_of))
        roots = {rule.id: All(*(c.expr for c in rule.all_conditions())) for rule in rules}
        amounts = [rule.amount for rule in rules if rule.amount is not None]
        for stage in self._materialise([*roots.values(), *amounts], ctx):
            lazy = lazy.with_columns(stage)
        exprs = [e for rule in rules for e in self._rule_exprs(rule, roots[rule.id], ctx)]
        return lazy.select([pl.col(k) for k in keep] + exprs).collect()

    def decode_missing(self, rule_id: str, mask: int) -> tuple[str, ...]:
        names = self.rules[rule_id].fact_names()
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
                {"id": r.id, "text": r.text, "clause": r.clause, "value": r.value,
                 "missing_facts": list(r.missing_facts), "facts": r.facts}
                for r in result.reasons
            ],
        }
