"""One record's results as a viewer may see them: sensitive conclusions withheld.

A condition reading a fact about disability or poverty shows its truth value only to
viewers who see sensitive attributes; for others the rule's conclusion, amount and
missing facts are withheld too, whatever they are (withholding only the favourable ones
would tell them apart), and so are benefits received under such a rule. Only each
condition's text, clause and truth value are kept: the facts a reason used (an identity
number among them) never reach a page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from jiuye.eligibility.evaluate import evaluate_record
from jiuye.eligibility.policy import package, readings
from jiuye.rules import CaseError, RuleResult
from jiuye.rules.model import KIND_LABELS
from jiuye.rules.money import fen_to_yuan

__all__ = [
    "HIDDEN",
    "SENSITIVE_FACTS",
    "WITHHELD",
    "Entitlement",
    "Entitlements",
    "entitlements",
    "rule_title",
    "shown",
]

logger = logging.getLogger(__name__)

#: The status of a withheld result, and what a page shows in its place.
WITHHELD = "withheld"
HIDDEN = "已隐藏"
STATUS_ORDER = {"eligible": 0, "undetermined": 1, "ineligible": 2, WITHHELD: 3}
#: Facts about disability and poverty: a rule reading one is withheld without the right.
SENSITIVE_FACTS = frozenset(
    {
        "is_disabled",
        "is_dibao_household",
        "certified_difficulty",
        "poor_family_child",
        *readings().HOUSEHOLD_STATUS_FACTS,
    }
)
VALUE_TEXT = {True: "是", False: "否", None: "未知"}


@dataclass(frozen=True)
class Entitlement:
    """One rule's result as shown: texts only, ``status`` ``withheld`` when hidden."""

    rule: str
    title: str
    clause: str
    status: str
    status_label: str
    amount_yuan: str | None
    amount_text: str
    missing: tuple[str, ...]
    reasons: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Entitlements:
    """A record's results, best news first, or the ``problem`` that stopped them."""

    results: tuple[Entitlement, ...]
    problem: str = ""

    @property
    def withheld(self) -> frozenset[str]:
        """Rules whose results (and benefits received under them) are hidden."""
        return frozenset(e.rule for e in self.results if e.status == WITHHELD)


def entitlements(entity: str, record_id: int, as_of: date, *, sees_sensitive: bool) -> Entitlements:
    """The engine's results for one registry record on a date, as the viewer may see them."""
    try:
        results = evaluate_record(entity, record_id, as_of)
    except CaseError as exc:
        logger.warning(
            "registry facts rejected by the engine: entity=%s code=%s field=%s",
            entity,
            exc.code,
            exc.field,
        )
        return Entitlements((), f"登记数据不完整或有误，暂不能测评（{exc.field}）。")
    return Entitlements(tuple(shown(results, entity, sees_sensitive=sees_sensitive)))


def shown(results: list[RuleResult], entity: str, *, sees_sensitive: bool) -> list[Entitlement]:
    """Results as shown to a viewer with or without the sensitive right, best first."""
    labels = {spec.name: spec.label for spec in package().facts.for_entity(entity)}
    out = []
    for r in results:
        reasons = tuple(
            (x.text, x.clause, _value_text(x.value, x.facts, sees_sensitive)) for x in r.reasons
        )
        if not sees_sensitive and any(SENSITIVE_FACTS.intersection(x.facts) for x in r.reasons):
            out.append(
                Entitlement(
                    rule=r.rule,
                    title=r.title,
                    clause=r.clause,
                    status=WITHHELD,
                    status_label=HIDDEN,
                    amount_yuan=None,
                    amount_text="",
                    missing=(),
                    reasons=reasons,
                )
            )
            continue
        out.append(
            Entitlement(
                rule=r.rule,
                title=r.title,
                clause=r.clause,
                status=r.status,
                status_label=KIND_LABELS[r.kind][r.status],
                amount_yuan=None if r.amount_fen is None else fen_to_yuan(r.amount_fen),
                amount_text=r.amount_text,
                missing=tuple(labels.get(n, n) for n in r.missing_facts),
                reasons=reasons,
            )
        )
    out.sort(key=lambda e: (STATUS_ORDER[e.status], e.rule))
    return out


def rule_title(rule_id: str) -> str:
    """A rule's Chinese title (a benefit row names its rule); the id if unknown."""
    rule = package().rules.get(rule_id)
    return rule.title if rule is not None else rule_id


def _value_text(value: bool | None, used: Mapping[str, object], sees_sensitive: bool) -> str:
    if not sees_sensitive and SENSITIVE_FACTS.intersection(used):
        return HIDDEN
    return VALUE_TEXT[value]
