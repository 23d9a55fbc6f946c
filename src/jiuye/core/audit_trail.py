"""The trail rows of the change history: every call of :mod:`jiuye.core.audit` appends
one row to the security audit trail (:mod:`jiuye.core.trail`) summarising the
``ChangeLog`` rows it wrote, so that a bulk write (a roster import of a million rows)
costs one trail row, not a million.

The summary (the trail row's ``detail``): ``source``, ``rows`` (how many), ``changelog``
(the first and last ChangeLog id), ``stamp`` (the rows' time, UTC), ``entities``,
``actions``, ``objects`` (the lowest and highest record id they concern) and ``digest``:
``H(d₁ ‖ d₂ ‖ …)`` with the trail row's algorithm over the SHA-256 of each row, in id
order, of the line ``id, entity, object_id, object_id_last, action, source, actor_id,
at (UTC), changes`` joined by tabs (null as empty; ``changes`` as the database returns
its text: PostgreSQL's jsonb output, SQLite's stored JSON). The rows are found again by
id range, source, actor and time (:func:`summarise`), so ``jiuye audit verify --changes``
recomputes every digest from the table: a history row changed, added or removed since
is named.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection

from jiuye.core import chain
from jiuye.core.models import ChangeLog

__all__ = ["Summary", "detail_of", "summarise", "summarise_since", "written_since"]

CHUNK = 20_000
TABLE = ChangeLog._meta.db_table
#: PostgreSQL computes each row's line digest itself (one value per row on the wire).
PG_LINE = (
    "sha256(convert_to(concat_ws(E'\\t', id::text, entity, object_id::text, "
    "coalesce(object_id_last::text, ''), action, source, coalesce(actor_id::text, ''), "
    "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), changes::text), "
    "'UTF8'))"
)


@dataclass(frozen=True)
class Summary:
    """What one call wrote to the change history."""

    source: str
    actor_id: int | None
    stamp: datetime
    rows: int
    first_id: int
    last_id: int
    entities: tuple[str, ...]
    actions: tuple[str, ...]
    objects: tuple[int, int]
    digest: str


def detail_of(summary: Summary) -> dict[str, Any]:
    """The trail row's detail for a summary."""
    return {
        "source": summary.source,
        "rows": summary.rows,
        "changelog": [summary.first_id, summary.last_id],
        "stamp": chain.utc_text(summary.stamp),
        "entities": list(summary.entities),
        "actions": list(summary.actions),
        "objects": list(summary.objects),
        "digest": summary.digest,
    }


def written_since() -> int:
    """The highest ChangeLog id now (the rows a bulk writer adds come after it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {TABLE}")  # noqa: S608
        return int(cursor.fetchone()[0])


def summarise_since(before: int, *, source: str, algorithm: str) -> Summary | None:
    """The rows of ``source`` written after id ``before`` by the current transaction's
    bulk writer (one actor and one time: of several groups the largest, the others being
    another writer's, summarised by that writer)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT actor_id, at, COUNT(*), MIN(id), MAX(id) FROM {TABLE} "  # noqa: S608
            "WHERE id > %s AND source = %s GROUP BY actor_id, at ORDER BY COUNT(*) DESC",
            [before, source],
        )
        group = cursor.fetchone()
    if group is None:
        return None
    actor_id, stamp, _, first, last = group
    return summarise(
        first=int(first),
        last=int(last),
        source=source,
        actor_id=actor_id,
        stamp=_moment(stamp),
        algorithm=algorithm,
    )


def summarise(
    *,
    first: int,
    last: int,
    source: str,
    actor_id: int | None,
    stamp: datetime,
    algorithm: str,
    only: Sequence[int] | None = None,
) -> Summary | None:
    """The rows with ids ``first``..``last`` of one source, actor and time (``only``:
    just those ids), summarised; None if there are none."""
    wanted = set(only) if only is not None else None
    hasher = hashlib.new(algorithm)
    count, entities, actions = 0, set(), set()
    low, high, first_id, last_id = None, None, 0, 0
    for row_id, entity, object_id, object_id_last, action, line in _rows(
        first, last, source, actor_id, stamp
    ):
        if wanted is not None and row_id not in wanted:
            continue
        hasher.update(line)
        count += 1
        first_id = first_id or row_id
        last_id = row_id
        entities.add(entity)
        actions.add(action)
        top = object_id_last if object_id_last is not None else object_id
        low = object_id if low is None else min(low, object_id)
        high = top if high is None else max(high, top)
    if count == 0 or low is None or high is None:
        return None
    return Summary(
        source=source,
        actor_id=actor_id,
        stamp=stamp,
        rows=count,
        first_id=first_id,
        last_id=last_id,
        entities=tuple(sorted(entities)),
        actions=tuple(sorted(actions)),
        objects=(int(low), int(high)),
        digest=hasher.hexdigest(),
    )


def _rows(
    first: int, last: int, source: str, actor_id: int | None, stamp: datetime
) -> Iterator[tuple[int, str, int, int | None, str, bytes]]:
    """(id, entity, object_id, object_id_last, action, line digest), in id order, a
    chunk at a time."""
    postgres = connection.vendor == "postgresql"
    who = "actor_id IS NULL" if actor_id is None else "actor_id = %s"
    columns = (
        f"id, entity, object_id, object_id_last, action, {PG_LINE}"
        if postgres
        else "id, entity, object_id, object_id_last, action, source, actor_id, at, changes"
    )
    query = (
        f"SELECT {columns} FROM {TABLE} WHERE id > %s AND id <= %s "  # noqa: S608
        f"AND source = %s AND {who} AND at = %s ORDER BY id LIMIT {CHUNK}"
    )
    at = stamp if postgres else connection.ops.adapt_datetimefield_value(stamp)
    after = first - 1
    with connection.cursor() as cursor:
        while True:
            params: list[Any] = [after, last, source]
            if actor_id is not None:
                params.append(actor_id)
            cursor.execute(query, [*params, at])
            chunk = cursor.fetchall()
            for row in chunk:
                line = bytes(row[5]) if postgres else _line(row)
                yield int(row[0]), str(row[1]), int(row[2]), row[3], str(row[4]), line
            if len(chunk) < CHUNK:
                return
            after = int(chunk[-1][0])


def _line(row: Sequence[Any]) -> bytes:
    """SQLite: the SHA-256 of a row's line, as PostgreSQL computes it in SQL."""
    row_id, entity, object_id, object_id_last, action, source, actor_id, at, changes = row
    fields = (
        str(row_id),
        entity,
        str(object_id),
        "" if object_id_last is None else str(object_id_last),
        action,
        source,
        "" if actor_id is None else str(actor_id),
        chain.utc_text(_moment(at)),
        str(changes),
    )
    return hashlib.sha256("\t".join(fields).encode("utf-8")).digest()


def _moment(value: datetime | str) -> datetime:
    """A time as a raw query returns it (SQLite: Django's UTC text), aware."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
