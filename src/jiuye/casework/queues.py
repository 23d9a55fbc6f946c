"""Reads: the staff's 待办 (by role and office), the first taker's workbench, lookup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, Min, OuterRef, Q, QuerySet

from jiuye.casework.models import Case, CaseState, CaseStep, ReviewRole, StepState
from jiuye.core import clock
from jiuye.staff.models import StaffProfile

PAGE = 50


@dataclass(frozen=True)
class QueueFilter:
    rule: str = ""
    division: str = ""
    state: str = ""
    min_age_days: int | None = None
    overdue: bool = False


def my_roles(user: Any) -> list[ReviewRole]:
    if not user.is_authenticated:
        return []
    return list(ReviewRole.objects.filter(group__user=user).order_by("code"))


def office_code(user: Any) -> str | None:
    profile = StaffProfile.objects.select_related("division").filter(user_id=user.pk).first()
    return profile.division.code if profile is not None else None


def queue(user: Any, filters: QueueFilter | None = None) -> QuerySet[CaseStep]:
    """Active steps the user may act on: their roles, at their office, not yet acted by
    them on another step (the four-eyes rule hides what they cannot do).

    Read from the steps' own rows and indexes, so that the count of a long 待办 does not
    visit every case: an active step belongs to a case under review, returned or under
    objection (the state machine's invariant: every change goes through
    :mod:`.history`), so only returned cases (a few) are left out by their state; the
    user can have acted only on steps before the active one (later ones wait); ties of
    the due day are broken by the step's id, the order in which cases were filed.
    """
    filters = filters or QueueFilter()
    code = office_code(user)
    roles = [r.pk for r in my_roles(user)]
    if code is None or not roles:
        return CaseStep.objects.none()
    steps = CaseStep.objects.filter(
        state=StepState.ACTIVE, role_id__in=roles, division_code=code
    ).exclude(case_id__in=Case.objects.filter(state=CaseState.RETURNED).values("pk"))
    acted_before = CaseStep.objects.filter(
        case_id=OuterRef("case_id"), position__lt=OuterRef("position"), actor=user
    )
    # only a step after the earliest one the user ever acted on can be hidden: the check
    # is skipped for the others (most, for one who holds one step's role)
    earliest = CaseStep.objects.filter(actor=user).aggregate(low=Min("position"))["low"]
    if earliest is not None:
        steps = steps.exclude(Q(position__gt=earliest) & Exists(acted_before))
    if filters.rule:
        steps = steps.filter(case__rule_id=filters.rule)
    if filters.division:
        steps = steps.filter(case__division_code__startswith=filters.division)
    if filters.state:
        steps = steps.filter(case__state=filters.state)
    if filters.min_age_days is not None:
        steps = steps.filter(
            case__filed_on__lte=clock.today() - timedelta(days=filters.min_age_days)
        )
    if filters.overdue:
        steps = steps.filter(due_on__lt=clock.today())
    # the page's cases are read after it is cut (a join would fetch every case to sort)
    return steps.select_related("role").prefetch_related("case").order_by("due_on", "id")


def overdue(step: CaseStep, today: date | None = None) -> bool:
    return step.due_on is not None and (today or clock.today()) > step.due_on


def workbench(user: Any) -> QuerySet[Case]:
    """Cases whose 首问责任人 is the user: every step of theirs is reported here."""
    return Case.objects.filter(first_responder=user).order_by("-updated_at")


def lookup(code: str, last6: str) -> Case | None:
    """A case by its code and the last six characters of the identifier (public)."""
    code, last6 = (code or "").strip().upper(), (last6 or "").strip().upper()
    if len(last6) != 6 or not code:
        return None
    case = Case.objects.filter(code=code).first()
    if case is None or not case.subject_id.upper().endswith(last6):
        return None
    return case
