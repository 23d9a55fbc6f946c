from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import StaffUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_with_no_request_leaving_loopback(live_server, page, requests_seen):
    # when
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    # then
    expect(page).to_have_title("首页 · 松原市公共就业服务")
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link")).to_have_text(
        ["政策", "自助测评", "办事", "个人/单位办事", "工作台"]
    )
    assert page.evaluate("typeof window.htmx") == "object"
    assert requests_seen.external() == []
    assert f"{live_server.url}/static/web/site.css" in requests_seen.urls


def test_api_docs_load_swagger_ui_from_the_app_itself(live_server, page, requests_seen):
    # when
    page.goto(f"{live_server.url}/api/v1/docs")
    # then
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("就业（Jiuye）API")
    page.wait_for_load_state("networkidle")
    assert requests_seen.external() == []


def test_demo_staff_logs_in_and_sees_the_workbench(live_server, page, sign_in):
    # given a staff account like the demo ones
    StaffUserFactory(username="city_staff", first_name="市局经办人")
    # when (password, then the code)
    sign_in("city_staff", next="/workbench/")
    # then
    expect(page).to_have_url(f"{live_server.url}/workbench/")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    expect(page.get_by_text("您好，市局经办人。")).to_be_visible()
    # and logging out returns to the portal
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="工作人员登录")).to_be_visible()
