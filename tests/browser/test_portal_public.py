"""A resident on the public portal: finds a measure, books and cancels an appointment;
screenshots of the home page, a notification page and a poster go to var/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from jiuye.geo.loaders import load_songyuan_2017
from jiuye.portal.demo import seed_demo
from jiuye.portal.models import Booking, BookingStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def demo_portal(transactional_db) -> None:
    load_songyuan_2017()
    seed_demo()


def test_catalogue_search_finds_the_skill_upgrade_subsidy(live_server, page, requests_seen):
    # given
    page.goto(f"{live_server.url}/policies/")
    # when
    page.get_by_label("关键词").fill("技能提升补贴")
    page.get_by_role("button", name="搜索").click()
    # then
    expect(page.get_by_role("status")).to_have_text(re.compile("找到 1 条措施"))
    result = page.get_by_role("link", name="四（四） 落实职工技能提升补贴")
    expect(result).to_be_visible()
    result.click()
    expect(page.get_by_role("heading", level=2, name="职工技能提升补贴")).to_be_visible()
    assert requests_seen.external() == []


def test_a_resident_books_and_cancels_an_appointment(live_server, page, requests_seen, demo_portal):
    # given
    page.goto(f"{live_server.url}/services/")
    page.get_by_role("link", name="预约办理").click()
    page.get_by_label("办理事项").select_option(label="四（四） 落实职工技能提升补贴")
    page.get_by_label("服务网点").select_option(label="宁江区 · 【示例】宁江区就业服务大厅")
    page.get_by_role("button", name="下一步：选择时段").click()
    # when booking
    page.locator("input[name=slot]:not([disabled])").first.check()
    page.get_by_label("姓名或单位名称").fill("王小明")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_role("button", name="确认预约").click()
    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("预约成功")
    booking = Booking.objects.get()
    expect(page.locator("#booking-code")).to_have_text(booking.code)
    # (the last four digits prove the booking is one's own: the page does not show them)
    expect(page.get_by_text("王**，139********")).to_be_visible()
    # when cancelling
    page.get_by_label("预约时填写的联系电话后四位").fill("5678")
    page.get_by_role("button", name="取消预约").click()
    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("预约已取消")
    booking.refresh_from_db()
    booking.slot.refresh_from_db()
    assert (booking.status, booking.slot.booked) == (BookingStatus.CANCELLED, 0)
    assert requests_seen.external() == []


def test_screenshots_of_home_notification_and_poster(live_server, page, requests_seen, demo_portal):
    # given
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 414, "height": 896})
    # when
    page.goto(f"{live_server.url}/")
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)
    page.goto(f"{live_server.url}/policies/m/2-3/")
    expect(page.get_by_role("heading", level=1)).to_have_text("二（三） 加大创业政策支持")
    page.screenshot(path=str(SCREENSHOTS / "notification-2-3.png"), full_page=True)
    page.set_viewport_size({"width": 794, "height": 1123})
    page.goto(f"{live_server.url}/policies/m/2-3/poster/")
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / "poster-2-3.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (SCREENSHOTS / "poster-2-3.pdf").write_bytes(pdf)
    # then
    for name in ("home.png", "notification-2-3.png", "poster-2-3.png"):
        assert (SCREENSHOTS / name).stat().st_size > 10_000
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # one A4 page
    assert requests_seen.external() == []
