"""Rules, conditions, parameters and results: the engine's vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from jiuye.rules.expr import Expr, Fact, Not
from jiuye.rules.facts import Value

__all__ = [
    "Condition",
    "ParamValue",
    "Parameter",
    "Reason",
    "Rule",
    "RuleKind",
    "RuleResult",
    "received_fact",
]

RuleKind = Literal["benefit", "status", "obligation", "target"]
Status = Literal["eligible", "ineligible", "undetermined"]

KIND_LABELS: dict[str, dict[str, str]] = {
    "benefit": {"eligible": "符合", "ineligible": "不符合", "undetermined": "还需了解"},
    "status": {"eligible": "是", "ineligible": "否", "undetermined": "还需了解"},
    "obligation": {"eligible": "达标", "ineligible": "不适用或未达标", "undetermined": "还需了解"},
    "target": {"eligible": "已达标", "ineligible": "未达标", "undetermined": "还需了解"},
}


@dataclass(frozen=True)
class Condition:
    """One condition of a rule, in the words of the text, with its clause.

    ``clause`` is the clause that applies the condition in this rule; ``origin_clauses``
    the clauses it comes from when another clause defines it (a condition of 三（一）
    reused by 三（二）, a status reached through 三（五）'s 比照). ``applied_under``
    re-cites a shared condition for another rule.

    >>> c = Condition("grad", "高校毕业生", "三（一）", Fact("is_college_graduate"))
    >>> moved = c.applied_under("三（二）")
    >>> moved.clause, moved.origin_clauses
    ('三（二）', ('三（一）',))
    >>> c.applied_under("三（一）") is c
    True
    """

    id: str
    text: str
    clause: str
    expr: Expr
    origin_clauses: tuple[str, ...] = ()

    def applied_under(self, clause: str) -> Condition:
        """This condition as applied by ``clause``, citing where it comes from."""
        if clause == self.clause:
            return self
        origins = tuple(dict.fromkeys((*self.origin_clauses, self.clause)))
        origins = tuple(o for o in origins if o != clause)
        return Condition(self.id, self.text, clause, self.expr, origins)


@dataclass(frozen=True)
class Rule:
    """A decision the text makes. All conditions must hold (a conjunction).

    ``once`` marks a one-time (一次性) benefit: the engine adds the condition that the
    record of receipts holds no earlier payment of this rule.
    """

    id: str
    title: str
    entity: str
    clause: str
    kind: RuleKind
    conditions: tuple[Condition, ...]
    amount: Expr | None = None
    amount_text: str = ""
    fund: str | None = None
    payer: str | None = None
    payee: str | None = None
    once: bool = False
    readings: tuple[str, ...] = ()
    national_basis: tuple[str, ...] = ()
    doc: str = ""
    since: date | None = None
    version: str = ""

    def __post_init__(self) -> None:
        # A shared condition cites the clause of the rule that applies it, and its origin.
        object.__setattr__(
            self, "conditions", tuple(c.applied_under(self.clause) for c in self.conditions)
        )

    def version_label(self, default_since: date) -> str:
        """The label of this version: ``version``, or its start date ("2018-04-13 起").

        ``default_since`` is the package's entry into force, for a rule without ``since``.

        >>> Rule("r", "t", "person", "一", "status", ()).version_label(date(2018, 4, 13))
        '2018-04-13 起'
        """
        if self.version:
            return self.version
        return f"{(self.since or default_since).isoformat()} 起"

    def all_conditions(self) -> tuple[Condition, ...]:
        if not self.once:
            return self.conditions
        once = Condition(
            f"{self.id}__not_received",
            f"此前未领取过{self.title}（一次性）",
            self.clause,
            Not(Fact(received_fact(self.id))),
        )
        return (*self.conditions, once)

    def fact_names(self) -> tuple[str, ...]:
        """Facts the rule reads, in a stable order (bit i of the batch mask is fact i)."""
        names: set[str] = set()
        for c in self.all_conditions():
            names |= c.expr.facts()
        if self.amount is not None:
            names |= self.amount.facts()
        return tuple(sorted(names))

    def param_names(self) -> tuple[str, ...]:
        names: set[str] = set()
        for c in self.all_conditions():
            names |= c.expr.params()
        if self.amount is not None:
            names |= self.amount.params()
        return tuple(sorted(names))


def received_fact(rule_id: str) -> str:
    """Name of the fact 'this one-time benefit was already received'."""
    return f"received_{rule_id}"


@dataclass(frozen=True)
class ParamValue:
    start: date
    value: Value
    source: str
    note: str = ""


@dataclass(frozen=True)
class Parameter:
    """A dated parameter. ``values`` sorted by start; a null value means 'not set'."""

    name: str
    description: str
    unit: str
    clause: str
    values: tuple[ParamValue, ...]
    set_by: str = ""
    note: str = ""

    def at(self, on: date) -> ParamValue | None:
        current: ParamValue | None = None
        for v in self.values:
            if v.start <= on:
                current = v
        return current

    def value_at(self, on: date) -> Value:
        v = self.at(on)
        return None if v is None else v.value


@dataclass(frozen=True)
class Reason:
    id: str
    text: str
    clause: str
    value: bool | None
    missing_facts: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    origin_clauses: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleResult:
    rule: str
    title: str
    kind: RuleKind
    status: Status
    amount_fen: int | None
    clause: str
    fund: str | None
    missing_facts: tuple[str, ...]
    unset_parameters: tuple[str, ...]
    reasons: tuple[Reason, ...]
    amount_text: str = ""
    version: str = ""
    package: str = ""
    document: str = ""
