"""The one compare-and-swap of a row's state: ``UPDATE … WHERE state = expected AND
version = expected`` changing exactly one row, then the Python object follows.

Casework's cases, payments' items and batches move this way; each caller raises its
own Chinese conflict when :func:`swap` answers False (someone else moved the row)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F


def swap(row: models.Model, to: str, **fields: Any) -> bool:
    """Move ``row`` (with ``state`` and ``version`` fields) to state ``to``, setting
    ``fields``; False, and nothing written, if the row is no longer as read."""
    current: Any = row
    changed = (
        type(row)
        ._default_manager.filter(pk=row.pk, state=current.state, version=current.version)
        .update(state=to, version=F("version") + 1, **fields)
    )
    if changed != 1:
        return False
    current.state, current.version = to, current.version + 1
    for name, value in fields.items():
        setattr(row, name, value)
    return True
