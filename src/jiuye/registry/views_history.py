"""The change history shown on a detail page: who changed what, when, from which source.

Reads :class:`~jiuye.registry.models.ChangeLog` through ``ChangeLog.objects.of`` (a
record's own rows and the roster-import runs that created it). The history holds
identity numbers and names only masked; values of sensitive fields and records
(disability, difficulty certifications, household statuses, benefits) read 已隐藏 for
a viewer without the right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from jiuye.registry import models as m
from jiuye.registry.services.entities import PERSON_RECORDS
from jiuye.registry.views_listing import HIDDEN
from jiuye.staff.access import Viewer

SHOWN = 50
ENTITY_MODELS: dict[str, type[models.Model]] = {
    "person": m.Person,
    "household": m.Household,
    "employer": m.Employer,
}
ACTIONS = {"create": "新建", "update": "修改", "add": "新增记录", "member": "家庭成员"}
# child records named in a history row, beyond the person's records
RECORD_MODELS: dict[str, type[models.Model]] = {
    **PERSON_RECORDS,
    "member": m.HouseholdMember,
    "status": m.HouseholdStatus,
    "year": m.EmployerYear,
}
SENSITIVE_FIELDS = frozenset({"is_disabled"})
SENSITIVE_RECORDS = frozenset({"difficulty_certification", "status", "benefit"})
VALUE_TEXT = {True: "是", False: "否", None: "空"}


@dataclass(frozen=True)
class Entry:
    at: Any
    actor: str
    source: str
    action: str
    lines: tuple[str, ...]


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is not None:
        for field in model._meta.get_fields():
            if field.name == name or getattr(field, "attname", None) == name:
                return field
    return None


def _label(model: type[models.Model] | None, name: str) -> str:
    field = _field(model, name)
    return str(getattr(field, "verbose_name", name)) if field is not None else name


def _value(value: object, model: type[models.Model] | None = None, name: str = "") -> str:
    """A logged value as text: 是/否/空, a choice by its label, else as logged."""
    if isinstance(value, bool) or value is None:
        return VALUE_TEXT[value]
    choices = getattr(_field(model, name), "flatchoices", None) if name else None
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


def _pair(value: object, model: type[models.Model] | None = None, name: str = "") -> str:
    if isinstance(value, dict) and set(value) == {"old", "new"}:
        return f"{_value(value['old'], model, name)} → {_value(value['new'], model, name)}"
    return _value(value, model, name)


def _record_title(name: str) -> str:
    model = RECORD_MODELS.get(name)
    if model is None and name.startswith("year_"):
        return f"{name[5:]}年度数据"
    return str(model._meta.verbose_name) if model is not None else name


def _record_items(record: type[models.Model], change: object) -> list[tuple[str, str]]:
    """A child record's fields as text, in the model's field order (PostgreSQL's jsonb
    keeps keys in its own order): ``{"old": {...}, "new": {...}}`` or its values."""
    order = {f.name: i for i, f in enumerate(record._meta.get_fields())}
    if (
        isinstance(change, dict)
        and set(change) == {"old", "new"}
        and all(isinstance(v, dict | None) for v in change.values())
    ):
        old, new = change["old"] or {}, change["new"] or {}
        items = [
            (k, f"{_value(old.get(k), record, k)} → {_value(v, record, k)}") for k, v in new.items()
        ]
    elif isinstance(change, dict):
        items = [(k, _pair(v, record, k)) for k, v in change.items()]
    else:
        return [("", _value(change))]
    return sorted(items, key=lambda item: order.get(item[0], len(order)))


def _lines(log: m.ChangeLog, model: type[models.Model], sees: bool) -> tuple[str, ...]:
    changes: dict[str, Any] = log.changes if isinstance(log.changes, dict) else {}
    if log.object_id_last is not None:  # one row for a whole import run
        fields = "、".join(_label(model, f) for f in changes.get("fields", []))
        return (
            f"批量导入“{changes.get('roster', '')}”（文件 {changes.get('file', '')}，"
            f"本批新建 {changes.get('rows', '')} 条），填写了：{fields}",
        )
    lines = []
    for name, change in changes.items():
        hidden = not sees and (name in SENSITIVE_FIELDS or name in SENSITIVE_RECORDS)
        if name in RECORD_MODELS or name.startswith("year_"):
            record = RECORD_MODELS.get(name, m.EmployerYear)
            text = (
                HIDDEN
                if hidden
                else "；".join(
                    f"{_label(record, k)} {v}".strip() for k, v in _record_items(record, change)
                )
            )
            lines.append(f"{_record_title(name)}：{text}")
        else:
            shown = HIDDEN if hidden else _pair(change, model, name)
            lines.append(f"{_label(model, name)}：{shown}")
    return tuple(lines)


def history(entity: str, object_id: int, viewer: Viewer) -> list[Entry]:
    """The newest :data:`SHOWN` history rows of one record, as lines of Chinese text."""
    model = ENTITY_MODELS[entity]
    logs = (
        m.ChangeLog.objects.of(entity, object_id)
        .select_related("actor")
        .order_by("-at", "-id")[:SHOWN]
    )
    sources = dict(m.Source.choices)
    return [
        Entry(
            at=log.at,
            actor=log.actor.get_username() if log.actor else "系统",
            source=str(sources.get(log.source, log.source)),
            action=ACTIONS.get(log.action, log.action),
            lines=_lines(log, model, viewer.sees_sensitive),
        )
        for log in logs
    ]
