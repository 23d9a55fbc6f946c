"""Evaluation as a service: the one place the CLI and the JSON API turn case JSON into
result JSON, so both return exactly the same thing (DESIGN.md, "Contracts").

Framework-free: no Django import.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from jiuye.rules import CaseError, PolicyPackage
from jiuye.rules.model import KIND_LABELS

__all__ = [
    "evaluate_json",
    "facts_schema",
    "load_json",
    "package",
    "package_info",
    "package_summary",
    "parameters_json",
    "parse_as_of",
    "rules_json",
    "who_sets",
]


def package() -> PolicyPackage:
    """The engine package in force (``policies.loader.policy().engine``)."""
    from policies.loader import policy

    return policy().engine


def package_info() -> dict[str, Any]:
    """The engine package in force and every package it is composed of, highest first."""
    from policies.loader import policy

    current = policy()
    pkg = current.engine
    return {
        "name": pkg.name,
        "title": pkg.title,
        "in_force": pkg.in_force.isoformat(),
        "rules": len(pkg.rules),
        "parameters": len(pkg.parameters),
        "packages": [
            {"name": p.name, "title": p.title, "precedence": p.precedence} for p in current.packages
        ],
    }


def package_summary() -> str:
    """Load and check the policy package (setup fails loudly on a broken YAML file)."""
    pkg = package()
    unset = sum(1 for p in pkg.parameters.values() if p.value_at(date.max) is None)
    return (
        f"{len(pkg.rules)} 条规则，{len(pkg.parameters)} 个参数"
        f"（其中 {unset} 个待主管部门设定），自 {pkg.in_force.isoformat()} 起施行"
    )


def load_json(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CaseError(
            "invalid_json", "body", "不是有效的 JSON", f"not valid JSON: {exc}"
        ) from exc


def parse_as_of(text: str | None, field: str = "as_of") -> date | None:
    if text is None or text == "":
        return None
    try:
        when = date.fromisoformat(text)
    except ValueError as exc:
        raise CaseError(
            "invalid_date", field, "不是有效日期，格式 YYYY-MM-DD", "not a real date YYYY-MM-DD"
        ) from exc
    return package().check_as_of(when, field)


def evaluate_json(
    payload: Any, *, as_of: date | None = None, rule_ids: Sequence[str] | None = None
) -> dict[str, Any]:
    """Case JSON in, result JSON out; raises ``CaseError`` for bad input."""
    pkg = package()
    case = pkg.parse_case(payload, as_of=as_of)
    results = pkg.evaluate(case, rule_ids or None)
    return {
        "package": pkg.name,
        "entity": case.entity,
        "as_of": case.as_of.isoformat(),
        "results": [pkg.result_json(r) for r in results],
    }


def rules_json() -> list[dict[str, Any]]:
    pkg = package()
    out = []
    for rule in pkg.rules.values():
        out.append(
            {
                "id": rule.id,
                "title": rule.title,
                "entity": rule.entity,
                "clause": rule.clause,
                "kind": rule.kind,
                "status_labels": KIND_LABELS[rule.kind],
                "fund": rule.fund,
                "payer": rule.payer,
                "payee": rule.payee,
                "once": rule.once,
                "amount_text": rule.amount_text,
                "conditions": [
                    {
                        "id": c.id,
                        "text": c.text,
                        "clause": c.clause,
                        "facts": sorted(c.expr.facts()),
                        "parameters": sorted(c.expr.params()),
                    }
                    for c in rule.all_conditions()
                ],
                "facts": list(rule.fact_names()),
                "parameters": list(rule.param_names()),
                "readings": list(rule.readings),
                "national_basis": list(rule.national_basis),
            }
        )
    return out


def parameters_json(as_of: date | None = None) -> list[dict[str, Any]]:
    pkg = package()
    out = []
    for p in pkg.parameters.values():
        current = p.at(as_of) if as_of else None
        out.append(
            {
                "name": p.name,
                "description": p.description,
                "unit": p.unit,
                "clause": p.clause,
                "set_by": p.set_by,
                "note": p.note,
                "value_at_as_of": None if current is None else _json_value(current.value),
                "values": [
                    {
                        "from": v.start.isoformat(),
                        "value": _json_value(v.value),
                        "source": v.source,
                        "note": v.note,
                    }
                    for v in p.values
                ],
            }
        )
    return out


def who_sets(name: str) -> str:
    """What an unset parameter a result names is, and who must set it (in Chinese).

    >>> who_sets("startup_subsidy.amount_fen")
    '一次性初创企业补贴标准：已设定'
    >>> who_sets("calendar.2031").startswith("2031年的国务院办公厅节假日安排尚未录入")
    True
    """
    if name.startswith("calendar."):
        year = name.removeprefix("calendar.")
        return (
            f"{year}年的国务院办公厅节假日安排尚未录入：由系统管理员按当年通知（文号）"
            "补录到 policies/calendars/state_council_holidays.yaml，期限的计算才能确定"
        )
    parameter = package().parameters.get(name)
    if parameter is None:
        return f"{name}：尚未设定"
    if parameter.value_at(date.max) is not None:
        return f"{parameter.description}：已设定"
    who = parameter.set_by or "主管部门"
    return f"{parameter.description}：尚未设定，须由{who}按文件（带文号）设定"


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def facts_schema() -> dict[str, Any]:
    return package().facts.json_schema()
