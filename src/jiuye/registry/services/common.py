"""Shared pieces of the write services: errors, division lookup, history rows (through
:mod:`jiuye.core.audit`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from django.contrib.auth.models import User
from django.db import models

from jiuye.core import audit, clock
from jiuye.core.errors import JiuyeError
from jiuye.geo.models import Division
from jiuye.geo.selectors import abolished_message, newest_division
from jiuye.identity import mask_credit_code, mask_name, mask_resident_id
from jiuye.registry.models import ChangeLog, Source

# The project uses Django's default user model.
Actor = User | None

# Personal data never enters the history in clear: only the masked form.
SENSITIVE: dict[str, Callable[[str], str]] = {
    "resident_id": mask_resident_id,
    "name": mask_name,
}
# Read from the identity number, which the history keeps masked: applied, never logged.
UNLOGGED = frozenset({"sex", "birth_date"})
# Employer names and credit codes are public (企业信用信息公示), but masked codes keep
# exports of the history uniform.
EMPLOYER_SENSITIVE: dict[str, Callable[[str], str]] = {"credit_code": mask_credit_code}


class RegistryCode(StrEnum):
    """Why a registry service refuses its input (an identity number's own codes, see
    :class:`~jiuye.identity.errors.IdentityCode`, pass through with the field)."""

    ABOLISHED_DIVISION = "abolished_division"
    UNKNOWN_DIVISION = "unknown_division"
    INVALID_PERIOD = "invalid_period"
    INVALID_SOURCE = "invalid_source"
    REQUIRED = "required"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_RECORD = "unknown_record"


class RegistryError(JiuyeError, ValueError):
    """Bad input to a registry service: machine code, field, Chinese and English message.

    >>> error = RegistryError("required", "name", "必填", "required")
    >>> str(error), error.http_status
    ('name: 必填 / required', 422)
    >>> error.as_dict()
    {'code': 'required', 'message': '必填', 'extra': {'field': 'name'}}
    """

    http_status: ClassVar[int] = 422

    def __init__(self, code: str, field: str, message_zh: str, message_en: str) -> None:
        super().__init__(code, message_zh, extra={"field": field})
        self.args = (f"{field}: {message_zh} / {message_en}",)
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en


def resolve_division(
    value: Division | str | None, field: str = "division", on: date | None = None
) -> Division:
    """A Division, or the newest vintage of a division code still in force on ``on``
    (default today: a record dated before a code's abolition may still name it)."""
    if isinstance(value, Division):
        return value
    found = newest_division(str(value)) if value else None
    if found is not None:
        abolished = abolished_message(found.valid_to, on or clock.today())
        if abolished is not None:
            raise RegistryError(
                "abolished_division", field, abolished, "the division code has been abolished"
            )
        return found
    raise RegistryError("unknown_division", field, "行政区划代码不存在", "unknown division code")


def check_source(source: str) -> str:
    if source not in Source.values:
        raise RegistryError("invalid_source", "source", "数据来源不正确", "unknown source")
    return source


def json_value(value: object) -> object:
    """A value as stored in the history's JSON (:func:`jiuye.core.audit.jsonable`)."""
    return audit.jsonable(value)


def logged(
    field: str, value: object, sensitive: Mapping[str, Callable[[str], str]] = SENSITIVE
) -> object:
    if value is not None and field in sensitive:
        return sensitive[field](str(value))
    return json_value(value)


def field_changes(
    instance: models.Model,
    data: Mapping[str, Any],
    *,
    creating: bool,
    sensitive: Mapping[str, Callable[[str], str]] = SENSITIVE,
) -> dict[str, object]:
    """Apply ``data`` to ``instance`` and return what the history keeps of it: the values
    given when creating, ``{field: {"old", "new"}}`` of what changed otherwise. Sex and
    birth date (read from the identity number, kept masked) are applied, never logged."""
    changes: dict[str, object] = {}
    for field, new in data.items():
        old = None if creating else getattr(instance, field)
        if not creating and old == new:
            continue
        setattr(instance, field, new)
        if field in UNLOGGED:
            continue
        changes[field] = (
            logged(field, new, sensitive)
            if creating
            else {"old": logged(field, old, sensitive), "new": logged(field, new, sensitive)}
        )
    return changes


def log_change(
    *,
    entity: str,
    object_id: int,
    action: str,
    source: str,
    actor: Actor,
    changes: Mapping[str, object],
) -> ChangeLog:
    """The registry services' history row: :func:`jiuye.core.audit.record`."""
    return audit.record(
        actor=actor,
        action=action,
        entity=entity,
        object_id=object_id,
        changes=changes,
        source=source,
    )


def pick(data: Mapping[str, Any], allowed: frozenset[str], entity: str) -> dict[str, Any]:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RegistryError("unknown_field", unknown[0], f"{entity}没有该字段", "unknown field")
    return dict(data)
