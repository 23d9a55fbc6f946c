"""Review, one-time notices, the four-eyes rule, overrides, 公示 and objections."""

from __future__ import annotations

import datetime as dt

import pytest

from jiuye.casework import publicity, review
from jiuye.casework.errors import CaseConflict, CaseInvalid, CaseRefused
from jiuye.casework.filing import file_case
from jiuye.casework.models import (
    Announcement,
    Case,
    CaseEvent,
    CaseState,
    Notice,
    NoticeState,
    ObjectionState,
)
from jiuye.core import messages
from tests.casework.world import GRADUATE_ID, STARTUP_FACTS


def _file(**kw):
    args = {
        "rule_id": "startup_subsidy",
        "subject_id": GRADUATE_ID,
        "subject_name": "张小三",
        "channel": "online",
        "mobile": "13900001111",
        "declared": STARTUP_FACTS,
    }
    args.update(kw)
    return file_case(**args)


def _through(case, world):
    review.approve(code=case.code, user=world.staff["community"])
    review.approve(code=case.code, user=world.staff["county"])
    review.approve(code=case.code, user=world.staff["lead"])
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def period(monkeypatch):
    days = {"value": 5}
    monkeypatch.setattr(publicity, "period_days", lambda rule_id, on: days["value"])
    return days


def test_three_steps_by_three_people_approve_and_wait_for_the_unset_period(world):
    case = _file()
    # when
    case = _through(case, world)
    # then: approved; the period is unset in the package, so it waits with the reason
    assert case.state == CaseState.APPROVED
    assert "公示期未设定" in case.waiting_reason
    assert [s.actor.username for s in case.steps.order_by("position")] == [
        "community",
        "county",
        "lead",
    ]
    assert case.first_responder == world.staff["community"]
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["file", "approve_step", "approve_step", "approve_last", "wait_period"]


def test_each_state_change_sends_a_message_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = _file()
    with django_capture_on_commit_callbacks(execute=True):
        review.approve(code=case.code, user=world.staff["community"])
    assert len(messages.outbox) == 2
    assert all(m.to == "13900001111" and case.code in m.text for m in messages.outbox)


def test_no_one_does_two_steps_of_a_case(world):
    # given: county holds 初审 and 复审; the unit chain has 县区初审 then 县区审批
    case = _file()
    review.approve(code=case.code, user=world.staff["community"])
    review.approve(code=case.code, user=world.staff["county"])
    # when: someone who did step 2 tries step 3 (lead2 has the role; county does not)
    with pytest.raises(CaseRefused):
        review.approve(code=case.code, user=world.staff["county"])
    assert Case.objects.get(pk=case.pk).position == 3


def test_four_eyes_with_a_user_holding_two_roles(world):
    # given: county2 and county both hold 复审; give county the 审批 role too
    from jiuye.casework.demo import grant

    grant(world.staff["county"], ("approve",))
    case = _file()
    review.approve(code=case.code, user=world.staff["community"])
    review.approve(code=case.code, user=world.staff["county"])
    with pytest.raises(CaseRefused) as error:
        review.approve(code=case.code, user=world.staff["county"])
    assert "四眼原则" in error.value.message
    before = Case.objects.get(pk=case.pk)
    assert before.state == CaseState.REVIEWING
    assert before.position == 3


@pytest.mark.parametrize("who", ["county", "nobody", "fuyu", "city"])
def test_only_the_step_role_at_its_office_may_act(world, who):
    case = _file()
    with pytest.raises(CaseRefused):
        review.approve(code=case.code, user=world.staff[who])
    assert Case.objects.get(pk=case.pk).version == case.version


def test_a_stale_form_gets_a_conflict(world):
    case = _file()
    review.approve(code=case.code, user=world.staff["community"], version=case.version)
    with pytest.raises(CaseConflict):
        review.approve(code=case.code, user=world.staff["county"], version=case.version)


def test_reject_needs_a_reason_the_applicant_reads_and_frees_the_slot(world):
    case = _file()
    with pytest.raises(CaseInvalid):
        review.reject(code=case.code, user=world.staff["community"], reason=" ")
    review.reject(code=case.code, user=world.staff["community"], reason="营业执照已注销")
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.REJECTED
    assert case.outcome_note == "营业执照已注销"
    assert _file().state == CaseState.REVIEWING  # a new application is possible


def test_one_time_notice_then_one_supplement(world):
    case = _file()
    notice = review.return_for_supplement(
        code=case.code,
        user=world.staff["community"],
        items=[
            {"item": "营业执照", "problem": "扫描件不清晰"},
            {"item": "社保缴费证明", "problem": "缺少"},
        ],
        deadline=dt.date(2026, 6, 15),
    )
    assert notice.state == NoticeState.OPEN
    assert Case.objects.get(pk=case.pk).state == CaseState.RETURNED
    review.supplement(code=case.code, response="已重新上传清晰扫描件和缴费证明")
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.REVIEWING
    assert case.position == 1
    with pytest.raises(CaseRefused):
        review.supplement(code=case.code, response="再补一次")


def test_a_second_return_for_the_same_items_needs_no_senior(world):
    case = _file()
    items = [{"item": "营业执照", "problem": "不清晰"}]
    review.return_for_supplement(
        code=case.code, user=world.staff["community"], items=items, deadline=dt.date(2026, 6, 15)
    )
    review.supplement(code=case.code, response="已补")
    second = review.return_for_supplement(
        code=case.code, user=world.staff["community"], items=items, deadline=dt.date(2026, 6, 20)
    )
    assert second.state == NoticeState.OPEN


def test_a_second_return_for_a_new_item_needs_a_senior(world):
    case = _file()
    review.return_for_supplement(
        code=case.code,
        user=world.staff["community"],
        items=[{"item": "营业执照", "problem": "不清晰"}],
        deadline=dt.date(2026, 6, 15),
    )
    review.supplement(code=case.code, response="已补")
    # when: a new item not in the first notice
    second = review.return_for_supplement(
        code=case.code,
        user=world.staff["community"],
        items=[{"item": "租赁合同", "problem": "缺少"}],
        deadline=dt.date(2026, 6, 20),
    )
    # then: it waits, the case stays in review and cannot be approved meanwhile
    assert second.state == NoticeState.AWAITING_SENIOR
    assert Case.objects.get(pk=case.pk).state == CaseState.REVIEWING
    with pytest.raises(CaseRefused):
        review.approve(code=case.code, user=world.staff["community"])
    # a non-senior cannot decide; the senior can
    with pytest.raises(CaseRefused):
        review.decide_second_return(notice_id=second.pk, user=world.staff["county"], approve=True)
    review.decide_second_return(notice_id=second.pk, user=world.staff["lead"], approve=True)
    assert Notice.objects.get(pk=second.pk).state == NoticeState.OPEN
    assert Case.objects.get(pk=case.pk).state == CaseState.RETURNED


def test_deadline_must_be_after_today(world):
    case = _file()
    with pytest.raises(CaseInvalid):
        review.return_for_supplement(
            code=case.code,
            user=world.staff["community"],
            items=[{"item": "x"}],
            deadline=dt.date(2026, 6, 1),
        )
    with pytest.raises(CaseInvalid):
        review.return_for_supplement(
            code=case.code, user=world.staff["community"], items=[], deadline=dt.date(2026, 6, 2)
        )
    assert Case.objects.get(pk=case.pk).state == CaseState.REVIEWING


def test_a_notice_lapses_the_day_after_its_deadline(world, clock):
    case = _file()
    review.return_for_supplement(
        code=case.code,
        user=world.staff["community"],
        items=[{"item": "x"}],
        deadline=dt.date(2026, 6, 5),
    )
    assert review.lapse_overdue(dt.date(2026, 6, 5)) == 0  # the deadline day itself is in time
    assert review.lapse_overdue(dt.date(2026, 6, 6)) == 1
    assert Case.objects.get(pk=case.pk).state == CaseState.LAPSED


def test_ineligible_needs_a_senior_override_before_the_last_approval(world):
    facts = dict(STARTUP_FACTS, business_operating_since="2025-06-02")
    case = _file(declared=facts, channel="counter", actor=world.staff["fuyu"])
    review.approve(code=case.code, user=world.staff["community"])
    review.approve(code=case.code, user=world.staff["county"])
    with pytest.raises(CaseRefused) as error:
        review.approve(code=case.code, user=world.staff["lead"])
    assert error.value.code == "ineligible_needs_override"
    with pytest.raises(CaseRefused):
        review.record_override(code=case.code, user=world.staff["county"], reason="x")
    review.record_override(code=case.code, user=world.staff["lead2"], reason="经核实经营已满1年")
    review.approve(code=case.code, user=world.staff["lead"])
    assert Case.objects.get(pk=case.pk).state == CaseState.APPROVED


def test_announcement_objection_dismissed_then_period_passes(
    world, period, clock, django_capture_on_commit_callbacks
):
    case = _through(_file(), world)
    assert case.state == CaseState.ANNOUNCING
    ann = Announcement.objects.get(case=case)
    assert ann.public_name == "张*三"
    assert ann.public_id == "220702********123X"
    assert ann.ends_on == dt.date(2026, 6, 8)
    objection = publicity.object_to(
        announcement_id=ann.pk, name="李四", contact="13800000000", text="该店已停业"
    )
    assert Case.objects.get(pk=case.pk).state == CaseState.OBJECTED
    with pytest.raises(CaseRefused):
        publicity.decide_objection(
            objection_id=objection.pk, user=world.staff["county"], upheld=False, outcome="x"
        )
    with django_capture_on_commit_callbacks(execute=True):
        publicity.decide_objection(
            objection_id=objection.pk,
            user=world.staff["lead"],
            upheld=False,
            outcome="经核实仍正常经营",
        )
    assert Case.objects.get(pk=case.pk).state == CaseState.ANNOUNCING
    told = [m for m in messages.outbox if m.purpose == "objection_outcome"]
    assert [m.to for m in told] == ["13800000000"]
    assert "异议不成立" in told[0].text
    assert "经核实仍正常经营" in told[0].text
    # the last day of the period is still inside it
    assert publicity.sweep(dt.date(2026, 6, 8))["passed"] == 0
    assert publicity.sweep(dt.date(2026, 6, 9))["passed"] == 1
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.READY
    assert case.holds_slot
    with pytest.raises(CaseConflict):
        _file()


def test_an_upheld_objection_ends_the_case(world, period, django_capture_on_commit_callbacks):
    case = _through(_file(), world)
    ann = Announcement.objects.get(case=case)
    objection = publicity.object_to(
        announcement_id=ann.pk, name="李四", contact="138", text="冒名申请"
    )
    with django_capture_on_commit_callbacks(execute=True):
        publicity.decide_objection(
            objection_id=objection.pk, user=world.staff["lead"], upheld=True, outcome="异议属实"
        )
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.REJECTED
    # "138" is no mobile number: the office answers through the contact, no message
    assert not [m for m in messages.outbox if m.purpose == "objection_outcome"]
    assert not case.holds_slot
    assert objection.__class__.objects.get(pk=objection.pk).state == ObjectionState.UPHELD


def test_waiting_cases_are_announced_once_the_period_is_set(world, period):
    period["value"] = None
    case = _through(_file(), world)
    assert case.state == CaseState.APPROVED
    period["value"] = 3
    assert publicity.sweep()["announced"] == 1
    assert Case.objects.get(pk=case.pk).state == CaseState.ANNOUNCING


def test_bulk_approve_reports_each_case(world):
    from jiuye.casework.models import Case as C

    case = _file()
    results = review.bulk_approve(
        codes=[(case.code, case.version), ("NOPE", 1)], user=world.staff["community"]
    )
    assert results[0] == (case.code, "")
    assert results[1][0] == "NOPE"
    assert results[1][1]
    assert C.objects.get(pk=case.pk).position == 2
