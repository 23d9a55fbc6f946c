"""The rules engine itself: three-valued logic on both paths, periods, money, input checks,
and dated parameters edited by an administrator.

Expected values are written out by hand (Kleene's tables, the Civil Code's reading of
periods), never computed by the code under test.
"""

from __future__ import annotations

import operator
import shutil
from datetime import date
from functools import reduce
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from jiuye.rules import CaseError, FactSpec
from jiuye.rules.branches import Case, IsSet
from jiuye.rules.expr import (
    And,
    Env,
    Expr,
    Fact,
    FrameCtx,
    Lit,
    Not,
    Or,
    Param,
)
from jiuye.rules.money import fen_to_yuan, yuan_to_fen
from jiuye.rules.periods import add_months, completed, full_years, period_end

from policies.songyuan_2018 import HERE, load_package, package

T, F, U = True, False, None
AS_OF = date(2019, 6, 1)
PAIRS = [(a, b) for a in (T, F, U) for b in (T, F, U)]

# Kleene's strong three-valued logic, written out: (a, b) → (value, facts still missing).
AND_TABLE: dict[tuple[bool | None, bool | None], tuple[bool | None, frozenset[str]]] = {
    (T, T): (T, frozenset()),
    (T, F): (F, frozenset()),
    (T, U): (U, frozenset({"b"})),
    (F, T): (F, frozenset()),
    (F, F): (F, frozenset()),
    (F, U): (F, frozenset()),
    (U, T): (U, frozenset({"a"})),
    (U, F): (F, frozenset()),
    (U, U): (U, frozenset({"a", "b"})),
}
OR_TABLE: dict[tuple[bool | None, bool | None], tuple[bool | None, frozenset[str]]] = {
    (T, T): (T, frozenset()),
    (T, F): (T, frozenset()),
    (T, U): (T, frozenset()),
    (F, T): (T, frozenset()),
    (F, F): (F, frozenset()),
    (F, U): (U, frozenset({"b"})),
    (U, T): (T, frozenset()),
    (U, F): (U, frozenset({"a"})),
    (U, U): (U, frozenset({"a", "b"})),
}
NOT_TABLE: dict[bool | None, tuple[bool | None, frozenset[str]]] = {
    T: (F, frozenset()),
    F: (T, frozenset()),
    U: (U, frozenset({"a"})),
}


def _env(**facts: Any) -> Env:
    return Env({k: v for k, v in facts.items() if v is not None}, AS_OF, {})


def _frame_eval(
    node: Expr, frame: pl.DataFrame, params: dict[str, Any] | None = None
) -> tuple[list[Any], list[frozenset[str]]]:
    """Value and missing facts of ``node`` for each row, computed by Polars.

    A fact is missing in a row when any of the conditions ``missing_flags`` collects for
    it holds (the engine ORs them into the rule's bit mask the same way).
    """
    ctx = FrameCtx(AS_OF, params or {})
    flags: dict[str, list[pl.Expr]] = {}
    node.missing_flags(ctx, [], flags)
    names = sorted(flags)
    out = frame.select(
        node.polars(ctx).alias("__value"),
        *(reduce(operator.or_, flags[n]).fill_null(False).alias(n) for n in names),
    )
    missing = [frozenset(n for n in names if row[n]) for row in out.iter_rows(named=True)]
    return out["__value"].to_list(), missing


def _bool_frame(**columns: list[bool | None]) -> pl.DataFrame:
    return pl.DataFrame(columns, schema={name: pl.Boolean for name in columns})


# ---- Kleene logic, scalar path -------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_and_follows_kleene_on_a_single_case(a: bool | None, b: bool | None) -> None:
    # given
    node = And(Fact("a"), Fact("b"))

    # when
    out = node.evaluate(_env(a=a, b=b))

    # then
    assert (out.value, out.missing) == AND_TABLE[(a, b)]


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_or_follows_kleene_on_a_single_case(a: bool | None, b: bool | None) -> None:
    # given
    node = Or(Fact("a"), Fact("b"))

    # when
    out = node.evaluate(_env(a=a, b=b))

    # then
    assert (out.value, out.missing) == OR_TABLE[(a, b)]


@pytest.mark.parametrize("a", [T, F, U])
def test_not_follows_kleene_on_a_single_case(a: bool | None) -> None:
    # given
    node = Not(Fact("a"))

    # when
    out = node.evaluate(_env(a=a))

    # then
    assert (out.value, out.missing) == NOT_TABLE[a]


# ---- Kleene logic, Polars path -------------------------------------------------------------


def test_and_follows_kleene_over_a_frame() -> None:
    # given
    frame = _bool_frame(a=[p[0] for p in PAIRS], b=[p[1] for p in PAIRS])

    # when
    values, missing = _frame_eval(And(Fact("a"), Fact("b")), frame)

    # then
    assert list(zip(values, missing, strict=True)) == [AND_TABLE[p] for p in PAIRS]


def test_or_follows_kleene_over_a_frame() -> None:
    # given
    frame = _bool_frame(a=[p[0] for p in PAIRS], b=[p[1] for p in PAIRS])

    # when
    values, missing = _frame_eval(Or(Fact("a"), Fact("b")), frame)

    # then
    assert list(zip(values, missing, strict=True)) == [OR_TABLE[p] for p in PAIRS]


def test_not_follows_kleene_over_a_frame() -> None:
    # given
    frame = _bool_frame(a=[T, F, U])

    # when
    values, missing = _frame_eval(Not(Fact("a")), frame)

    # then
    assert list(zip(values, missing, strict=True)) == [NOT_TABLE[T], NOT_TABLE[F], NOT_TABLE[U]]


def test_polars_boolean_operators_treat_null_as_unknown() -> None:
    # given
    null = pl.lit(None, dtype=pl.Boolean)

    # when
    row = pl.select(
        (null & pl.lit(False)).alias("null_and_false"),
        (null & pl.lit(True)).alias("null_and_true"),
        (null | pl.lit(True)).alias("null_or_true"),
        (null | pl.lit(False)).alias("null_or_false"),
        (~null).alias("not_null"),
        (pl.lit(None, dtype=pl.Int64) == 1).alias("null_equals_one"),
        (pl.lit(None, dtype=pl.Int64) * 2).alias("null_times_two"),
        pl.lit(None, dtype=pl.String).is_in(["x"]).alias("null_is_in"),
    ).row(0, named=True)

    # then
    assert row == {
        "null_and_false": False,
        "null_and_true": None,
        "null_or_true": True,
        "null_or_false": None,
        "not_null": None,
        "null_equals_one": None,
        "null_times_two": None,
        "null_is_in": None,
    }


def test_polars_when_takes_a_null_condition_as_not_holding() -> None:
    # given: the reason the engine's Case tests ``is_null()`` before the condition itself
    expr = pl.when(pl.lit(None, dtype=pl.Boolean)).then(1).otherwise(2)

    # when
    value = pl.select(expr).item()

    # then
    assert value == 2


# ---- Case (When) -----------------------------------------------------------------------------


def _when() -> Case:
    return Case([(Fact("a"), Lit(10)), (Fact("b"), Lit(20))], Lit(30))


def test_case_with_unknown_first_condition_is_unknown_even_if_later_branches_are_known() -> None:
    # given
    env = _env(a=None, b=True)

    # when
    out = _when().evaluate(env)

    # then
    assert (out.value, out.missing) == (None, frozenset({"a"}))


def test_case_takes_the_first_branch_whose_condition_holds() -> None:
    # given
    cases = [
        _env(a=True, b=None),
        _env(a=False, b=True),
        _env(a=False, b=False),
        _env(a=False, b=None),
    ]

    # when
    outs = [_when().evaluate(env) for env in cases]

    # then
    assert [(o.value, o.missing) for o in outs] == [
        (10, frozenset()),
        (20, frozenset()),
        (30, frozenset()),
        (None, frozenset({"b"})),
    ]


def test_case_over_a_frame_matches_the_single_case_results() -> None:
    # given
    frame = _bool_frame(a=[None, True, False, False, False], b=[True, None, True, False, None])

    # when
    values, missing = _frame_eval(_when(), frame)

    # then
    assert values == [None, 10, 20, 30, None]
    assert missing == [frozenset({"a"}), frozenset(), frozenset(), frozenset(), frozenset({"b"})]


# ---- missing facts and unset parameters ----------------------------------------------------


def test_a_known_node_names_no_missing_facts_even_when_some_inputs_are_unknown() -> None:
    # given
    node = (Fact("a") | Fact("b")) & Fact("c")
    env = _env(a=True, b=None, c=True)

    # when
    out = node.evaluate(env)

    # then
    assert (out.value, out.missing, out.unset) == (True, frozenset(), frozenset())


def test_an_unknown_node_names_only_the_facts_behind_its_unknown_parts() -> None:
    # given
    node = (Fact("a") | Fact("b")) & Fact("c")
    env = _env(a=False, b=None, c=None)

    # when
    out = node.evaluate(env)

    # then
    assert (out.value, out.missing) == (None, frozenset({"b", "c"}))


def test_a_comparison_with_an_unset_parameter_reports_the_parameter_not_a_fact() -> None:
    # given
    node = Fact("n") >= Param("min")
    env = Env({"n": 3}, AS_OF, {"min": None})

    # when
    out = node.evaluate(env)

    # then
    assert (out.value, out.missing, out.unset) == (None, frozenset(), frozenset({"min"}))


def test_an_unset_parameter_is_null_over_a_frame_and_is_set_says_so() -> None:
    # given
    frame = pl.DataFrame({"n": [3, 7]})
    ctx = FrameCtx(AS_OF, {"min": None, "low": 5})

    # when
    out = frame.select(
        (Fact("n") >= Param("min")).polars(ctx).alias("unset"),
        (Fact("n") >= Param("low")).polars(ctx).alias("low"),
        IsSet("min").polars(ctx).alias("min_set"),
        IsSet("low").polars(ctx).alias("low_set"),
    )

    # then
    assert out.to_dicts() == [
        {"unset": None, "low": False, "min_set": False, "low_set": True},
        {"unset": None, "low": True, "min_set": False, "low_set": True},
    ]


def test_false_and_unknown_rule_is_ineligible_with_nothing_to_ask() -> None:
    # given
    pkg = package()
    case = pkg.parse_case(
        {"entity": "person", "as_of": "2019-06-01", "facts": {"is_enterprise_employee": False}}
    )

    # when
    (result,) = pkg.evaluate(case, rule_ids=["skill_upgrade_subsidy"])

    # then
    assert (result.status, result.missing_facts) == ("ineligible", ())


def test_batch_missing_mask_decodes_to_the_same_facts_as_a_single_case() -> None:
    # given
    pkg = package()
    facts = {"is_enterprise_employee": True, "certificate_level": 4}
    case = pkg.parse_case({"entity": "person", "as_of": "2019-06-01", "facts": facts})
    frame = pl.DataFrame({"is_enterprise_employee": [True], "certificate_level": [4]})

    # when
    (single,) = pkg.evaluate(case, rule_ids=["skill_upgrade_subsidy"])
    batch = pkg.evaluate_frame(
        frame, entity="person", as_of=date(2019, 6, 1), rule_ids=["skill_upgrade_subsidy"]
    )

    # then
    decoded = pkg.decode_missing(
        "skill_upgrade_subsidy", batch["skill_upgrade_subsidy__missing"][0]
    )
    assert single.missing_facts == ("certificate_issue_date", "ui_contribution_months")
    assert decoded == single.missing_facts
    assert batch["skill_upgrade_subsidy"][0] is None


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
        (_payload(colour="red"), "unknown_field", "colour"),
        (_payload(receipts="startup_subsidy"), "invalid_type", "receipts"),
        (_payload(receipts=[{"rule": "free_lunch"}]), "unknown_rule", "receipts[0].rule"),
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


# ---- dated parameters --------------------------------------------------------------------------

JOB_SEEKING = {
    "is_college_graduate": True,
    "graduation_date": "2019-06-30",
    "seeking_work_or_business": True,
    "household_dibao": True,
}
STARTUP = {
    "is_college_graduate": True,
    "is_first_business": True,
    "business_kind": "small_micro_enterprise",
    "business_license_date": "2018-05-20",
    "business_operating_normally": True,
    "has_social_insurance": True,
}


def _add_value(root: Path, parameter: str, start: date, value: int, source: str) -> None:
    path = root / "parameters" / f"{parameter.replace('.', '/')}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["values"].append({"from": start, "value": value, "source": source})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _result(pkg: Any, rule: str, facts: dict[str, Any], as_of: str) -> tuple[Any, ...]:
    case = pkg.parse_case({"entity": "person", "as_of": as_of, "facts": facts, "receipts": []})
    (result,) = pkg.evaluate(case, rule_ids=[rule])
    amount = None if result.amount_fen is None else fen_to_yuan(result.amount_fen)
    return result.status, amount, result.unset_parameters


def test_a_dated_job_seeking_amount_applies_from_its_start_date_on(tmp_path: Path) -> None:
    # given
    root = tmp_path / "songyuan_2018"
    shutil.copytree(HERE, root)
    _add_value(
        root,
        "job_seeking_subsidy.amount_fen",
        date(2019, 7, 1),
        100000,
        "测试：市人社局、市财政局公布的一次性求职创业补贴标准（每人1000元）",
    )

    # when
    edited = load_package(root)
    before = _result(edited, "job_seeking_subsidy", JOB_SEEKING, "2019-06-30")
    from_day = _result(edited, "job_seeking_subsidy", JOB_SEEKING, "2019-07-01")
    later = _result(edited, "job_seeking_subsidy", JOB_SEEKING, "2019-12-31")
    shipped = _result(package(), "job_seeking_subsidy", JOB_SEEKING, "2019-07-01")

    # then
    assert before == ("eligible", None, ("job_seeking_subsidy.amount_fen",))
    assert from_day == ("eligible", "1000.00", ())
    assert later == ("eligible", "1000.00", ())
    assert shipped == ("eligible", None, ("job_seeking_subsidy.amount_fen",))


def test_a_dated_job_seeking_amount_applies_in_batch_from_its_start_date_on(tmp_path: Path) -> None:
    # given
    root = tmp_path / "songyuan_2018"
    shutil.copytree(HERE, root)
    _add_value(
        root,
        "job_seeking_subsidy.amount_fen",
        date(2019, 7, 1),
        100000,
        "测试：市人社局、市财政局公布的一次性求职创业补贴标准（每人1000元）",
    )
    edited = load_package(root)
    frame = pl.DataFrame(
        {
            "is_college_graduate": [True],
            "graduation_date": [date(2019, 6, 30)],
            "seeking_work_or_business": [True],
            "household_dibao": [True],
            "received_job_seeking_subsidy": [False],
        }
    )

    # when
    amounts = [
        edited.evaluate_frame(frame, entity="person", as_of=day, rule_ids=["job_seeking_subsidy"])[
            "job_seeking_subsidy__amount_fen"
        ][0]
        for day in (date(2019, 6, 30), date(2019, 7, 1))
    ]

    # then
    assert amounts == [None, 100000]


def test_a_changed_startup_amount_changes_results_from_its_date_only(tmp_path: Path) -> None:
    # given
    root = tmp_path / "songyuan_2018"
    shutil.copytree(HERE, root)
    _add_value(
        root,
        "startup_subsidy.amount_fen",
        date(2020, 1, 1),
        600000,
        "测试：调整后的一次性初创企业补贴标准（6000元）",
    )

    # when
    edited = load_package(root)
    results = {
        day: _result(edited, "startup_subsidy", STARTUP, day)
        for day in ("2019-05-20", "2019-12-31", "2020-01-01", "2021-02-28")
    }

    # then
    assert results == {
        "2019-05-20": ("eligible", "5000.00", ()),
        "2019-12-31": ("eligible", "5000.00", ()),
        "2020-01-01": ("eligible", "6000.00", ()),
        "2021-02-28": ("eligible", "6000.00", ()),
    }
    assert _result(package(), "startup_subsidy", STARTUP, "2020-01-01") == (
        "eligible",
        "5000.00",
        (),
    )


def test_a_parameter_value_without_a_source_is_refused(tmp_path: Path) -> None:
    # given
    root = tmp_path / "songyuan_2018"
    shutil.copytree(HERE, root)
    _add_value(root, "startup_subsidy.amount_fen", date(2020, 1, 1), 600000, "")

    # when
    with pytest.raises(ValueError, match="source") as caught:
        load_package(root)

    # then
    assert "amount_fen.yaml" in str(caught.value)


@pytest.mark.parametrize(("fact", "value"), [
    ("ui_contribution_months", 2**31),
    ("last_year_ui_premiums", "10000000000.01"),
    ("pooling_region_unemployment_rate", "100.01"),
])
def test_values_beyond_the_bounds_that_keep_batch_arithmetic_exact_are_refused(
        fact: str, value: object) -> None:
    # given
    spec = package().facts[fact]
    # when / then
    with pytest.raises(CaseError) as error:
        spec.coerce(value)
    assert (error.value.code, error.value.field) == ("invalid_type", f"facts.{fact}")


@pytest.mark.parametrize(("fact", "value", "expected"), [
    ("ui_contribution_months", 2**31 - 1, 2**31 - 1),
    ("last_year_ui_premiums", "10000000000.00", 10**12),
    ("pooling_region_unemployment_rate", "100", 10000),
])
def test_values_at_the_bounds_are_accepted(fact: str, value: object, expected: int) -> None:
    # then
    assert package().facts[fact].coerce(value) == expected
