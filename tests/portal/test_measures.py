from __future__ import annotations

from datetime import date

import pytest

from jiuye.evaluation import package
from jiuye.portal import measures
from jiuye.portal.audiences import derived_audiences

from policies.loader import policy


def test_every_measure_has_audiences_that_include_what_its_rules_name():
    # given
    clauses = measures.catalogue().clauses
    AUDIENCES_BY_CLAUSE = policy().audiences.by_clause  # noqa: N806 (the package's table)
    # when
    missing = {
        c.clause: sorted(derived_audiences(measures.rules_of(c)) - {*AUDIENCES_BY_CLAUSE[c.clause]})
        for c in clauses
    }
    # then
    assert sorted(AUDIENCES_BY_CLAUSE) == sorted(c.clause for c in clauses)
    assert {k: v for k, v in missing.items() if v} == {}


def test_slugs_name_every_measure_once():
    # when
    slugs = [measures.slug(c.clause) for c in measures.catalogue().clauses]
    # then
    assert len(set(slugs)) == 28
    assert measures.clause_for_slug("4-4").title == "落实职工技能提升补贴"
    assert measures.clause_for_slug("9-9") is None


def test_plain_amount_comes_from_the_parameter_in_force():
    # given
    rule = package().rules["startup_subsidy"]
    # when
    amount = measures.amount_on(rule, date(2019, 6, 1))
    # then
    assert amount.headline == "5000元"
    assert [(line.label, line.value, line.since) for line in amount.lines] == [
        ("一次性初创企业补贴标准", "5000元", date(2018, 4, 13))
    ]


def test_unset_amount_says_the_standard_is_to_be_published():
    # when
    amount = measures.amount_on(package().rules["job_seeking_subsidy"], date(2019, 6, 1))
    # then
    assert amount.headline == "标准待主管部门公布"


def test_skill_upgrade_amount_lists_the_level_amounts():
    # when
    amount = measures.amount_on(package().rules["skill_upgrade_subsidy"], date(2019, 6, 1))
    # then
    values = {line.label: line.value for line in amount.lines}
    assert values["初级（五级）证书补贴标准"] == "1000元"
    assert values["中级（四级）证书补贴标准"] == "1500元"
    assert values["高级（三级）证书补贴标准"] == "2000元"
    assert "初级（五级）证书补贴标准1000元" in amount.headline
    assert "高级（三级）证书补贴标准2000元" in amount.headline


def test_formula_amount_shows_the_rule_wording_and_the_rate():
    # when
    amount = measures.amount_on(package().rules["rural_skills_training_subsidy"], date(2019, 6, 1))
    # then
    assert amount.headline == "每学时8元 × 培训学时"
    assert [line.value for line in amount.lines] == ["每学时8元"]


def test_who_qualifies_is_generated_from_the_rule_conditions():
    # given
    rule = package().rules["skill_upgrade_subsidy"]
    # when
    applicant, conditions = measures.who_qualifies(rule)
    # then
    assert applicant == "个人"
    assert conditions == tuple(c.text for c in rule.all_conditions())
    assert conditions[0] == "企业职工"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2018-04-12",
            "2018年4月12日本政策尚未施行：本政策自2018年4月13日起施行，请选择此后的日期。",
        ),
        ("2019-02-30", "日期“2019-02-30”无效，请按“年-月-日”填写，例如 2019-06-01。"),
    ],
)
def test_unusable_dates_get_a_chinese_message(text, message):
    # when
    with pytest.raises(measures.DateError) as caught:
        measures.parse_date(text, date(2024, 1, 1))
    # then
    assert caught.value.message == message


def test_no_date_means_today():
    # when / then
    assert measures.parse_date("", date(2024, 1, 1)) == date(2024, 1, 1)
    assert measures.parse_date("2018-04-13", date(2024, 1, 1)) == date(2018, 4, 13)


def test_search_finds_the_skill_upgrade_subsidy():
    # when
    found = measures.search("技能提升补贴", "")
    # then
    assert [c.clause for c in found] == ["四（四）"]


def test_filter_by_veterans():
    # when
    found = measures.search("", "veterans")
    # then
    assert [c.clause for c in found] == ["二（一）", "三（八）", "五（一）"]


def test_version_names_the_package_and_the_latest_parameter_date():
    # when
    version = measures.version_on(date(2019, 6, 1))
    # then
    assert (version.package, version.parameters_from) == ("songyuan_2018", date(2018, 4, 13))


@pytest.mark.django_db
def test_the_notification_page_says_who_must_set_an_unset_standard(client):
    # when
    html = client.get("/policies/m/3-1/", {"date": "2019-06-01"}).content.decode()
    # then
    assert (
        "一次性求职创业补贴标准：尚未设定，须由市人社局、市财政局（管理员录入）按文件（带文号）设定"
    ) in html
