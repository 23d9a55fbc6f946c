"""Calendar nodes: the year of a date, and a date some months later (民法典 第二百零二条)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from jiuye.rules.expr import _CMP, Env, Expr, FrameCtx, Lit, Outcome, Param, _unknown
from jiuye.rules.periods import add_months

__all__ = ["AddMonths", "Year"]


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
