"""Periods counted in years and months, as the Civil Code of the PRC reads them.

民法典 第二百零一条: a period counted in years, months or days starts on the day after
the event. 第二百零二条: a period counted in years or months ends on the corresponding
day of the last month, or on that month's last day when it has no such day.
第二百零三条: the last day ends at 24:00. An as-of date in Jiuye means the state at the end
(24:00) of that day, so a period is complete on an as-of date on or after its last day.

>>> from datetime import date
>>> period_end(date(2018, 3, 15), months=12)
datetime.date(2019, 3, 15)
>>> period_end(date(2020, 2, 29), months=12)
datetime.date(2021, 2, 28)
>>> period_end(date(2019, 1, 31), months=1)
datetime.date(2019, 2, 28)
>>> completed(date(2018, 3, 15), months=12, on=date(2019, 3, 15))
True
>>> completed(date(2018, 3, 15), months=12, on=date(2019, 3, 14))
False
>>> full_years(date(2000, 2, 29), date(2001, 2, 28))
1
"""

from __future__ import annotations

import calendar
from datetime import date

__all__ = ["add_months", "completed", "full_years", "period_end"]


def add_months(start: date, months: int) -> date:
    """The day ``months`` months after ``start``; the month's last day when none corresponds."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))


def period_end(start: date, *, months: int) -> date:
    """Last day of a period of ``months`` months that begins with the event on ``start``.

    The start day itself is not counted (art. 201), and the period ends on the
    corresponding day (art. 202), which is ``add_months(start, months)``.
    """
    return add_months(start, months)


def completed(start: date, *, months: int, on: date) -> bool:
    """Whether ``months`` months from ``start`` are complete (满) at the end of ``on``."""
    return on >= period_end(start, months=months)


def full_years(start: date, on: date) -> int:
    """Number of complete years from ``start`` to the end of ``on`` (age, years of service)."""
    years = on.year - start.year
    if on < add_months(start, 12 * years):
        years -= 1
    return years
