"""The registry's tables as typed Polars frames, for a division's subtree or some records.

No reading of what the rows mean (that is policy knowledge, in the policy package, and
the facts are derived from these frames in :mod:`jiuye.eligibility`): only which rows
a scope covers, which records are in force on a day, and ``values_list`` into a frame.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from jiuye.geo.models import Division
from jiuye.registry.rules_terms import division_prefix

__all__ = ["Scope", "TableRead", "in_force", "read", "read_tables"]


@dataclass(frozen=True)
class Scope:
    """Which records of an entity a read covers: a division's subtree, or some ids.

    ``q(path)`` filters a table whose rows belong to the entity through ``path`` ("" for
    the entity's own table, "person" for a person's records, "household__members__person"
    for the households of people).

    >>> Scope.of([3, 1]).q("person")
    <Q: (AND: ('person__in', (1, 3)))>
    >>> Scope.of(Division(code="220700", level=2)).q("")
    <Q: (AND: ('division__code__startswith', '2207'))>
    """

    prefix: str | None = None
    ids: tuple[int, ...] | None = None

    @classmethod
    def of(cls, where: Division | Iterable[int]) -> Scope:
        if isinstance(where, Division):
            return cls(prefix=division_prefix(where.code, where.level))
        return cls(ids=tuple(sorted(set(where))))

    def q(self, path: str = "") -> Q:
        if self.ids is not None:
            return Q(**{f"{path}__in" if path else "pk__in": self.ids})
        lookup = f"{path}__division__code__startswith" if path else "division__code__startswith"
        return Q(**{lookup: self.prefix})


def read(qs: QuerySet[Any], columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """``values_list`` of the lookups in ``columns`` into a frame named by their last part."""
    rows = list(qs.order_by().values_list(*columns))  # frames sort for themselves
    names = [(k.replace("__", "_"), v) for k, v in columns.items()]
    return pl.DataFrame(rows, schema=names, orient="row")


def in_force(start: str, end: str, as_of: date) -> Q:
    """Records started on or before ``as_of`` and not ended on or before it."""
    return Q(**{f"{start}__lte": as_of}) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": as_of})
    )


@dataclass(frozen=True)
class TableRead:
    """One table a derivation reads: a name, the rows for a scope and day, the columns."""

    name: str
    rows: Callable[[Scope, date], QuerySet[Any]]
    columns: dict[str, pl.DataType]


# One record's reads run on every detail page and casework step: their SQL is compiled
# once per thread and database (with stand-in values; a compiler belongs to its
# thread's connection) and then run with the record's id and day.
_STAND_IN_ID = -7_654_321
_STAND_IN_DAY = date(1111, 11, 11)
_LOCAL = threading.local()


def read_tables(
    group: str, reads: Sequence[TableRead], scope: Scope, as_of: date
) -> dict[str, pl.DataFrame]:
    """Each read for ``scope`` on ``as_of``, by name (the same rows however it is run).

    ``group`` names the set of reads (e.g. "person"): with a read's name, it keys the
    compiled SQL, so it must be unique in the process.

    ``rows`` must take the scope and the day as values only (no arithmetic on the day):
    for one record its SQL is compiled once and rerun with that record's id and day.
    """
    if scope.ids is None or len(scope.ids) != 1:
        return {r.name: read(r.rows(scope, as_of), r.columns) for r in reads}
    return {r.name: _read_one(group, r, scope.ids[0], as_of) for r in reads}


def _read_one(group: str, spec: TableRead, record_id: int, as_of: date) -> pl.DataFrame:
    alias = DEFAULT_DB_ALIAS
    key = (alias, f"{group}.{spec.name}")
    compiled: dict[tuple[str, str], tuple[SQLCompiler, str, tuple[Any, ...]]] = (
        _LOCAL.__dict__.setdefault("compiled", {})
    )
    if key not in compiled:
        qs = (
            spec.rows(Scope(ids=(_STAND_IN_ID,)), _STAND_IN_DAY)
            .using(alias)
            .order_by()
            .values_list(*spec.columns)
        )
        compiler = qs.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if _STAND_IN_ID not in params:
            raise ValueError(f"{group}.{spec.name}: the read must filter on the scope's ids")
        compiled[key] = (compiler, sql, tuple(params))
    compiler, sql, params = compiled[key]
    connection = connections[alias]
    day = connection.ops.adapt_datefield_value(_STAND_IN_DAY)
    values = [
        record_id
        if p == _STAND_IN_ID
        else connection.ops.adapt_datefield_value(as_of)
        if p == day
        else p
        for p in params
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = list(compiler.results_iter(results=[cursor.fetchall()], tuple_expected=True))
    names = [(k.replace("__", "_"), v) for k, v in spec.columns.items()]
    return pl.DataFrame(rows, schema=names, orient="row")
