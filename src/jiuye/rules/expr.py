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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any

import polars as pl

from jiuye.rules.facts import Value
from jiuye.rules.periods import add_months

__all__ = [
    "AddMonths", "All", "AsOf", "Case", "Cmp", "Env", "Expr", "Fact", "In", "IsSet", "Lit",
    "Outcome",
    "Param", "Year", "all_of", "any_of",
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


@dataclass(frozen=True)
class FrameCtx:
    """What a batch compilation sees: as-of date, parameters, and fact → bit for masks."""

    as_of: date
    params: Mapping[str, Value]
    bits: Mapping[str, int]


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


_ZERO_MASK = pl.lit(0, dtype=pl.UInt64)


def _or_masks(masks: list[pl.Expr]) -> pl.Expr:
    return reduce(operator.or_, masks) if masks else _ZERO_MASK


class Expr:
    """Base of all nodes. Subclasses implement ``evaluate``, ``polars``, ``mask`` and ``children``."""

    children: tuple[Expr, ...] = ()

    def evaluate(self, env: Env) -> Outcome:
        raise NotImplementedError

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        raise NotImplementedError

    def mask(self, ctx: FrameCtx) -> pl.Expr:
        """UInt64 bits of the facts that could change this node's value (0 when known)."""
        value = self.polars(ctx)
        return pl.when(value.is_null()).then(
            _or_masks([c.mask(ctx) for c in self.children])).otherwise(_ZERO_MASK)

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

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        return pl.col(self.name)

    def mask(self, ctx: FrameCtx) -> pl.Expr:
        bit = pl.lit(1 << ctx.bits[self.name], dtype=pl.UInt64)
        return pl.when(pl.col(self.name).is_null()).then(bit).otherwise(_ZERO_MASK)

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

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        return _lit(ctx.params.get(self.name))

    def mask(self, ctx: FrameCtx) -> pl.Expr:
        return _ZERO_MASK

    def params(self) -> frozenset[str]:
        return frozenset((self.name,))


class Lit(Expr):
    def __init__(self, value: Value) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Lit({self.value!r})"

    def evaluate(self, env: Env) -> Outcome:
        return Outcome(self.value)

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        return _lit(self.value)

    def mask(self, ctx: FrameCtx) -> pl.Expr:
        return _ZERO_MASK


class AsOf(Expr):
    """The as-of date of the evaluation (the end of that day)."""

    def evaluate(self, env: Env) -> Outcome:
        return Outcome(env.as_of)

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        return _lit(ctx.as_of)

    def mask(self, ctx: FrameCtx) -> pl.Expr:
        return _ZERO_MASK


def _unknown(parts: list[Outcome]) -> Outcome:
    """Unknown value; missing and unset gathered from the unknown parts."""
    unknown = [p for p in parts if p.value is None]
    return Outcome(None, frozenset().union(*(p.missing for p in unknown)),
                   frozenset().union(*(p.unset for p in unknown)))


_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}
_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "//": operator.floordiv,
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

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        a, b = (c.polars(ctx) for c in self.children)
        result: pl.Expr = _CMP[self.op](a, b)
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

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        a, b = (c.polars(ctx) for c in self.children)
        result: pl.Expr = _ARITH[self.op](a, b)
        return result


class And(Expr):
    def __init__(self, *parts: Expr) -> None:
        self.children = parts

    def evaluate(self, env: Env) -> Outcome:
        outs = [c.evaluate(env) for c in self.children]
        if any(o.value is False for o in outs):
            return Outcome(False)
        if all(o.value is True for o in outs):
            return Outcome(True)
        return _unknown(outs)

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        return reduce(operator.and_, (c.polars(ctx) for c in self.children))


class Or(Expr):
    def __init__(self, *parts: Expr) -> None:
        self.children = parts

    def evaluate(self, env: Env) -> Outcome:
        outs = [c.evaluate(env) for c in self.children]
        if any(o.value is True for o in outs):
            return Outcome(True)
        if all(o.value is False for o in outs):
            return Outcome(False)
        return _unknown(outs)

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        return reduce(operator.or_, (c.polars(ctx) for c in self.children))


class Not(Expr):
    def __init__(self, part: Expr) -> None:
        self.children = (part,)

    def evaluate(self, env: Env) -> Outcome:
        out = self.children[0].evaluate(env)
        return out if out.value is None else Outcome(not out.value)

    def polars(self, ctx: FrameCtx) -> pl.Expr:
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

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        return self.children[0].polars(ctx).is_in(list(self.values))


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

    def polars(self, ctx: FrameCtx) -> pl.Expr:
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
        assert isinstance(start.value, date) and isinstance(months.value, int)
        return Outcome(add_months(start.value, months.value))

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        start, months = self.children
        n = months.evaluate(Env({}, ctx.as_of, ctx.params)).value
        if n is None:
            return pl.lit(None, dtype=pl.Date)
        return start.polars(ctx).dt.offset_by(f"{n}mo")


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

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        chain: Any = None
        for cond, value in self.branches:
            c = cond.polars(ctx)
            nothing = pl.lit(None, dtype=pl.Int64)
            chain = (pl.when(c.is_null()) if chain is None else chain.when(c.is_null()))
            chain = chain.then(nothing).when(c).then(value.polars(ctx))
        if chain is None:
            return self.default.polars(ctx)
        result: pl.Expr = chain.otherwise(self.default.polars(ctx))
        return result

    def mask(self, ctx: FrameCtx) -> pl.Expr:
        chain: Any = None
        for cond, value in self.branches:
            c = cond.polars(ctx)
            chain = (pl.when(c.is_null()) if chain is None else chain.when(c.is_null()))
            chain = chain.then(cond.mask(ctx)).when(c).then(value.mask(ctx))
        if chain is None:
            return self.default.mask(ctx)
        result: pl.Expr = chain.otherwise(self.default.mask(ctx))
        return result


class All(And):
    """The conjunction of a rule's conditions (kept separate so it is never flattened)."""

    @staticmethod
    def combine(outcomes: list[Outcome]) -> Outcome:
        if any(o.value is False for o in outcomes):
            return Outcome(False)
        if all(o.value is True for o in outcomes):
            return Outcome(True)
        return _unknown(outcomes)


class IsSet(Expr):
    """Whether a parameter has a value at the as-of date (always known)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def evaluate(self, env: Env) -> Outcome:
        return Outcome(env.params.get(self.name) is not None)

    def polars(self, ctx: FrameCtx) -> pl.Expr:
        return _lit(ctx.params.get(self.name) is not None)

    def mask(self, ctx: FrameCtx) -> pl.Expr:
        return _ZERO_MASK

    def params(self) -> frozenset[str]:
        return frozenset((self.name,))
