"""A second package in force beside Songyuan's works with no code change.

``tests.policy_packages.amended_demo`` (a fictional amendment, precedence 200) amends
the start-up subsidy from 2027-01-01, adds ``demo_graduate_relocation_subsidy`` under
三（一） and replaces ``job_seeking_subsidy`` from 2027-01-01 (no target-group condition).
The portal, the self-check, the API and the registry's facts all serve it.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from jiuye.selfcheck.questionnaire import State, evaluate, run_step

from policies import loader
from policies.loader import policy

MODULES = "policies.songyuan_2018,tests.policy_packages.amended_demo"
NEW_RULE = "demo_graduate_relocation_subsidy"
NEW_TITLE = "（测试用）高校毕业生来松就业补贴"
TARGET_GROUP = "属低保家庭、贫困残疾人家庭、建档立卡贫困家庭、特困人员"
BEFORE, FROM = date(2026, 12, 31), date(2027, 1, 1)


@pytest.fixture(autouse=True)
def amended(monkeypatch):
    monkeypatch.setenv(loader.ENV, MODULES)


def _graduate(as_of: date) -> dict[str, object]:
    return {
        "entity": "person",
        "as_of": as_of.isoformat(),
        "facts": {
            "is_college_graduate": True,
            "graduation_date": f"{as_of.year}-06-30",
            "seeking_work_or_business": True,
            "received_job_seeking_subsidy": False,
        },
    }


def _evaluate(client, case: dict[str, object]) -> dict[str, dict[str, object]]:
    response = client.post(
        "/api/v1/evaluate", data=json.dumps(case), content_type="application/json"
    )
    assert response.status_code == 200
    return {r["rule"]: r for r in response.json()["results"]}


# ---- the loader ---------------------------------------------------------------------------
def test_the_amendment_is_in_force_above_the_notice():
    # when
    current = policy()
    # then
    assert [(p.name, p.precedence) for p in current.packages] == [
        ("amended_demo", 200),
        ("songyuan_2018", 100),
    ]
    assert NEW_RULE in current.engine.rules
    assert [i.id for i in current.catalogue.by_number("三（一）").implemented_by][-1] == NEW_RULE


def test_the_amended_parameter_changes_on_its_date_and_not_before():
    # given
    engine = policy().engine
    # when
    before = engine.params_at(BEFORE)["startup_subsidy.amount_fen"]
    on = engine.params_at(FROM)["startup_subsidy.amount_fen"]
    # then
    assert (before, on) == (500000, 800000)


# ---- the API ------------------------------------------------------------------------------
def test_the_api_names_both_packages(client):
    # when
    body = client.get("/api/v1/package").json()
    # then
    assert body["packages"] == [
        {
            "name": "amended_demo",
            "title": "（测试用）松原市就业创业政策措施修订示例",
            "precedence": 200,
        },
        {
            "name": "songyuan_2018",
            "title": "松原市关于做好当前和今后一段时期就业创业工作若干政策措施（2018年4月13日）",
            "precedence": 100,
        },
    ]


def test_the_new_rule_is_evaluated_and_names_its_package(client):
    # when
    results = _evaluate(client, _graduate(date(2027, 1, 15)))
    # then
    new = results[NEW_RULE]
    assert (new["status"], new["amount_yuan"], new["package"]) == (
        "eligible",
        "1000.00",
        "amended_demo",
    )
    assert results["startup_subsidy"]["package"] == "songyuan_2018"


def test_the_replaced_rule_uses_the_version_in_force_on_each_side_of_its_date(client):
    # when
    before = _evaluate(client, _graduate(BEFORE))["job_seeking_subsidy"]
    after = _evaluate(client, _graduate(FROM))["job_seeking_subsidy"]
    # then
    assert before["status"] == "undetermined"
    assert "household_dibao" in before["missing_facts"]
    assert before["version"] != "2027-01"
    assert (after["status"], after["missing_facts"], after["version"], after["package"]) == (
        "eligible",
        [],
        "2027-01",
        "amended_demo",
    )


def test_the_rules_and_parameters_lists_carry_the_amendment(client):
    # when
    rules = {r["id"] for r in client.get("/api/v1/rules").json()}
    parameters = {
        p["name"]: p for p in client.get("/api/v1/parameters", {"as_of": "2027-01-15"}).json()
    }
    # then
    assert NEW_RULE in rules
    assert parameters["startup_subsidy.amount_fen"]["value_at_as_of"] == 800000
    assert parameters["demo_graduate_relocation_subsidy.amount_fen"]["value_at_as_of"] == 100000


# ---- the portal ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_catalogue_and_the_measure_page_show_the_new_rule(client):
    # when
    catalogue = client.get("/policies/").content.decode()
    page = client.get("/policies/m/3-1/", {"date": "2027-01-15"}).content.decode()
    # then
    assert NEW_TITLE in catalogue
    assert f'id="{NEW_RULE}"' in page
    assert "政策包 <code>amended_demo</code>、<code>songyuan_2018</code>，" in page


@pytest.mark.django_db
def test_the_measure_page_shows_the_amount_in_force_on_its_date(client):
    # when
    before = client.get("/policies/m/2-3/", {"date": "2026-12-31"}).content.decode()
    after = client.get("/policies/m/2-3/", {"date": "2027-01-15"}).content.decode()
    # then
    assert "5000元" in before
    assert "8000元" not in before
    assert "8000元" in after


@pytest.mark.django_db
def test_the_measure_page_shows_the_rule_version_in_force(client):
    # when
    before = client.get("/policies/m/3-1/", {"date": "2026-12-31"}).content.decode()
    after = client.get("/policies/m/3-1/", {"date": "2027-01-15"}).content.decode()
    # then
    assert TARGET_GROUP in before
    assert TARGET_GROUP not in after
    assert "规则版本：2018-04-13 起" in before
    assert "规则版本：2027-01" in after


# ---- the self-check -----------------------------------------------------------------------
def test_the_self_check_offers_and_decides_the_new_rule():
    # given
    state = State("person", {"is_college_graduate": "true", "seeking_work_or_business": "true"})
    # when
    first = run_step(State("person"), date(2027, 1, 15))
    results = {r.rule: r for r in evaluate(state, date(2027, 1, 15))}
    # then
    assert NEW_RULE in {r.rule for r in first.results}
    assert (results[NEW_RULE].status, results[NEW_RULE].amount_fen) == ("eligible", 100000)


# ---- the registry's facts -----------------------------------------------------------------
@pytest.mark.django_db
def test_registry_facts_feed_the_new_rule():
    # given a bachelor who graduated in 2026 and registered as unemployed
    from jiuye.eligibility.facts import case_for
    from jiuye.registry import models as m
    from tests.registry.factories import PersonFactory

    person = PersonFactory(education_level="bachelor", graduation_date=date(2026, 6, 30))
    m.UnemploymentRegistration.objects.create(
        person=person, division=person.division, registered_on=date(2026, 9, 1)
    )
    engine = policy().engine
    # when
    case = case_for("person", person.pk, date(2027, 1, 15))
    results = {r.rule: r for r in engine.evaluate(case)}
    # then
    assert all(name in engine.facts for name in engine.rules[NEW_RULE].fact_names())
    assert (results[NEW_RULE].status, results[NEW_RULE].amount_fen) == ("eligible", 100000)
