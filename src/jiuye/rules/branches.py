"""Branching nodes: the first branch whose condition holds, and whether a parameter is set."""

from __future__ import annotations

from typing import Any

import polars as pl

from jiuye.rules.expr import Env, Expr, Flags, FrameCtx, Outcome, _lit

__all__ = ["Case", "IsSet"]


class Case(Expr):
    """First branch whose condition holds; unknown as soon as a condition before it is."""

    def __init__(self, branches: list[tuple[Expr, Expr]], default: Expr) -> None:
        self.branches, self.default = branches, default
        self.children = (*(x for b in branches for x in b), default)

    def evaluate(self, env: Env) -> Outcome:
        for cond, value in self.branches:
            c = cond.evaluate(env)
            if c.value is None:
                return c
            if c.value:
                return value.evaluate(env)
        return self.default.evaluate(env)

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        chain: Any = None
        for cond, value in self.branches:
            c = cond.polars(ctx)
            nothing = pl.lit(None)
            chain = pl.when(c.is_null()) if chain is None else chain.when(c.is_null())
            chain = chain.then(nothing).when(c).then(value.polars(ctx))
        if chain is None:
            return self.default.polars(ctx)
        result: pl.Expr = chain.otherwise(self.default.polars(ctx))
        return result

    def missing_flags(self, ctx: FrameCtx, path: list[pl.Expr], out: Flags) -> None:
        before: list[pl.Expr] = []  # every earlier condition known to be false
        for cond, value in self.branches:
            c = cond.polars(ctx)
            cond.missing_flags(ctx, [*path, *before, c.is_null()], out)
            value.missing_flags(ctx, [*path, *before, c.fill_null(False)], out)
            before.append(~c.fill_null(True))
        self.default.missing_flags(ctx, [*path, *before], out)


class IsSet(Expr):
    """Whether a parameter has a value at the as-of date (always known)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def evaluate(self, env: Env) -> Outcome:
        return Outcome(env.params.get(self.name) is not None)

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        return _lit(ctx.params.get(self.name) is not None)

    def params(self) -> frozenset[str]:
        return frozenset((self.name,))
