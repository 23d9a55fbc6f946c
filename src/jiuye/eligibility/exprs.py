"""Small Polars expressions the fact definitions share (dates, ages, relations)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import polars as pl

from jiuye.rules.periods import add_months

# White space a relation may carry: Polars' (Rust's) \s lacks \x1c-\x1f, which
# Python's str.isspace counts, so the class names them.
RELATION_SPACE = r"[\s\x1c-\x1f]"


def latest_start(as_of: date, months: int) -> date:
    """The latest start whose ``months``-month period is complete on ``as_of``.

    ``add_months`` grows with its start, so "complete on as_of" is ``start <= this day``.

    >>> latest_start(date(2019, 2, 28), 1), latest_start(date(2020, 8, 1), 24)
    (datetime.date(2019, 1, 31), datetime.date(2018, 8, 1))
    """
    day = add_months(as_of, -months)
    while add_months(day, months) > as_of:
        day -= timedelta(days=1)
    while add_months(day + timedelta(days=1), months) <= as_of:
        day += timedelta(days=1)
    return day


def age(birth: pl.Expr, as_of: date) -> pl.Expr:
    """Full years of age on ``as_of`` (29 February counts as 28 in common years)."""
    key = birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
    leap = as_of.year % 4 == 0 and (as_of.year % 100 != 0 or as_of.year % 400 == 0)
    if not leap:
        key = pl.when(key == 229).then(pl.lit(228, pl.Int32)).otherwise(key)
    today = as_of.month * 100 + as_of.day
    return as_of.year - birth.dt.year().cast(pl.Int32) - pl.when(today < key).then(1).otherwise(0)


def of_working_age(
    sex: pl.Expr, birth: pl.Expr, as_of: date, ages: Mapping[str, tuple[int, int]]
) -> pl.Expr:
    """Born on or before ``as_of`` and within the working age of the person's sex."""
    years = age(birth, as_of)
    within: pl.Expr = pl.lit(False)
    for code, (low, high) in ages.items():
        within = pl.when(sex == code).then(years.is_between(low, high)).otherwise(within)
    return within & (birth <= as_of)


def relation_key(relation: pl.Expr) -> pl.Expr:
    """A relation as written, without any white space (half- or full-width)."""
    return relation.str.replace_all(RELATION_SPACE, "")


def hiring_unit_kind(
    kind: pl.Expr, size: pl.Expr, unit_kinds: tuple[str, ...], small_micro: tuple[str, ...]
) -> pl.Expr:
    """The engine's ``hiring_unit_kind`` of an employer; null when unknown."""
    return (
        pl.when(kind.is_in(list(unit_kinds)))
        .then(kind)
        .when(size.is_null())
        .then(None)
        .when(size.is_in(list(small_micro)))
        .then(pl.lit("small_micro_enterprise"))
        .otherwise(pl.lit("other_enterprise"))
    )
