"""Rounding to the fen, deadlines past holidays, working age, and cited clauses (issue 9, §7)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuye.rules import AgeYears, AsOf, Fact, Lit, Param, Rate
from jiuye.rules.calendar import CalendarYear, HolidayCalendar, WithinDeadline, load_calendar
from jiuye.rules.expr import Env, FrameCtx
from jiuye.rules.money import DOWN, HALF_UP, apply_rate

from policies.songyuan_2018 import package

CALENDAR = load_calendar(
    Path(__file__).resolve().parents[2] / "policies" / "calendars" / "state_council_holidays.yaml"
)
AS_OF = date(2019, 6, 1)


def _batch(node: object, frame: pl.DataFrame, ctx: FrameCtx) -> list[object]:
    from jiuye.rules.expr import Expr

    assert isinstance(node, Expr)
    return frame.select(node.polars(ctx).alias("v"))["v"].to_list()


# ---- rounding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "half_up", "down"),
    [
        (101, 51, 50),  # exactly half a fen
        (100, 50, 50),
        (99, 50, 49),  # 49.5
        (1, 1, 0),  # 0.5
        (0, 0, 0),
        (12345, 6173, 6172),  # 6172.5
    ],
)
def test_half_of_an_amount_rounds_half_up_or_drops_the_half_fen(
    base: int, half_up: int, down: int
) -> None:
    # given
    frame = pl.DataFrame({"base": [base]})
    ctx = FrameCtx(AS_OF, {})

    # when
    single_up = apply_rate(base, 50, 100, rounding=HALF_UP)
    single_down = apply_rate(base, 50, 100, rounding=DOWN)
    batch_up = _batch(Rate(Fact("base"), Lit(50), Lit(100)), frame, ctx)
    batch_down = _batch(Rate(Fact("base"), Lit(50), Lit(100), rounding=DOWN), frame, ctx)

    # then
    assert (single_up, single_down) == (half_up, down)
    assert (batch_up, batch_down) == ([half_up], [down])


def test_a_rate_refuses_a_negative_numerator_or_a_zero_denominator() -> None:
    # when / then
    with pytest.raises(ValueError, match="non-negative numerator"):
        apply_rate(100, -1, 100)
    with pytest.raises(ValueError, match="positive denominator"):
        apply_rate(100, 1, 0)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(-(10**12), 10**12)), min_size=1, max_size=8),
    st.integers(0, 10_000),
    st.integers(1, 10_000),
    st.sampled_from((HALF_UP, DOWN)),
)
def test_a_rate_over_a_frame_equals_the_single_case_exactly(
    bases: list[int | None], numerator: int, denominator: int, rounding: str
) -> None:
    # given
    node = Rate(Fact("base"), Param("num"), Param("den"), rounding=rounding)  # type: ignore[arg-type]
    params = {"num": numerator, "den": denominator}
    frame = pl.DataFrame({"base": bases}, schema={"base": pl.Int64})

    # when
    batch = _batch(node, frame, FrameCtx(AS_OF, params))
    single = [node.evaluate(Env({"base": b}, AS_OF, params)).value for b in bases]

    # then
    assert batch == single


def test_the_job_stabilization_refund_drops_the_half_fen() -> None:
    # given: premiums of 123.45 yuan; 50% is 61.725 yuan
    pkg = package()
    facts = {
        "ui_insured": True,
        "ui_premiums_paid_in_full": True,
        "stabilization_measures": True,
        "last_year_layoffs": 0,
        "last_year_ui_premiums": "123.45",
    }
    case = pkg.parse_case({"entity": "employer", "as_of": "2019-06-01", "facts": facts})
    frame = pl.DataFrame({k: [v] for k, v in {**facts, "last_year_ui_premiums": 12345}.items()})

    # when
    (single,) = pkg.evaluate(case, rule_ids=["job_stabilization_subsidy"])
    batch = pkg.evaluate_frame(
        frame, entity="employer", as_of=date(2019, 6, 1), rule_ids=["job_stabilization_subsidy"]
    )

    # then
    assert single.amount_fen == 6172
    assert batch["job_stabilization_subsidy__amount_fen"].to_list() == [6172]


# ---- the holiday calendar ---------------------------------------------------------------------


def test_the_calendar_covers_2018_to_2026_and_every_make_up_day_is_a_weekend() -> None:
    # when
    workdays = [d for y in CALENDAR.years.values() for d in y.workdays]

    # then
    assert sorted(CALENDAR.years) == list(range(2018, 2027))
    assert all(d.weekday() >= 5 for d in workdays)
    assert all(y.document for y in CALENDAR.years.values())
    assert CALENDAR.years[2026].document == "文号待核"


@pytest.mark.parametrize(
    ("last_day", "extended"),
    [
        (date(2020, 1, 31), date(2020, 2, 3)),  # Spring Festival, extended to 2 February
        (date(2019, 10, 1), date(2019, 10, 8)),  # National Day
        (date(2019, 10, 12), date(2019, 10, 12)),  # a Saturday made a working day
        (date(2019, 6, 15), date(2019, 6, 17)),  # a plain Saturday
        (date(2019, 6, 14), date(2019, 6, 14)),  # a Friday
        (date(2018, 12, 29), date(2018, 12, 29)),  # a make-up Saturday of the 2019 notice
        (date(2018, 12, 30), date(2019, 1, 2)),  # New Year 2019, across the year end
    ],
)
def test_a_last_day_on_a_rest_day_moves_to_the_day_after_the_rest(
    last_day: date, extended: date
) -> None:
    # when / then
    assert CALENDAR.extend(last_day) == (extended, None)


def test_a_day_of_an_uncovered_year_names_the_year_and_late_december_needs_the_next() -> None:
    # when / then
    assert CALENDAR.extend(date(2031, 3, 1)) == (None, 2031)
    assert CALENDAR.extend(date(2017, 12, 31)) == (None, 2017)
    assert CALENDAR.missing_year(date(2026, 12, 19)) is None
    assert CALENDAR.missing_year(date(2026, 12, 20)) == 2027


def test_a_calendar_refuses_a_day_that_is_both_holiday_and_working_day() -> None:
    # given
    day = date(2019, 10, 1)

    # when / then
    with pytest.raises(ValueError, match="both a holiday and a working day"):
        HolidayCalendar([CalendarYear(2019, "x", "t", "s", frozenset({day}), frozenset({day}))])


def test_within_deadline_is_unknown_naming_the_missing_calendar_year() -> None:
    # given
    node = WithinDeadline(Fact("start"), Lit(12), CALENDAR)

    # when
    before = node.evaluate(Env({"start": date(2030, 3, 1)}, date(2031, 3, 1), {}))
    after = node.evaluate(Env({"start": date(2030, 3, 1)}, date(2031, 3, 2), {}))

    # then: on the corresponding day no calendar is needed; after it, 2031's is
    assert (before.value, before.unset) == (True, frozenset())
    assert (after.value, after.unset) == (None, frozenset({"calendar.2031"}))


_STARTS = st.one_of(
    st.dates(date(2016, 1, 1), date(2027, 12, 31)),
    st.sampled_from(
        (
            date(2019, 1, 31),
            date(2020, 2, 29),
            date(2018, 12, 30),
            date(2025, 12, 31),
            date(2030, 2, 28),
        )
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.one_of(st.none(), _STARTS), st.integers(-3, 15)), min_size=1, max_size=8)
)
def test_within_deadline_over_a_frame_with_a_date_per_row_equals_single_cases(
    rows: list[tuple[date | None, int]],
) -> None:
    # given: each row applies some days after its 12-month corresponding day
    node = WithinDeadline(Fact("start"), Param("months"), CALENDAR)
    starts = [s for s, _ in rows]
    days = [
        date(2020, 1, 1) if s is None else s.replace(day=1) + timedelta(days=365 + k)
        for s, k in rows
    ]
    frame = pl.DataFrame(
        {"start": starts, "__as_of": days}, schema={"start": pl.Date, "__as_of": pl.Date}
    )
    ctx = FrameCtx(min(days), {"months": 12}, as_of_column="__as_of", days=(min(days), max(days)))

    # when
    batch = _batch(node, frame, ctx)
    single = [
        node.evaluate(Env({"start": s}, d, {"months": 12})).value
        for s, d in zip(starts, days, strict=True)
    ]

    # then
    assert batch == single


# ---- working age ------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.dates(date(1950, 1, 1), date(2010, 12, 31))),
            st.dates(date(2018, 1, 1), date(2026, 12, 31)),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_age_in_full_years_over_a_frame_equals_single_cases(
    rows: list[tuple[date | None, date]],
) -> None:
    # given
    node = AgeYears(Fact("birth"))
    births, days = [b for b, _ in rows], [d for _, d in rows]
    frame = pl.DataFrame(
        {"birth": births, "__as_of": days}, schema={"birth": pl.Date, "__as_of": pl.Date}
    )
    ctx = FrameCtx(min(days), {}, as_of_column="__as_of", days=(min(days), max(days)))

    # when
    batch = _batch(node, frame, ctx)
    single = [
        node.evaluate(Env({"birth": b}, d, {})).value for b, d in zip(births, days, strict=True)
    ]

    # then
    assert batch == single


def test_the_as_of_node_reads_the_row_date_column() -> None:
    # given
    frame = pl.DataFrame({"__as_of": [date(2019, 1, 1), date(2020, 2, 29)]})
    ctx = FrameCtx(
        date(2019, 1, 1), {}, as_of_column="__as_of", days=(date(2019, 1, 1), date(2020, 12, 31))
    )

    # when / then
    assert _batch(AsOf(), frame, ctx) == [date(2019, 1, 1), date(2020, 2, 29)]


# ---- cited clauses ----------------------------------------------------------------------------


def test_a_shared_condition_cites_the_clause_applying_it_and_its_origin() -> None:
    # given
    pkg = package()
    case = pkg.parse_case(
        {"entity": "person", "as_of": "2019-06-01", "facts": {"is_college_graduate": True}}
    )

    # when
    results = {
        r.rule: r
        for r in pkg.evaluate(
            case,
            rule_ids=["grassroots_service_establishment", "job_seeking_subsidy", "startup_subsidy"],
        )
    }
    payload = pkg.result_json(results["grassroots_service_establishment"])

    # then
    grassroots = results["grassroots_service_establishment"].reasons[0]
    seeking = results["job_seeking_subsidy"].reasons[0]
    startup = results["startup_subsidy"].reasons[0]
    assert (grassroots.id, grassroots.clause, grassroots.origin_clauses) == (
        "is_college_graduate",
        "三（二）",
        ("三（一）",),
    )
    assert (seeking.clause, seeking.origin_clauses) == ("三（一）", ())
    assert (startup.id, startup.clause, startup.origin_clauses) == (
        "graduate_or_difficulty",
        "二（三）",
        ("三（五）",),
    )
    assert payload["reasons"][0]["clause"] == "三（二）"
    assert payload["reasons"][0]["origin_clauses"] == ["三（一）"]
