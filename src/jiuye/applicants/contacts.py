"""Employer contacts (单位经办人): a signed-in applicant acting for a 统一社会信用代码.

The contact declares the code and the unit's name (which must be the registry's when
the registry holds the unit). A declaration is pending until it is confirmed:

- the first contact of a code is confirmed at a counter (:func:`confirm_at_counter`):
  the clerk checks the business licence and the unit's letter of authorisation. The
  registry keeps no telephone number of an employer, so there is no registered number
  a code could be sent to; any office in the city may confirm (市内通办), and lists
  show each office the pending contacts of its own jurisdiction;
- a later contact may also be confirmed by a contact of the same code who is confirmed
  already (:func:`confirm_by_colleague`), from their 我的办事 page.

Only a confirmed contact sees the unit's cases and applies for the unit. Every decision
is recorded (:mod:`jiuye.core.audit`) with who made it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from jiuye.applicants.errors import ApplicantInvalid, ApplicantNotFound, ApplicantRefused
from jiuye.applicants.models import (
    Applicant,
    ConfirmedVia,
    ContactState,
    EmployerContact,
    mask_mobile,
)
from jiuye.core import audit, clock
from jiuye.identity import IdentifierError, mask_name, parse_credit_code
from jiuye.registry.models import Employer

__all__ = [
    "acting_for",
    "confirm_at_counter",
    "confirm_by_colleague",
    "declare",
    "pending_for_colleague",
    "refuse_at_counter",
]


def _code(credit_code: str) -> str:
    try:
        return parse_credit_code(credit_code).number
    except IdentifierError as error:
        raise ApplicantInvalid(
            "invalid_credit_code", error.message, extra={"field": "credit_code"}
        ) from error


def _record(contact: EmployerContact, action: str, changes: dict[str, Any], actor: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        entity="employer_contact",
        object_id=contact.pk,
        changes=changes,
        source="screen" if actor is not None else "portal",
    )


@transaction.atomic
def declare(*, applicant: Applicant, credit_code: str, unit_name: str) -> EmployerContact:
    """The applicant declares that they act for the unit (pending until confirmed)."""
    code = _code(credit_code)
    unit_name = (unit_name or "").strip()
    if not unit_name or len(unit_name) > 200:
        raise ApplicantInvalid("unit_name_required", "请填写单位名称", extra={"field": "unit_name"})
    employer = Employer.objects.filter(credit_code=code).first()
    if employer is not None and employer.name.strip() != unit_name:
        raise ApplicantInvalid(
            "unit_name_mismatch",
            "单位名称与该统一社会信用代码的登记名称不一致，请按营业执照填写",
            extra={"field": "unit_name"},
        )
    contact = (
        EmployerContact.objects.select_for_update()
        .filter(applicant=applicant, credit_code=code)
        .first()
    )
    if contact is not None and contact.state != ContactState.REFUSED:
        return contact
    if contact is None:
        contact = EmployerContact(applicant=applicant, credit_code=code)
    contact.employer = employer
    contact.unit_name = employer.name if employer is not None else unit_name
    contact.contact_name = applicant.name
    contact.mobile = applicant.mobile
    contact.state = ContactState.PENDING
    contact.confirmed_via, contact.confirmed_by, contact.confirmed_by_contact = "", None, None
    contact.decided_at, contact.note = None, ""
    contact.created_at = clock.now()
    contact.save()
    _record(
        contact,
        "declare",
        {
            "credit_code": code,
            "contact_name": mask_name(contact.contact_name),
            "mobile": mask_mobile(contact.mobile),
        },
        None,
    )
    return contact


def acting_for(applicant: Applicant) -> QuerySet[EmployerContact]:
    """The applicant's confirmed contacts: the units they act for."""
    return EmployerContact.objects.filter(
        applicant=applicant, state=ContactState.CONFIRMED
    ).order_by("unit_name", "id")


def pending_for_colleague(applicant: Applicant) -> QuerySet[EmployerContact]:
    """Pending contacts of the units the applicant is a confirmed contact of."""
    codes = acting_for(applicant).values_list("credit_code", flat=True)
    return (
        EmployerContact.objects.filter(credit_code__in=list(codes), state=ContactState.PENDING)
        .exclude(applicant=applicant)
        .order_by("credit_code", "created_at")
    )


def _pending(contact_id: int) -> EmployerContact:
    contact = EmployerContact.objects.select_for_update().filter(pk=contact_id).first()
    if contact is None:
        raise ApplicantNotFound("contact_not_found", "没有这条经办人申报")
    if contact.state != ContactState.PENDING:
        raise ApplicantRefused(
            "contact_decided", f"该经办人申报已{contact.get_state_display()}，无需重复办理"
        )
    return contact


def _decide(
    contact: EmployerContact,
    state: str,
    *,
    via: str = "",
    staff: Any = None,
    colleague: EmployerContact | None = None,
    note: str = "",
) -> EmployerContact:
    contact.state = state
    contact.confirmed_via = via
    contact.confirmed_by = staff
    contact.confirmed_by_contact = colleague
    contact.decided_at = clock.now()
    contact.note = note[:200]
    contact.save()
    _record(
        contact,
        "confirm" if state == ContactState.CONFIRMED else "refuse",
        {"state": state, "via": via, "note": note[:200]},
        staff,
    )
    return contact


@transaction.atomic
def confirm_at_counter(*, contact_id: int, staff: Any, note: str = "") -> EmployerContact:
    """A clerk who checked the licence and the letter of authorisation confirms."""
    return _decide(
        _pending(contact_id),
        ContactState.CONFIRMED,
        via=ConfirmedVia.COUNTER,
        staff=staff,
        note=note or "已核验营业执照和单位授权委托书",
    )


@transaction.atomic
def refuse_at_counter(*, contact_id: int, staff: Any, note: str) -> EmployerContact:
    if not (note or "").strip():
        raise ApplicantInvalid(
            "note_required", "请填写不予确认的理由（申报人可见）", extra={"field": "note"}
        )
    return _decide(_pending(contact_id), ContactState.REFUSED, staff=staff, note=note.strip())


@transaction.atomic
def confirm_by_colleague(*, contact_id: int, applicant: Applicant) -> EmployerContact:
    """A confirmed contact of the same unit confirms a colleague's declaration."""
    contact = _pending(contact_id)
    colleague = acting_for(applicant).filter(credit_code=contact.credit_code).first()
    if colleague is None or contact.applicant_id == applicant.pk:
        raise ApplicantNotFound("contact_not_found", "没有这条经办人申报")
    return _decide(
        contact,
        ContactState.CONFIRMED,
        via=ConfirmedVia.COLLEAGUE,
        colleague=colleague,
        note=f"由本单位经办人 {mask_name(applicant.name)} 确认",
    )
