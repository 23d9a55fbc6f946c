from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from jiuye.core import clock
from jiuye.selfcheck.models import SelfCheckDraft

# the result cards read the portal's guides and offices
pytestmark = pytest.mark.django_db

GRADUATE = {
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


def hidden_answers(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="a\.(\w+)" value="([^"]*)">', html))


def current_question(html: str) -> str | None:
    found = re.search(r'<input type="hidden" name="q" value="(\w+)">', html)
    return found.group(1) if found else None


def post_step(client: Client, html: str, entity: str, **fields: str):
    """Submit the page's form as a browser without JavaScript would."""
    data: dict[str, object] = {f"a.{k}": v for k, v in hidden_answers(html).items()}
    data["skipped"] = re.findall(r'<input type="hidden" name="skipped" value="(\w+)">', html)
    data.update(re.findall(r'<input type="hidden" name="(p\.\w+)" value="([^"]*)">', html))
    question = current_question(html)
    if question:
        data["q"] = question
    data.update(fields)
    return client.post(f"/selfcheck/{entity}/", data)


def urls_in(html: str) -> list[str]:
    return re.findall(r'(?:href|action|src|hx-post)="([^"]*)"', html)


def test_the_nav_and_the_old_address_lead_to_the_self_check(client):
    # when
    home = client.get("/").content.decode()
    old = client.get("/self-check/")
    start = client.get("/selfcheck/")
    # then
    assert '<a href="/selfcheck/">自助测评</a>' in home
    assert (old.status_code, old["Location"]) == (301, "/selfcheck/")
    assert start.status_code == 200
    assert '<a class="card" href="/selfcheck/person/">' in start.content.decode()
    assert '<a class="card" href="/selfcheck/employer/">' in start.content.decode()


def test_a_graduate_walks_the_self_check_without_javascript(client, fixed_today):
    # given
    html = client.get("/selfcheck/person/").content.decode()
    asked: list[str] = []
    # when: every question is answered from the persona or skipped, by plain form POSTs
    while (question := current_question(html)) is not None:
        asked.append(question)
        if question in GRADUATE:
            response = post_step(client, html, "person", action="answer", v=GRADUATE[question])
        else:
            response = post_step(client, html, "person", action="skip")
        assert response.status_code == 200
        html = response.content.decode()
    # then
    assert asked[:2] == ["veteran", "is_college_graduate"]
    assert len(asked) == len(set(asked))
    assert hidden_answers(html) == GRADUATE
    startup = html[html.index('data-rule="startup_subsidy"') :]
    startup = startup[: startup.index("</article>")]
    assert '<span class="badge badge-eligible">符合</span> 一次性初创企业补贴' in startup
    assert '<p class="amount">5000元</p>' in startup
    assert "✓ 有正常经营行为1年以上（自开始正常经营之日起满1年，含本数）（二（三））" in startup
    assert "没有更多需要回答的问题了" in html
    # the finished result offers 申请: its form carries the answers in one draft
    assert SelfCheckDraft.objects.count() == 1


def test_an_ineligible_measure_names_the_failed_condition(client, fixed_today):
    # when
    response = client.post(
        "/selfcheck/person/",
        {
            "a.is_college_graduate": "false",
            "a.certified_difficulty": "false",
            "q": "household_jdlk_poor",
            "v": "false",
            "action": "answer",
        },
    )
    # then
    html = response.content.decode()
    startup = html[html.index('data-rule="startup_subsidy"') :]
    startup = startup[: startup.index("</article>")]
    assert '<span class="badge badge-ineligible">不符合</span>' in startup
    assert (
        "✗ 高校毕业生或就业困难人员"
        "（含比照就业困难人员的劳动年龄内农村松原籍建档立卡贫困家庭劳动者）"
        "（二（三））"
    ) in startup


def test_a_bad_date_gets_a_chinese_error_and_loses_no_earlier_answer(client, fixed_today):
    # given
    before = {
        "a.is_college_graduate": "true",
        "a.business_kind": "individual_business",
        "skipped": ["hukou_type"],
    }
    # when
    response = client.post(
        "/selfcheck/person/",
        {**before, "q": "graduation_date", "v": "2018-02-30", "action": "answer"},
    )
    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert (
        '<p class="error" id="answer-error" role="alert">'
        "请输入有效的日期，格式为 年-月-日，如 2018-04-01。</p>"
    ) in html
    assert hidden_answers(html) == {
        "is_college_graduate": "true",
        "business_kind": "individual_business",
    }
    assert '<input type="hidden" name="skipped" value="hukou_type">' in html
    assert current_question(html) == "graduation_date"
    assert 'value="2018-02-30"' in html


def test_edit_re_asks_the_fact_with_its_answer(client, fixed_today):
    # when
    response = client.post(
        "/selfcheck/person/",
        {
            "a.is_college_graduate": "true",
            "a.graduation_date": "2017-07-01",
            "edit": "is_college_graduate",
        },
    )
    # then
    html = response.content.decode()
    assert current_question(html) == "is_college_graduate"
    assert '<input type="radio" name="v" value="true" checked> 是' in html
    assert hidden_answers(html) == {"graduation_date": "2017-07-01"}


def test_htmx_gets_the_panel_only(client, fixed_today):
    # when
    response = client.post(
        "/selfcheck/person/",
        {"p.veteran": "false", "q": "is_college_graduate", "v": "true", "action": "answer"},
        HTTP_HX_REQUEST="true",
    )
    # then
    html = response.content.decode()
    assert html.startswith('<div id="selfcheck" class="selfcheck">')
    assert "<html" not in html
    assert current_question(html) == "graduation_date"


def test_htmx_keeps_a_bad_answer_in_place_with_status_200(client, fixed_today):
    # when
    response = client.post(
        "/selfcheck/person/",
        {"q": "labor_contract_months", "v": "十二", "action": "answer"},
        HTTP_HX_REQUEST="true",
    )
    # then
    assert response.status_code == 200
    assert "请输入不小于0的整数，如 12。" in response.content.decode()


def test_steps_need_the_csrf_token(fixed_today):
    # given
    client = Client(enforce_csrf_checks=True)
    # when
    response = client.post(
        "/selfcheck/person/", {"q": "is_college_graduate", "v": "true", "action": "answer"}
    )
    # then
    assert response.status_code == 403


def test_results_are_not_cached(client, fixed_today):
    # when
    response = client.post(
        "/selfcheck/person/", {"q": "is_college_graduate", "v": "true", "action": "answer"}
    )
    # then
    assert "no-store" in response["Cache-Control"]


def test_unknown_entity_is_404(client):
    # when / then
    assert client.get("/selfcheck/region/").status_code == 404


def test_no_answer_appears_in_any_url_or_redirect(client, fixed_today):
    # given a person with distinctive answers
    fields = {
        "a.is_college_graduate": "true",
        "a.graduation_date": "2017-07-13",
        "a.business_license_date": "2018-03-29",
    }
    # when they step and then save a draft
    html = client.post(
        "/selfcheck/person/",
        {**fields, "q": "business_kind", "v": "individual_business", "action": "answer"},
    ).content.decode()
    saved = client.post("/selfcheck/person/", {**fields, "action": "save"})
    reopened = client.get(saved["Location"]).content.decode()
    # then
    for url in [*urls_in(html), saved["Location"], *urls_in(reopened)]:
        assert "2017-07-13" not in url
        assert "2018-03-29" not in url
        assert "individual_business" not in url
        # the only query strings are the booking links': which measure and office
        assert "?" not in url or re.fullmatch(
            r"/appointments/new/\?measure=[\d-]+(&amp;office=\d+)?", url
        )
    assert re.fullmatch(r"/selfcheck/d/[A-Za-z0-9_-]{43}/", saved["Location"])


def test_a_draft_keeps_the_answers_and_reopens_them(client, fixed_today):
    # given
    fields = {f"a.{k}": v for k, v in GRADUATE.items()}
    # when
    saved = client.post(
        "/selfcheck/person/", {**fields, "skipped": ["hukou_type"], "action": "save"}
    )
    reopened = client.get(saved["Location"])
    # then
    draft = SelfCheckDraft.objects.get()
    assert saved.status_code == 303
    assert saved["Location"] == f"/selfcheck/d/{draft.token}/"
    assert (draft.entity, draft.answers, draft.skipped) == ("person", GRADUATE, ["hukou_type"])
    assert draft.expires_at - draft.created_at == pytest.approx(
        timedelta(days=30), abs=timedelta(seconds=5)
    )
    html = reopened.content.decode()
    assert reopened.status_code == 200
    assert hidden_answers(html) == GRADUATE
    assert f"http://testserver/selfcheck/d/{draft.token}/" in html
    assert '<p class="amount">5000元</p>' in html
    assert '<form method="post" action="/selfcheck/person/"' in html


def test_htmx_save_redirects_the_whole_page(client, fixed_today):
    # when
    response = client.post(
        "/selfcheck/employer/", {"a.ui_insured": "true", "action": "save"}, HTTP_HX_REQUEST="true"
    )
    # then
    draft = SelfCheckDraft.objects.get()
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/selfcheck/d/{draft.token}/"
    assert draft.answers == {"ui_insured": "true"}


def test_an_expired_or_unknown_draft_is_not_shown(client, fixed_today):
    # given
    saved = client.post("/selfcheck/person/", {"a.is_college_graduate": "true", "action": "save"})
    SelfCheckDraft.objects.update(expires_at=clock.now() - timedelta(seconds=1))
    # when
    expired = client.get(saved["Location"])
    unknown = client.get("/selfcheck/d/not-a-token/")
    # then
    assert expired.status_code == 404
    assert unknown.status_code == 404
    assert "测评记录不存在或已过期" in expired.content.decode()


def test_saving_a_draft_deletes_the_expired_ones(client, fixed_today):
    # given an expired draft and a live one
    client.post("/selfcheck/person/", {"a.is_college_graduate": "true", "action": "save"})
    client.post("/selfcheck/person/", {"a.is_college_graduate": "false", "action": "save"})
    old, live = SelfCheckDraft.objects.order_by("pk")
    SelfCheckDraft.objects.filter(pk=old.pk).update(expires_at=clock.now() - timedelta(seconds=1))
    # when
    client.post("/selfcheck/employer/", {"a.ui_insured": "true", "action": "save"})
    # then
    assert sorted(SelfCheckDraft.objects.values_list("entity", flat=True)) == ["employer", "person"]
    assert not SelfCheckDraft.objects.filter(pk=old.pk).exists()
    assert SelfCheckDraft.objects.get(pk=live.pk).answers == {"is_college_graduate": "false"}
