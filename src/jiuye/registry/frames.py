"""The registry's tables as typed Polars frames, for a division's subtree or some records.

No reading of what the rows mean (that is policy knowledge, in the policy package, and
the facts are derived from these frames in :mod:`jiuye.eligibility`): only which rows
a scope covers, which records are in force on a day, and ``values_list`` into a frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet

from jiuye.geo.models import Division
from jiuye.registry.rules_terms import division_prefix

__all__ = ["Scope", "in_force", "read"]


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
    return Q(**{f"{start}__lte": as_of}) & (Q(**{f"{end}__isnull": True})
                                            | Q(**{f"{end}__gt": as_of}))
