"""The Content-Security-Policy in a real browser: the main pages, walked the way people
use them, raise no violation, and the scripts (htmx, the site's own) still work.

Chromium reports every blocked script, style or image twice: as a console error
("Refused to …") and as a ``securitypolicyviolation`` event; both are collected.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jiuye.geo.loaders import load_songyuan_2017
from jiuye.portal.demo import seed_demo
from tests.factories import STAFF_PASSWORD, StaffUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Violations:
    def __init__(self) -> None:
        self.items: list[str] = []

    def console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.items.append(f"console ({message.location.get('url')}): {text}")


@pytest.fixture
def violations(page) -> Violations:
    found = Violations()
    page.on("console", found.console)
    page.expose_function("cspViolation", lambda text: found.items.append(f"event: {text}"))
    page.add_init_script(WATCH)
    return found


@pytest.fixture
def demo_portal(transactional_db) -> None:
    load_songyuan_2017()
    seed_demo()


def visit(page, url: str) -> str:
    """Open ``url``; the Content-Security-Policy it came with."""
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, url
    policy = response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    return policy


def visit_page(page, url: str) -> None:
    policy = visit(page, url)
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_public_pages_raise_no_csp_violation(live_server, page, violations, demo_portal):
    base = live_server.url
    # home, the catalogue and a search
    visit_page(page, f"{base}/")
    visit_page(page, f"{base}/policies/")
    page.get_by_label("关键词").fill("创业")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_role("status")).to_contain_text("找到")
    # a measure page with its QR code, the poster and the QR images
    visit_page(page, f"{base}/policies/m/2-3/")
    expect(page.locator(".share .qr svg")).to_be_visible()
    visit_page(page, f"{base}/policies/m/2-3/poster/")
    expect(page.locator(".poster .qr svg")).to_be_visible()
    visit_page(page, f"{base}/policies/m/2-3/qr.svg")
    # (a PNG has a policy of its own: nothing but itself, styled by the browser's viewer)
    assert visit(page, f"{base}/policies/m/2-3/qr.png").startswith("default-src 'none'")
    # the API's documentation (Swagger UI, served by the app)
    visit_page(page, f"{base}/api/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    # then
    assert violations.items == []


def test_the_self_check_works_through_htmx_under_the_policy(live_server, page, violations):
    # given the self-check for a person
    visit_page(page, f"{live_server.url}/selfcheck/person/")
    # the site's script ran (progressive enhancement marks the page)
    expect(page.locator("html.js")).to_have_count(1)
    question = page.locator("fieldset.question")
    first = page.locator("input[name=q]").input_value()
    # when answering through the widgets
    with page.expect_request(lambda r: r.method == "POST") as posted:
        question.get_by_role("radio").first.check()
        question.get_by_role("button", name="下一步").click()
    # then htmx sent it, with the CSRF token from the page's meta tag, and swapped the panel
    headers = posted.value.headers
    assert headers.get("hx-request") == "true"
    assert headers.get("x-csrftoken") == page.locator('meta[name="csrf-token"]').get_attribute(
        "content"
    )
    expect(page.locator("input[name=q]")).not_to_have_value(first)
    assert page.url.endswith("/selfcheck/person/")
    # and skipping works the same way
    with page.expect_request(lambda r: r.method == "POST"):
        page.get_by_role("button", name="不清楚/跳过").click()
    expect(page.locator('input[type=hidden][name="skipped"]')).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert violations.items == []


def test_booking_an_appointment_raises_no_csp_violation(live_server, page, violations, demo_portal):
    visit_page(page, f"{live_server.url}/services/")
    page.get_by_role("link", name="预约办理").click()
    page.get_by_label("办理事项").select_option(label="四（四） 落实职工技能提升补贴")
    page.get_by_label("服务网点").select_option(label="宁江区 · 【示例】宁江区就业服务大厅")
    page.get_by_role("button", name="下一步：选择时段").click()
    page.locator("input[name=slot]:not([disabled])").first.check()
    page.get_by_label("姓名或单位名称").fill("王小明")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_role("button", name="确认预约").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("预约成功")
    page.wait_for_load_state("networkidle")
    assert violations.items == []


def test_the_staff_workbench_raises_no_csp_violation(live_server, page, violations, sign_in):
    # given a member of staff signed in through the login page and the second factor
    StaffUserFactory(username="csp_staff", first_name="王经办")
    sign_in("csp_staff", password=STAFF_PASSWORD)
    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    page.wait_for_load_state("networkidle")
    response = page.goto(f"{live_server.url}/workbench/")
    assert response is not None
    assert "no-store" in response.headers["cache-control"]
    assert violations.items == []
