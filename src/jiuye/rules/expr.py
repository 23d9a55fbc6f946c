"""Rule expressions: one definition, two evaluations.

Every node evaluates a single case in Kleene three-valued logic, reporting which facts
could still change its value (``Outcome.missing``) and which unset parameters it needed
(``Outcome.unset``), and compiles to a Polars expression that computes the same value
over a frame, plus a bit mask of the same missing facts.

The rule for missing facts is the same on both paths: a node whose value is known has no
missing facts; an unknown node's missing facts are the union of those of its unknown
children. So ``false AND unknown`` is false and names nothing, while ``true AND unknown``
names the facts behind the unknown side.

>>> from datetime import date
>>> env = Env(facts={"a": True, "n": 3}, as_of=date(2019, 1, 1), params={"min": 5})
>>> (Fact("a") & (Fact("n") >= Param("min"))).evaluate(env).value
False
>>> (Fact("a") & Fact("b")).evaluate(env).missing
frozenset({'b'})
>>> (Fact("n") >= Param("min") ) .evaluate(Env({}, date(2019, 1, 1), {"min": None})).unset
frozenset({'min'})
"""

from __future__ import annotations

import operator
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from typing import Any, ClassVar

import polars as pl

from jiuye.rules.facts import Value

__all__ = [
    "All",
    "And",
    "AsOf",
    "Cmp",
    "Env",
    "Expr",
    "Fact",
    "FrameCtx",
    "In",
    "Lit",
    "Not",
    "Or",
    "Outcome",
    "Param",
    "all_of",
    "any_of",
]

_EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Outcome:
    value: Value
    missing: frozenset[str] = _EMPTY
    unset: frozenset[str] = _EMPTY


@dataclass(frozen=True)
class Env:
    """What a single evaluation sees: the case's facts, the as-of date, resolved parameters."""

    facts: Mapping[str, Value]
    as_of: date
    params: Mapping[str, Value]


@dataclass
class FrameCtx:
    """What a batch compilation sees: as-of date, parameters, and the nodes already
    materialised as columns (by node identity), so shared sub-expressions run once.

    With ``as_of_column`` the as-of date is that Date column, one per row, and ``as_of``
    is the first day of the span ``days`` (first and last as-of day the frame may hold)
    over which ``params`` are constant. ``by_day`` turns a function of the as-of date into
    a per-row column through a lookup table over ``days``: exact, and vectorised.
    """

    as_of: date
    params: Mapping[str, Value]
    columns: dict[int, str] = field(default_factory=dict)
    as_of_column: str | None = None
    days: tuple[date, date] | None = None

    def as_of_expr(self) -> pl.Expr:
        if self.as_of_column is None:
            return _lit(self.as_of)
        return pl.col(self.as_of_column)

    def by_day(self, fn: Callable[[date], Value], dtype: pl.DataType) -> pl.Expr:
        """``fn(as_of)`` for every row: a literal for one date, a table lookup per row."""
        if self.as_of_column is None:
            return pl.lit(fn(self.as_of), dtype=dtype)
        first, last = self.days or (self.as_of, self.as_of)
        table = pl.Series(
            [fn(date.fromordinal(d)) for d in range(first.toordinal(), last.toordinal() + 1)],
            dtype=dtype,
        )
        offset = first.toordinal() - _EPOCH
        index = pl.col(self.as_of_column).cast(pl.Int32) - offset
        return pl.lit(table).gather(index)


_EPOCH = date(1970, 1, 1).toordinal()


def _lit(value: Value) -> pl.Expr:
    if value is None:
        return pl.lit(None)
    if isinstance(value, bool):
        return pl.lit(value, dtype=pl.Boolean)
    if isinstance(value, int):
        return pl.lit(value, dtype=pl.Int64)
    if isinstance(value, date):
        return pl.lit(value, dtype=pl.Date)
    return pl.lit(value, dtype=pl.String)


#: For each fact, the Polars conditions under which it is missing and could change the
#: result (one entry per occurrence of the fact in the tree).
Flags = dict[str, list[pl.Expr]]


def _all(conds: list[pl.Expr]) -> pl.Expr:
    return reduce(operator.and_, conds)


class Expr(ABC):
    """Base of all nodes: ``evaluate`` (one case), ``_polars`` (a frame), ``children``."""

    children: tuple[Expr, ...] = ()

    @abstractmethod
    def evaluate(self, env: Env) -> Outcome:
        """This node for one case."""

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        """This node over a frame; a node materialised earlier is read from its column."""
        name = ctx.columns.get(id(self))
        return pl.col(name) if name is not None else self._polars(ctx)

    @abstractmethod
    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        """This node over a frame (called once per node by ``polars``)."""

    def missing_flags(self, ctx: FrameCtx, path: list[pl.Expr], out: Flags) -> None:
        """Collect, per fact, when it is missing *and* every Kleene node above it is unknown.

        This is the batch form of ``Outcome.missing``: a fact that is null makes every
        strict ancestor null, so only the non-strict ancestors (And, Or, Case) need a test,
        and those tests are bit-packed Boolean work shared with the status itself.
        """
        for child in self.children:
            child.missing_flags(ctx, path, out)

    def facts(self) -> frozenset[str]:
        return frozenset().union(*(c.facts() for c in self.children))

    def params(self) -> frozenset[str]:
        return frozenset().union(*(c.params() for c in self.children))

    # Operators build nodes; equality is spelled ``.eq`` so nodes stay hashable.
    def __and__(self, other: Expr) -> Expr:
        return all_of(self, other)

    def __or__(self, other: Expr) -> Expr:
        return any_of(self, other)

    def __invert__(self) -> Expr:
        return Not(self)

    def __lt__(self, other: object) -> Expr:
        return Cmp("<", self, _wrap(other))

    def __le__(self, other: object) -> Expr:
        return Cmp("<=", self, _wrap(other))

    def __gt__(self, other: object) -> Expr:
        return Cmp(">", self, _wrap(other))

    def __ge__(self, other: object) -> Expr:
        return Cmp(">=", self, _wrap(other))

    def eq(self, other: object) -> Expr:
        return Cmp("==", self, _wrap(other))

    def ne(self, other: object) -> Expr:
        return Cmp("!=", self, _wrap(other))

    def __add__(self, other: object) -> Expr:
        return Arith("+", self, _wrap(other))

    def __sub__(self, other: object) -> Expr:
        return Arith("-", self, _wrap(other))

    def __mul__(self, other: object) -> Expr:
        return Arith("*", self, _wrap(other))

    def __floordiv__(self, other: object) -> Expr:
        return Arith("//", self, _wrap(other))

    def isin(self, values: tuple[str, ...] | tuple[int, ...]) -> Expr:
        return In(self, values)


def _wrap(value: object) -> Expr:
    if isinstance(value, Expr):
        return value
    if value is None or isinstance(value, (bool, int, str, date)):
        return Lit(value)
    raise TypeError(f"cannot use {type(value).__name__} in a rule expression")


class Fact(Expr):
    """A fact of the case; unknown when the case does not carry it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Fact({self.name!r})"

    def evaluate(self, env: Env) -> Outcome:
        value = env.facts.get(self.name)
        return Outcome(value, frozenset((self.name,)) if value is None else _EMPTY)

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        return pl.col(self.name)

    def missing_flags(self, ctx: FrameCtx, path: list[pl.Expr], out: Flags) -> None:
        out.setdefault(self.name, []).append(_all([*path, pl.col(self.name).is_null()]))

    def facts(self) -> frozenset[str]:
        return frozenset((self.name,))


class Param(Expr):
    """A dated parameter resolved at the as-of date; unknown (and reported) while unset."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Param({self.name!r})"

    def evaluate(self, env: Env) -> Outcome:
        value = env.params.get(self.name)
        return Outcome(value, _EMPTY, frozenset((self.name,)) if value is None else _EMPTY)

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        return _lit(ctx.params.get(self.name))

    def params(self) -> frozenset[str]:
        return frozenset((self.name,))


class Lit(Expr):
    def __init__(self, value: Value) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Lit({self.value!r})"

    def evaluate(self, env: Env) -> Outcome:
        return Outcome(self.value)

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        return _lit(self.value)


class AsOf(Expr):
    """The as-of date of the evaluation (the end of that day); a column with a date per row."""

    def evaluate(self, env: Env) -> Outcome:
        return Outcome(env.as_of)

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        return ctx.as_of_expr()


def _unknown(parts: list[Outcome]) -> Outcome:
    """Unknown value; missing and unset gathered from the unknown parts."""
    unknown = [p for p in parts if p.value is None]
    return Outcome(
        None,
        frozenset().union(*(p.missing for p in unknown)),
        frozenset().union(*(p.unset for p in unknown)),
    )


_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "//": operator.floordiv,
}


class Cmp(Expr):
    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        self.op, self.children = op, (left, right)

    def __repr__(self) -> str:
        return f"({self.children[0]!r} {self.op} {self.children[1]!r})"

    def evaluate(self, env: Env) -> Outcome:
        a, b = (c.evaluate(env) for c in self.children)
        if a.value is None or b.value is None:
            return _unknown([a, b])
        return Outcome(_CMP[self.op](a.value, b.value))

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        left, right = self.children
        compare_as_of = getattr(right, "compare_as_of", None)
        if isinstance(left, AsOf) and compare_as_of is not None:
            rewritten: pl.Expr | None = compare_as_of(self.op, ctx)
            if rewritten is not None:
                return rewritten
        compare: Callable[[Any, Any], Any] = _CMP[self.op]
        result: pl.Expr = compare(left.polars(ctx), right.polars(ctx))
        return result


class Arith(Expr):
    """Integer arithmetic (fen, counts); ``//`` floors, which is how fractions of fen drop."""

    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        self.op, self.children = op, (left, right)

    def evaluate(self, env: Env) -> Outcome:
        a, b = (c.evaluate(env) for c in self.children)
        if a.value is None or b.value is None:
            return _unknown([a, b])
        return Outcome(_ARITH[self.op](a.value, b.value))

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        a, b = (c.polars(ctx) for c in self.children)
        result: pl.Expr = _ARITH[self.op](a, b)
        return result


class _Connective(Expr):
    """And / Or in Kleene logic: one child with the dominant value decides the node;
    all children with the other value decide it the other way; otherwise unknown."""

    dominant: bool
    join: ClassVar[Callable[[Any, Any], Any]]

    def __init__(self, *parts: Expr) -> None:
        self.children = parts

    @classmethod
    def combine(cls, outcomes: list[Outcome]) -> Outcome:
        if any(o.value is cls.dominant for o in outcomes):
            return Outcome(cls.dominant)
        if all(o.value is (not cls.dominant) for o in outcomes):
            return Outcome(not cls.dominant)
        return _unknown(outcomes)

    def evaluate(self, env: Env) -> Outcome:
        return self.combine([c.evaluate(env) for c in self.children])

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        result: pl.Expr = reduce(type(self).join, (c.polars(ctx) for c in self.children))
        return result

    def missing_flags(self, ctx: FrameCtx, path: list[pl.Expr], out: Flags) -> None:
        here = [*path, self.polars(ctx).is_null()]
        for child in self.children:
            child.missing_flags(ctx, here, out)


class And(_Connective):
    dominant = False
    join = operator.and_


class Or(_Connective):
    dominant = True
    join = operator.or_


class Not(Expr):
    def __init__(self, part: Expr) -> None:
        self.children = (part,)

    def evaluate(self, env: Env) -> Outcome:
        out = self.children[0].evaluate(env)
        return out if out.value is None else Outcome(not out.value)

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        return ~self.children[0].polars(ctx)


def all_of(*parts: Expr) -> Expr:
    """Conjunction, flattening nested conjunctions."""
    flat: list[Expr] = []
    for p in parts:
        flat.extend(p.children if isinstance(p, And) else (p,))
    return And(*flat)


def any_of(*parts: Expr) -> Expr:
    """Disjunction, flattening nested disjunctions."""
    flat: list[Expr] = []
    for p in parts:
        flat.extend(p.children if isinstance(p, Or) else (p,))
    return Or(*flat)


class In(Expr):
    def __init__(self, part: Expr, values: tuple[str, ...] | tuple[int, ...]) -> None:
        self.children, self.values = (part,), values

    def evaluate(self, env: Env) -> Outcome:
        out = self.children[0].evaluate(env)
        return out if out.value is None else Outcome(out.value in self.values)

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        return self.children[0].polars(ctx).is_in(list(self.values))


class All(And):
    """The conjunction of a rule's conditions (kept separate so it is never flattened)."""
