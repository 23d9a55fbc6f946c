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
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from jiuye.core import audit, trail
from jiuye.registry import models as m
from jiuye.registry.rosters import specs as s
from jiuye.registry.rosters.lookups import REFER
from jiuye.registry.rosters.upsert import Target, existing, target_of, upsert
from jiuye.registry.rosters.validate import ROW

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
            refer = clean[REFER] if REFER in clean.columns else None
            rows = clean if refer is None else clean.filter(~refer)
            counts = upsert(target_of(roster), rows, actor_id=actor_id, now=now, origin=origin)
            if refer is not None and refer.any():
                counts["referred"] = _refer(roster, clean.filter(refer), actor_id, now, filename)
    if counts["created"] + counts["updated"] >= ANALYZE_FROM_ROWS:
        refresh_statistics(roster)
    return counts


def _refer(
    roster: s.Roster, rows: pl.DataFrame, actor_id: int | None, now: datetime, filename: str
) -> int:
    """Leave rows about people registered outside the uploader's jurisdiction to the
    office that keeps them (:class:`~jiuye.registry.models.Referral`), with one audit
    event; nothing of the person's record changes."""
    key = target_of(roster).keys[0]
    people = dict(
        m.Person.objects.filter(resident_id_index__in=rows[key].to_list()).values_list(
            "resident_id_index", "id"
        )
    )
    skip = {ROW, key, REFER, "resident_id", "sex", "birth_date", "division_id", "division_code"}
    given = [c for c in rows.columns if c not in skip]
    referrals = [
        m.Referral(
            person_id=people[row[key]],
            division_id=row["division_id"],
            values={c: audit.jsonable(row[c]) for c in given if row[c] is not None},
            roster=roster.kind,
            filename=filename[:200],
            submitted_by_id=actor_id,
            submitted_at=now,
        )
        for row in rows.iter_rows(named=True)
    ]
    m.Referral.objects.bulk_create(referrals, batch_size=1000)
    trail.append(
        "registry.referral",
        actor=None if actor_id is None else get_user_model().objects.filter(pk=actor_id).first(),
        object=f"roster:{roster.kind}",
        detail={"rows": len(referrals)},
    )
    return len(referrals)


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
