"""A small two-county registry and staff accounts for the staff-screen tests.

宁江区 (220702) has a community (【演示】幸福社区, 220702001901) under 团结街道; 前郭县
(220721) is "the other county". Names and numbers are fixed so a test can assert that
they are absent from a response.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jiuye.geo.models import Division, DivisionLevel
from jiuye.identity import make_resident_id
from jiuye.registry import models as m
from jiuye.staff.models import StaffProfile
from tests.factories import StaffUserFactory
from tests.registry.factories import EmployerFactory, PersonFactory

COMMUNITY = "220702001901"


@dataclass
class World:
    community_person: m.Person  # 宁江区 · 幸福社区
    township_person: m.Person  # 宁江区 · 团结街道, outside the community
    other_person: m.Person  # 前郭县
    household: m.Household  # 宁江区 · 团结街道
    other_household: m.Household  # 前郭县
    employer: m.Employer  # 宁江区
    other_employer: m.Employer  # 前郭县


def build_world(divisions: dict[str, Division]) -> World:
    community = Division.objects.create(
        code=COMMUNITY,
        name="【演示】幸福社区",
        level=DivisionLevel.VILLAGE,
        parent=divisions["220702001"],
        vintage=divisions["220702001"].vintage,
        is_sample=True,
    )
    a = PersonFactory(
        name="宁江甲社区",
        division=community,
        resident_id=make_resident_id("220702", dt.date(1990, 1, 7), 123, "male"),
    )
    b = PersonFactory(
        name="宁江乙街道",
        division=divisions["220702001"],
        resident_id=make_resident_id("220702", dt.date(1985, 3, 9), 457, "male"),
    )
    c = PersonFactory(
        name="前郭丙外县",
        division=divisions["220721100"],
        resident_id=make_resident_id("220721", dt.date(1979, 11, 2), 865, "male"),
        is_disabled=True,
    )
    household = m.Household.objects.create(number="NJ-0001", division=divisions["220702001"])
    m.HouseholdMember.objects.create(household=household, person=b, relation="户主")
    other_household = m.Household.objects.create(number="QG-0001", division=divisions["220721100"])
    m.HouseholdMember.objects.create(household=other_household, person=c, relation="户主")
    m.HouseholdStatus.objects.create(
        household=other_household, kind="dibao", start=dt.date(2017, 1, 1)
    )
    return World(
        community_person=a,
        township_person=b,
        other_person=c,
        household=household,
        other_household=other_household,
        employer=EmployerFactory(name="宁江测试机械厂", division=divisions["220702001"]),
        other_employer=EmployerFactory(name="前郭外县粮油厂", division=divisions["220721100"]),
    )


def staff(username: str, code: str | None, *, full: bool = False):
    """A staff user whose jurisdiction is the division ``code`` (None: no profile)."""
    user = StaffUserFactory(username=username)
    if code is not None:
        division = Division.objects.filter(code=code).order_by("-vintage").first()
        StaffProfile.objects.create(user=user, division=division, can_view_full_identity=full)
    return user
