"""Calendar nodes: the year of a date, a date some months later (民法典 第二百零二条), and
a person's age in full years on the as-of date.

>>> from jiuye.rules.expr import Fact
>>> age = AgeYears(Fact("birth_date"))
>>> [age.evaluate(Env({"birth_date": date(2002, 6, 1)}, day, {})).value
...  for day in (date(2018, 5, 31), date(2018, 6, 1))]
[15, 16]
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import polars as pl

from jiuye.rules.expr import _CMP, AsOf, Env, Expr, FrameCtx, Lit, Outcome, Param, _unknown
from jiuye.rules.periods import add_months, full_years

__all__ = ["AddMonths", "AgeYears", "Year"]


class Year(Expr):
    """Calendar year of a date (毕业年度 is the calendar year of graduation)."""

    def __init__(self, part: Expr) -> None:
        self.children = (part,)

    def evaluate(self, env: Env) -> Outcome:
        out = self.children[0].evaluate(env)
        if out.value is None:
            return out
        assert isinstance(out.value, date)
        return Outcome(out.value.year)

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        if isinstance(self.children[0], AsOf):  # a lookup per row beats calendar arithmetic
            return ctx.by_day(lambda on: on.year, pl.Int64())
        return self.children[0].polars(ctx).dt.year().cast(pl.Int64)


class AddMonths(Expr):
    """The corresponding day ``months`` later (民法典 第二百零二条); months is a constant."""

    def __init__(self, start: Expr, months: Expr) -> None:
        if not isinstance(months, (Param, Lit)):
            raise TypeError("AddMonths takes a parameter or a constant number of months")
        self.children = (start, months)

    def evaluate(self, env: Env) -> Outcome:
        start, months = (c.evaluate(env) for c in self.children)
        if start.value is None or months.value is None:
            return _unknown([start, months])
        assert isinstance(start.value, date)
        assert isinstance(months.value, int)
        return Outcome(add_months(start.value, months.value))

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        start, months = self.children
        n = months.evaluate(Env({}, ctx.as_of, ctx.params)).value
        if n is None:
            return pl.lit(None, dtype=pl.Date)
        return start.polars(ctx).dt.offset_by(f"{n}mo")

    def compare_as_of(self, op: str, ctx: FrameCtx) -> pl.Expr | None:
        """``as_of OP start + n months`` as a comparison of ``start`` with a constant date.

        ``add_months`` is monotonic in its start, so the dates that satisfy the test form
        one interval; its bound is found exactly near ``as_of - n months``. This avoids a
        calendar computation per row (the scalar path keeps the literal definition).
        """
        start, months = self.children
        n = months.evaluate(Env({}, ctx.as_of, ctx.params)).value
        if n is None or op not in ("<=", ">="):
            return None
        assert isinstance(n, int)
        col = start.polars(ctx)
        if op == ">=":  # true for early starts: start <= latest hit
            return col <= ctx.by_day(lambda on: _bound(op, on, n), pl.Date())
        return col >= ctx.by_day(lambda on: _bound(op, on, n), pl.Date())


def _bound(op: str, as_of: date, n: int) -> date:
    """The latest start with ``as_of >= start + n months`` (op ``>=``), or the earliest with
    ``as_of <= start + n months`` (op ``<=``); found exactly near ``as_of - n months``."""
    test = _CMP[op]
    guess = add_months(as_of, -n)
    days = [guess + timedelta(days=k) for k in range(-6, 7)]
    hits = [d for d in days if test(as_of, add_months(d, n))]
    assert hits
    if op == ">=":
        assert not test(as_of, add_months(days[-1], n))
        return max(hits)
    assert not test(as_of, add_months(days[0], n))
    return min(hits)


class AgeYears(Expr):
    """Full years from a date (a birth date) to the as-of date (周岁).

    A birthday is reached on its corresponding day, 29 February on 28 February of a
    common year (民法典 第二百零二条, as ``periods.full_years``). The batch form compares
    month*100+day keys, so it needs no calendar arithmetic per row.
    """

    def __init__(self, start: Expr) -> None:
        self.children = (start,)

    def evaluate(self, env: Env) -> Outcome:
        out = self.children[0].evaluate(env)
        if out.value is None:
            return out
        assert isinstance(out.value, date)
        return Outcome(full_years(out.value, env.as_of))

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        start = self.children[0].polars(ctx)
        key = start.dt.month().cast(pl.Int32) * 100 + start.dt.day().cast(pl.Int32)
        common = ctx.by_day(lambda on: not calendar.isleap(on.year), pl.Boolean())
        key = pl.when((key == 229) & common).then(228).otherwise(key)
        on_key = ctx.by_day(lambda on: on.month * 100 + on.day, pl.Int32())
        on_year = ctx.by_day(lambda on: on.year, pl.Int64())
        years = on_year - start.dt.year().cast(pl.Int64)
        return years - (on_key < key).cast(pl.Int64)
