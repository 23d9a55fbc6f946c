"""Import the valid rows of one roster in one transaction (all of them or none).

After a large import the planner statistics of the tables written are refreshed
(PostgreSQL's advice for bulk loads: "run ANALYZE afterwards"): until autovacuum gets
to it, a table that grew from nothing to a million rows is still planned as empty, and
the first screening of it picks nested loops that take seconds per query.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import polars as pl
from django.db import connection, transaction

from jiuye.registry import models as m
from jiuye.registry.rosters import specs as s
from jiuye.registry.rosters.upsert import Target, existing, target_of, upsert

HOUSEHOLDS = Target(m.Household, ("number",), ("division_id",), "household")
# rows created or changed from which an import refreshes the statistics of its tables
ANALYZE_FROM_ROWS = 10_000


def import_rows(
    roster: s.Roster,
    clean: pl.DataFrame,
    *,
    actor_id: int | None,
    now: datetime,
    filename: str = "",
) -> dict[str, int]:
    """Upsert ``clean`` (validated rows); returns created/updated/unchanged counts."""
    origin = {"roster": roster.title, "file": filename}
    with transaction.atomic():
        if roster.kind == "household":
            counts = _households(roster, clean, actor_id=actor_id, now=now, origin=origin)
        else:
            counts = upsert(target_of(roster), clean, actor_id=actor_id, now=now, origin=origin)
    if counts["created"] + counts["updated"] >= ANALYZE_FROM_ROWS:
        refresh_statistics(roster)
    return counts


def refresh_statistics(roster: s.Roster) -> None:
    """ANALYZE the tables the roster writes (PostgreSQL; SQLite plans without them)."""
    if connection.vendor != "postgresql":
        return
    tables = [roster.model._meta.db_table]
    if roster.kind == "household":
        tables.append(m.Household._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _households(
    roster: s.Roster,
    clean: pl.DataFrame,
    *,
    actor_id: int | None,
    now: datetime,
    origin: Mapping[str, object],
) -> dict[str, int]:
    homes = clean.group_by("household", maintain_order=True).agg(pl.col("division_id").first())
    homes = homes.rename({"household": "number"})
    counts = upsert(HOUSEHOLDS, homes, actor_id=actor_id, now=now, origin=origin)
    ids = existing(HOUSEHOLDS, homes).select("number", household_id="id")
    members = clean.join(ids, left_on="household", right_on="number", how="left")
    member_counts = upsert(target_of(roster), members, actor_id=actor_id, now=now)
    return {
        **member_counts,
        "households_created": counts["created"],
        "households_updated": counts["updated"],
    }
