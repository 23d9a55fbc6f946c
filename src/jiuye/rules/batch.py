"""The batch path: a package's rules compiled once into Polars expressions, run over frames.

A plan is compiled per package, entity, rule set, mask choice and *regime* and kept on
the package: with one as-of date the regime is that date; with a date per row it is a
span of days over which every parameter value and rule version stays the same (the
package's ``breakpoints`` cut the calendar into such spans). A frame whose rows fall into
several spans is split by span, each part runs its own plan, and the rows come back in
their order, so rows on either side of a new parameter value or rule version are each
decided by what was in force on their own date.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from typing import TYPE_CHECKING

import polars as pl

from jiuye.rules.branches import Case as CaseExpr
from jiuye.rules.errors import CaseError
from jiuye.rules.expr import All, And, Cmp, Expr, FrameCtx, In, Not, Or
from jiuye.rules.model import Rule

if TYPE_CHECKING:
    from jiuye.rules.engine import PolicyPackage

__all__ = ["AS_OF_COLUMN", "Plan", "evaluate_frame", "mask_dtype"]

#: The column holding each row's as-of date while a frame is evaluated.
AS_OF_COLUMN = "__as_of"
_MATERIALISED = (And, Or, CaseExpr, Cmp, In, Not)
_MASK_TYPES: tuple[tuple[int, pl.DataType], ...] = (
    (8, pl.UInt8()),
    (16, pl.UInt16()),
    (32, pl.UInt32()),
    (64, pl.UInt64()),
)
_MAX_PLANS = 512


def mask_dtype(n_facts: int) -> pl.DataType:
    """The narrowest unsigned integer type with a bit for each of ``n_facts`` facts."""
    return next(t for bits, t in _MASK_TYPES if n_facts <= bits)


@dataclass(frozen=True)
class Plan:
    """Compiled columns of a rule set: stages of shared nodes, then one output per column."""

    stages: tuple[tuple[pl.Expr, ...], ...]
    outputs: tuple[pl.Expr, ...]
    facts: tuple[str, ...]
    ctx: FrameCtx


def _rule_exprs(
    pkg: PolicyPackage, rule: Rule, root: Expr, ctx: FrameCtx, with_missing: bool
) -> list[pl.Expr]:
    """Status (Boolean), amount in fen (Int64) and, if asked, the missing-fact mask."""
    status = root.polars(ctx)
    if rule.amount is not None:
        amount_value = rule.amount.polars(ctx).cast(pl.Int64)
        amount = pl.when(status).then(amount_value).otherwise(pl.lit(None, dtype=pl.Int64))
    else:
        amount = pl.lit(None, dtype=pl.Int64)
    out = [status.alias(rule.id), amount.alias(f"{rule.id}__amount_fen")]
    if not with_missing:
        return out
    names = pkg.mask_facts(rule.id)
    flags: dict[str, list[pl.Expr]] = {}
    root.missing_flags(ctx, [], flags)
    if rule.amount is not None:
        rule.amount.missing_flags(ctx, [status.fill_null(False)], flags)
    dtype = mask_dtype(len(names))
    parts = [
        reduce(operator.or_, flags[n]).fill_null(False).cast(dtype) * (1 << i)
        for i, n in enumerate(names)
        if n in flags
    ]
    mask = reduce(operator.or_, parts) if parts else pl.lit(0, dtype=dtype)
    return [*out, mask.cast(dtype).alias(f"{rule.id}__missing")]


def _materialise(roots: Sequence[Expr], ctx: FrameCtx) -> list[tuple[pl.Expr, ...]]:
    """Stages of columns for every distinct logical node, children before parents.

    Rules share sub-expressions (the same Python objects, e.g. the employment-difficulty
    status); each is computed once, and the Kleene tests of the missing-fact masks then
    read cheap bit-packed Boolean columns instead of recomputing subtrees.
    """
    heights: dict[int, int] = {}
    stages: dict[int, list[pl.Expr]] = {}

    def visit(node: Expr) -> int:
        key = id(node)
        if key in heights:
            return heights[key]
        height = max((visit(c) for c in node.children), default=-1) + 1
        if isinstance(node, _MATERIALISED):
            stages.setdefault(height, []).append(node.polars(ctx).alias(f"__n{key}"))
            ctx.columns[key] = f"__n{key}"
        heights[key] = height
        return height

    for root in roots:
        visit(root)
    return [tuple(stages[h]) for h in sorted(stages)]


def compile_rules(
    pkg: PolicyPackage,
    entity: str,
    rule_ids: tuple[str, ...],
    *,
    with_missing: bool,
    on: date,
    days: tuple[date, date] | None,
) -> Plan:
    """The plan of ``rule_ids`` in force on ``on``; cached on the package.

    ``days`` None compiles for the one as-of date ``on``; otherwise for a date per row in
    the column ``AS_OF_COLUMN``, every day of ``days`` having the regime of ``on``.
    """
    key = (entity, rule_ids, with_missing, on, days)
    cached = pkg._compiled.get(key)
    if isinstance(cached, Plan):
        return cached
    rules = [pkg.rule_at(rule_id, on) for rule_id in rule_ids]
    ctx = FrameCtx(
        on, pkg.params_at(on), as_of_column=None if days is None else AS_OF_COLUMN, days=days
    )
    roots = {rule.id: All(*(c.expr for c in rule.all_conditions())) for rule in rules}
    amounts = [rule.amount for rule in rules if rule.amount is not None]
    stages = _materialise([*roots.values(), *amounts], ctx)
    outputs = [
        e for rule in rules for e in _rule_exprs(pkg, rule, roots[rule.id], ctx, with_missing)
    ]
    facts = sorted({name for rule in rules for name in rule.fact_names()})
    plan = Plan(tuple(stages), tuple(outputs), tuple(facts), ctx)
    if len(pkg._compiled) >= _MAX_PLANS:
        pkg._compiled.clear()
    pkg._compiled[key] = plan
    return plan


def _prepare(
    pkg: PolicyPackage,
    frame: pl.LazyFrame,
    entity: str,
    plan: Plan,
) -> pl.LazyFrame:
    """Null columns for the facts the plan reads and the frame lacks; reference figures."""
    present = set(frame.collect_schema().names())
    needed = set(plan.facts)
    for target, table in pkg.references.items():
        if target in needed and pkg.facts[target].entity == entity:
            needed.add(table.key)
    fill = [pl.lit(None, dtype=pkg.facts[n].dtype).alias(n) for n in sorted(needed - present)]
    frame = frame.with_columns(fill) if fill else frame
    ctx = plan.ctx
    for target, table in pkg.references.items():
        if target not in plan.facts or pkg.facts[target].entity != entity:
            continue
        dtype = pkg.facts[target].dtype
        first, last = ctx.days or (ctx.as_of, ctx.as_of)
        by_year = {}
        for year in range(first.year, last.year + 1):
            wanted = year + table.year_offset
            mapping = {k: v for (k, y), v in table.values.items() if y == wanted}
            by_year[year] = pl.col(table.key).replace_strict(
                mapping, default=None, return_dtype=dtype
            )
        if ctx.days is None or len(by_year) == 1:
            looked_up = next(iter(by_year.values()))
        else:
            year_col = pl.col(AS_OF_COLUMN).dt.year()
            looked_up = pl.lit(None, dtype=dtype)
            for year, expr in by_year.items():
                looked_up = pl.when(year_col == year).then(expr).otherwise(looked_up)
        frame = frame.with_columns(pl.coalesce(pl.col(target), looked_up).alias(target))
    return frame


def _run(
    pkg: PolicyPackage, frame: pl.LazyFrame, entity: str, plan: Plan, keep: Sequence[str]
) -> pl.LazyFrame:
    lazy = _prepare(pkg, frame, entity, plan)
    for stage in plan.stages:
        lazy = lazy.with_columns(stage)
    return lazy.select([pl.col(k) for k in keep] + list(plan.outputs))


def _spans(pkg: PolicyPackage, first: date, last: date) -> list[tuple[date, date, date]]:
    """(regime day, first day, last day) of each span of one regime that meets
    [first, last]; a span runs to the day before the next breakpoint, or to the end of
    the year of ``last`` (so the lookup tables stay one or a few years long)."""
    cuts = pkg.breakpoints()
    out: list[tuple[date, date, date]] = []
    for i, start in enumerate(cuts):
        end = cuts[i + 1] - timedelta(days=1) if i + 1 < len(cuts) else date.max
        if end < first or start > last:
            continue
        lo = max(start, date(first.year, 1, 1))
        hi = min(end, date(last.year, 12, 31))
        out.append((start, lo, hi))
    return out


def evaluate_frame(
    pkg: PolicyPackage,
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    entity: str,
    as_of: date | str,
    rule_ids: Sequence[str] | None,
    keep: Sequence[str],
    with_missing: bool,
) -> pl.DataFrame:
    """See ``PolicyPackage.evaluate_frame``."""
    ids = tuple(r.id for r in pkg.select_rules(rule_ids, entity))
    lazy = frame.lazy()
    if isinstance(as_of, date):
        pkg.check_as_of(as_of)
        plan = compile_rules(pkg, entity, ids, with_missing=with_missing, on=as_of, days=None)
        return _run(pkg, lazy, entity, plan, keep).collect()
    if as_of not in lazy.collect_schema().names():
        raise CaseError("missing_as_of", as_of, "缺少测评日期列", "the as-of column is missing")
    lazy = lazy.with_columns(pl.col(as_of).cast(pl.Date).alias(AS_OF_COLUMN))
    stats = (
        lazy.select(
            pl.col(AS_OF_COLUMN).min().alias("first"),
            pl.col(AS_OF_COLUMN).max().alias("last"),
            pl.col(AS_OF_COLUMN).null_count().alias("nulls"),
        )
        .collect()
        .row(0)
    )
    first, last, nulls = stats
    if nulls:
        raise CaseError(
            "missing_as_of", as_of, f"有{nulls}行缺少测评日期", f"{nulls} rows have no as-of date"
        )
    if first is None:  # no rows
        first = last = pkg.in_force
    pkg.check_as_of(first, as_of)
    spans = _spans(pkg, first, last)
    plans = [
        compile_rules(pkg, entity, ids, with_missing=with_missing, on=on, days=(lo, hi))
        for on, lo, hi in spans
    ]
    if len(plans) == 1:
        return _run(pkg, lazy, entity, plans[0], keep).collect()
    lazy = lazy.with_row_index("__row")
    parts = []
    for (_, lo, hi), plan in zip(spans, plans, strict=True):
        rows = lazy.filter(pl.col(AS_OF_COLUMN).is_between(lo, hi))
        parts.append(_run(pkg, rows, entity, plan, ["__row", *keep]))
    return pl.concat(parts).sort("__row").drop("__row").collect()
