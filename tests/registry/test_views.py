"""Staff lists and detail pages: search, filters, pages, masking and the logged reveal."""

from __future__ import annotations

import datetime as dt
import logging

from django.urls import reverse

from jiuye.identity import mask_resident_id
from jiuye.registry import models as m
from jiuye.staff.models import SensitiveAccessLog
from tests.registry.factories import PersonFactory
from tests.registry.staff import COMMUNITY, build_world, staff


def _names_listed(response) -> list[str]:
    html = response.content.decode()
    return [n for n in ("宁江甲社区", "宁江乙街道", "前郭丙外县") if n in html]


def test_people_list_shows_masked_numbers_even_to_a_role_with_the_full_right(client, divisions):
    # given
    world = build_world(divisions)
    client.force_login(staff("city", "220700", full=True))
    # when
    html = client.get(reverse("registry:person_list")).content.decode()
    # then
    for person in (world.community_person, world.township_person, world.other_person):
        assert mask_resident_id(person.resident_id) in html
        assert person.resident_id not in html


def test_person_detail_masks_the_number_and_hides_sensitive_facts_without_the_right(
    client, divisions
):
    # given
    world = build_world(divisions)
    client.force_login(staff("qg", "220721"))
    person = world.other_person
    # when
    response = client.get(reverse("registry:person_detail", args=[person.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert mask_resident_id(person.resident_id) in html
    assert person.resident_id not in html
    assert "显示完整号码" not in html
    assert "<dt>残疾人（持证）</dt><dd>已隐藏</dd>" in html


def test_person_detail_offers_the_reveal_to_a_role_with_the_right(client, divisions):
    # given
    world = build_world(divisions)
    client.force_login(staff("qg", "220721", full=True))
    # when
    html = client.get(
        reverse("registry:person_detail", args=[world.other_person.pk])
    ).content.decode()
    # then
    assert world.other_person.resident_id not in html
    assert "显示完整号码" in html
    assert "<dt>残疾人（持证）</dt><dd>是</dd>" in html


def test_reveal_shows_the_number_logs_who_saw_it_and_never_logs_the_number(
    client, divisions, caplog
):
    # given
    world = build_world(divisions)
    user = staff("qg", "220721", full=True)
    client.force_login(user)
    person = world.other_person
    caplog.set_level(logging.DEBUG)
    # when
    response = client.post(
        reverse("registry:person_reveal", args=[person.pk]), {"reason": "办理补贴申请核对身份"}
    )
    # then
    assert response.status_code == 200
    assert person.resident_id in response.content.decode()
    assert list(
        SensitiveAccessLog.objects.values_list(
            "actor", "action", "entity", "object_id", "field", "reason"
        )
    ) == [(user.pk, "reveal", "person", person.pk, "resident_id", "办理补贴申请核对身份")]
    assert "sensitive reveal" in caplog.text
    assert person.resident_id not in caplog.text
    assert person.resident_id[-8:] not in caplog.text


def test_reveal_by_htmx_returns_only_the_number_fragment(client, divisions):
    # given
    world = build_world(divisions)
    client.force_login(staff("qg", "220721", full=True))
    # when
    response = client.post(
        reverse("registry:person_reveal", args=[world.other_person.pk]),
        {"reason": "核对"},
        HTTP_HX_REQUEST="true",
    )
    # then
    html = response.content.decode()
    assert html.strip().startswith('<div id="resident-id">')
    assert world.other_person.resident_id in html
    assert "<html" not in html


def test_reveal_is_refused_without_the_right_and_nothing_is_logged(client, divisions):
    # given
    world = build_world(divisions)
    client.force_login(staff("qg", "220721"))
    # when
    response = client.post(
        reverse("registry:person_reveal", args=[world.other_person.pk]), {"reason": "核对"}
    )
    # then
    assert response.status_code == 403
    assert world.other_person.resident_id not in response.content.decode()
    assert SensitiveAccessLog.objects.count() == 0


def test_reveal_needs_a_reason_and_a_post(client, divisions):
    # given
    world = build_world(divisions)
    client.force_login(staff("qg", "220721", full=True))
    url = reverse("registry:person_reveal", args=[world.other_person.pk])
    # when
    blank = client.post(url, {"reason": "  "})
    get = client.get(url)
    # then
    assert blank.status_code == 400
    assert "请填写查看事由" in blank.content.decode()
    assert world.other_person.resident_id not in blank.content.decode()
    assert get.status_code == 405
    assert SensitiveAccessLog.objects.count() == 0


def test_reveal_checks_the_csrf_token(divisions):
    # given
    from jiuye.testing.signin import SignedInClient

    world = build_world(divisions)
    client = SignedInClient(enforce_csrf_checks=True)  # both factors, CSRF enforced
    client.force_login(staff("qg", "220721", full=True))
    # when
    response = client.post(
        reverse("registry:person_reveal", args=[world.other_person.pk]), {"reason": "核对"}
    )
    # then
    assert response.status_code == 403
    assert SensitiveAccessLog.objects.count() == 0


def test_people_search_by_name_id_tail_and_household(client, divisions):
    # given
    world = build_world(divisions)
    client.force_login(staff("nj", "220702"))
    url = reverse("registry:person_list")
    # when
    by_name = client.get(url, {"q": "乙街"})
    by_tail = client.get(url, {"q": world.community_person.resident_id[-4:]})
    by_household = client.get(url, {"q": "NJ-0001"})
    # then
    assert _names_listed(by_name) == ["宁江乙街道"]
    assert _names_listed(by_tail) == ["宁江甲社区"]
    assert _names_listed(by_household) == ["宁江乙街道"]


def test_a_whole_identity_number_is_not_searched(client, divisions):
    # given
    world = build_world(divisions)
    client.force_login(staff("nj", "220702"))
    # when
    response = client.get(
        reverse("registry:person_list"), {"q": world.community_person.resident_id}
    )
    # then
    html = response.content.decode()
    assert "请不要输入完整身份证号码" in html
    assert "共 0 条" in html
    assert world.community_person.resident_id not in html


def test_people_filters_by_area_and_choice(client, divisions):
    # given
    build_world(divisions)
    client.force_login(staff("nj", "220702"))
    url = reverse("registry:person_list")
    # when
    community = client.get(url, {"area": COMMUNITY})
    elsewhere = client.get(url, {"area": "220721100"})
    women = client.get(url, {"sex": "female"})
    # then
    assert _names_listed(community) == ["宁江甲社区"]
    assert _names_listed(elsewhere) == []
    assert _names_listed(women) == []
    assert '<option value="220702001">220702001 团结街道办事处</option>' in (
        community.content.decode()
    )


def test_people_list_is_paginated(client, divisions):
    # given 25 people in 宁江区
    PersonFactory.create_batch(25, division=divisions["220702001"])
    client.force_login(staff("nj", "220702"))
    # when
    first = client.get(reverse("registry:person_list"))
    second = client.get(reverse("registry:person_list"), {"page": 2})
    # then
    assert first.context["page"].paginator.count == 25
    assert len(first.context["rows"]) == 20
    assert len(second.context["rows"]) == 5
    assert "第 2 / 2 页" in second.content.decode()


def test_employer_search_by_credit_code_and_household_search_by_member(client, divisions):
    # given
    world = build_world(divisions)
    client.force_login(staff("nj", "220702"))
    # when
    employers = client.get(
        reverse("registry:employer_list"), {"q": world.employer.credit_code.lower()}
    )
    households = client.get(reverse("registry:household_list"), {"q": "宁江乙"})
    # then
    assert [r[1][0] for r in employers.context["rows"]] == ["宁江测试机械厂"]
    assert [r[1][0] for r in households.context["rows"]] == ["NJ-0001"]


def test_person_detail_shows_records_and_what_the_engine_concludes_today(client, divisions):
    # given a rural worker with an 8-hour skills training
    world = build_world(divisions)
    person = world.township_person
    person.hukou_type = "rural"
    person.save()
    m.Training.objects.create(
        person=person,
        kind="employment_skills",
        class_hours=80,
        start=dt.date(2018, 6, 1),
        completed_on=dt.date(2018, 8, 1),
    )
    client.force_login(staff("nj", "220702"))
    # when
    response = client.get(reverse("registry:person_detail", args=[person.pk]))
    # then
    html = response.content.decode()
    results = {r.rule: r for r in response.context["results"]}
    assert "就业技能培训" in html
    assert results["rural_skills_training_subsidy"].status_label == "符合"
    assert results["rural_skills_training_subsidy"].amount_yuan == "640.00"
    assert '<tr data-rule="rural_skills_training_subsidy">' in html
    assert person.resident_id not in html
    assert '<a href="/registry/households/' in html


def test_household_detail_lists_members_masked_and_hides_statuses_without_the_right(
    client, divisions
):
    # given
    world = build_world(divisions)
    client.force_login(staff("qg", "220721"))
    # when
    response = client.get(reverse("registry:household_detail", args=[world.other_household.pk]))
    # then
    html = response.content.decode()
    assert "前郭丙外县" in html
    assert mask_resident_id(world.other_person.resident_id) in html
    assert world.other_person.resident_id not in html
    assert "<td>低保家庭</td>" not in html
    assert "已隐藏（需“可查看完整身份证号码”权限）" in html
    assert "或有劳动能力成员的低保家庭（三（七））：已隐藏</li>" in html


def test_household_detail_shows_statuses_to_the_full_right(client, divisions):
    # given
    world = build_world(divisions)
    client.force_login(staff("qg", "220721", full=True))
    # when
    html = client.get(
        reverse("registry:household_detail", args=[world.other_household.pk])
    ).content.decode()
    # then
    assert "<td>低保家庭</td><td>2017-01-01</td>" in html


def test_employer_detail_shows_years(client, divisions):
    # given
    world = build_world(divisions)
    m.EmployerYear.objects.create(
        employer=world.employer, year=2018, layoffs=2, avg_insured=100, ui_premiums_fen=1_234_500
    )
    client.force_login(staff("nj", "220702"))
    # when
    response = client.get(reverse("registry:employer_detail", args=[world.employer.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<td>2018</td>" in html
    assert "<td>1234500</td>" in html


def test_workbench_links_the_registry(client, divisions):
    # given
    client.force_login(staff("nj", "220702"))
    # when
    html = client.get("/workbench/").content.decode()
    # then
    assert 'href="/registry/people/"' in html
    assert 'href="/registry/households/"' in html
    assert 'href="/registry/employers/"' in html
    assert 'href="/registry/rosters/"' in html
