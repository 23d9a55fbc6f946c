"""Case JSON into a ``Case``: every field checked, each error naming the field.

The one entry for untrusted input to the engine (the API, the CLI, saved self-checks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from jiuye.rules.errors import CaseError
from jiuye.rules.facts import ENTITIES, Value
from jiuye.rules.model import received_fact

if TYPE_CHECKING:
    from jiuye.rules.engine import PolicyPackage

__all__ = ["Case", "parse_case"]


@dataclass(frozen=True)
class Case:
    entity: str
    as_of: date
    facts: Mapping[str, Value]


def parse_case(pkg: PolicyPackage, payload: Any, *, as_of: date | None = None) -> Case:
    """Validate case JSON into a ``Case``; raise ``CaseError`` naming the bad field."""
    if not isinstance(payload, Mapping):
        raise CaseError("invalid_case", "case", "案例应为 JSON 对象", "a case is a JSON object")
    extra = set(payload) - {"entity", "as_of", "facts", "receipts"}
    if extra:
        name = sorted(extra)[0]
        raise CaseError("unknown_field", name, "未知的字段", "unknown field")
    entity = payload.get("entity")
    # an object or a list here is refused, never hashed (found by fuzzing: was a TypeError)
    if not isinstance(entity, str) or entity not in ENTITIES:
        raise CaseError(
            "invalid_entity",
            "entity",
            f"对象类型应为：{'、'.join(ENTITIES)}",
            f"entity must be one of {', '.join(ENTITIES)}",
        )
    when = as_of
    if when is None:
        raw = payload.get("as_of")
        if raw is None:
            raise CaseError("missing_as_of", "as_of", "缺少测评日期", "the as-of date is missing")
        if not isinstance(raw, str):
            raise CaseError(
                "invalid_type", "as_of", "日期格式应为 YYYY-MM-DD", "must be a date YYYY-MM-DD"
            )
        try:
            when = date.fromisoformat(raw)
        except ValueError as exc:
            raise CaseError(
                "invalid_date",
                "as_of",
                "不是有效日期，格式 YYYY-MM-DD",
                "not a real date YYYY-MM-DD",
            ) from exc
    pkg.check_as_of(when)
    raw_facts = payload.get("facts", {})
    if not isinstance(raw_facts, Mapping):
        raise CaseError("invalid_type", "facts", "facts 应为对象", "facts must be an object")
    facts: dict[str, Value] = {}
    for name, raw_value in raw_facts.items():
        if name not in pkg.facts:
            raise CaseError("unknown_fact", f"facts.{name}", "未知的事实项", "unknown fact")
        spec = pkg.facts[name]
        if spec.entity != entity:
            raise CaseError(
                "fact_entity_mismatch",
                f"facts.{name}",
                f"该事实项属于“{ENTITIES[spec.entity]}”，不属于本案例的对象类型",
                f"this fact belongs to entity {spec.entity}",
            )
        facts[name] = spec.coerce(raw_value)
    if "receipts" in payload:
        _apply_receipts(pkg, payload["receipts"], entity, facts)
    return Case(entity, when, facts)


def _apply_receipts(
    pkg: PolicyPackage, receipts: Any, entity: str, facts: dict[str, Value]
) -> None:
    if not isinstance(receipts, list):
        raise CaseError(
            "invalid_type", "receipts", "receipts 应为数组", "receipts must be an array"
        )
    received: set[str] = set()
    for i, item in enumerate(receipts):
        rule_id = item.get("rule") if isinstance(item, Mapping) else None
        # Anything but a known rule id (a number, an object) is refused, never hashed.
        if not isinstance(rule_id, str) or rule_id not in pkg.rules:
            raise CaseError("unknown_rule", f"receipts[{i}].rule", "未知的规则", "unknown rule")
        received.add(rule_id)
    # An explicit record of receipts is complete: what it does not list was not received.
    for rule in pkg.rules.values():
        if rule.once and rule.entity == entity:
            name = received_fact(rule.id)
            facts[name] = rule.id in received or facts.get(name) is True
