"""Facts: the typed, labelled inputs a case may carry, and their JSON Schema.

A fact has one entity (person, employer, household, organization, region), a type and a
Chinese label. Values are coerced from JSON into engine values:

- ``bool`` → bool; ``int`` → non-negative int; ``money`` → int fen from a yuan string;
- ``date`` → ``datetime.date`` from ISO text; ``percent`` → int in 1/10000 from "3.46";
- ``enum`` → one of the listed codes; ``code`` → text matching a pattern or validator.

>>> spec = FactSpec("ui_contribution_months", "int", "person", "累计缴纳失业保险费月数")
>>> spec.coerce(36)
36
>>> FactSpec("rate", "percent", "employer", "失业率").coerce("3.46")
346
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import polars as pl

from jiuye.rules.errors import CaseError
from jiuye.rules.money import fen_to_yuan, yuan_to_fen

__all__ = ["ENTITIES", "FactSchema", "FactSpec", "FactType", "Value"]

FactType = Literal["bool", "int", "money", "date", "percent", "enum", "code"]
Value = bool | int | str | date | None

ENTITIES: dict[str, str] = {
    "person": "个人",
    "employer": "用人单位",
    "household": "家庭",
    "organization": "机构（孵化基地、培训基地、人力资源服务机构等）",
    "region": "地区（县、市）",
}

#: Bounds that keep every rule's integer arithmetic far inside Int64 on the batch path
#: (e.g. premiums × 50, layoffs × 10000): counts up to 2^31 − 1, money up to 10^10 yuan.
MAX_INT = 2**31 - 1
MAX_FEN = 10**12

_POLARS_TYPES: dict[str, pl.DataType] = {
    "bool": pl.Boolean(),
    "int": pl.Int64(),
    "money": pl.Int64(),
    "date": pl.Date(),
    "percent": pl.Int64(),
    "enum": pl.String(),
    "code": pl.String(),
}


@dataclass(frozen=True)
class FactSpec:
    """One fact: name, type, entity, Chinese label, and for enums their labelled codes."""

    name: str
    type: FactType
    entity: str
    label: str
    description: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)
    validator: Callable[[str], str] | None = None
    derived_from: tuple[str, ...] = ()

    @property
    def dtype(self) -> pl.DataType:
        return _POLARS_TYPES[self.type]

    def coerce(self, raw: Any, *, where: str | None = None) -> Value:
        """Turn a JSON value into the engine's value, or raise ``CaseError`` naming the field."""
        at = where or f"facts.{self.name}"
        if raw is None:
            return None
        kind = self.type
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            raise _type_error(at, "应为是/否（true 或 false）", "must be true or false")
        if kind == "int":
            if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= MAX_INT:
                return raw
            raise _type_error(
                at, f"应为不超过{MAX_INT}的非负整数", f"must be an integer from 0 to {MAX_INT}"
            )
        if kind == "money":
            if isinstance(raw, str) or (isinstance(raw, int) and not isinstance(raw, bool)):
                try:
                    fen = yuan_to_fen(raw)
                except ValueError:
                    pass
                else:
                    if 0 <= fen <= MAX_FEN:
                        return fen
            raise _type_error(
                at,
                '应为以元为单位、最多两位小数、不超过一百亿元的非负金额，如 "5000.00"',
                "must be a non-negative amount of yuan with at most two decimals, "
                "at most 10,000,000,000",
            )
        if kind == "date":
            if isinstance(raw, str):
                try:
                    return date.fromisoformat(raw)
                except ValueError:
                    pass
            raise _type_error(at, "应为有效日期，格式 YYYY-MM-DD", "must be a real date YYYY-MM-DD")
        if kind == "percent":
            if isinstance(raw, (str, int)) and not isinstance(raw, bool):
                try:
                    value = Decimal(str(raw)) * 100
                except InvalidOperation:
                    value = Decimal(-1)
                if value.is_finite() and 0 <= value <= 10000 and value == value.to_integral_value():
                    return int(value)
            raise _type_error(
                at,
                '应为0至100之间的百分数（最多两位小数），如 "3.46" 表示 3.46%',
                'must be a percentage with at most two decimals, e.g. "3.46"',
            )
        if kind == "enum":
            if isinstance(raw, str) and raw in self.choices:
                return raw
            allowed = "、".join(f"{k}（{v}）" for k, v in self.choices.items())
            raise _type_error(at, f"取值应为：{allowed}", f"must be one of {sorted(self.choices)}")
        if not isinstance(raw, str):
            raise _type_error(at, "应为文本", "must be a string")
        if self.validator is not None:
            try:
                return self.validator(raw)
            except ValueError as exc:
                zh = getattr(exc, "message_zh", "格式不正确")
                en = getattr(exc, "message_en", str(exc))
                raise CaseError("invalid_value", at, str(zh), str(en)) from exc
        return raw

    def to_json(self, value: Value) -> Any:
        """The JSON form of an engine value (inverse of ``coerce``)."""
        if value is None:
            return None
        if self.type == "money":
            assert isinstance(value, int)
            return fen_to_yuan(value)
        if self.type == "percent":
            assert isinstance(value, int)
            whole, frac = divmod(value, 100)
            return f"{whole}.{frac:02d}"
        if self.type == "date":
            assert isinstance(value, date)
            return value.isoformat()
        return value

    def json_schema(self) -> dict[str, Any]:
        base: dict[str, Any] = {"title": self.label, "x-entity": self.entity, "x-type": self.type}
        if self.description:
            base["description"] = self.description
        if self.derived_from:
            base["x-derived-from"] = list(self.derived_from)
        kind = self.type
        if kind == "bool":
            base["type"] = ["boolean", "null"]
        elif kind == "int":
            base.update(type=["integer", "null"], minimum=0, maximum=MAX_INT)
        elif kind == "money":
            base.update(type=["string", "null"], pattern=r"^\d+(\.\d{1,2})?$", **{"x-unit": "元"})
        elif kind == "date":
            base.update(type=["string", "null"], format="date")
        elif kind == "percent":
            base.update(type=["string", "null"], pattern=r"^\d+(\.\d{1,2})?$", **{"x-unit": "%"})
        elif kind == "enum":
            base.update(
                type=["string", "null"],
                enum=[*self.choices, None],
                **{"x-choices": dict(self.choices)},
            )
        else:
            base["type"] = ["string", "null"]
        return base


def _type_error(at: str, zh: str, en: str) -> CaseError:
    return CaseError("invalid_type", at, zh, en)


class FactSchema:
    """All facts of a policy package, by name, with their JSON Schema."""

    def __init__(self, specs: Iterable[FactSpec]) -> None:
        self._specs: dict[str, FactSpec] = {}
        for spec in specs:
            if spec.name in self._specs:
                raise ValueError(f"duplicate fact {spec.name}")
            if spec.entity not in ENTITIES:
                raise ValueError(f"fact {spec.name}: unknown entity {spec.entity}")
            self._specs[spec.name] = spec

    def __getitem__(self, name: str) -> FactSpec:
        return self._specs[name]

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Any:
        return iter(self._specs.values())

    def for_entity(self, entity: str) -> list[FactSpec]:
        return [s for s in self._specs.values() if s.entity == entity]

    def json_schema(self) -> dict[str, Any]:
        """A JSON Schema of a case: entity, as-of date, facts (by entity), receipts."""
        facts = {name: spec.json_schema() for name, spec in self._specs.items()}
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Jiuye case / 就业政策测评案例",
            "type": "object",
            "required": ["entity", "facts"],
            "additionalProperties": False,
            "properties": {
                "entity": {
                    "title": "对象类型",
                    "enum": list(ENTITIES),
                    "x-choices": dict(ENTITIES),
                },
                "as_of": {
                    "title": "测评日期（当日24时的状态）",
                    "type": "string",
                    "format": "date",
                },
                "facts": {
                    "title": "事实",
                    "type": "object",
                    "additionalProperties": False,
                    "properties": facts,
                },
                "receipts": {
                    "title": "已享受的补贴记录",
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["rule"],
                        "properties": {
                            "rule": {"type": "string"},
                            "date": {"type": "string", "format": "date"},
                            "period": {"type": "integer"},
                            "amount_yuan": {"type": "string"},
                        },
                    },
                },
            },
        }
