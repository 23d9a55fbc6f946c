"""Working days (工作日) on the State Council's holiday calendar.

A day the calendar does not cover gives no date (``None``) and a note of the missing
year: a time limit is never guessed.
"""

from __future__ import annotations

from datetime import date, timedelta

from policies.loader import holiday_calendar


def add_working_days(start: date, days: int) -> tuple[date | None, str]:
    """The ``days``-th working day after ``start`` (``start`` itself not counted).

    >>> add_working_days(date(2026, 5, 29), 1)   # Friday → Monday
    (datetime.date(2026, 6, 1), '')
    >>> add_working_days(date(2024, 9, 27), 1)   # Sunday 29 Sep 2024 was a make-up day
    (datetime.date(2024, 9, 29), '')
    >>> add_working_days(date(2026, 9, 30), 1)   # 国庆 1–7 Oct 2026
    (datetime.date(2026, 10, 8), '')
    >>> add_working_days(date(2099, 1, 1), 1)
    (None, '2099年放假安排未录入，期限待定')
    """
    calendar = holiday_calendar()
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        rest = calendar.is_rest_day(day)
        if rest is None:
            return None, f"{day.year}年放假安排未录入，期限待定"
        if not rest:
            left -= 1
    return day, ""


def working_days_late(due: date | None, today: date) -> bool:
    """Overdue: the due day has passed (the due day itself is still in time).

    >>> due = date(2026, 3, 2)
    >>> working_days_late(due, date(2026, 3, 2)), working_days_late(due, date(2026, 3, 3))
    (False, True)
    """
    return due is not None and today > due
