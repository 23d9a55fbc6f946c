"""Self-check walks in headless Chromium: a founding graduate, an employer, and no JavaScript."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect

from jiuye.core import clock
from tests.browser.walks import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AS_OF = date(2019, 6, 1)
PHONE = {"width": 390, "height": 844}
# A new graduate (2017) who founded a small firm 14 months before the as-of date.
GRADUATE = {
    "veteran": "否",
    "is_college_graduate": "是",
    "graduation_date": "2017-07-01",
    "business_kind": "小微企业",
    "is_first_business": "是",
    "business_license_date": "2018-04-01",
    "business_operating_since": "2018-04-10",
    "business_operating_normally": "是",
    "has_social_insurance": "是",
    "received_startup_subsidy": "否",
}
EMPLOYER = {
    "ui_insured": "是",
    "ui_premiums_paid_in_full": "是",
    "stabilization_measures": "是",
    "last_year_layoffs": "1",
    "last_year_avg_insured": "100",
    "pooling_region_code": "吉林省",
    "last_year_ui_premiums": "12345.67",
}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(clock, "today", lambda: AS_OF)
    return AS_OF


def rule_card(page, title: str):
    return page.locator("article.rule").filter(has=page.get_by_role("heading", name=title))


def test_a_new_graduate_finds_the_startup_subsidy_on_a_phone(live_server, page, requests_seen):
    # given a phone-sized screen
    page.set_viewport_size(PHONE)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="自助测评").click()
    page.get_by_role("link", name="我是个人").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("自助测评（个人）")
    # when
    asked = walk(page, GRADUATE)
    # then: htmx swapped every step in place, one question at a time, none asked twice
    assert [urlsplit(u).path for u in navigations] == ["/", "/selfcheck/", "/selfcheck/person/"]
    # the veterans' question comes first (三（八）), then the graduate's
    assert asked[:2] == ["veteran", "is_college_graduate"]
    assert len(asked) == len(set(asked))
    card = rule_card(page, "一次性初创企业补贴")
    expect(card.locator(".badge")).to_have_text("符合")
    expect(card.locator(".amount")).to_have_text("5000元")
    expect(
        card.get_by_text("有正常经营行为1年以上（自开始正常经营之日起满1年，含本数）（二（三））")
    ).to_be_visible()
    expect(card.get_by_text("高校毕业生或就业困难人员", exact=False)).to_be_visible()
    expect(page.get_by_text("没有更多需要回答的问题了")).to_be_visible()
    # the page fits the phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots = settings.VAR_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "selfcheck-result.png"), full_page=True)
    # and printing shows the results without the question, buttons or navigation
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="保存，以后用于申请")).to_be_hidden()
    expect(card.locator(".amount")).to_be_visible()
    page.emulate_media(media="screen")
    # when the answers are kept for an application
    page.get_by_role("button", name="保存，以后用于申请").click()
    # then the page reopens under an opaque token that carries no answer
    expect(page).to_have_url(re.compile(r"/selfcheck/d/[A-Za-z0-9_-]{43}/$"))
    expect(page.locator(".draft-url")).to_have_text(page.url)
    expect(rule_card(page, "一次性初创企业补贴").locator(".amount")).to_have_text("5000元")
    for url in requests_seen.urls:
        assert "2018-04-01" not in url
        assert "2017-07-01" not in url
    assert requests_seen.external() == []


def test_an_employer_checks_the_job_stabilization_subsidy(live_server, page, requests_seen):
    # given
    page.goto(f"{live_server.url}/selfcheck/")
    page.get_by_role("link", name="我是用人单位").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("自助测评（用人单位）")
    # when
    asked = walk(page, EMPLOYER)
    # then
    assert asked[:7] == [
        "ui_insured",
        "ui_premiums_paid_in_full",
        "stabilization_measures",
        "last_year_layoffs",
        "last_year_avg_insured",
        "pooling_region_code",
        "last_year_ui_premiums",
    ]
    card = rule_card(page, "稳岗补贴")
    expect(card.locator(".badge")).to_have_text("符合")
    expect(card.locator(".amount")).to_have_text("6172.83元")
    expect(
        card.get_by_text("上年度裁员率低于统筹地区上年度城镇登记失业率", exact=False)
    ).to_be_visible()
    apprentice = rule_card(page, "新型学徒制培训补贴")
    expect(apprentice.locator(".badge")).to_have_text("还需了解")
    # when the employer changes an answer (at the foot of the page): no longer paid in full
    page.get_by_role("button", name="修改：是否足额缴纳失业保险费（无欠费）").click()
    # then the question comes back into view
    legend = page.locator("fieldset.question legend")
    expect(legend).to_have_text("是否足额缴纳失业保险费（无欠费）")
    expect(page.locator("fieldset.question")).to_be_in_viewport()
    page.get_by_role("radio", name="否", exact=True).check()
    page.get_by_role("button", name="下一步").click()
    # then the subsidy is not granted and the failed condition is named
    expect(card.locator(".badge")).to_have_text("不符合")
    expect(card.locator(".failed")).to_have_text("✗ 足额缴纳失业保险费（三（四））")
    assert requests_seen.external() == []


def test_the_self_check_works_without_javascript(live_server, browser):
    # given a browser with JavaScript turned off
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}
            else route.abort()
        ),
    )
    page.goto(f"{live_server.url}/selfcheck/person/")
    # when: a plain form POST answers, a bad date is refused, an answer is changed
    page.get_by_role("radio", name="否", exact=True).check()  # not a veteran
    page.get_by_role("button", name="下一步").click()
    page.get_by_role("radio", name="是", exact=True).check()
    page.get_by_role("button", name="下一步").click()
    page.locator("input[name=v]").evaluate("e => e.type = 'text'")
    page.locator("input[name=v]").fill("2018-02-30")
    page.get_by_role("button", name="下一步").click()
    # then
    expect(page.get_by_role("alert")).to_have_text(
        "请输入有效的日期，格式为 年-月-日，如 2018-04-01。"
    )
    expect(page.locator(".answer")).to_have_text(re.compile(r"是否为高校毕业生\s*是\s*修改"))
    # when
    page.get_by_role("button", name="修改：是否为高校毕业生").click()
    page.get_by_role("radio", name="否", exact=True).check()
    page.get_by_role("button", name="下一步").click()
    # then
    expect(page.locator(".answer")).to_have_text(re.compile(r"是否为高校毕业生\s*否\s*修改"))
    assert urlsplit(page.url).path == "/selfcheck/person/"
    assert urlsplit(page.url).query == ""
    expect(page.get_by_role("button", name="打印结果")).to_be_hidden()
    context.close()
