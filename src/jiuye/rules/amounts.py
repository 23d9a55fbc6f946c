"""Amount nodes: a rate applied to an amount of fen, rounded once to the fen.

Both paths use the same integer formula as ``jiuye.rules.money.apply_rate`` (exact: no
floating point), so a frame and a single case give the same fen.

>>> from datetime import date
>>> from jiuye.rules.expr import Env, Fact, Lit
>>> node = Rate(Fact("premiums"), Lit(50), Lit(100), rounding=DOWN)
>>> node.evaluate(Env({"premiums": 12345}, date(2019, 1, 1), {})).value
6172
>>> Rate(Fact("premiums"), Lit(50), Lit(100)).evaluate(
...     Env({"premiums": 12345}, date(2019, 1, 1), {})).value
6173
"""

from __future__ import annotations

import polars as pl

from jiuye.rules.expr import Env, Expr, FrameCtx, Outcome, _unknown
from jiuye.rules.money import DOWN, HALF_UP, Rounding, apply_rate

__all__ = ["DOWN", "HALF_UP", "Rate"]


class Rate(Expr):
    """``base × numerator ÷ denominator`` in fen, rounded half up (default) or down."""

    def __init__(
        self, base: Expr, numerator: Expr, denominator: Expr, *, rounding: Rounding = HALF_UP
    ) -> None:
        self.children = (base, numerator, denominator)
        self.rounding = rounding

    def __repr__(self) -> str:
        base, num, den = self.children
        return f"Rate({base!r} × {num!r} / {den!r}, {self.rounding})"

    def evaluate(self, env: Env) -> Outcome:
        parts = [c.evaluate(env) for c in self.children]
        if any(p.value is None for p in parts):
            return _unknown(parts)
        base, num, den = (p.value for p in parts)
        assert isinstance(base, int)
        assert isinstance(num, int)
        assert isinstance(den, int)
        return Outcome(apply_rate(base, num, den, rounding=self.rounding))

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        base, num, den = (c.polars(ctx).cast(pl.Int64) for c in self.children)
        product = base.abs() * num
        if self.rounding == DOWN:
            magnitude = product // den
        else:
            magnitude = (product * 2 + den) // (den * 2)
        return pl.when(base < 0).then(-magnitude).otherwise(magnitude)
