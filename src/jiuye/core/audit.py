"""Audit of writes: the one way every service records who did what to which record.

``record`` writes one :class:`~jiuye.core.models.ChangeLog` row (who, what action, which
record, what changed, when, from which source); ``record_many`` writes many in one bulk
insert; ``record_runs`` logs a bulk creation as one row per run of consecutive new ids;
``record_frames`` takes history rows already built as Polars frames (the roster import:
computed set-based, written with the import's own COPY writer, at its speed). Each runs
inside the caller's transaction (outside one it refuses: a history row must never
outlive a write rolled back, nor a write its history), and ``after_commit`` runs a side
effect (a notification, a cache refresh) only once the write is committed, never for a
write rolled back.

What ``changes`` holds is the caller's: ``{field: {"old": ..., "new": ...}}`` for an
update, the values given for a creation; personal values only masked (see
:mod:`jiuye.identity.masking`). :func:`diff` builds the update form from two mappings.

Every call also appends one row to the security audit trail (:mod:`jiuye.core.trail`),
in the same transaction: event ``write.<action>`` (``write.bulk`` for a bulk call of
several actions), object ``entity:id`` (``entity:first-last`` for a bulk call), and a
detail summarising the history rows written, with their digest
(:mod:`jiuye.core.audit_trail`). A bulk call is one trail row whatever its size; a call
that writes no history row appends none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction

from jiuye.core import audit_trail, clock, trail
from jiuye.core.models import ChangeLog, Source

__all__ = [
    "COLUMNS",
    "Entry",
    "after_commit",
    "diff",
    "record",
    "record_frames",
    "record_many",
    "record_runs",
    "runs",
]

#: The columns of a history row, as :func:`record_frames` expects them.
COLUMNS = ("entity", "object_id", "object_id_last", "action", "changes", "source", "actor_id", "at")
BATCH_SIZE = 1000
#: The first key of the advisory lock a bulk history writer takes (PostgreSQL).
FRAMES_LOCK = 7301

AnyActor = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class Entry:
    """One history row of a bulk write (actor, source and time are the write's)."""

    entity: str
    object_id: int
    action: str
    changes: Mapping[str, Any] = field(default_factory=dict)
    object_id_last: int | None = None


class FrameWriter(Protocol):
    def __call__(self, table: str, frames: Any, /) -> Any: ...


def _in_write(what: str) -> None:
    if not connection.in_atomic_block:
        raise RuntimeError(f"{what} must run inside the write's transaction (transaction.atomic)")


def _source(source: str) -> str:
    if source not in Source.values:
        raise ValueError(f"unknown history source {source!r}")
    return str(source)


def _actor_id(actor: AnyActor) -> int | None:
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.pk is None:
        return None
    return int(actor.pk)


def jsonable(value: object) -> object:
    """A value as the history's JSON keeps it (dates ISO, records by code or id)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if hasattr(value, "_meta") and hasattr(value, "pk"):
        return getattr(value, "code", None) or value.pk
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{field: {"old", "new"}}`` of the fields whose value differs (new fields: old None).

    >>> diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": "x"})
    {'b': {'old': 2, 'new': 3}, 'c': {'old': None, 'new': 'x'}}
    """
    return {
        name: {"old": jsonable(before.get(name)), "new": jsonable(value)}
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    *,
    actor: AnyActor,
    action: str,
    entity: str,
    object_id: int,
    changes: Mapping[str, Any],
    source: str,
    object_id_last: int | None = None,
    at: datetime | None = None,
) -> ChangeLog:
    """Record one write: ``actor`` did ``action`` to ``entity`` ``object_id`` from
    ``source``, changing ``changes``; inside the write's transaction."""
    _in_write("audit.record")
    row = ChangeLog.objects.create(
        entity=entity,
        object_id=object_id,
        object_id_last=object_id_last,
        action=action,
        source=_source(source),
        actor_id=_actor_id(actor),
        changes=dict(changes),
        at=at or clock.now(),
    )
    _trail(actor, row.source, row.actor_id, row.at, [row.pk])
    return row


def record_many(
    entries: Iterable[Entry],
    *,
    actor: AnyActor,
    source: str,
    at: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Record many writes of one actor and source in bulk inserts; returns the count."""
    _in_write("audit.record_many")
    stamp, who, where = at or clock.now(), _actor_id(actor), _source(source)
    rows = [
        ChangeLog(
            entity=e.entity,
            object_id=e.object_id,
            object_id_last=e.object_id_last,
            action=e.action,
            changes=dict(e.changes),
            source=where,
            actor_id=who,
            at=stamp,
        )
        for e in entries
    ]
    before = audit_trail.written_since() if rows else 0
    ChangeLog.objects.bulk_create(rows, batch_size=batch_size)
    if rows:
        ids = [row.pk for row in rows]
        if None in ids:  # a backend that does not return ids from a bulk insert
            _trail_since(before, where, actor)
        else:
            _trail(actor, where, who, stamp, ids)
    return len(rows)


def runs(ids: Iterable[int]) -> list[tuple[int, int, int]]:
    """Runs of consecutive ids: (first, last, count), ascending.

    >>> runs([5, 3, 4, 9, 10, 12])
    [(3, 5, 3), (9, 10, 2), (12, 12, 1)]
    """
    found: list[tuple[int, int, int]] = []
    for value in sorted(ids):
        if found and value == found[-1][1] + 1:
            first, _, count = found[-1]
            found[-1] = (first, value, count + 1)
        else:
            found.append((value, value, 1))
    return found


def record_runs(
    *,
    actor: AnyActor,
    entity: str,
    ids: Sequence[int],
    source: str,
    changes: Mapping[str, Any],
    action: str = "create",
    at: datetime | None = None,
) -> int:
    """A bulk creation as one event: one row per run of consecutive ``ids``
    (``object_id`` .. ``object_id_last``), ``changes`` plus the run's ``rows``."""
    return record_many(
        (
            Entry(entity, first, action, {**changes, "rows": count}, last)
            for first, last, count in runs(ids)
        ),
        actor=actor,
        source=source,
        at=at,
    )


def record_frames(frames: Any, *, write: FrameWriter, source: str) -> Any:
    """Write history rows built set-based (frames of :data:`COLUMNS`, ``changes`` as JSON
    text) with ``write(table, frames)``, the caller's bulk writer (the roster import's
    COPY); ``source`` is checked here, inside the write's transaction."""
    _in_write("audit.record_frames")
    where = _source(source)
    if connection.vendor == "postgresql":
        # one bulk writer of a source at a time: the rows after ``before`` are its own
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [FRAMES_LOCK, where])
    before = audit_trail.written_since()
    written = write(ChangeLog._meta.db_table, frames)
    _trail_since(before, where, None)
    return written


def _trail(
    actor: AnyActor, source: str, actor_id: int | None, at: datetime, ids: list[int]
) -> None:
    """Append the trail row of a call that wrote the history rows ``ids``."""
    summary = audit_trail.summarise(
        first=min(ids),
        last=max(ids),
        source=source,
        actor_id=actor_id,
        stamp=at,
        algorithm=trail.algorithm(),
        only=ids if len(ids) > 1 else None,
    )
    if summary is not None:
        _append(summary, actor)


def _trail_since(before: int, source: str, actor: AnyActor) -> None:
    """Append the trail row of a bulk write of ``source`` after history id ``before``."""
    summary = audit_trail.summarise_since(before, source=source, algorithm=trail.algorithm())
    if summary is not None:
        _append(summary, actor)


def _append(summary: audit_trail.Summary, actor: AnyActor) -> None:
    entity = "+".join(summary.entities)
    low, high = summary.objects
    action = summary.actions[0] if len(summary.actions) == 1 else "bulk"
    trail.append(
        f"write.{action}",
        actor=actor,
        actor_id=summary.actor_id,
        object=f"{entity}:{low}" if low == high else f"{entity}:{low}-{high}",
        detail=audit_trail.detail_of(summary),
    )


def after_commit(effect: Callable[[], object]) -> None:
    """Run ``effect`` once the current write is committed (never if it rolls back)."""
    transaction.on_commit(effect)
