"""What the self-check screens show: results per measure and the answers so far."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jiuye.evaluation import package, who_sets
from jiuye.portal.measures import slug
from jiuye.rules.model import KIND_LABELS, RuleResult
from jiuye.rules.money import fen_to_yuan
from jiuye.selfcheck.questionnaire import State, display_value

from policies.loader import policy

ORDER = {"eligible": 0, "undetermined": 1, "ineligible": 2}


@dataclass(frozen=True)
class AnswerRow:
    name: str
    label: str
    text: str
    shown: str


def yuan(fen: int) -> str:
    """Yuan for people: ``5000元``, ``1234.50元``."""
    text = fen_to_yuan(fen)
    return f"{text.removesuffix('.00')}元"


def amount_shown(result: RuleResult) -> str:
    """The amount line of a measure ("" when there is nothing to say)."""
    pkg = package()
    if result.status == "ineligible":
        return ""
    if result.status == "undetermined":
        return ""
    if result.amount_fen is not None:
        return yuan(result.amount_fen)
    if result.unset_parameters:
        return "标准待主管部门公布"
    if result.missing_facts:
        labels = "、".join(pkg.facts[n].label for n in result.missing_facts)
        return f"金额还需了解：{labels}"
    return result.amount_text


def result_rows(results: list[RuleResult]) -> list[dict[str, Any]]:
    """Per measure: title, clause, 符合/不符合/还需了解, amount, reasons, failed conditions."""
    pkg = package()
    rows = []
    for r in sorted(results, key=lambda r: ORDER[r.status]):
        reasons = [{"text": x.text, "clause": x.clause, "value": x.value} for x in r.reasons]
        rows.append(
            {
                "rule": r.rule,
                "title": r.title,
                "clause": r.clause,
                "status": r.status,
                "status_label": KIND_LABELS[r.kind][r.status],
                "amount": amount_shown(r),
                "standard": r.amount_text if r.status == "undetermined" else "",
                "fund": r.fund,
                "reasons": reasons,
                "failed": [x for x in reasons if x["value"] is False],
                "missing": [pkg.facts[n].label for n in r.missing_facts],
                "unset": [who_sets(n) for n in r.unset_parameters],
                "change": would_change(r),
            }
        )
    return rows


def answer_rows(state: State) -> list[AnswerRow]:
    """The answers so far, in the order of the package's facts (for the 修改 list)."""
    pkg = package()
    rows = []
    for spec in pkg.facts:
        if spec.name in state.answers:
            text = state.answers[spec.name]
            rows.append(AnswerRow(spec.name, spec.label, text, display_value(spec, text)))
    return rows


def skipped_rows(state: State) -> list[AnswerRow]:
    pkg = package()
    return [AnswerRow(n, pkg.facts[n].label, "", "不清楚") for n in state.skipped]


def would_change(result: RuleResult) -> list[str]:
    """Which conditions would change the answer, in plain words.

    Ineligible: every failed condition; undetermined: every condition still unknown.
    The package's hint where it has one for the condition, else the condition's words.
    """
    if result.status == "eligible":
        return []
    wanted = False if result.status == "ineligible" else None
    questionnaire = policy().questionnaire
    lines = []
    for reason in result.reasons:
        if reason.value is not wanted:
            continue
        hint = questionnaire.hint(result.rule, reason.id)
        if not hint:
            hint = (
                f"满足“{reason.text}”后可申请"
                if wanted is False
                else f"如符合“{reason.text}”，即可申请"
            )
        lines.append(hint)
    return list(dict.fromkeys(lines))


def pointer_rows(state: State) -> list[dict[str, Any]]:
    """Measures to read for the pointer questions answered 是 (e.g. 退役军人 → 三（八）)."""
    pkg_pointers = policy().questionnaire.pointers
    titles = {c.clause: c.title for c in policy().catalogue.clauses}
    return [
        {
            "name": p.name,
            "note": p.note,
            "clauses": [
                {"clause": c, "title": titles.get(c, ""), "slug": slug(c)} for c in p.clauses
            ],
        }
        for p in pkg_pointers
        if state.pointers.get(p.name) == "true"
    ]


def pointer_answer_rows(state: State) -> list[AnswerRow]:
    return [
        AnswerRow(
            p.name,
            p.label,
            state.pointers[p.name],
            "是" if state.pointers[p.name] == "true" else "否",
        )
        for p in policy().questionnaire.pointers
        if p.name in state.pointers
    ]
