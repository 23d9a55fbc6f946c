"""Conventions of the registry's own records, which every reader of them shares.

- a dated record is in force on day D when it started on or before D and has not ended
  on or before D (end dates are exclusive);
- a division's subtree is every division whose code begins with its significant digits.

What the records mean for a policy (working age, 贫困家庭子女, 稳定就业 …) is not here:
it is policy knowledge, in the package's readings (``policies/<package>/readings.py``),
and the facts are derived from the registry's tables in :mod:`jiuye.eligibility`.
"""

from __future__ import annotations

from datetime import date


def in_force(start: date | None, end: date | None, as_of: date) -> bool:
    """Whether a record from ``start`` to ``end`` (exclusive) holds on ``as_of``.

    >>> in_force(date(2018, 1, 1), date(2018, 6, 1), date(2018, 6, 1))
    False
    >>> in_force(date(2018, 1, 1), None, date(2018, 1, 1))
    True
    """
    return start is not None and start <= as_of and (end is None or end > as_of)


def division_prefix(code: str, level: int) -> str:
    """The code prefix every division under this one shares (GB/T 2260 digits by level).

    >>> division_prefix("220700", 2), division_prefix("220702", 3), division_prefix("22", 1)
    ('2207', '220702', '22')
    """
    return code[: {1: 2, 2: 4, 3: 6, 4: 9}.get(level, 12)]
