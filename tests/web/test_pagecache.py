"""The public pages are rendered once per package, date and guide revision
(jiuye.portal.pagecache); an edit shows at once, and nothing of a visitor is kept."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from jiuye.portal import views
from jiuye.portal.models import Guide
from tests.portal.guideitems import items_formset

MEASURE = "/policies/m/2-3/"
SLOW = "【示例】材料齐全的，受理后20个工作日内办结"


def main(html: bytes) -> bytes:
    return html[html.index(b"<main") : html.index(b"</main>")]


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[date]:
    """The dates for which a measure page or poster was rendered (cache misses)."""
    seen: list[date] = []
    real = views.notice_context

    def counting(request, clause, on):
        seen.append(on)
        return real(request, clause, on)

    monkeypatch.setattr(views, "notice_context", counting)
    return seen


def test_a_measure_page_is_rendered_once_per_date(offices_and_slot, builds, clock):
    client = Client()
    # when the page is asked for twice, then for another date, then both again
    first = client.get(MEASURE).content
    again = client.get(MEASURE).content
    earlier = client.get(MEASURE, {"date": "2018-06-01"})
    client.get(MEASURE, {"date": "2018-06-01"})
    client.get(MEASURE)
    # then two dates gave two entries, each rendered once
    assert builds == [date(2019, 6, 1), date(2018, 6, 1)]
    assert main(first) == main(again)  # (the frame differs: a fresh CSRF mask each time)
    assert "2018年6月1日有效的规则和参数" in earlier.content.decode()
    # and the next day is a new entry (amounts and versions are those of a date)
    clock.set(date(2019, 6, 2))
    client.get(MEASURE)
    assert builds[-1] == date(2019, 6, 2)


def test_a_guide_edited_in_the_admin_shows_at_once(admin_client, offices_and_slot, builds):
    # given the page was seen (and kept) with the sample guide
    guide = Guide.objects.get(rule_id="startup_subsidy")
    assert SLOW in Client().get(MEASURE).content.decode()
    # when an administrator edits the guide
    response = admin_client.post(
        f"/admin/system/portal/guide/{guide.pk}/change/",
        {
            "rule_id": "startup_subsidy",
            **items_formset(["居民身份证", "营业执照"], guide.items.all()),
            "procedure": guide.procedure,
            "time_limit": "10个工作日",
            "is_sample": "",
        },
    )
    assert response.status_code == 302
    # then the next visitor sees the new guide, on the page and the poster
    html = Client().get(MEASURE).content.decode()
    assert "<p>10个工作日</p>" in html
    assert "<li>营业执照</li>" in html
    assert len(builds) == 2


def test_an_office_closed_disappears_at_once(offices_and_slot):
    office = offices_and_slot.office
    poster = f"{MEASURE}poster/"
    assert office.name in Client().get(poster).content.decode()
    # when the office stops serving the public
    office.is_active = False
    office.save()
    # then
    assert office.name not in Client().get(poster).content.decode()


def test_the_kept_fragment_carries_nothing_of_the_visitor(offices_and_slot, staff_user):
    # given a member of staff saw the page first
    staff = Client()
    staff.force_login(staff_user)
    seen_by_staff = staff.get(MEASURE).content.decode()
    assert "王经办" in seen_by_staff
    # when a visitor asks for it (from the cache)
    visitor = Client()
    seen = visitor.get(MEASURE).content.decode()
    # then the visitor sees neither the name nor the staff member's CSRF token
    assert "王经办" not in seen
    assert "工作人员登录" in seen
    token = staff.cookies["csrftoken"].value
    assert token not in seen
    assert visitor.cookies["csrftoken"].value != token


def test_the_catalogue_is_kept_per_search(db, monkeypatch: pytest.MonkeyPatch):
    calls: list[tuple[str, str]] = []
    real = views._catalogue_body

    def counting(query, who, audiences):
        calls.append((query, who))
        return real(query, who, audiences)

    monkeypatch.setattr(views, "_catalogue_body", counting)
    client = Client()
    # when
    for _ in range(2):
        client.get("/policies/")
        found = client.get("/policies/", {"q": "技能提升补贴"})
    # then
    assert calls == [("", ""), ("技能提升补贴", "")]
    assert "找到 1 条措施" in found.content.decode()


def test_the_cache_can_be_turned_off(offices_and_slot, builds, settings):
    settings.PAGE_CACHE_ENABLED = False
    client = Client()
    client.get(MEASURE)
    client.get(MEASURE)
    assert len(builds) == 2
