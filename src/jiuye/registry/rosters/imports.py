"""Import the valid rows of one roster in one transaction (all of them or none)."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from django.db import transaction

from jiuye.registry import models as m
from jiuye.registry.rosters import specs as s
from jiuye.registry.rosters.upsert import Target, existing, target_of, upsert

HOUSEHOLDS = Target(m.Household, ("number",), ("division_id",), "household")


def import_rows(roster: s.Roster, clean: pl.DataFrame, *, actor_id: int | None,
                now: datetime, filename: str = "") -> dict[str, int]:
    """Upsert ``clean`` (validated rows); returns created/updated/unchanged counts."""
    origin = {"roster": roster.title, "file": filename}
    with transaction.atomic():
        if roster.kind == "household":
            return _households(roster, clean, actor_id=actor_id, now=now, origin=origin)
        return upsert(target_of(roster), clean, actor_id=actor_id, now=now, origin=origin)


def _households(roster: s.Roster, clean: pl.DataFrame, *, actor_id: int | None,
                now: datetime, origin: dict[str, object]) -> dict[str, int]:
    homes = clean.group_by("household", maintain_order=True).agg(pl.col("division_id").first())
    homes = homes.rename({"household": "number"})
    counts = upsert(HOUSEHOLDS, homes, actor_id=actor_id, now=now, origin=origin)
    ids = existing(HOUSEHOLDS, homes).select("number", household_id="id")
    members = clean.join(ids, left_on="household", right_on="number", how="left")
    member_counts = upsert(target_of(roster), members, actor_id=actor_id, now=now)
    return {**member_counts, "households_created": counts["created"],
            "households_updated": counts["updated"]}
