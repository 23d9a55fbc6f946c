"""Review: each step by a holder of its role at its office; no one does two steps of a
case (四眼原则); approve, reject with a reason, or return with a one-time notice.

A second return for an item the first notice did not list needs a senior's approval.
Nothing whose frozen decision is ineligible is approved without a senior's recorded
override. Every change goes through :func:`jiuye.casework.history.move`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction

from jiuye.casework import history, publicity
from jiuye.casework.decisions import freeze
from jiuye.casework.errors import CaseConflict, CaseInvalid, CaseNotFound, CaseRefused
from jiuye.casework.filing import start_step
from jiuye.casework.models import (
    Case,
    CaseState,
    CaseStep,
    Decision,
    Notice,
    NoticeState,
    Override,
    ReviewRole,
    StepState,
)
from jiuye.core import clock
from jiuye.staff.models import StaffProfile


def _profile_code(user: Any) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    profile = StaffProfile.objects.select_related("division").filter(user_id=user.pk).first()
    return profile.division.code if profile is not None else None


def holds_role(user: Any, role: ReviewRole) -> bool:
    return (
        bool(user is not None and user.is_authenticated)
        and user.groups.filter(pk=role.group_id).exists()
    )


def senior_roles(user: Any) -> list[ReviewRole]:
    if user is None or not user.is_authenticated:
        return []
    return list(ReviewRole.objects.filter(is_senior=True, group__user=user))


def locked(code: str, version: int | None = None) -> Case:
    """The case, locked for this transaction (PostgreSQL), at the version the form saw."""
    case = Case.objects.select_for_update(of=("self",)).filter(code=code).first()
    if case is None:
        raise CaseNotFound("case_not_found", "没有这个办件", extra={"code": code})
    if version is not None and case.version != version:
        raise CaseConflict("case_changed", "办件已被他人处理，请刷新后重试", extra={"code": code})
    return case


def active_step(case: Case) -> CaseStep:
    step = case.steps.select_related("role").filter(position=case.position).first()
    if step is None:
        raise CaseInvalid("no_step", "办件没有待办环节")
    return step


def refusal_to_act(user: Any, case: Case, step: CaseStep) -> str | None:
    """Why ``user`` may not act on ``step`` (None: they may)."""
    code = _profile_code(user)
    if code is None:
        return "只有经办人员可以办理"
    if not holds_role(user, step.role):
        return f"您没有“{step.role.name}”角色"
    if code != step.division_code:
        return f"此环节由{step.division_name}办理"
    if case.steps.filter(actor=user).exclude(position=step.position).exists():
        return "您已办理过本件的其他环节（四眼原则：同一人不能办理同一办件的两个环节）"
    return None


def _check_can_act(user: Any, case: Case) -> CaseStep:
    if case.state not in (CaseState.REVIEWING, CaseState.OBJECTED):
        raise CaseRefused(
            "not_in_review", f"办件当前状态为“{case.get_state_display()}”，不在审核中"
        )
    step = active_step(case)
    why = refusal_to_act(user, case, step)
    if why is not None:
        raise CaseRefused("not_your_step", why, extra={"position": step.position})
    return step


def _office(step: CaseStep) -> str:
    return step.division_name


def _claim(case: Case, user: Any) -> None:
    """An online case's first responder is the first staff member who handles it."""
    if case.first_responder_id is None:
        Case.objects.filter(pk=case.pk, first_responder__isnull=True).update(first_responder=user)
        case.first_responder = user


def _close_step(step: CaseStep, state: str, user: Any, opinion: str) -> None:
    CaseStep.objects.filter(pk=step.pk).update(
        state=state, actor=user, acted_at=clock.now(), opinion=opinion[:500]
    )


def _check_approvable(case: Case, step: CaseStep, last: bool) -> None:
    if Notice.objects.filter(case=case, state=NoticeState.AWAITING_SENIOR).exists():
        raise CaseRefused("senior_pending", "再次退回补正正待上级批准，暂不能通过")
    if last and case.status == "ineligible":
        decision = case.decisions.order_by("-created_at", "-id").first()
        if not Override.objects.filter(case=case, decision=decision).exists():
            raise CaseRefused(
                "ineligible_needs_override",
                "认定结论为不符合条件：须上级审核人员登记核准意见后才能审批通过",
            )


@transaction.atomic
def approve(*, code: str, user: Any, opinion: str = "", version: int | None = None) -> Case:
    case = locked(code, version)
    step = _check_can_act(user, case)
    last = not case.steps.filter(position__gt=step.position).exists()
    _check_approvable(case, step, last)
    if case.state == CaseState.OBJECTED:
        raise CaseRefused("objection_open", "公示异议待处理：请在异议处理页面办理")
    _claim(case, user)
    _close_step(step, StepState.DONE, user, opinion)
    if last:
        history.move(case, "approve_last", actor=user, note=opinion, office=_office(step))
        publicity.begin(case, actor=user)
        return case
    nxt = case.steps.get(position=step.position + 1)
    start_step(nxt, clock.today())
    return history.move(
        case,
        "approve_step",
        actor=user,
        note=opinion,
        office=_office(step),
        position=nxt.position,
    )


@transaction.atomic
def reject(*, code: str, user: Any, reason: str, version: int | None = None) -> Case:
    reason = (reason or "").strip()
    if not reason:
        raise CaseInvalid(
            "reason_required", "请填写不予核准的理由（申请人可见）", extra={"field": "reason"}
        )
    case = locked(code, version)
    step = _check_can_act(user, case)
    _claim(case, user)
    _close_step(step, StepState.REJECTED, user, reason)
    return history.move(
        case,
        "reject",
        actor=user,
        note=reason,
        office=_office(step),
        holds_slot=False,
        outcome_note=reason[:500],
    )


def _items(items: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    out = []
    for entry in items:
        item = str(entry.get("item", "")).strip()
        problem = str(entry.get("problem", "")).strip()
        if item:
            out.append({"item": item[:100], "problem": problem[:200] or "缺少"})
    if not out:
        raise CaseInvalid(
            "items_required",
            "一次性告知须列明全部需补正的事项（至少一项）",
            extra={"field": "items"},
        )
    names = [e["item"] for e in out]
    if len(set(names)) != len(names):
        raise CaseInvalid("items_repeated", "需补正事项有重复", extra={"field": "items"})
    return out


@transaction.atomic
def return_for_supplement(
    *,
    code: str,
    user: Any,
    items: Iterable[Mapping[str, Any]],
    deadline: date,
    version: int | None = None,
) -> Notice:
    """一次性告知: every missing item at once. A later notice naming an item the first
    did not list waits for a senior's approval."""
    listed = _items(items)
    if deadline <= clock.today():
        raise CaseInvalid("deadline_past", "补正期限应晚于今天", extra={"field": "deadline"})
    case = locked(code, version)
    step = _check_can_act(user, case)
    if case.state == CaseState.OBJECTED:
        raise CaseRefused("objection_open", "公示异议待处理，不能退回补正")
    if Notice.objects.filter(case=case, state__in=[NoticeState.AWAITING_SENIOR]).exists():
        raise CaseRefused("senior_pending", "已有一份再次退回补正正待上级批准")
    first = (
        Notice.objects.filter(case=case).exclude(state=NoticeState.REFUSED).order_by("id").first()
    )
    new_items = {e["item"] for e in listed} - (first.item_names() if first else set())
    needs_senior = first is not None and bool(new_items)
    _claim(case, user)
    notice = Notice.objects.create(
        case=case,
        position=step.position,
        items=listed,
        deadline=deadline,
        state=NoticeState.AWAITING_SENIOR if needs_senior else NoticeState.OPEN,
        issued_by=user,
    )
    if needs_senior:
        history.move(
            case,
            "request_return",
            actor=user,
            office=_office(step),
            note="一次性告知以外的事项：" + "、".join(sorted(new_items)),
        )
    else:
        history.move(case, "return", actor=user, office=_office(step), note=_notice_text(notice))
    return notice


def _notice_text(notice: Notice) -> str:
    items = "；".join(f"{e['item']}（{e['problem']}）" for e in notice.items)
    return f"请在 {notice.deadline:%Y-%m-%d} 前一次补正：{items}"[:500]


@transaction.atomic
def decide_second_return(*, notice_id: int, user: Any, approve: bool, note: str = "") -> Notice:
    code = Notice.objects.filter(pk=notice_id).values_list("case__code", flat=True).first()
    if code is None:
        raise CaseNotFound("notice_not_found", "没有待上级批准的退回补正")
    case = locked(code)
    # read once the case is locked: another senior's decision meanwhile is seen
    notice = Notice.objects.get(pk=notice_id)
    if notice.state != NoticeState.AWAITING_SENIOR:
        raise CaseNotFound("notice_not_found", "没有待上级批准的退回补正")
    if not _is_senior_for(user, case):
        raise CaseRefused("not_senior", "只有本办件主管机构的上级审核人员可以批准再次退回")
    if notice.issued_by_id == user.pk:
        raise CaseRefused("four_eyes", "不能批准自己提出的再次退回（四眼原则）")
    notice.senior, notice.senior_at = user, clock.now()
    if approve:
        notice.state = NoticeState.OPEN
        notice.save(update_fields=["state", "senior", "senior_at"])
        history.event(case, "senior_approve", actor=user, note=note)
        history.move(case, "return", actor=user, note=_notice_text(notice))
    else:
        notice.state = NoticeState.REFUSED
        notice.save(update_fields=["state", "senior", "senior_at"])
        history.move(case, "senior_refuse", actor=user, note=note or "上级未批准再次退回")
    return notice


def _is_senior_for(user: Any, case: Case) -> bool:
    """A senior role, at the county or city office that handles the case."""
    code = _profile_code(user)
    if not senior_roles(user) or code is None or len(code) != 6:
        return False
    prefix = code[:4] if code.endswith("00") else code
    return case.handling_code.startswith(prefix)


def open_notice(case: Case) -> Notice | None:
    return case.notices.filter(state=NoticeState.OPEN).order_by("-id").first()


@transaction.atomic
def supplement(*, code: str, response: str, version: int | None = None) -> Case:
    """The applicant answers the one-time notice, once."""
    response = (response or "").strip()
    if not response:
        raise CaseInvalid("response_required", "请说明补正情况", extra={"field": "response"})
    case = locked(code, version)
    notice = open_notice(case)
    if case.state != CaseState.RETURNED or notice is None:
        raise CaseRefused("nothing_to_supplement", "此办件没有待补正的告知")
    if notice.deadline < clock.today():
        raise CaseRefused("notice_lapsed", "已超过补正期限")
    notice.state, notice.response, notice.answered_at = (
        NoticeState.ANSWERED,
        response[:2000],
        clock.now(),
    )
    notice.save(update_fields=["state", "response", "answered_at"])
    step = active_step(case)
    start_step(step, clock.today())
    return history.move(case, "supplement", by_applicant=True, note=response[:500], source="portal")


@transaction.atomic
def withdraw(*, code: str, reason: str = "", version: int | None = None) -> Case:
    case = locked(code, version)
    if case.state not in (CaseState.REVIEWING, CaseState.RETURNED):
        raise CaseRefused("cannot_withdraw", "已核准或已办结的办件不能撤回")
    case.steps.filter(state=StepState.ACTIVE).update(state=StepState.CLOSED)
    return history.move(
        case, "withdraw", by_applicant=True, note=reason, holds_slot=False, source="portal"
    )


@transaction.atomic
def record_override(*, code: str, user: Any, reason: str) -> Override:
    reason = (reason or "").strip()
    if not reason:
        raise CaseInvalid("reason_required", "请填写核准意见的事由", extra={"field": "reason"})
    case = locked(code)
    if not _is_senior_for(user, case):
        raise CaseRefused("not_senior", "只有本办件主管机构的上级审核人员可以登记核准意见")
    if case.status != "ineligible":
        raise CaseRefused("not_needed", "认定结论不是“不符合”，无需核准意见")
    decision = case.decisions.order_by("-created_at", "-id").first()
    assert decision is not None
    row = Override.objects.create(case=case, decision=decision, by=user, reason=reason[:500])
    history.move(case, "override", actor=user, note=reason)
    return row


@transaction.atomic
def reevaluate(*, code: str, user: Any, reason: str) -> Decision:
    """Evaluate again on today's registry facts; both results stay on the case."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseInvalid("reason_required", "请填写重新认定的事由", extra={"field": "reason"})
    case = locked(code)
    step = _check_can_act(user, case)
    record_id = case.person_id or case.employer_id
    frozen = freeze(
        rule_id=case.rule_id,
        entity=case.entity,
        as_of=clock.today(),
        record_id=record_id if case.entity != "organization" else None,
        declared=case.declared,
    )
    decision = Decision.objects.create(
        case=case,
        kind=Decision.Kind.REEVALUATION,
        as_of=clock.today(),
        status=frozen.result.status,
        amount_fen=frozen.result.amount_fen,
        result=frozen.result_json,
        facts=frozen.facts,
        parameters=frozen.parameters,
        package=frozen.result.package,
        rule_version=frozen.result.version,
        reason=reason[:300],
        created_by=user,
    )
    history.move(
        case,
        "reevaluate",
        actor=user,
        office=_office(step),
        note=reason,
        status=frozen.result.status,
        amount_fen=frozen.result.amount_fen,
    )
    return decision


def registry_changes(case: Case) -> list[dict[str, Any]]:
    """Facts whose registry value differs today from the one frozen at filing."""
    first = case.decisions.order_by("created_at", "id").first()
    if first is None or case.entity == "organization":
        return []
    record_id = case.person_id or case.employer_id
    if record_id is None:
        return []
    now = freeze(
        rule_id=case.rule_id,
        entity=case.entity,
        as_of=clock.today(),
        record_id=record_id,
        declared=case.declared,
    )
    names = sorted(set(first.facts) | set(now.facts))
    return [
        {"fact": n, "then": first.facts.get(n), "now": now.facts.get(n)}
        for n in names
        if first.facts.get(n) != now.facts.get(n)
    ]


@transaction.atomic
def bulk_approve(
    *, codes: Iterable[tuple[str, int]], user: Any, opinion: str = ""
) -> list[tuple[str, str]]:
    """Approve each (code, version) in its own savepoint: (code, "" or the refusal)."""
    out = []
    for code, version in codes:
        try:
            with transaction.atomic():
                approve(code=code, user=user, opinion=opinion, version=version)
            out.append((code, ""))
        except CaseConflict as error:
            out.append((code, error.message))
        except (CaseRefused, CaseInvalid, CaseNotFound) as error:
            out.append((code, error.message))
    return out


def lapse_overdue(today: date | None = None) -> int:
    """Returned cases whose notice deadline passed: ended (逾期未补正)."""
    today = today or clock.today()
    count = 0
    for notice in Notice.objects.filter(state=NoticeState.OPEN, deadline__lt=today).select_related(
        "case"
    ):
        with transaction.atomic():
            case = locked(notice.case.code)
            if case.state != CaseState.RETURNED:
                continue
            Notice.objects.filter(pk=notice.pk).update(state=NoticeState.LAPSED)
            case.steps.filter(state=StepState.ACTIVE).update(state=StepState.CLOSED)
            history.move(case, "lapse", holds_slot=False, source="task", note="逾期未补正")
            count += 1
    return count
