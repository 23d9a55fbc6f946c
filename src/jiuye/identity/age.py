"""Age in full years (周岁)."""

from __future__ import annotations

import calendar
from datetime import date


def _anniversary(birth_date: date, year: int) -> date:
    # 民法典 第二百零二条: a period in years ends on the corresponding day of
    # the final month, or on that month's last day when there is none.
    last_day = calendar.monthrange(year, birth_date.month)[1]
    return date(year, birth_date.month, min(birth_date.day, last_day))


def age_on(birth_date: date, on: date) -> int:
    """Full years of age on the date ``on`` (周岁).

    The age goes up on the birthday itself. Counted as a period in years
    under 民法典 第二百零一条 (the day of birth is not counted) and
    第二百零二条 (the period ends on the corresponding day, or on the month's
    last day when there is none), so someone born on 29 February turns a
    year older on 28 February in common years.

    This is not the reading for criminal responsibility, where an age is
    reached only the day after the birthday (法释〔2006〕1号 第二条); a rule
    that needs that reading passes ``on - timedelta(days=1)``.

    >>> age_on(date(2002, 3, 10), date(2018, 3, 9)), age_on(date(2002, 3, 10), date(2018, 3, 10))
    (15, 16)
    >>> age_on(date(2000, 2, 29), date(2017, 2, 28)), age_on(date(2000, 2, 29), date(2017, 2, 27))
    (17, 16)
    >>> age_on(date(2000, 1, 1), date(1999, 12, 31))
    Traceback (most recent call last):
    ...
    ValueError: on (1999-12-31) is before birth_date (2000-01-01)
    """
    if on < birth_date:
        msg = f"on ({on.isoformat()}) is before birth_date ({birth_date.isoformat()})"
        raise ValueError(msg)
    years = on.year - birth_date.year
    if on < _anniversary(birth_date, on.year):
        years -= 1
    return years
