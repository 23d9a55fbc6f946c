"""公示: approved cases announced per measure and county for a dated period.

The period (working days) is a parameter per rule (``Bindings.announcement_days``); the
text leaves it open, so until the bureau sets it the case waits with that reason. An
objection sends the case back to the approving step; the outcome is recorded. After the
period without an upheld objection the case is ready for payment.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from jiuye.casework import history, notify
from jiuye.casework.deadlines import add_working_days
from jiuye.casework.errors import CaseInvalid, CaseNotFound, CaseRefused
from jiuye.casework.models import (
    Announcement,
    AnnouncementState,
    Case,
    CaseState,
    CaseStep,
    Objection,
    ObjectionState,
    StepState,
)
from jiuye.core import clock
from jiuye.eligibility.policy import bindings, package
from jiuye.evaluation import who_sets
from jiuye.identity import mask_name


def public_name(name: str) -> str:
    """A name as the notice shows it: 张*三 (first and last kept), 张* for two characters.

    >>> public_name("张小三"), public_name("张三"), public_name("欧阳娜娜")
    ('张*三', '张*', '欧**娜')
    >>> public_name("松原市示例科技有限公司")
    '松原市示例科技有限公司'

    """
    name = name.strip()
    if any(word in name for word in ("公司", "中心", "协会", "基地", "学校", "机构", "合作社")):
        return name  # a unit's name is public
    if len(name) <= 2:
        return mask_name(name)
    return name[0] + "*" * (len(name) - 2) + name[-1]


def period_days(rule_id: str, on: date) -> int | None:
    key = bindings().announcement_days(rule_id)
    parameter = package().parameters.get(key)
    if parameter is None:
        return None
    value = parameter.at(on)
    if value is None or not isinstance(value.value, int):
        return None
    return value.value


def begin(case: Case, *, actor: Any = None) -> Announcement | None:
    """Announce an approved case, or leave it waiting with the reason."""
    today = clock.today()
    days = period_days(case.rule_id, today)
    if days is None:
        reason = "公示期未设定：" + who_sets(bindings().announcement_days(case.rule_id))
        if case.waiting_reason != reason[:200]:
            history.move(case, "wait_period", actor=actor, note=reason, waiting_reason=reason[:200])
        return None
    ends, note = add_working_days(today, days)
    if ends is None:
        reason = f"公示截止日期无法计算：{note}"
        if case.waiting_reason != reason[:200]:
            history.move(case, "wait_period", actor=actor, note=reason, waiting_reason=reason[:200])
        return None
    announcement = Announcement.objects.create(
        case=case,
        rule_id=case.rule_id,
        county_code=case.handling_code,
        public_name=public_name(case.subject_name),
        public_id=case.subject_id_masked,
        amount_fen=case.amount_fen,
        starts_on=today,
        ends_on=ends,
        working_days=days,
        state=AnnouncementState.RUNNING,
    )
    history.move(
        case,
        "announce",
        actor=actor,
        note=f"公示 {days} 个工作日，至 {ends:%Y-%m-%d}",
        waiting_reason="",
    )
    return announcement


@transaction.atomic
def object_to(*, announcement_id: int, name: str, contact: str, text: str) -> Objection:
    """Anyone may object to a running announcement, with contact details."""
    name, contact, text = (name or "").strip(), (contact or "").strip(), (text or "").strip()
    for value, field, label in (
        (name, "name", "姓名"),
        (contact, "contact", "联系方式"),
        (text, "text", "异议内容"),
    ):
        if not value:
            raise CaseInvalid("field_required", f"请填写{label}", extra={"field": field})
    if len(text) > 2000 or len(name) > 50 or len(contact) > 50:
        raise CaseInvalid(
            "too_long", "内容过长：姓名、联系方式不超过 50 字，异议内容不超过 2000 字"
        )
    case_id = (
        Announcement.objects.filter(pk=announcement_id).values_list("case_id", flat=True).first()
    )
    # the case's row first, then its announcement's: the order every casework write
    # takes (deciding an objection, the sweep), else the two wait for each other
    if case_id is None:
        raise CaseNotFound("announcement_closed", "该公示已结束或不存在")
    case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
    announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
    if announcement is None or announcement.state not in (
        AnnouncementState.RUNNING,
        AnnouncementState.HELD,
    ):
        raise CaseNotFound("announcement_closed", "该公示已结束或不存在")
    if announcement.ends_on < clock.today():
        raise CaseRefused("announcement_over", "公示期已满，不再受理异议")
    objection = Objection.objects.create(
        announcement=announcement, name=name, contact=contact, text=text, state=ObjectionState.OPEN
    )
    announcement.state = AnnouncementState.HELD
    announcement.save(update_fields=["state"])
    last = case.steps.order_by("-position").first()
    assert last is not None
    CaseStep.objects.filter(pk=last.pk).update(state=StepState.ACTIVE)
    history.move(
        case,
        "object",
        note="收到公示异议，退回审批环节处理",
        source="portal",
        position=last.position,
    )
    return objection


@transaction.atomic
def decide_objection(*, objection_id: int, user: Any, upheld: bool, outcome: str) -> Objection:
    """The approving step decides: upheld → not approved; dismissed → 公示 resumes."""
    from jiuye.casework.review import refusal_to_act

    outcome = (outcome or "").strip()
    if not outcome:
        raise CaseInvalid(
            "outcome_required", "请填写处理结果（异议人和申请人可见）", extra={"field": "outcome"}
        )
    case_id = (
        Objection.objects.filter(pk=objection_id)
        .values_list("announcement__case_id", flat=True)
        .first()
    )
    if case_id is None:
        raise CaseNotFound("objection_not_found", "没有待处理的异议")
    case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
    # read once the case is locked: a decision by someone else meanwhile is seen
    objection = Objection.objects.select_related("announcement").get(pk=objection_id)
    if objection.state != ObjectionState.OPEN:
        raise CaseNotFound("objection_not_found", "没有待处理的异议")
    if case.state != CaseState.OBJECTED:
        raise CaseRefused("not_objected", "办件不在异议处理中")
    step = case.steps.select_related("role").get(position=case.position)
    why = refusal_to_act(user, case, step)
    # the approver of the last step handles objections: the four-eyes check of other
    # steps still applies, doing this same step again does not count twice
    if why is not None:
        raise CaseRefused("not_your_step", why)
    objection.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    objection.decided_by, objection.decided_at, objection.outcome = user, clock.now(), outcome[:500]
    objection.save(update_fields=["state", "decided_by", "decided_at", "outcome"])
    still_open = Objection.objects.filter(
        announcement=objection.announcement, state=ObjectionState.OPEN
    ).exists()
    announcement = objection.announcement
    if upheld:
        Objection.objects.filter(announcement=announcement, state=ObjectionState.OPEN).update(
            state=ObjectionState.UPHELD,
            decided_by=user,
            decided_at=clock.now(),
            outcome="同案异议已成立",
        )
        announcement.state = AnnouncementState.WITHDRAWN
        announcement.save(update_fields=["state"])
        CaseStep.objects.filter(pk=step.pk).update(state=StepState.REJECTED, opinion=outcome[:500])
        history.move(
            case, "uphold", actor=user, note=outcome, holds_slot=False, outcome_note=outcome[:500]
        )
    elif not still_open:
        announcement.state = AnnouncementState.RUNNING
        announcement.save(update_fields=["state"])
        CaseStep.objects.filter(pk=step.pk).update(state=StepState.DONE)
        history.move(case, "dismiss", actor=user, note=outcome)
    notify.objection_decided(objection)
    return objection


def sweep(today: date | None = None) -> dict[str, int]:
    """Daily: announce waiting cases whose period is now set; end periods that passed."""
    today = today or clock.today()
    announced = passed = 0
    for case_id in Case.objects.filter(state=CaseState.APPROVED).values_list("pk", flat=True):
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
            if case.state == CaseState.APPROVED and begin(case) is not None:
                announced += 1
    for row in Announcement.objects.filter(state=AnnouncementState.RUNNING, ends_on__lt=today):
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).get(pk=row.case_id)
            if case.state != CaseState.ANNOUNCING:
                continue
            Announcement.objects.filter(pk=row.pk).update(state=AnnouncementState.PASSED)
            once = package().rules[case.rule_id].once
            history.move(
                case, "pass", source="task", note="公示期满无异议，待发放", holds_slot=once
            )
            passed += 1
    return {"announced": announced, "passed": passed}
