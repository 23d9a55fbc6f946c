"""The detail pages render what eligibility derives: the person page lists each business
with its 开始正常经营日期, and shows the results of the same facts as ``case_for``."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from jiuye.core import clock
from jiuye.eligibility.evaluate import evaluate_record
from jiuye.registry import models as m
from tests.registry.staff import build_world, staff


def test_the_person_page_shows_when_each_business_began_normal_operation(client, divisions):
    # given
    world = build_world(divisions)
    person = world.township_person
    for licensed, since in (
        (dt.date(2017, 3, 1), dt.date(2017, 4, 15)),
        (dt.date(2018, 6, 1), None),
    ):
        m.Business.objects.create(
            person=person,
            division=person.division,
            name=f"经营{licensed}",
            kind="individual_business",
            license_date=licensed,
            operating_since=since,
            status="operating",
        )
    client.force_login(staff("nj", "220702"))
    # when
    response = client.get(reverse("registry:person_detail", args=[person.pk]))
    # then
    html = response.content.decode()
    assert ("<td>2017-03-01</td><td>2017-04-15</td><td>正常经营</td>") in html
    assert ("<td>2018-06-01</td><td>未知</td><td>正常经营</td>") in html


def test_the_page_shows_the_results_of_the_one_derivation(client, divisions):
    # given
    world = build_world(divisions)
    person = world.township_person
    client.force_login(staff("nj_full", "220702", full=True))
    # when
    response = client.get(reverse("registry:person_detail", args=[person.pk]))
    # then
    expected = evaluate_record("person", person.pk, clock.today())
    assert {r.rule: r.status for r in response.context["results"]} == {
        r.rule: r.status for r in expected
    }
    assert response.context["engine_problem"] == ""


def test_a_stored_value_the_engine_refuses_shows_a_notice_instead_of_results(client, divisions):
    # given a hukou type written around the services
    world = build_world(divisions)
    person = world.township_person
    m.Person.objects.filter(pk=person.pk).update(hukou_type="other")
    client.force_login(staff("nj", "220702"))
    # when
    response = client.get(reverse("registry:person_detail", args=[person.pk]))
    # then
    assert response.status_code == 200
    assert list(response.context["results"]) == []
    assert response.context["engine_problem"] == (
        "登记数据不完整或有误，暂不能测评（facts.hukou_type）。"
    )
    assert "登记数据不完整或有误" in response.content.decode()
