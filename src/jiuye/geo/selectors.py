"""Which row of a division code applies on a date, when several vintages are loaded.

How records relate to vintages (nothing is migrated when a later list is loaded):

- A person, household, employer or staff profile keeps the row it was written with
  (e.g. the 2017 row of 220702001, 团结街道办事处). New writes resolve a code to its
  newest row (``registry.services.common.resolve_division``, roster import).
- Jurisdiction and every registry filter go by the code prefix, never by the row, so
  a record stays in the same subtree whichever vintage it points to; an abolished
  code's records stay under their county (its first 6 digits).
- The name in force on a date is :func:`division_at`; lists of areas show the newest
  name; a record's own row keeps the name it was registered under.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Min, QuerySet

from jiuye.geo.models import Division


def list_vintage(on: dt.date, *, level: int, prefix: str = "") -> dt.date | None:
    """The vintage of the list of ``level`` in force on ``on``: the newest published on or
    before it; for dates before every list we hold, the oldest (the best evidence)."""
    rows = Division.objects.filter(level=level, code__startswith=prefix, is_sample=False)
    before = rows.filter(vintage__lte=on).order_by("-vintage").values_list("vintage", flat=True)
    found = before.first()
    if found is not None:
        return found
    return rows.order_by("vintage").values_list("vintage", flat=True).first()


def divisions_at(on: dt.date, *, level: int, prefix: str = "") -> QuerySet[Division]:
    """One row per code of ``level`` under ``prefix``, from the list in force on ``on``.

    Meant for levels loaded as complete lists (1–4); communities come from files of
    their own dates.
    """
    vintage = list_vintage(on, level=level, prefix=prefix)
    if vintage is None:
        return Division.objects.none()
    return Division.objects.filter(
        level=level, code__startswith=prefix, vintage=vintage, is_sample=False
    ).order_by("code")


def division_at(code: str, on: dt.date) -> Division | None:
    """The row of ``code`` in force on ``on`` (its name then), or None if it had none.

    The newest row published on or before ``on``; before the first list of its level,
    the code's oldest row if that list had it. None when the code was abolished by then
    (``valid_to`` on or before ``on``) or first appears in a later list.
    """
    rows = list(Division.objects.filter(code=code).order_by("vintage"))
    if not rows:
        return None
    before = [row for row in rows if row.vintage <= on]
    if before:
        row = before[-1]
    else:
        first_list = Division.objects.filter(level=rows[0].level).aggregate(first=Min("vintage"))[
            "first"
        ]
        if first_list is not None and rows[0].vintage > first_list:
            return None
        row = rows[0]
    if row.valid_to is not None and row.valid_to <= on:
        return None
    return row


def newest_division(code: str) -> Division | None:
    """The newest row of ``code`` (what a new record written today points to)."""
    return Division.objects.filter(code=code).order_by("-vintage").first()


def abolished_message(valid_to: dt.date | None, on: dt.date) -> str | None:
    """The Chinese refusal for a code whose newest row ended on ``valid_to``, when that is
    on or before ``on``; None while the code is in force.

    >>> abolished_message(dt.date(2023, 6, 30), dt.date(2023, 6, 30))
    '该区划代码已于2023年06月30日前撤销，请填写现行代码'
    >>> abolished_message(dt.date(2023, 6, 30), dt.date(2023, 6, 29)) is None
    True
    """
    if valid_to is None or valid_to > on:
        return None
    return f"该区划代码已于{valid_to:%Y年%m月%d日}前撤销，请填写现行代码"
