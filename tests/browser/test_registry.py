from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jiuye.identity import mask_resident_id
from tests.registry.conftest import divisions  # noqa: F401 - the fixture
from tests.registry.staff import build_world, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_staff_searches_a_person_and_sees_the_number_masked(
    live_server,
    page,
    requests_seen,
    sign_in,
    divisions,  # noqa: F811
):
    # given 宁江区 staff without the full-identity right
    world = build_world(divisions)
    staff("county_staff", "220702")
    person = world.township_person
    # when they log in, search by name and open the person
    sign_in("county_staff", next="/registry/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("人员台账")
    page.get_by_role("searchbox", name="搜索人员").fill("乙街")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("共 1 条")).to_be_visible()
    expect(page.get_by_role("link", name="宁江甲社区")).to_have_count(0)
    page.get_by_role("link", name="宁江乙街道").click()
    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("宁江乙街道")
    expect(page.get_by_test_id("resident-id")).to_have_text(mask_resident_id(person.resident_id))
    assert person.resident_id not in page.content()
    expect(page.get_by_role("button", name="显示完整号码")).to_have_count(0)
    assert requests_seen.external() == []
