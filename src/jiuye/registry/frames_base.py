"""Reading registry tables into Polars frames, shared by the entity frames."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet

from jiuye.geo.models import Division
from jiuye.registry import rules_terms as t


def subtree(division: Division, path: str = "division") -> Q:
    """Rows whose ``path`` division lies in ``division``'s subtree (by code prefix)."""
    return Q(**{f"{path}__code__startswith": t.division_prefix(division.code, division.level)})


def read(qs: QuerySet[Any], columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """``values_list`` of the lookups in ``columns`` into a frame named by their last part."""
    rows = list(qs.values_list(*columns))
    names = [(k.replace("__", "_"), v) for k, v in columns.items()]
    return pl.DataFrame(rows, schema=names, orient="row")


def in_force(start: str, end: str, as_of: date) -> Q:
    return Q(**{f"{start}__lte": as_of}) & (Q(**{f"{end}__isnull": True})
                                            | Q(**{f"{end}__gt": as_of}))


def age_expr(birth: pl.Expr, as_of: date) -> pl.Expr:
    """Full years of age on ``as_of`` (29 February counts as 28 in common years)."""
    key = birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
    leap = as_of.year % 4 == 0 and (as_of.year % 100 != 0 or as_of.year % 400 == 0)
    if not leap:
        key = pl.when(key == 229).then(pl.lit(228, pl.Int32)).otherwise(key)
    today = as_of.month * 100 + as_of.day
    return (as_of.year - birth.dt.year().cast(pl.Int32)
            - pl.when(today < key).then(1).otherwise(0))
