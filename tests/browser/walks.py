"""What the browser walks share: answering the self-check through its widgets, and a
staff session signed in the real way (password, then the TOTP code)."""

from __future__ import annotations

from urllib.parse import quote

from playwright.sync_api import expect

from jiuye.testing.signin import next_code, verified_device
from tests.factories import STAFF_PASSWORD

#: The hidden inputs that carry one answered (or skipped) question each.
STEPS = (
    'input[type=hidden][name^="a."], input[type=hidden][name^="p."], '
    "input[type=hidden][name=skipped]"
)


def walk(page, persona: dict[str, str]) -> list[str]:
    """Answer each question from the persona through the widgets, skip the rest."""
    asked: list[str] = []
    while page.locator("input[name=q]").count():
        name = page.locator("input[name=q]").input_value()
        asked.append(name)
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
    return asked


def staff_page(
    browser,
    live_server,
    username: str,
    next_path: str = "/workbench/cases/",
    heading: str = "受理审核待办",
):
    """A new browser session signed in the real way (password, then the TOTP code)."""
    from django.contrib.auth import get_user_model

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    device = verified_device(get_user_model().objects.get(username=username))
    page.goto(f"{live_server.url}/accounts/login/?next={quote(next_path)}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("验证码").fill(next_code(device))
    page.get_by_role("button", name="验证并登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    return context, page
