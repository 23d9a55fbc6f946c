from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jiuye.identity import mask_resident_id
from tests.registry.conftest import divisions  # noqa: F401 - the fixture
from tests.registry.staff import build_world, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reveal_beyond_the_hourly_limit_shows_the_message_in_place(
    live_server,
    page,
    requests_seen,
    settings,
    sign_in,
    divisions,  # noqa: F811
):
    # given county staff with the right, and a limit of 1 number per hour
    settings.REVEAL_LIMIT_PER_HOUR = 1
    world = build_world(divisions)
    staff("county_full", "220702", full=True)
    first, second = world.township_person, world.community_person
    sign_in("county_full", next=f"/registry/people/{first.pk}/")
    # when they reveal one number, then ask for a second person's
    page.get_by_label("查看事由").fill("办理补贴核对")
    page.get_by_role("button", name="显示完整号码").click()
    expect(page.get_by_test_id("resident-id")).to_have_text(first.resident_id)
    page.goto(f"{live_server.url}/registry/people/{second.pk}/")
    page.get_by_label("查看事由").fill("再核对一个")
    page.get_by_role("button", name="显示完整号码").click()
    # then the message appears in place of the form's error slot, the number stays masked
    expect(page.get_by_role("alert")).to_contain_text("您最近 1 小时内已查看 1 个完整身份证号码")
    expect(page.get_by_test_id("resident-id")).to_have_text(mask_resident_id(second.resident_id))
    assert second.resident_id not in page.content()
    assert requests_seen.external() == []
