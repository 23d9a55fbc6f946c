"""Headless Chromium (Debian's package) driven by Playwright against live_server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("JIUYE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        message = f"!!! Chromium 未安装（{CHROMIUM}）：跳过浏览器测试 / browser tests SKIPPED"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class RequestLog:
    """Every URL the page asked for; requests to other hosts are blocked and kept."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def external(self) -> list[str]:
        return [
            u
            for u in self.urls
            if urlsplit(u).scheme in {"http", "https", "ws", "wss"}
            and urlsplit(u).hostname not in {"127.0.0.1", "localhost"}
        ]


@pytest.fixture
def requests_seen() -> RequestLog:
    return RequestLog()


@pytest.fixture
def page(browser, requests_seen: RequestLog) -> Iterator[object]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("request", lambda request: requests_seen.urls.append(request.url))

    def only_loopback(route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_loopback)
    yield page
    context.close()


@pytest.fixture
def sign_in(live_server, page):
    """Sign in the real way: username and password, then the code computed from the
    user's TOTP device (created, confirmed, if the user has none)."""
    from urllib.parse import quote

    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    from jiuye.testing.signin import next_code, verified_device
    from tests.factories import STAFF_PASSWORD

    def _sign_in(username: str, *, password: str = STAFF_PASSWORD, next: str = "/workbench/"):
        device = verified_device(get_user_model().objects.get(username=username))
        page.goto(f"{live_server.url}/accounts/login/?next={quote(next)}")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("动态验证码")
        page.get_by_label("验证码").fill(next_code(device))
        page.get_by_role("button", name="验证并登录").click()

    return _sign_in
