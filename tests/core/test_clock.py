"""The clock fixture of the pytest plugin freezes jiuye.core.clock for one test."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from jiuye.core import clock as core_clock
from jiuye.testing.pytest_plugin import FrozenClock


def test_the_clock_fixture_stops_at_the_default_moment(clock: FrozenClock) -> None:
    # given / when
    moment = core_clock.now()

    # then
    assert moment == datetime(2019, 6, 1, 10, 0, tzinfo=core_clock.SHANGHAI)
    assert core_clock.today() == date(2019, 6, 1)


def test_set_and_advance_move_the_frozen_clock(clock: FrozenClock) -> None:
    # given
    clock.set(datetime(2019, 6, 30, 23, 59, tzinfo=core_clock.SHANGHAI))

    # when
    before = core_clock.today()
    clock.advance(timedelta(minutes=1))

    # then
    assert (before, core_clock.today()) == (date(2019, 6, 30), date(2019, 7, 1))


def test_without_the_fixture_the_clock_runs() -> None:
    # given / when
    first = core_clock.now()
    second = core_clock.now()

    # then
    assert second >= first
    assert first.year >= 2024
