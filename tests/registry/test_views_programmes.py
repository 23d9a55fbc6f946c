"""The person detail page shows 基层服务、认定 and 转移就业登记 with their state today."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from jiuye.core import clock
from tests.registry import factories as f
from tests.registry.staff import build_world, staff


def test_person_detail_shows_programme_records_with_their_state_today(client, divisions):
    # given
    world = build_world(divisions)
    person = world.township_person
    today = clock.today()
    f.GrassrootsServiceFactory(
        person=person,
        program="tegang",
        start=dt.date(2016, 8, 1),
        end=dt.date(2018, 8, 1),
        assessment_passed=True,
    )
    f.RecognitionFactory(
        person=person,
        recognised_on=dt.date(2019, 5, 1),
        revoked_on=today,
        document_number="松返创认〔2019〕7号",
    )
    f.RuralTransferRegistrationFactory(person=person, registered_on=today)
    client.force_login(staff("nj", "220702"))
    # when
    response = client.get(reverse("registry:person_detail", args=[person.pk]))
    # then
    html = response.content.decode()
    assert [state for _, state in response.context["grassroots"]] == ["已结束"]
    assert [state for _, state in response.context["recognitions"]] == ["已撤销"]
    assert [state for _, state in response.context["rural_transfers"]] == ["有效"]
    assert "教师特岗计划" in html
    assert "合格" in html
    assert "市级返乡创业带头人" in html
    assert "松返创认〔2019〕7号" in html
    results = {r.rule: r for r in response.context["results"]}
    assert results["return_home_entrepreneurship_support"].status == "ineligible"


def test_a_recognition_from_tomorrow_is_not_yet_in_force_on_the_page(client, divisions):
    # given
    world = build_world(divisions)
    person = world.township_person
    tomorrow = clock.today() + dt.timedelta(days=1)
    f.RecognitionFactory(person=person, recognised_on=tomorrow)
    client.force_login(staff("nj", "220702"))
    # when
    response = client.get(reverse("registry:person_detail", args=[person.pk]))
    # then
    assert [state for _, state in response.context["recognitions"]] == ["未生效"]
    assert [state for _, state in response.context["grassroots"]] == []
    assert "基层服务项目" in response.content.decode()
