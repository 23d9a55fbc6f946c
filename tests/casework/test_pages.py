"""The casework pages as staff and the public use them."""

from __future__ import annotations

import pytest

from jiuye.casework import publicity
from jiuye.casework.filing import file_case
from jiuye.casework.models import Announcement, Case, CaseState
from jiuye.testing.signin import SignedInClient
from tests.casework.world import GRADUATE_ID, STARTUP_FACTS


def _as(user):
    client = SignedInClient()
    client.force_login(user)
    return client


def _counter(world, client=None, **extra):
    data = {
        "rule_id": "startup_subsidy",
        "subject_id": GRADUATE_ID,
        "subject_name": "张小三",
        "mobile": "13900001111",
        "checked_id": "on",
    }
    data.update(extra)
    return (client or _as(world.staff["fuyu"])).post("/workbench/cases/counter/", data)


def test_counter_clerk_files_and_becomes_first_responder(world):
    clerk = _as(world.staff["fuyu"])
    # when
    response = _counter(world, clerk)
    # then
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workbench/cases/{case.code}/"
    assert case.first_responder == world.staff["fuyu"]
    page = clerk.get(response["Location"]).content.decode()
    assert "您是本件的首问责任人" in page
    assert "社区初审" in page


def test_counter_bad_id_keeps_the_input_and_says_why(world):
    response = _counter(world, subject_id="220702199801011234")
    page = response.content.decode()
    assert response.status_code == 422
    assert "居民身份证号码有误" in page
    assert 'value="张小三"' in page
    assert Case.objects.count() == 0


def test_queue_shows_only_what_the_user_may_act_on_and_approval_moves_it(world):
    _counter(world)
    case = Case.objects.get()
    community = _as(world.staff["community"])
    county = _as(world.staff["county"])
    assert case.code in community.get("/workbench/cases/").content.decode()
    assert case.code not in county.get("/workbench/cases/").content.decode()
    # when the community approves through the page
    response = community.post(
        f"/workbench/cases/{case.code}/act/", {"action": "approve", "version": case.version}
    )
    # then it moves to the county's queue
    assert response.status_code == 302
    assert case.code in county.get("/workbench/cases/").content.decode()
    assert case.code not in community.get("/workbench/cases/").content.decode()


def test_return_without_items_is_refused_on_the_form(world):
    _counter(world)
    case = Case.objects.get()
    response = _as(world.staff["community"]).post(
        f"/workbench/cases/{case.code}/act/", {"action": "return", "version": case.version}
    )
    assert response.status_code == 422
    assert "请一次列明全部需补正的事项" in response.content.decode()
    assert Case.objects.get().state == CaseState.REVIEWING


def test_bulk_approval_confirms_first(world):
    _counter(world)
    case = Case.objects.get()
    community = _as(world.staff["community"])
    confirm = community.post("/workbench/cases/bulk/", {"case": f"{case.code}:{case.version}"})
    assert "通过，转下一环节" in confirm.content.decode()
    assert Case.objects.get().position == 1
    done = community.post(
        "/workbench/cases/bulk/", {"case": f"{case.code}:{case.version}", "confirm": "yes"}
    )
    assert "已通过 1 件" in done.content.decode()
    assert Case.objects.get().position == 2


def test_a_case_of_another_county_is_not_found(world):
    case = file_case(
        rule_id="startup_subsidy",
        subject_id=GRADUATE_ID,
        subject_name="张小三",
        channel="online",
        declared=STARTUP_FACTS,
    )
    from jiuye.staff.models import StaffProfile
    from tests.factories import StaffUserFactory

    outsider = StaffUserFactory(username="outsider")
    StaffProfile.objects.create(user=outsider, division=world.divisions["220781"])
    assert _as(outsider).get(f"/workbench/cases/{case.code}/").status_code == 404


@pytest.fixture
def announced(world, monkeypatch):
    from jiuye.casework import review

    monkeypatch.setattr(publicity, "period_days", lambda rule_id, on: 5)
    case = file_case(
        rule_id="startup_subsidy",
        subject_id=GRADUATE_ID,
        subject_name="张小三",
        channel="online",
        declared=STARTUP_FACTS,
    )
    for who in ("community", "county", "lead"):
        review.approve(code=case.code, user=world.staff[who])
    return Case.objects.get()


def test_public_announcement_masks_and_takes_objections(announced, client):
    page = client.get("/gongshi/").content.decode()
    assert "张*三" in page
    assert "220702********123X" in page
    assert "5000.00 元" in page
    assert "张小三" not in page
    ann = Announcement.objects.get()
    bad = client.post(f"/gongshi/{ann.pk}/objection/", {"name": "", "contact": "", "text": ""})
    assert bad.status_code == 422
    ok = client.post(
        f"/gongshi/{ann.pk}/objection/", {"name": "李四", "contact": "138", "text": "已停业"}
    )
    assert "异议已收到" in ok.content.decode()
    assert Case.objects.get().state == CaseState.OBJECTED


def test_progress_lookup_by_code_and_last_six(announced, client):
    wrong = client.post("/banshi/progress/", {"code": announced.code, "last6": "00123X"})
    assert "不正确" in wrong.content.decode()
    page = client.post("/banshi/progress/", {"code": announced.code, "last6": "01123X"})
    text = page.content.decode()
    assert "公示中" in text
    assert "县区审批" in text
    assert "张*" in text
    assert "张小三" not in text
