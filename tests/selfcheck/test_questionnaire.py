from __future__ import annotations

import random
from datetime import date

import pytest

from jiuye.rules.model import RuleResult
from jiuye.selfcheck.questionnaire import (
    AnswerError,
    State,
    next_question,
    parse_answer,
    question_for,
    run_step,
)

AS_OF = date(2019, 6, 1)
STARTUP_ONLY_FACTS = {
    "business_kind",
    "is_first_business",
    "business_license_date",
    "business_operating_normally",
    "has_social_insurance",
    "received_startup_subsidy",
}


def result(
    rule: str, status: str, missing: tuple[str, ...], amount_fen: int | None = None
) -> RuleResult:
    return RuleResult(
        rule,
        rule,
        "benefit",
        status,
        amount_fen,
        "二（三）",
        None,  # type: ignore[arg-type]
        missing,
        (),
        (),
    )


def walk(state: State, answer) -> list[str]:
    """Every question asked until none is left; ``answer(name)`` gives text or None (skip)."""
    asked: list[str] = []
    step = run_step(state, AS_OF)
    while step.question is not None:
        name = step.question.name
        asked.append(name)
        text = answer(name)
        action = "skip" if text is None else "answer"
        step = run_step(step.state, AS_OF, action, fact=name, value=text or "")
        assert step.error is None
    return asked


def test_next_question_is_the_fact_most_open_measures_need():
    # given
    results = [
        result("a", "undetermined", ("x", "y")),
        result("b", "undetermined", ("y",)),
        result("c", "undetermined", ("y", "z")),
    ]
    # when
    chosen = next_question(results, order={"x": 0, "y": 1, "z": 2})
    # then
    assert chosen == "y"


def test_next_question_breaks_ties_by_the_order_of_the_facts():
    # given
    results = [result("a", "undetermined", ("z", "x")), result("b", "undetermined", ("x", "z"))]
    # when / then
    assert next_question(results, order={"z": 0, "x": 1}) == "z"
    assert next_question(results, order={"x": 0, "z": 1}) == "x"


def test_next_question_ignores_settled_measures_and_skipped_facts():
    # given an ineligible and a fully eligible measure, and one open measure
    results = [
        result("a", "ineligible", ()),
        result("b", "eligible", (), amount_fen=500000),
        result("c", "undetermined", ("x", "y")),
    ]
    # when / then
    assert next_question(results, skipped={"x"}, order={"x": 0, "y": 1}) == "y"
    assert next_question(results, skipped={"x", "y"}, order={"x": 0, "y": 1}) is None


def test_next_question_asks_for_the_amount_of_an_eligible_measure():
    # given an eligible measure whose amount still depends on a fact
    results = [result("a", "eligible", ("premiums",))]
    # when / then
    assert next_question(results, order={}) == "premiums"


def test_a_person_is_first_asked_whether_they_are_a_veteran():
    # when
    step = run_step(State("person"), AS_OF)
    # then: it decides no rule but leads to the veterans' measures (三（八）)
    assert step.question is not None
    assert (step.question.name, step.question.type, step.question.pointer) == (
        "veteran",
        "bool",
        True,
    )
    assert step.progress == (1, 1 + len({f for r in step.results for f in r.missing_facts}))


def test_an_employer_is_not_asked_about_veterans():
    # when
    step = run_step(State("employer"), AS_OF)
    # then
    assert step.question is not None
    assert step.question.name != "veteran"


def test_after_the_veteran_question_a_person_is_asked_whether_they_are_a_college_graduate():
    # when
    step = run_step(State("person"), AS_OF, "answer", fact="veteran", value="false")
    # then: seven of the ten person benefits turn on it
    assert step.question is not None
    assert (step.question.name, step.question.label, step.question.type) == (
        "is_college_graduate",
        "是否为高校毕业生",
        "bool",
    )
    assert [r.rule for r in step.results if "is_college_graduate" in r.missing_facts] == [
        "startup_subsidy",
        "job_seeking_subsidy",
        "internship_subsidy",
        "graduate_hiring_social_insurance_subsidy",
        "graduate_flexible_employment_social_insurance_subsidy",
        "grassroots_service_establishment",
        "vocational_training_subsidy",
    ]


def test_an_employer_is_first_asked_about_unemployment_insurance():
    # when
    step = run_step(State("employer"), AS_OF)
    # then
    assert step.question is not None
    assert step.question.name == "ui_insured"
    assert [r.rule for r in step.results] == [
        "job_stabilization_subsidy",
        "apprenticeship_training_subsidy",
    ]


def test_answered_and_skipped_facts_are_never_asked_again():
    # given random answers along random paths
    rng = random.Random(2018)
    samples = {
        "bool": ["true", "false"],
        "date": ["2017-07-01", "2018-04-01", "2019-01-15"],
        "int": ["0", "5", "40"],
        "money": ["1000", "25000.50"],
        "percent": ["3.46"],
    }
    for _ in range(30):
        step = run_step(State("person"), AS_OF)
        asked: list[str] = []
        while step.question is not None:
            q = step.question
            asked.append(q.name)
            options = [c for c, _ in q.choices] or samples.get(q.type, [])
            if rng.random() < 0.2:
                step = run_step(step.state, AS_OF, "skip", fact=q.name)
            else:
                step = run_step(step.state, AS_OF, "answer", fact=q.name, value=rng.choice(options))
        # then
        assert len(asked) == len(set(asked))
        assert "resident_id" not in asked


def test_a_person_neither_graduate_nor_in_difficulty_is_not_asked_about_the_startup():
    # given someone who is not a graduate and not in employment difficulty
    answers = {
        "is_college_graduate": "false",
        "certified_difficulty": "false",
        "household_jdlk_poor": "false",
    }
    # when they walk the rest, skipping every other question
    asked = walk(State("person"), lambda name: answers.get(name))
    state = State("person", answers)
    startup = next(r for r in run_step(state, AS_OF).results if r.rule == "startup_subsidy")
    # then the startup subsidy is ineligible for the failed condition, and its own facts
    # were never asked
    assert startup.status == "ineligible"
    assert [x.id for x in startup.reasons if x.value is False] == ["graduate_or_difficulty"]
    assert STARTUP_ONLY_FACTS.isdisjoint(asked)
    assert asked[:4] == ["veteran", "is_college_graduate", "hukou_type", "household_jdlk_poor"]


def test_a_graduate_who_founded_a_firm_14_months_ago_gets_5000_yuan():
    # given
    answers = {
        "is_college_graduate": "true",
        "graduation_date": "2017-07-01",
        "business_kind": "small_micro_enterprise",
        "is_first_business": "true",
        "business_license_date": "2018-04-01",
        "business_operating_since": "2018-04-10",
        "business_operating_normally": "true",
        "has_social_insurance": "true",
        "received_startup_subsidy": "false",
    }
    # when
    asked = walk(State("person"), lambda name: answers.get(name))
    final = run_step(State("person", answers), AS_OF)
    # then
    startup = next(r for r in final.results if r.rule == "startup_subsidy")
    assert (startup.status, startup.amount_fen) == ("eligible", 500000)
    assert set(answers) <= set(asked)


def test_an_employer_picks_its_pooling_region_from_the_reference_table():
    # given an employer that laid off 1 of 100 insured staff last year
    state = State(
        "employer",
        {
            "ui_insured": "true",
            "ui_premiums_paid_in_full": "true",
            "stabilization_measures": "true",
            "last_year_layoffs": "1",
            "last_year_avg_insured": "100",
        },
    )
    # when
    step = run_step(state, AS_OF)
    # then the region is offered, not a figure the employer cannot know
    assert step.question is not None
    assert (step.question.name, step.question.choices) == (
        "pooling_region_code",
        (("22", "吉林省"),),
    )
    # and choosing it settles the rate from the table (3.46% in 2018)
    after = run_step(step.state, AS_OF, "answer", fact="pooling_region_code", value="22")
    assert after.question is not None
    assert after.question.name == "last_year_ui_premiums"
    after = run_step(
        after.state, AS_OF, "answer", fact="last_year_ui_premiums", value="12,345.67元"
    )
    stab = next(r for r in after.results if r.rule == "job_stabilization_subsidy")
    assert (stab.status, stab.amount_fen) == ("eligible", 617283)


def test_without_a_reference_figure_for_the_year_the_rate_itself_is_asked():
    # given a date for which the table has no figure of the year before
    state = State(
        "employer",
        {
            "ui_insured": "true",
            "ui_premiums_paid_in_full": "true",
            "stabilization_measures": "true",
            "last_year_layoffs": "1",
            "last_year_avg_insured": "100",
        },
    )
    # when
    step = run_step(state, date(2026, 6, 1))
    # then
    assert step.question is not None
    assert (step.question.name, step.question.type) == (
        "pooling_region_unemployment_rate",
        "percent",
    )


def test_skipping_the_region_asks_the_rate():
    # given
    state = State(
        "employer",
        {
            "last_year_layoffs": "1",
            "last_year_avg_insured": "100",
            "ui_insured": "true",
            "ui_premiums_paid_in_full": "true",
            "stabilization_measures": "true",
        },
    )
    # when
    step = run_step(state, AS_OF, "skip", fact="pooling_region_code")
    # then
    assert step.question is not None
    assert step.question.name == "pooling_region_unemployment_rate"


def test_a_bad_date_gets_a_chinese_message_and_keeps_the_earlier_answers():
    # given
    state = State("person", {"is_college_graduate": "true"})
    # when
    step = run_step(state, AS_OF, "answer", fact="graduation_date", value="2018-02-30")
    # then
    assert step.error == "请输入有效的日期，格式为 年-月-日，如 2018-04-01。"
    assert step.state == state
    assert step.question is not None
    assert step.question.name == "graduation_date"
    assert step.initial == "2018-02-30"


def test_edit_takes_an_answer_back_and_asks_it_again_with_the_old_value():
    # given
    state = State("person", {"is_college_graduate": "true", "graduation_date": "2017-07-01"})
    # when
    step = run_step(state, AS_OF, "edit", fact="is_college_graduate")
    # then
    assert step.question is not None
    assert (step.question.name, step.initial) == ("is_college_graduate", "true")
    assert dict(step.state.answers) == {"graduation_date": "2017-07-01"}


def test_an_id_number_is_never_asked_nor_accepted():
    # when
    step = run_step(
        State("person"), AS_OF, "answer", fact="resident_id", value="11010519491231002X"
    )
    # then
    assert "resident_id" not in step.state.answers
    assert question_for("resident_id", State("person"), AS_OF) is None


@pytest.mark.parametrize(
    ("fact_type", "text", "expected"),
    [
        ("date", "2018年4月1日", date(2018, 4, 1)),
        ("date", "2018/4/1", date(2018, 4, 1)),
        ("int", "１２", 12),
        ("money", "5,000元", 500000),
        ("percent", "3.46%", 346),
        ("bool", "false", False),
    ],
)
def test_answers_are_read_leniently(fact_type, text, expected):
    # given
    names = {
        "date": "business_license_date",
        "int": "labor_contract_months",
        "money": "last_year_ui_premiums",
        "percent": "pooling_region_unemployment_rate",
        "bool": "is_college_graduate",
    }
    state = State("employer" if fact_type in ("money", "percent") else "person")
    question = question_for(names[fact_type], state, date(2026, 1, 1))
    assert question is not None
    # when / then
    assert parse_answer(question, text) == expected


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("labor_contract_months", "-3", "请输入不小于0的整数，如 12。"),
        ("business_kind", "bank", "请从选项中选择一项。"),
        ("is_college_graduate", "", "请先作答，或选择“不清楚/跳过”。"),
        ("business_license_date", "1800-01-01", "日期应在1900年至2100年之间。"),
    ],
)
def test_bad_answers_get_chinese_messages(name, text, message):
    # given
    question = question_for(name, State("person"), AS_OF)
    assert question is not None
    # when
    with pytest.raises(AnswerError) as caught:
        parse_answer(question, text)
    # then
    assert caught.value.message_zh == message
