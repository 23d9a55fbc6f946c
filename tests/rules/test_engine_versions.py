"""Dated rule versions and several packages in force together (issue 9, §1 and §5)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from jiuye.rules import (
    Condition,
    Fact,
    FactSpec,
    Param,
    Parameter,
    ParamValue,
    PolicyPackage,
    Rule,
    compose,
)
from jiuye.rules.errors import CaseError

from policies.songyuan_2018 import package

IN_FORCE, AMENDED = date(2018, 4, 13), date(2020, 1, 1)
FACTS = (
    FactSpec("resident", "bool", "person", "是否为本市居民"),
    FactSpec("insured", "bool", "person", "是否参加社会保险"),
)
RESIDENT = Condition("resident", "本市居民", "一", Fact("resident"))
INSURED = Condition("insured", "参加社会保险", "一", Fact("insured"))


def _amount(start: date, fen: int | None, source: str = "原文") -> Parameter:
    return Parameter("grant.amount_fen", "补贴标准", "fen", "一", (ParamValue(start, fen, source),))


def _grant(*conditions: Condition, since: date | None = None, version: str = "") -> Rule:
    return Rule(
        "grant",
        "补贴",
        "person",
        "一",
        "benefit",
        conditions,
        amount=Param("grant.amount_fen"),
        since=since,
        version=version,
    )


def _versioned() -> PolicyPackage:
    """``grant`` needs residence from 2018-04-13, and insurance too from 2020-01-01."""
    return PolicyPackage(
        name="town",
        title="某镇文件",
        in_force=IN_FORCE,
        facts=FACTS,
        rules=[_grant(RESIDENT, INSURED, since=AMENDED), _grant(RESIDENT)],
        parameters=[_amount(IN_FORCE, 100000)],
    )


def _status(pkg: PolicyPackage, on: date, facts: dict[str, bool]) -> str:
    case = pkg.parse_case({"entity": "person", "as_of": on.isoformat(), "facts": facts})
    (result,) = pkg.evaluate(case)
    return result.status


# ---- versions of one package ---------------------------------------------------------------


def test_versions_are_sorted_and_the_newest_is_the_rule() -> None:
    # given
    pkg = _versioned()

    # when
    versions = pkg.rule_versions("grant")

    # then
    assert [pkg.since(r) for r in versions] == [IN_FORCE, AMENDED]
    assert pkg.rules["grant"] is versions[-1]
    assert [pkg.version_label(r) for r in versions] == ["2018-04-13 起", "2020-01-01 起"]


def test_rule_at_is_the_version_in_force_and_the_first_before_it() -> None:
    # given
    pkg = _versioned()
    first, second = pkg.rule_versions("grant")

    # when / then
    assert pkg.rule_at("grant", date(2018, 1, 1)) is first
    assert pkg.rule_at("grant", date(2019, 12, 31)) is first
    assert pkg.rule_at("grant", AMENDED) is second


def test_a_condition_added_on_a_date_applies_from_that_day_only() -> None:
    # given: a resident without insurance
    pkg = _versioned()
    facts = {"resident": True, "insured": False}

    # when
    before = _status(pkg, date(2019, 12, 31), facts)
    on_the_day = _status(pkg, AMENDED, facts)

    # then
    assert (before, on_the_day) == ("eligible", "ineligible")


def test_results_and_their_json_name_the_version_package_and_document() -> None:
    # given
    pkg = _versioned()
    case = pkg.parse_case(
        {"entity": "person", "as_of": "2020-01-01", "facts": {"resident": True, "insured": True}}
    )

    # when
    (result,) = pkg.evaluate(case)
    payload = pkg.result_json(result)

    # then
    assert (result.version, result.package, result.document) == (
        "2020-01-01 起",
        "town",
        "某镇文件",
    )
    assert (payload["version"], payload["package"], payload["document"]) == (
        "2020-01-01 起",
        "town",
        "某镇文件",
    )
    assert payload["reasons"][1]["origin_clauses"] == []
    assert payload["amount_yuan"] == "1000.00"


def test_an_explicit_version_label_is_kept() -> None:
    # given
    pkg = PolicyPackage(
        name="t",
        title="文件",
        in_force=IN_FORCE,
        facts=FACTS,
        rules=[_grant(RESIDENT, version="修订版")],
        parameters=[_amount(IN_FORCE, 1)],
    )

    # when / then
    assert pkg.version_label(pkg.rules["grant"]) == "修订版"


def test_two_versions_from_the_same_day_are_refused() -> None:
    # when / then
    with pytest.raises(ValueError, match="duplicate rule grant"):
        PolicyPackage(
            name="t",
            title="文件",
            in_force=IN_FORCE,
            facts=FACTS,
            rules=[_grant(RESIDENT), _grant(RESIDENT, INSURED, since=IN_FORCE)],
            parameters=[_amount(IN_FORCE, 1)],
        )


def test_the_batch_compiles_the_version_in_force_on_its_date() -> None:
    # given
    pkg = _versioned()
    frame = pl.DataFrame({"resident": [True], "insured": [False]})

    # when
    before = pkg.evaluate_frame(frame, entity="person", as_of=date(2019, 12, 31))
    after = pkg.evaluate_frame(frame, entity="person", as_of=AMENDED)

    # then
    assert before["grant"].to_list() == [True]
    assert after["grant"].to_list() == [False]
    assert pkg.decode_missing("grant", 0b11) == ("insured", "resident")


def test_rows_on_either_side_of_a_version_boundary_use_their_own_version() -> None:
    # given: the same person applying the day before and the day of the amendment
    pkg = _versioned()
    frame = pl.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "applied": [AMENDED, date(2019, 12, 31), date(2021, 5, 1), IN_FORCE],
            "resident": [True, True, True, True],
            "insured": [False, False, None, None],
        }
    )

    # when
    out = pkg.evaluate_frame(frame, entity="person", as_of="applied", keep=["id"])

    # then: rows keep their order; each is decided by its own version
    assert out["id"].to_list() == [1, 2, 3, 4]
    assert out["grant"].to_list() == [False, True, None, True]
    assert out["grant__amount_fen"].to_list() == [None, 100000, None, 100000]
    assert [pkg.decode_missing("grant", m) for m in out["grant__missing"]] == [
        (),
        (),
        ("insured",),
        (),
    ]


def test_a_date_column_with_a_gap_or_before_the_policy_is_refused() -> None:
    # given
    pkg = _versioned()
    gap = pl.DataFrame({"applied": [AMENDED, None], "resident": [True, True]})
    early = pl.DataFrame({"applied": [date(2018, 4, 12)], "resident": [True]})

    # when / then
    with pytest.raises(CaseError) as missing:
        pkg.evaluate_frame(gap, entity="person", as_of="applied")
    with pytest.raises(CaseError) as before:
        pkg.evaluate_frame(early, entity="person", as_of="applied")
    assert (missing.value.code, missing.value.field) == ("missing_as_of", "applied")
    assert (before.value.code, before.value.field) == ("as_of_before_policy", "applied")


# ---- several packages in force ------------------------------------------------------------


def _province() -> PolicyPackage:
    return PolicyPackage(
        name="province",
        title="省文件",
        in_force=IN_FORCE,
        facts=FACTS,
        rules=[_grant(RESIDENT)],
        parameters=[
            Parameter(
                "grant.amount_fen",
                "补贴标准",
                "fen",
                "一",
                (
                    ParamValue(IN_FORCE, 100000, "省文件"),
                    ParamValue(date(2021, 1, 1), 200000, "省文件修订"),
                ),
            )
        ],
    )


def _city(**changes: object) -> PolicyPackage:
    extra = FactSpec("local", "bool", "person", "是否在本市就业")
    local = Rule(
        "local_grant",
        "本市补贴",
        "person",
        "二",
        "benefit",
        (Condition("local", "在本市就业", "二", Fact("local")),),
    )
    settings: dict[str, object] = {
        "name": "city",
        "title": "市文件",
        "in_force": date(2019, 1, 1),
        "facts": [*FACTS, extra],
        "rules": [_grant(RESIDENT, INSURED, since=AMENDED), local],
        "parameters": [_amount(date(2019, 6, 1), 150000, "市文件")],
        "precedence": 1,
    }
    settings.update(changes)
    return PolicyPackage(**settings)  # type: ignore[arg-type]


def test_the_higher_precedence_rule_wins_from_its_date_on() -> None:
    # given
    both = compose([_province(), _city()])
    facts = {"resident": True, "insured": False}

    # when
    results = {}
    for day in (date(2019, 12, 31), AMENDED):
        case = both.parse_case({"entity": "person", "as_of": day.isoformat(), "facts": facts})
        results[day] = both.evaluate(case, rule_ids=["grant"])[0]

    # then
    assert [(r.status, r.package, r.document, r.version) for r in results.values()] == [
        ("eligible", "province", "省文件", "2018-04-13 起"),
        ("ineligible", "city", "市文件", "2020-01-01 起"),
    ]


def test_the_higher_precedence_parameter_entry_wins_even_over_a_later_lower_one() -> None:
    # given
    both = compose([_province(), _city()])

    # when
    values = [
        both.params_at(day)["grant.amount_fen"]
        for day in (date(2019, 5, 31), date(2019, 6, 1), date(2021, 1, 1))
    ]

    # then: the province's 2021 figure does not override the city's
    assert values == [100000, 150000, 150000]
    assert both.parameters["grant.amount_fen"].at(date(2021, 1, 1)).source == "市文件"  # type: ignore[union-attr]


def test_an_amendment_adds_its_facts_rules_and_the_composed_package_runs_batches() -> None:
    # given
    both = compose([_city(), _province()])
    frame = pl.DataFrame(
        {
            "applied": [date(2019, 12, 31), AMENDED, date(2018, 5, 1)],
            "resident": [True, True, True],
            "insured": [False, False, False],
            "local": [True, True, True],
        }
    )

    # when
    out = both.evaluate_frame(frame, entity="person", as_of="applied")

    # then
    assert (both.name, both.title, both.in_force) == ("city+province", "市文件；省文件", IN_FORCE)
    assert sorted(both.rules) == ["grant", "local_grant"]
    assert "local" in both.facts
    assert out["grant"].to_list() == [True, False, True]
    assert out["grant__amount_fen"].to_list() == [150000, None, 100000]
    assert out["local_grant"].to_list() == [True, True, True]


def test_a_fact_defined_twice_with_another_type_is_an_error() -> None:
    # given
    city = _city(
        facts=[
            FactSpec("resident", "int", "person", "居住年限"),
            FACTS[1],
            FactSpec("local", "bool", "person", "是否在本市就业"),
        ]
    )

    # when / then
    with pytest.raises(ValueError, match="fact resident is defined differently"):
        compose([_province(), city])


def test_a_parameter_defined_twice_with_another_unit_is_an_error() -> None:
    # given
    city = _city(parameters=[Parameter("grant.amount_fen", "补贴标准", "months", "一", ())])

    # when / then
    with pytest.raises(ValueError, match="parameter grant.amount_fen has different units"):
        compose([_province(), city])


def test_equal_precedences_are_refused() -> None:
    # when / then
    with pytest.raises(ValueError, match="distinct precedences"):
        compose([_province(), _city(precedence=0)])


def test_the_songyuan_package_alone_composes_into_the_same_results() -> None:
    # given
    pkg = package()
    alone = compose([pkg])
    payload = {
        "entity": "person",
        "as_of": "2019-06-01",
        "facts": {"is_college_graduate": True, "graduation_date": "2019-06-30"},
    }

    # when
    direct = [pkg.result_json(r) for r in pkg.evaluate(pkg.parse_case(payload))]
    composed = [alone.result_json(r) for r in alone.evaluate(alone.parse_case(payload))]

    # then
    assert composed == direct
    assert {r["package"] for r in direct} == {"songyuan_2018"}


def test_case_errors_are_jiuye_errors_with_status_422_and_the_same_shape() -> None:
    # given
    from jiuye.core.errors import JiuyeError

    error = CaseError("unknown_fact", "facts.foo", "未知的事实项", "unknown fact")

    # when / then
    assert isinstance(error, JiuyeError)
    assert error.http_status == 422
    assert error.as_dict() == {
        "code": "unknown_fact",
        "message": "未知的事实项（facts.foo）",
        "extra": {"field": "facts.foo", "message_zh": "未知的事实项", "message_en": "unknown fact"},
    }
