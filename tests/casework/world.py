"""A small city for casework tests: divisions, review roles, chains, staff, applicants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from jiuye.casework.demo import ensure_demo_chains, grant
from jiuye.geo.models import Division, DivisionLevel
from jiuye.portal.models import Office
from jiuye.registry.models import Employer, Person
from jiuye.staff.models import StaffProfile
from tests.factories import StaffUserFactory

VINTAGE = dt.date(2017, 10, 31)
TODAY = dt.date(2026, 6, 1)  # a Monday; the 2026 calendar is published
GRADUATE_ID = "22070219980101123X"
OTHER_ID = "22070219950505231X"
EMPLOYER_CODE = "91220702MA0000001G"

#: Declared facts that make a graduate eligible for the start-up subsidy on TODAY.
STARTUP_FACTS = {
    "is_college_graduate": True,
    "is_first_business": True,
    "business_kind": "small_micro_enterprise",
    "business_license_date": "2025-03-01",
    "business_operating_since": "2025-03-01",
    "business_operating_normally": True,
    "has_social_insurance": True,
}


@dataclass
class World:
    divisions: dict[str, Division]
    staff: dict[str, Any]
    graduate: Person
    employer: Employer
    fuyu_office: Office


def build_world() -> World:
    tree = [
        ("220000", "吉林省", DivisionLevel.PROVINCE, None),
        ("220700", "松原市", DivisionLevel.CITY, "220000"),
        ("220702", "宁江区", DivisionLevel.COUNTY, "220700"),
        ("220781", "扶余市", DivisionLevel.COUNTY, "220700"),
        ("220702001", "团结街道办事处", DivisionLevel.TOWNSHIP, "220702"),
        ("220702001901", "幸福社区居委会", DivisionLevel.VILLAGE, "220702001"),
    ]
    made: dict[str, Division] = {}
    for code, name, level, parent in tree:
        made[code] = Division.objects.create(
            code=code, name=name, level=level, parent=made.get(parent or ""), vintage=VINTAGE
        )
    ensure_demo_chains()
    staff = {}
    for username, code, roles in (
        ("community", "220702001901", ("initial",)),
        ("county", "220702", ("initial", "second")),
        ("county2", "220702", ("second",)),
        ("lead", "220702", ("approve", "senior")),
        ("lead2", "220702", ("approve", "senior")),
        ("city", "220700", ("initial", "second")),
        ("city_lead", "220700", ("approve", "senior")),
        ("fuyu", "220781", ()),
        ("nobody", "220702", ()),
    ):
        user = StaffUserFactory(username=username)
        StaffProfile.objects.create(user=user, division=made[code])
        grant(user, roles)
        staff[username] = user
    graduate = Person.objects.create(
        resident_id=GRADUATE_ID,
        name="张小三",
        sex="male",
        birth_date=dt.date(1998, 1, 1),
        division=made["220702001901"],
    )
    employer = Employer.objects.create(
        credit_code=EMPLOYER_CODE,
        name="松原市示例科技有限公司",
        kind="enterprise",
        division=made["220702001"],
    )
    office = Office.objects.create(
        name="扶余市就业服务大厅",
        county=made["220781"],
        address="示例街",
        hours="9-17",
        phone="0438-1",
    )
    return World(made, staff, graduate, employer, office)
