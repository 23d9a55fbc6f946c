from __future__ import annotations

from datetime import date

import pytest

from jiuye.selfcheck.present import would_change
from jiuye.selfcheck.questionnaire import State, run_step

AS_OF = date(2019, 6, 1)


@pytest.mark.parametrize(
    ("months", "status", "change"),
    [("35", "ineligible", ["累计缴纳失业保险费满36个月后可申请"]), ("36", "undetermined", None)],
)
def test_the_36_month_threshold_flips_the_skill_upgrade_hint(months, status, change):
    # given
    state = State("person", {"is_enterprise_employee": "true", "ui_contribution_months": months})
    # when
    step = run_step(state, AS_OF)
    rule = next(r for r in step.results if r.rule == "skill_upgrade_subsidy")
    # then
    assert rule.status == status
    if change is not None:
        assert would_change(rule) == change
    else:
        assert "累计缴纳失业保险费满36个月后可申请" not in would_change(rule)


def test_an_unfinished_training_says_finish_it():
    # given
    answers = {
        "hukou_type": "rural",
        "training_kind": "employment_skills",
        "training_completed": "false",
    }
    # when
    rule = next(
        r
        for r in run_step(State("person", answers), AS_OF).results
        if r.rule == "rural_skills_training_subsidy"
    )
    # then
    assert would_change(rule) == ["完成培训并考核合格后可申请"]


def test_a_question_with_terms_explains_them():
    # when
    step = run_step(State("person"), AS_OF, "answer", fact="veteran", value="false")
    step = run_step(step.state, AS_OF, "answer", fact="is_college_graduate", value="false")
    # then every asked question naming 建档立卡 carries its plain line
    assert step.question is not None
