"""The rules engine itself: three-valued logic on both paths, periods, money, input checks,
and dated parameters edited by an administrator.

Expected values are written out by hand (Kleene's tables, the Civil Code's reading of
periods), never computed by the code under test.
"""

from __future__ import annotations

import operator
from datetime import date
from functools import reduce
from typing import Any

import polars as pl
import pytest

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

from policies.songyuan_2018 import package

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
