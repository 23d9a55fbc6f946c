"""Which cases 我的办事 shows an applicant, and what each shows.

- the cases of the applicant's own identity number: all of them when the account signed
  in through the province's identity platform (it verified the person); after an SMS
  sign-in only those filed with the account's mobile number (the code proved that
  number, not who owns the identity number: someone who knows another person's number
  and name, and opened the account first, sees none of that person's other cases, only
  how many there are);
- every case of each unit the applicant is a confirmed contact of.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from jiuye.applicants.contacts import acting_for
from jiuye.applicants.models import Applicant, SignInVia
from jiuye.casework.models import Case, NoticeState
from jiuye.web.casework.present import case_context


@dataclass(frozen=True)
class Shown:
    case: Case
    notice: Any  # the open one-time notice, if any
    step: Any  # the active step, if any
    body: SafeString  # the case as the progress page shows it


def _own(account: Applicant, via: str) -> tuple[Any, int]:
    own = Case.objects.filter(subject_id=account.resident_id)
    if via == SignInVia.OIDC:
        return own, 0
    if not account.mobile:
        return Case.objects.none(), own.count()
    shown = own.filter(mobile=account.mobile)
    return shown, own.count() - shown.count()


def _units(account: Applicant) -> Any:
    codes = list(acting_for(account).values_list("credit_code", flat=True))
    return Case.objects.filter(subject_id__in=codes) if codes else Case.objects.none()


def _shown(case: Case) -> Shown:
    context = case_context(case, staff=False)
    notice = next((n for n in context["notices"] if n.state == NoticeState.OPEN), None)
    step = next((s for s, _ in context["steps"] if s.state == "active"), None)
    return Shown(case, notice, step, render_to_string("casework/_case.html", context))


def visible_cases(account: Applicant, *, via: str) -> tuple[list[Shown], int]:
    """The cases shown (newest first), and how many of the own number's are not."""
    own, hidden = _own(account, via)
    cases = {c.pk: c for c in [*own, *_units(account)]}
    ordered = sorted(cases.values(), key=lambda c: (c.filed_at, c.pk), reverse=True)
    return [_shown(c) for c in ordered], hidden


def visible_case(account: Applicant, code: str, *, via: str) -> Case | None:
    own, _ = _own(account, via)
    return (
        (own.filter(code=code).first() or _units(account).filter(code=code).first())
        if code
        else None
    )
