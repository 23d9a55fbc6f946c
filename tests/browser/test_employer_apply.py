"""An employer's contact in headless Chromium, through the real pages and sign-ins: signs
in to 个人/单位办事 with an SMS code on a phone, declares the unit, a counter clerk
confirms the contact (password + TOTP), the contact applies for 稳岗补贴 from the
self-check without giving name, number or code again, sees the case on 我的办事, a
reviewer approves the first step, and the contact sees the new state."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from jiuye.applicants.models import ContactState, EmployerContact
from jiuye.casework import publicity
from jiuye.casework.models import Case
from jiuye.core import clock, messages
from jiuye.identity import mask_credit_code
from tests.browser.walks import staff_page, walk
from tests.casework.world import EMPLOYER_CODE, GRADUATE_ID, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = date(2026, 6, 1)
PHONE = {"width": 390, "height": 844}
MOBILE = "13900001111"
UNIT = "松原市示例科技有限公司"
EMPLOYER = {
    "ui_insured": "是",
    "ui_premiums_paid_in_full": "是",
    "stabilization_measures": "是",
    "last_year_layoffs": "1",
    "last_year_avg_insured": "100",
    "pooling_region_code": "吉林省",
    "last_year_ui_premiums": "12345.67",
}


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(publicity, "period_days", lambda rule_id, on: 5)
    return build_world()


def approve(browser, live_server, username, code):
    context, page = staff_page(browser, live_server, username, "/workbench/cases/", "受理审核待办")
    page.get_by_role("table").get_by_role("link", name=code).click()
    page.get_by_label("办理").select_option(label="通过")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".flash")).to_be_visible()
    context.close()


def test_an_employer_contact_applies_and_follows_the_case(world, live_server, page, browser):
    # given a phone
    page.set_viewport_size(PHONE)
    # when the contact signs in with own number, name and an SMS code
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="个人/单位办事").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("个人/单位办事 登录")
    page.get_by_label("居民身份证号码").fill(GRADUATE_ID)
    page.get_by_label("姓名").fill("张小三")
    page.get_by_label("手机号码（接收验证码和办理进度）").fill(MOBILE)
    page.get_by_role("button", name="获取短信验证码").click()
    expect(page.get_by_text("验证码已发送到 139****1111")).to_be_visible()
    code = re.search(r"验证码 (\d{6})", messages.outbox[-1].text).group(1)
    page.get_by_label("短信验证码（6 位）").fill(code)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的办事")
    # and declares the unit
    page.get_by_label("统一社会信用代码").fill(EMPLOYER_CODE)
    page.get_by_label("单位名称（与营业执照一致）").fill(UNIT)
    page.get_by_role("button", name="申报").click()
    expect(page.locator(".flash")).to_contain_text("待确认")
    # then a counter clerk finds the unit by its code and confirms the contact
    context, counter = staff_page(
        browser, live_server, "county", "/workbench/applicants/contacts/", "单位经办人确认"
    )
    counter.get_by_label("按统一社会信用代码查找", exact=False).fill(EMPLOYER_CODE)
    counter.get_by_role("button", name="查找").click()
    row = counter.locator("table.list").first.locator("tr").filter(has_text=UNIT)
    row.get_by_label("已核验营业执照和单位授权委托书原件").check()
    row.get_by_role("button", name="提交").click()
    expect(counter.locator(".flash")).to_contain_text("已确认")
    context.close()
    assert EmployerContact.objects.get().state == ContactState.CONFIRMED
    # when the contact checks 稳岗补贴 and applies from the result card
    page.goto(f"{live_server.url}/selfcheck/")
    page.get_by_role("link", name="我是用人单位").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("自助测评（用人单位）")
    walk(page, EMPLOYER)
    card = page.locator("article.rule").filter(has=page.get_by_role("heading", name="稳岗补贴"))
    card.get_by_role("button", name="申请").click()
    # then the page asks for nothing the account has proved
    expect(page.get_by_role("heading", level=1)).to_contain_text("在线申请：稳岗补贴")
    expect(page.get_by_text("无需再填写和获取验证码", exact=False)).to_be_visible()
    assert page.get_by_label("短信验证码（6 位）").count() == 0
    page.get_by_label("申请单位").select_option(
        label=f"{UNIT}（{mask_credit_code(EMPLOYER_CODE)}）"
    )
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申请已提交")
    case = Case.objects.get()
    assert (case.subject_id, case.contact_name, case.mobile) == (EMPLOYER_CODE, "张小三", MOBILE)
    # and 我的办事 shows the case at its first step
    page.get_by_role("link", name="在“我的办事”中查看本件").click()
    section = page.locator(f"#case-{case.code}")
    expect(section).to_contain_text("审核中")
    expect(section).to_contain_text("当前环节：县区初审（宁江区）")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # when a reviewer approves the first step
    approve(browser, live_server, "county", case.code)
    # then the contact sees the new state
    page.reload()
    expect(section).to_contain_text("当前环节：县区审批（宁江区）")
    section.get_by_text("办理详情", exact=False).click()
    expect(section.locator("li.step-done")).to_contain_text("县区初审")
    # and after the last step, the announcement
    approve(browser, live_server, "lead", case.code)
    page.reload()
    expect(section.locator("h3")).to_contain_text("公示中")
    assert GRADUATE_ID not in page.locator("main").inner_text()
