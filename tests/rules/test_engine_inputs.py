"""The engine's inputs: periods, money, fact coercion and case parsing."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from jiuye.rules import CaseError, FactSpec
from jiuye.rules.money import fen_to_yuan, yuan_to_fen
from jiuye.rules.periods import add_months, completed, full_years, period_end

from policies.songyuan_2018 import package

T, F, U = True, False, None
AS_OF = date(2019, 6, 1)
PAIRS = [(a, b) for a in (T, F, U) for b in (T, F, U)]


# ---- periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2018, 5, 20), 12, date(2019, 5, 20)),
        (date(2019, 1, 31), 1, date(2019, 2, 28)),
        (date(2020, 1, 31), 1, date(2020, 2, 29)),
        (date(2019, 1, 31), 12, date(2020, 1, 31)),
        (date(2020, 2, 29), 12, date(2021, 2, 28)),
        (date(2020, 2, 29), 48, date(2024, 2, 29)),
        (date(2019, 2, 28), 12, date(2020, 2, 28)),
        (date(2019, 12, 15), 1, date(2020, 1, 15)),
        (date(2019, 3, 31), -1, date(2019, 2, 28)),
        (date(2018, 8, 1), 24, date(2020, 8, 1)),
    ],
)
def test_add_months_lands_on_the_corresponding_day_or_the_month_end(
    start: date, months: int, expected: date
) -> None:
    # given / when
    result = add_months(start, months)

    # then
    assert result == expected
    assert period_end(start, months=months) == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2019, 5, 19), False), (date(2019, 5, 20), True), (date(2019, 5, 21), True)],
)
def test_a_year_from_20_may_is_complete_at_the_end_of_20_may_next_year(
    on: date, expected: bool
) -> None:
    # given
    start = date(2018, 5, 20)

    # when
    result = completed(start, months=12, on=on)

    # then
    assert result is expected


@pytest.mark.parametrize(
    ("on", "expected"), [(date(2021, 2, 27), False), (date(2021, 2, 28), True)]
)
def test_a_year_from_29_february_is_complete_on_28_february(on: date, expected: bool) -> None:
    # given
    start = date(2020, 2, 29)

    # when
    result = completed(start, months=12, on=on)

    # then
    assert result is expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2001, 2, 27), 0),
        (date(2001, 2, 28), 1),
        (date(2004, 2, 28), 3),
        (date(2004, 2, 29), 4),
    ],
)
def test_full_years_from_a_leap_day(on: date, expected: int) -> None:
    # given
    start = date(2000, 2, 29)

    # when
    years = full_years(start, on)

    # then
    assert years == expected


# ---- money -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("5000", 500000),
        ("5000.00", 500000),
        ("12.5", 1250),
        ("0.01", 1),
        (" 7 ", 700),
        (5000, 500000),
        ("9999999.99", 999999999),
    ],
)
def test_yuan_parse_to_exact_fen(text: str | int, fen: int) -> None:
    # given / when
    result = yuan_to_fen(text)

    # then
    assert result == fen


@pytest.mark.parametrize(
    "bad", [12.5, 0.1, True, None, "1.005", "0.001", "abc", "NaN", "Infinity", ""]
)
def test_yuan_refuses_floats_three_decimals_and_non_numbers(bad: Any) -> None:
    # given / when
    with pytest.raises(ValueError, match=r"amount|decimals|yuan"):
        yuan_to_fen(bad)


@pytest.mark.parametrize(
    ("fen", "text"),
    [(0, "0.00"), (1, "0.01"), (500000, "5000.00"), (617283, "6172.83"), (-150, "-1.50")],
)
def test_fen_format_as_yuan_with_two_decimals(fen: int, text: str) -> None:
    # given / when
    result = fen_to_yuan(fen)

    # then
    assert result == text


# ---- FactSpec.coerce ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("bool", False, False),
        ("int", 0, 0),
        ("money", "1234.50", 123450),
        ("money", 5000, 500000),
        ("date", "2020-02-29", date(2020, 2, 29)),
        ("percent", "3.46", 346),
        ("percent", 3, 300),
        ("percent", "0", 0),
        ("bool", None, None),
    ],
)
def test_coerce_turns_json_into_engine_values(kind: Any, raw: Any, value: Any) -> None:
    # given
    spec = FactSpec("x", kind, "person", "测试")

    # when
    result = spec.coerce(raw)

    # then
    assert result == value


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("bool", "true"),
        ("bool", 1),
        ("int", -1),
        ("int", True),
        ("int", 1.0),
        ("int", "3"),
        ("money", 12.5),
        ("money", "1.005"),
        ("money", "-1"),
        ("money", True),
        ("money", "五千"),
        ("date", "2019-02-30"),
        ("date", 20190101),
        ("date", "2019/01/01"),
        ("percent", "3.456"),
        ("percent", True),
        ("percent", "-1"),
        ("percent", "abc"),
        ("percent", 3.46),
        ("enum", "other"),
        ("enum", 1),
        ("code", 22),
    ],
)
def test_coerce_refuses_values_of_the_wrong_type(kind: Any, raw: Any) -> None:
    # given
    spec = FactSpec("x", kind, "person", "测试", choices={"a": "甲"})

    # when
    with pytest.raises(CaseError) as caught:
        spec.coerce(raw)

    # then
    assert (caught.value.code, caught.value.field) == ("invalid_type", "facts.x")


def test_coerce_reports_a_failed_code_validator_as_an_invalid_value() -> None:
    # given
    spec = package().facts["pooling_region_code"]

    # when
    with pytest.raises(CaseError) as caught:
        spec.coerce("22a")

    # then
    assert (caught.value.code, caught.value.field) == ("invalid_value", "facts.pooling_region_code")


# ---- parse_case --------------------------------------------------------------------------------


def _payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "entity": "person",
        "as_of": "2019-06-01",
        "facts": {"is_college_graduate": True},
    }
    payload.update(overrides)
    return payload


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        (_payload(facts={"favourite_colour": "red"}), "unknown_fact", "facts.favourite_colour"),
        (_payload(facts={"ui_insured": True}), "fact_entity_mismatch", "facts.ui_insured"),
        (_payload(as_of="2019-02-30"), "invalid_date", "as_of"),
        (_payload(as_of="2018-04-12"), "as_of_before_policy", "as_of"),
        (_payload(as_of=20190601), "invalid_type", "as_of"),
        (
            _payload(facts={"resident_id": "110105194912310021"}),
            "invalid_value",
            "facts.resident_id",
        ),
        (_payload(facts={"resident_id": "12345"}), "invalid_value", "facts.resident_id"),
        (
            _payload(facts={"is_college_graduate": "yes"}),
            "invalid_type",
            "facts.is_college_graduate",
        ),
        (
            _payload(facts={"ui_contribution_months": "36"}),
            "invalid_type",
            "facts.ui_contribution_months",
        ),
        (
            _payload(facts={"graduation_date": "2019-02-30"}),
            "invalid_type",
            "facts.graduation_date",
        ),
        (_payload(facts={"business_kind": "farm"}), "invalid_type", "facts.business_kind"),
        (_payload(facts=["is_college_graduate"]), "invalid_type", "facts"),
        (_payload(entity="company"), "invalid_entity", "entity"),
        # an object or a list as the entity (found by fuzzing: was a TypeError)
        (_payload(entity={"a": 1}), "invalid_entity", "entity"),
        (_payload(entity=["person"]), "invalid_entity", "entity"),
        (_payload(colour="red"), "unknown_field", "colour"),
        (_payload(receipts="startup_subsidy"), "invalid_type", "receipts"),
        (_payload(receipts=[{"rule": "free_lunch"}]), "unknown_rule", "receipts[0].rule"),
        # an object or a list where a rule id belongs (found by fuzzing: was a TypeError)
        (_payload(receipts=[{"rule": {"a": 1}}]), "unknown_rule", "receipts[0].rule"),
        (_payload(receipts=[{"rule": ["startup_subsidy"]}]), "unknown_rule", "receipts[0].rule"),
        ({"entity": "person", "facts": {}}, "missing_as_of", "as_of"),
        (["person"], "invalid_case", "case"),
    ],
)
def test_parse_case_refuses_bad_input_naming_the_field(payload: Any, code: str, field: str) -> None:
    # given
    pkg = package()

    # when
    with pytest.raises(CaseError) as caught:
        pkg.parse_case(payload)

    # then
    assert (caught.value.code, caught.value.field) == (code, field)


def test_parse_case_refuses_a_money_fact_given_as_a_float() -> None:
    # given
    payload = {
        "entity": "employer",
        "as_of": "2019-06-01",
        "facts": {"last_year_ui_premiums": 12345.67},
    }

    # when
    with pytest.raises(CaseError) as caught:
        package().parse_case(payload)

    # then
    assert (caught.value.code, caught.value.field) == (
        "invalid_type",
        "facts.last_year_ui_premiums",
    )


def test_parse_case_accepts_the_day_the_policy_was_published() -> None:
    # given
    payload = _payload(
        as_of="2018-04-13", facts={"resident_id": "11010519491231002X", "is_college_graduate": True}
    )

    # when
    case = package().parse_case(payload)

    # then
    assert case.as_of == date(2018, 4, 13)
    assert dict(case.facts) == {"resident_id": "11010519491231002X", "is_college_graduate": True}


def test_a_receipts_record_marks_unlisted_one_time_benefits_as_not_received() -> None:
    # given
    payload = _payload(facts={}, receipts=[{"rule": "startup_subsidy"}])

    # when
    case = package().parse_case(payload)

    # then
    assert dict(case.facts) == {
        "received_startup_subsidy": True,
        "received_job_seeking_subsidy": False,
    }


def test_evaluate_refuses_an_unknown_rule_and_a_rule_of_another_entity() -> None:
    # given
    pkg = package()
    case = pkg.parse_case(_payload())

    # when
    with pytest.raises(CaseError) as unknown:
        pkg.evaluate(case, rule_ids=["free_lunch"])
    with pytest.raises(CaseError) as other:
        pkg.evaluate(case, rule_ids=["job_stabilization_subsidy"])

    # then
    assert (unknown.value.code, unknown.value.field) == ("unknown_rule", "rule")
    assert (other.value.code, other.value.field) == ("rule_entity_mismatch", "rule")


def test_evaluate_frame_refuses_an_as_of_before_the_policy() -> None:
    # given
    frame = pl.DataFrame({"is_college_graduate": [True]})

    # when
    with pytest.raises(CaseError) as caught:
        package().evaluate_frame(frame, entity="person", as_of=date(2018, 4, 12))

    # then
    assert (caught.value.code, caught.value.field) == ("as_of_before_policy", "as_of")


@pytest.mark.parametrize(
    ("fact", "value"),
    [
        ("ui_contribution_months", 2**31),
        ("last_year_ui_premiums", "10000000000.01"),
        ("pooling_region_unemployment_rate", "100.01"),
    ],
)
def test_values_beyond_the_bounds_that_keep_batch_arithmetic_exact_are_refused(
    fact: str, value: object
) -> None:
    # given
    spec = package().facts[fact]
    # when / then
    with pytest.raises(CaseError) as error:
        spec.coerce(value)
    assert (error.value.code, error.value.field) == ("invalid_type", f"facts.{fact}")


@pytest.mark.parametrize(
    ("fact", "value", "expected"),
    [
        ("ui_contribution_months", 2**31 - 1, 2**31 - 1),
        ("last_year_ui_premiums", "10000000000.00", 10**12),
        ("pooling_region_unemployment_rate", "100", 10000),
    ],
)
def test_values_at_the_bounds_are_accepted(fact: str, value: object, expected: int) -> None:
    # then
    assert package().facts[fact].coerce(value) == expected
