from __future__ import annotations

from datetime import date

from jiuye.selfcheck.present import answer_rows, result_rows, yuan
from jiuye.selfcheck.questionnaire import State, run_step

AS_OF = date(2019, 6, 1)


def row(state: State, rule: str) -> dict:
    return next(r for r in result_rows(run_step(state, AS_OF).results) if r["rule"] == rule)


def test_an_eligible_measure_with_an_unset_standard_says_so():
    # given a graduate in a recognised internship
    state = State("person", {"is_college_graduate": "true", "in_recognised_internship": "true"})
    # when
    internship = row(state, "internship_subsidy")
    # then
    assert (internship["status_label"], internship["amount"]) == ("符合", "标准待主管部门公布")


def test_an_eligible_measure_whose_amount_needs_a_fact_names_it():
    # given an employer that qualifies but has not said what it paid
    state = State(
        "employer",
        {
            "ui_insured": "true",
            "ui_premiums_paid_in_full": "true",
            "stabilization_measures": "true",
            "last_year_layoffs": "0",
        },
    )
    # when
    stab = row(state, "job_stabilization_subsidy")
    # then
    assert (stab["status_label"], stab["amount"]) == (
        "符合",
        "金额还需了解：上年度企业及职工实际缴纳失业保险费总额（元）",
    )


def test_an_undetermined_measure_shows_its_standard_and_what_is_missing():
    # when
    skill = row(State("person"), "skill_upgrade_subsidy")
    # then
    assert (skill["status_label"], skill["amount"], skill["standard"]) == (
        "还需了解",
        "",
        "初级1000元、中级1500元、高级2000元；紧缺急需工种可提高（标准待公布）",
    )
    assert skill["missing"] == [
        "证书颁发日期",
        "证书等级（五级=初级，四级=中级，三级=高级）",
        "是否为企业在职职工",
        "累计缴纳失业保险费月数",
    ]


def test_results_list_eligible_then_open_then_ineligible():
    # given
    state = State(
        "person",
        {
            "is_college_graduate": "false",
            "is_vocational_graduate": "true",
            "in_recognised_internship": "true",
        },
    )
    # when
    statuses = [r["status"] for r in result_rows(run_step(state, AS_OF).results)]
    # then
    assert statuses == sorted(statuses, key=["eligible", "undetermined", "ineligible"].index)
    assert statuses[0] == "eligible"
    assert statuses[-1] == "ineligible"


def test_answers_read_in_chinese():
    # given
    state = State(
        "employer",
        {
            "pooling_region_code": "22",
            "ui_insured": "true",
            "last_year_ui_premiums": "1000.50",
            "pooling_region_unemployment_rate": "3.46",
        },
    )
    # when
    shown = [(a.label, a.shown) for a in answer_rows(state)]
    # then
    assert shown == [
        ("是否依法参加失业保险", "是"),
        ("上年度企业及职工实际缴纳失业保险费总额（元）", "1000.50元"),
        ("失业保险统筹地区代码", "吉林省"),
        ("统筹地区上年度城镇登记失业率（%）", "3.46%"),
    ]


def test_yuan_drops_zero_fen():
    # when / then
    assert (yuan(500000), yuan(617283), yuan(5)) == ("5000元", "6172.83元", "0.05元")


def test_a_deadline_in_a_year_without_a_holiday_calendar_says_who_must_add_it():
    # given a worker whose 12-month window ends in 2027, asked about on its last day,
    # when the calendar covers years up to 2026 only
    state = State(
        "person",
        {
            "is_enterprise_employee": "true",
            "ui_contribution_months": "36",
            "certificate_level": "5",
            "certificate_issue_date": "2026-12-20",
            "certificate_shortage_trade": "false",
        },
    )
    # when
    skill = next(
        r
        for r in result_rows(run_step(state, date(2027, 12, 21)).results)
        if r["rule"] == "skill_upgrade_subsidy"
    )
    # then
    assert skill["status_label"] == "还需了解"
    assert any(
        note.startswith("2027年的国务院办公厅节假日安排尚未录入：由系统管理员")
        for note in skill["unset"]
    )


def test_an_unset_standard_names_who_must_set_it():
    # given a graduate in a recognised internship (the text leaves the standard open)
    state = State("person", {"is_college_graduate": "true", "in_recognised_internship": "true"})
    # when
    internship = row(state, "internship_subsidy")
    # then
    assert internship["unset"] == [
        "就业见习补贴标准：尚未设定，须由市人社局、市财政局（管理员录入）按文件（带文号）设定"
    ]
