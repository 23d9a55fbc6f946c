"""A demo applicant for ``make run`` (sample data, marked as such): a synthetic resident
of 宁江区 with an account bound to a published demo mobile number, confirmed as the
contact of a synthetic 宁江区 employer, so a new user can sign in, apply for a person's
and a unit's benefit and follow both on 我的办事."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from jiuye.applicants.models import Applicant, ConfirmedVia, ContactState, EmployerContact
from jiuye.core import clock
from jiuye.registry.models import Employer, Person

#: Published, demo only: the number the demo account is bound to.
DEMO_MOBILE = "13800138000"
COUNTY = "220702"


@dataclass(frozen=True)
class DemoApplicant:
    resident_id: str
    name: str
    mobile: str
    unit_name: str
    credit_code: str


@transaction.atomic
def ensure_demo_applicant() -> DemoApplicant | None:
    """The demo account (made once; None when the registry has no synthetic 宁江区 data)."""
    person = (
        Person.objects.filter(division__code__startswith=COUNTY, birth_date__year__lte=1995)
        .order_by("pk")
        .first()
    )
    employer = (
        Employer.objects.filter(division__code__startswith=COUNTY, kind="enterprise")
        .order_by("pk")
        .first()
    )
    if person is None or employer is None:
        return None
    account = Applicant.objects.filter(resident_id=person.resident_id).first()
    if account is None:
        account = Applicant.objects.create(
            resident_id=person.resident_id, name=person.name, mobile=DEMO_MOBILE
        )
    EmployerContact.objects.get_or_create(
        applicant=account,
        credit_code=employer.credit_code,
        defaults={
            "employer": employer,
            "unit_name": employer.name,
            "contact_name": account.name,
            "mobile": account.mobile,
            "state": ContactState.CONFIRMED,
            "confirmed_via": ConfirmedVia.DEMO,
            "decided_at": clock.now(),
            "note": "【演示】演示数据中已确认的经办人",
        },
    )
    return DemoApplicant(
        account.resident_id, account.name, account.mobile, employer.name, employer.credit_code
    )
