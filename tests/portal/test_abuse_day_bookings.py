"""The day's bookings are scoped by the office's county (issue 10 §6 "Bookings are not
scoped"): before, /workbench/appointments/ showed every county's bookings to any
signed-in user, the auditor included."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from jiuye.core import clock
from jiuye.geo.models import Division
from jiuye.portal.models import Office, Slot
from jiuye.portal.services import booking_create
from jiuye.staff.models import StaffProfile
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def staff_of(code: str | None, *, contact: bool = False, group: str = ""):
    user = StaffUserFactory()
    if code is not None:
        division = Division.objects.filter(code=code).order_by("-vintage").first()
        StaffProfile.objects.create(user=user, division=division)
    if contact:
        user.user_permissions.add(Permission.objects.get(codename="view_booking_contact"))
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def booked(office: Office, name: str, phone: str) -> str:
    start = timezone.make_aware(datetime.combine(clock.today() + timedelta(days=1), time(9)))
    slot, _ = Slot.objects.get_or_create(
        office=office,
        starts_at=start,
        defaults={"ends_at": start + timedelta(hours=1), "capacity": 4},
    )
    return booking_create(slot_id=slot.pk, clause="四（四）", name=name, phone=phone).code


@pytest.fixture
def two_counties(offices):
    ningjiang = Office.objects.get(county__code="220702")
    fuyu = Office.objects.get(county__code="220781")
    return {
        "ningjiang": booked(ningjiang, "宁江预约人", "13911110702"),
        "fuyu": booked(fuyu, "扶余预约人", "13922220781"),
        "fuyu_office": fuyu.pk,
    }


def day_page(client, user, **params) -> str:
    client.force_login(user)
    day = (clock.today() + timedelta(days=1)).isoformat()
    response = client.get("/workbench/appointments/", {"date": day, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_a_county_account_sees_only_its_countys_bookings(client, two_counties):
    # when a 宁江区 account with the contact permission opens the day
    html = day_page(client, staff_of("220702", contact=True))
    # then
    assert two_counties["ningjiang"] in html
    assert "宁江预约人" in html
    assert two_counties["fuyu"] not in html
    for value in ("扶余预约人", "13922220781", "0781"):
        assert value not in html
    assert "扶余市就业服务大厅" not in html  # not even offered in the office list


def test_naming_another_countys_office_shows_nothing(client, two_counties):
    # when the 宁江区 account asks for 扶余市's office by id
    html = day_page(client, staff_of("220702"), office=two_counties["fuyu_office"])
    # then
    assert two_counties["fuyu"] not in html
    assert "辖区内网点没有预约" in html


def test_a_city_account_sees_every_county(client, two_counties):
    # when
    html = day_page(client, staff_of("220700"))
    # then
    assert two_counties["ningjiang"] in html
    assert two_counties["fuyu"] in html


def test_the_auditor_and_an_account_without_a_jurisdiction_see_nothing(client, two_counties):
    for user in (staff_of(None, group="审计"), staff_of(None, contact=True)):
        # when
        html = day_page(client, user)
        # then
        assert two_counties["ningjiang"] not in html
        assert two_counties["fuyu"] not in html
        assert "您的账号尚未分配辖区，看不到任何网点的预约" in html
