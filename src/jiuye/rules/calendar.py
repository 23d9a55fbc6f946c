"""Statutory rest days and deadlines that end on one (民法典 第二百零三条).

第二百零三条: "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。"
Reading used here: 法定休假日 are the public holidays the State Council fixes each year
(国务院办公厅 annual notice on 部分节假日安排, with its amendments) **and the weekly rest
days** (Saturday, Sunday), except the weekend days the notice turns into working days
(调休上班日). A deadline whose last day is a rest day moves to the first working day after
the run of rest days that contains it.

The calendar is reference data (``policies/calendars/state_council_holidays.yaml``), one
entry per year with its document number; an administrator adds each year's notice. A day
is known only when its year is in the calendar, and from 20 December on also the next
year (a New Year notice may make late December days holidays or working days). A
question the calendar cannot answer is unknown and names the missing year as
``calendar.<year>``, never a guess.

>>> cal = HolidayCalendar([CalendarYear(2019, "国办发明电〔2018〕15号", "通知", "来源",
...     frozenset({date(2019, 10, d) for d in range(1, 8)}), frozenset({date(2019, 10, 12)}))])
>>> cal.extend(date(2019, 10, 3))          # in the National Day run → Tuesday 8 October
(datetime.date(2019, 10, 8), None)
>>> cal.extend(date(2019, 10, 9))          # a working day stays
(datetime.date(2019, 10, 9), None)
>>> cal.extend(date(2019, 10, 12))         # a Saturday made a working day stays
(datetime.date(2019, 10, 12), None)
>>> cal.extend(date(2020, 3, 1))           # not covered
(None, 2020)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from jiuye.rules.expr import _EPOCH, Env, Expr, FrameCtx, Lit, Outcome, Param, _unknown
from jiuye.rules.periods import add_months

__all__ = ["CalendarYear", "HolidayCalendar", "WithinDeadline", "calendar_name", "load_calendar"]

#: From this day of December on, a day also needs the next year's notice.
_LATE_DECEMBER = 20


def calendar_name(year: int) -> str:
    """The name an unknown result reports for a missing calendar year."""
    return f"calendar.{year}"


@dataclass(frozen=True)
class CalendarYear:
    """One year's notice: holidays (放假, including days of an adjacent year it names)
    and make-up working days (调休上班)."""

    year: int
    document: str
    title: str
    source: str
    holidays: frozenset[date]
    workdays: frozenset[date]


class HolidayCalendar:
    """Rest days by the State Council's notices, and deadlines moved past them."""

    def __init__(self, years: Iterable[CalendarYear]) -> None:
        self.years = {y.year: y for y in years}
        self._holidays = frozenset().union(*(y.holidays for y in self.years.values()))
        self._workdays = frozenset().union(*(y.workdays for y in self.years.values()))
        if self._holidays & self._workdays:
            raise ValueError("a day is both a holiday and a working day")

    def missing_year(self, day: date) -> int | None:
        """The year whose notice is needed to know ``day`` and is absent, if any."""
        if day.year not in self.years:
            return day.year
        if day.month == 12 and day.day >= _LATE_DECEMBER and day.year + 1 not in self.years:
            return day.year + 1
        return None

    def is_rest_day(self, day: date) -> bool | None:
        """A statutory rest day (holiday or weekend not made a working day); None if the
        calendar does not cover it."""
        if self.missing_year(day) is not None:
            return None
        if day in self._holidays:
            return True
        return day.weekday() >= 5 and day not in self._workdays

    def extend(self, last_day: date) -> tuple[date | None, int | None]:
        """The last day of a period whose own last day is ``last_day`` (第二百零三条):
        the same day if it is a working day, else the day after the run of rest days.
        Returns ``(None, year)`` when the calendar lacks a year it needs."""
        day = last_day
        while True:
            rest = self.is_rest_day(day)
            if rest is None:
                missing = self.missing_year(day)
                assert missing is not None
                return None, missing
            if not rest:
                return day, None
            day += timedelta(days=1)

    def covered_days(self) -> tuple[date, date] | None:
        """First and last day of the covered years (for batch lookup tables)."""
        if not self.years:
            return None
        return date(min(self.years), 1, 1), date(max(self.years), 12, 31)

    @lru_cache(maxsize=4)  # noqa: B019 - a calendar lives as long as the rules using it
    def extension_table(self) -> tuple[date, pl.Series]:
        """``extend(d)`` for every covered day (null where a year is missing)."""
        span = self.covered_days()
        if span is None:
            return date(1970, 1, 1), pl.Series([], dtype=pl.Date)
        first, last = span
        days = (first + timedelta(days=k) for k in range((last - first).days + 1))
        return first, pl.Series([self.extend(d)[0] for d in days], dtype=pl.Date)


def _dates(raw: Any, where: str) -> frozenset[date]:
    """Days from a list of dates and ``[first, last]`` ranges."""
    days: set[date] = set()
    for item in raw or []:
        if isinstance(item, date):
            days.add(item)
        elif (
            isinstance(item, list)
            and len(item) == 2
            and all(isinstance(d, date) for d in item)
            and item[0] <= item[1]
        ):
            first, last = item
            days |= {first + timedelta(days=k) for k in range((last - first).days + 1)}
        else:
            raise ValueError(f"{where}: 应为日期或 [起, 止] / a date or a [first, last] range")
    return frozenset(days)


def load_calendar(path: Path) -> HolidayCalendar:
    """The calendar from its YAML file (one entry per year, each with its document)."""
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = data.get("years") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path}: 缺少 years / missing years")
    years = []
    for i, entry in enumerate(entries):
        where = f"{path.name}: years[{i}]"
        for key in ("year", "document", "title", "source"):
            if not entry.get(key):
                raise ValueError(f"{where} 缺少 {key} / missing {key}")
        years.append(
            CalendarYear(
                int(entry["year"]),
                str(entry["document"]),
                str(entry["title"]),
                str(entry["source"]),
                _dates(entry.get("holidays"), where),
                _dates(entry.get("workdays"), where),
            )
        )
    if len({y.year for y in years}) != len(years):
        raise ValueError(f"{path}: 同一年份有两条 / a year is listed twice")
    return HolidayCalendar(years)


class WithinDeadline(Expr):
    """Whether the as-of date is within ``months`` months of ``start`` (含本数), the last
    day moved past statutory rest days (民法典 第二百零一至二百零三条).

    True whenever the as-of date is on or before the corresponding day; otherwise the
    calendar decides, and an uncovered year makes the answer unknown (``calendar.<y>``).
    """

    def __init__(self, start: Expr, months: Expr, calendar: HolidayCalendar) -> None:
        if not isinstance(months, (Param, Lit)):
            raise TypeError("WithinDeadline takes a parameter or a constant number of months")
        self.children = (start, months)
        self.calendar = calendar

    def evaluate(self, env: Env) -> Outcome:
        start, months = (c.evaluate(env) for c in self.children)
        if start.value is None or months.value is None:
            return _unknown([start, months])
        assert isinstance(start.value, date)
        assert isinstance(months.value, int)
        last = add_months(start.value, months.value)
        if env.as_of <= last:
            return Outcome(True)
        extended, missing = self.calendar.extend(last)
        if extended is None:
            assert missing is not None
            return Outcome(None, frozenset(), frozenset((calendar_name(missing),)))
        return Outcome(env.as_of <= extended)

    def _polars(self, ctx: FrameCtx) -> pl.Expr:
        start, months = self.children
        n = months.evaluate(Env({}, ctx.as_of, ctx.params)).value
        if n is None:
            return pl.lit(None, dtype=pl.Boolean)
        last = start.polars(ctx).dt.offset_by(f"{n}mo")
        first, table = self.calendar.extension_table()
        index = last.cast(pl.Int32) - (first.toordinal() - _EPOCH)
        inside = index.is_between(0, len(table) - 1)
        extended = pl.when(inside).then(pl.lit(table).gather(index.clip(0, max(len(table) - 1, 0))))
        on = ctx.as_of_expr()
        return (on <= last) | (on <= extended)
