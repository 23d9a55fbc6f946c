"""Casework walks in headless Chromium, through the real pages and the real sign-in:
a graduate applies from the self-check on a phone, is returned for a missing item,
supplements, is approved at three levels in three staff sessions, appears in 公示, and
follows it on the progress page; a counter clerk in 扶余市 files for a 宁江区 resident."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from jiuye.casework import publicity
from jiuye.casework.models import Case
from jiuye.core import clock, messages
from jiuye.testing.signin import next_code, verified_device
from tests.casework.world import GRADUATE_ID, build_world
from tests.factories import STAFF_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = date(2026, 6, 1)
PHONE = {"width": 390, "height": 844}
GRADUATE = {
    "veteran": "否",
    "is_college_graduate": "是",
    "business_kind": "小微企业",
    "is_first_business": "是",
    "business_license_date": "2025-03-01",
    "business_operating_since": "2025-03-01",
    "business_operating_normally": "是",
    "has_social_insurance": "是",
    "received_startup_subsidy": "否",
}
STEPS = (
    'input[type=hidden][name^="a."], input[type=hidden][name^="p."], '
    "input[type=hidden][name=skipped]"
)


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(publicity, "period_days", lambda rule_id, on: 5)
    return build_world()


def walk(page, persona):
    while page.locator("input[name=q]").count():
        name = page.locator("input[name=q]").input_value()
        done = page.locator(STEPS).count()
        answer = persona.get(name)
        question = page.locator("fieldset.question")
        if answer is None:
            question.get_by_role("button", name="不清楚/跳过").click()
        else:
            if question.get_by_role("radio").count():
                question.get_by_role("radio", name=answer, exact=True).check()
            else:
                question.locator("input[name=v]").fill(answer)
            question.get_by_role("button", name="下一步").click()
        expect(page.locator(STEPS)).to_have_count(done + 1)


def staff_page(browser, live_server, username):
    """A new browser session signed in the real way (password, then the TOTP code)."""
    from django.contrib.auth import get_user_model

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    device = verified_device(get_user_model().objects.get(username=username))
    page.goto(f"{live_server.url}/accounts/login/?next={quote('/workbench/cases/')}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("验证码").fill(next_code(device))
    page.get_by_role("button", name="验证并登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("受理审核待办")
    return context, page


def act(browser, live_server, username, code, action="通过", **fields):
    context, page = staff_page(browser, live_server, username)
    page.get_by_role("table").get_by_role("link", name=code).click()
    page.get_by_label("办理").select_option(label=action)
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".flash")).to_be_visible()
    text = page.locator("main").inner_text()
    context.close()
    return text


def test_a_graduate_applies_on_a_phone_and_follows_it_to_the_announcement(
    world, live_server, page, browser
):
    # given a phone and the self-check
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/selfcheck/person/")
    walk(page, GRADUATE)
    card = page.locator("article.rule").filter(
        has=page.get_by_role("heading", name="一次性初创企业补贴")
    )
    # when the graduate applies from the card
    card.get_by_role("button", name="申请").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("在线申请")
    page.get_by_label("姓名（单位名称）").fill("张小三")
    page.get_by_label("居民身份证号码（单位填统一社会信用代码）").fill(GRADUATE_ID)
    page.get_by_label("手机号码（接收验证码和办理进度）").fill("13900001111")
    page.get_by_role("button", name="获取短信验证码").click()
    code = re.search(r"验证码 (\d{6})", messages.outbox[-1].text).group(1)
    page.get_by_label("短信验证码（6 位）").fill(code)
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申请已提交")
    case = Case.objects.get()
    assert case.code in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # the community returns it with a one-time notice
    act(
        browser,
        live_server,
        "community",
        case.code,
        action="退回补正（一次性告知）",
        **{
            "需补正的全部事项（每行一项：事项：问题）": "营业执照：扫描件不清晰",
            "补正期限": "2026-06-10",
        },
    )
    # the graduate looks the case up on the phone and supplements once
    page.goto(f"{live_server.url}/banshi/progress/")
    page.get_by_label("办件编号").fill(case.code)
    page.get_by_label("身份证号码（或统一社会信用代码）后六位").fill(GRADUATE_ID[-6:])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("营业执照：扫描件不清晰")).to_be_visible()
    page.get_by_label("补正说明").fill("已将清晰的营业执照扫描件送交社区")
    page.get_by_role("button", name="提交补正").click()
    expect(page.get_by_text("补正已提交")).to_be_visible()
    # three levels in three staff sessions
    act(browser, live_server, "community", case.code)
    act(browser, live_server, "county", case.code)
    final = act(browser, live_server, "lead", case.code)
    assert "公示中" in final
    # then it is announced, masked, and the progress page tells the whole story
    page.goto(f"{live_server.url}/gongshi/")
    expect(page.get_by_text("张*三")).to_be_visible()
    expect(page.get_by_text("220702********123X")).to_be_visible()
    page.goto(f"{live_server.url}/banshi/progress/")
    page.get_by_label("办件编号").fill(case.code)
    page.get_by_label("身份证号码（或统一社会信用代码）后六位").fill(GRADUATE_ID[-6:])
    page.get_by_role("button", name="查询").click()
    story = page.locator("main").inner_text()
    for text in ("公示中", "社区初审", "县区复审", "县区审批", "申请人补正", "开始公示"):
        assert text in story
    assert "张小三" not in story
    assert len([m for m in messages.outbox if m.purpose == "case_state"]) >= 6


def test_a_counter_clerk_in_fuyu_files_for_a_ningjiang_resident(world, live_server, browser):
    context, page = staff_page(browser, live_server, "fuyu")
    page.get_by_role("link", name="窗口受理（代为申请）").click()
    page.get_by_label("申请事项").select_option(value="startup_subsidy")
    page.get_by_label("居民身份证号码或统一社会信用代码（已核验证件原件）").fill(GRADUATE_ID)
    page.get_by_label("姓名或单位名称").fill("张小三")
    page.get_by_label("已查验身份证件原件").check()
    page.get_by_role("button", name="受理").click()
    expect(page.get_by_text("您是本件的首问责任人")).to_be_visible()
    main = page.locator("main").inner_text()
    assert "幸福社区居委会" in main
    case = Case.objects.get()
    assert case.taken_office.name == "扶余市就业服务大厅"
    assert case.handling_code == "220702"
    context.close()
