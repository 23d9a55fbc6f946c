"""Withholding: without the sensitive right, a rule reading a fact about disability or
poverty shows neither its conclusion, nor its amount, nor its missing facts, nor the
truth of that condition; with the right everything is shown. Best news first."""

from __future__ import annotations

import pytest

from jiuye.eligibility.withholding import (
    HIDDEN,
    SENSITIVE_FACTS,
    WITHHELD,
    Entitlements,
    rule_title,
    shown,
)
from jiuye.rules.model import Reason, RuleResult


def _result(rule: str, status: str, *facts: str, amount: int | None = None) -> RuleResult:
    reasons = tuple(
        Reason(f"c{i}", f"条件{i}", "三（一）", status == "eligible", facts={name: True})
        for i, name in enumerate(facts)
    )
    missing = ("graduation_date",) if status == "undetermined" else ()
    return RuleResult(
        rule, f"规则{rule}", "benefit", status, amount, "三（一）", None, missing, (), reasons
    )


RESULTS = [
    _result("b_plain", "ineligible", "is_college_graduate"),
    _result("a_disabled", "eligible", "is_disabled", "hukou_in_songyuan", amount=100_050),
    _result("c_unknown", "undetermined", "graduation_date"),
    _result("d_poor", "ineligible", "household_jdlk_poor"),
]


def test_without_the_right_a_rule_reading_a_sensitive_fact_is_withheld_whatever_it_says():
    # when
    out = shown(RESULTS, "person", sees_sensitive=False)
    # then
    assert [(e.rule, e.status, e.status_label, e.amount_yuan, e.missing) for e in out] == [
        ("c_unknown", "undetermined", "还需了解", None, ("毕业日期",)),
        ("b_plain", "ineligible", "不符合", None, ()),
        ("a_disabled", WITHHELD, HIDDEN, None, ()),
        ("d_poor", WITHHELD, HIDDEN, None, ()),
    ]
    reasons = {e.rule: e.reasons for e in out}
    assert reasons["a_disabled"] == (("条件0", "三（一）", HIDDEN), ("条件1", "三（一）", "是"))
    assert reasons["b_plain"] == (("条件0", "三（一）", "否"),)
    assert Entitlements(tuple(out)).withheld == {"a_disabled", "d_poor"}


def test_with_the_right_everything_is_shown():
    # when
    out = shown(RESULTS, "person", sees_sensitive=True)
    # then
    assert [(e.rule, e.status_label, e.amount_yuan) for e in out] == [
        ("a_disabled", "符合", "1000.50"),
        ("c_unknown", "还需了解", None),
        ("b_plain", "不符合", None),
        ("d_poor", "不符合", None),
    ]
    assert dict((e.rule, e.reasons) for e in out)["a_disabled"] == (
        ("条件0", "三（一）", "是"),
        ("条件1", "三（一）", "是"),
    )
    assert Entitlements(tuple(out)).withheld == frozenset()


@pytest.mark.parametrize("fact", sorted(SENSITIVE_FACTS))
def test_each_sensitive_fact_withholds_the_rule_reading_it(fact):
    # when
    (out,) = shown([_result("r", "eligible", fact)], "person", sees_sensitive=False)
    # then
    assert (out.status, out.reasons[0][2]) == (WITHHELD, HIDDEN)


def test_the_sensitive_facts_are_disability_poverty_and_difficulty():
    # then
    assert SENSITIVE_FACTS == {
        "is_disabled",
        "is_dibao_household",
        "certified_difficulty",
        "poor_family_child",
        "household_jdlk_poor",
        "household_dibao",
        "household_poor_disabled",
        "is_tekun",
    }


def test_a_benefit_row_names_its_rule_or_its_id():
    # then
    assert rule_title("job_seeking_subsidy") == "一次性求职创业补贴"
    assert rule_title("no_such_rule") == "no_such_rule"
