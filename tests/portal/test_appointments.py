from __future__ import annotations

import re
import threading

import pytest
from django.contrib.auth.models import Permission

from jiuye.portal.models import Booking, BookingStatus, Slot
from jiuye.portal.services import CODE_ALPHABET, BookingError, booking_cancel, booking_create
from jiuye.staff.models import StaffProfile
from tests.factories import StaffUserFactory
from tests.portal.conftest import tomorrow_at

pytestmark = pytest.mark.django_db

CODE = re.compile(f"^[{CODE_ALPHABET}]{{6}}$")


def county_staff(slot: Slot):
    """A staff account whose jurisdiction is the county of the slot's office."""
    user = StaffUserFactory()
    StaffProfile.objects.create(user=user, division=slot.office.county)
    return user


def book(slot: Slot, phone: str = "13912345678") -> Booking:
    return booking_create(slot_id=slot.pk, clause="四（四）", name="张三", phone=phone)


def test_a_booking_takes_a_place_and_gets_a_short_code(slot):
    # when
    booking = book(slot)
    # then
    slot.refresh_from_db()
    assert slot.booked == 1
    assert CODE.match(booking.code)
    assert booking.status == BookingStatus.BOOKED


def test_a_full_slot_cannot_be_booked(slot):
    # given
    book(slot)
    book(slot)
    # when
    with pytest.raises(BookingError) as caught:
        book(slot)
    # then
    assert caught.value.code == "full"
    assert caught.value.message == "该时段已约满，请选择其他时段。"
    slot.refresh_from_db()
    assert slot.booked == 2
    assert Booking.objects.count() == 2


def test_the_database_refuses_a_count_over_capacity(slot):
    # given
    from django.db import IntegrityError, transaction

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=3)


def test_cancelling_frees_the_place(slot):
    # given
    booking = book(slot)
    # when
    cancelled = booking_cancel(code=booking.code.lower(), phone_tail="5678")
    # then
    slot.refresh_from_db()
    assert slot.booked == 0
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.cancelled_at is not None


def test_cancelling_with_another_phone_changes_nothing(slot):
    # given
    booking = book(slot)
    # when
    with pytest.raises(BookingError) as caught:
        booking_cancel(code=booking.code, phone_tail="0000")
    # then
    assert caught.value.message == "预约码或手机号后四位不正确。还可尝试 4 次。"
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert (slot.booked, booking.status) == (1, BookingStatus.BOOKED)


def test_a_resident_books_without_javascript(client, slot):
    # given
    url = f"/appointments/new/?measure=4-4&office={slot.office_id}"
    # when
    form = client.get(url)
    response = client.post(url, {"slot": slot.pk, "name": "李四", "phone": "13912345678"})
    # then
    assert form.status_code == 200
    assert f'name="slot" value="{slot.pk}"' in form.content.decode()
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/appointments/{booking.code}/"
    page = client.get(response["Location"]).content.decode()
    assert "预约成功" in page
    assert f'<strong class="code" id="booking-code">{booking.code}</strong>' in page
    assert "李*，139********" in page  # the last four prove it is one's own: not shown
    assert "5678" not in page


def test_a_bad_phone_is_refused_in_chinese(client, slot):
    # when
    response = client.post(
        f"/appointments/new/?measure=4-4&office={slot.office_id}",
        {"slot": slot.pk, "name": "李四", "phone": "12345"},
    )
    # then
    assert response.status_code == 400
    assert "请填写11位手机号或带区号的固定电话。" in response.content.decode()
    assert Booking.objects.count() == 0


def test_cancel_form_cancels(client, slot):
    # given
    booking = book(slot)
    # when
    response = client.post(f"/appointments/{booking.code}/cancel/", {"phone_tail": "5678"})
    # then
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "预约已取消" in page
    assert f"预约 {booking.code} 已取消。" in page


def test_a_past_slot_cannot_be_booked(offices):
    # given
    from datetime import timedelta

    past = Slot.objects.create(
        office=offices[0],
        starts_at=tomorrow_at(9) - timedelta(days=3),
        ends_at=tomorrow_at(10) - timedelta(days=3),
        capacity=1,
    )
    # when
    with pytest.raises(BookingError) as caught:
        book(past)
    # then
    assert caught.value.code == "past"


def test_staff_see_the_days_bookings_masked(client, slot):
    # given
    booking = book(slot)
    client.force_login(county_staff(slot))
    # when
    day = tomorrow_at(9).date().isoformat()
    html = client.get("/workbench/appointments/", {"date": day}).content.decode()
    # then
    assert f"<td>{booking.code}</td>" in html
    assert "<td>张*</td><td>139****5678</td>" in html


def test_authorised_staff_see_names_and_phones(client, slot):
    # given
    book(slot)
    staff = county_staff(slot)
    staff.user_permissions.add(Permission.objects.get(codename="view_booking_contact"))
    client.force_login(staff)
    # when
    day = tomorrow_at(9).date().isoformat()
    html = client.get("/workbench/appointments/", {"date": day}).content.decode()
    # then
    assert "<td>张三</td><td>13912345678</td>" in html


def test_anonymous_visitors_cannot_see_bookings(client):
    # when / then
    assert client.get("/workbench/appointments/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_never_overbook(offices):
    # given a slot with 3 places and 12 requests released at the same instant
    slot = Slot.objects.create(
        office=offices[0], starts_at=tomorrow_at(14), ends_at=tomorrow_at(15), capacity=3
    )
    barrier = threading.Barrier(12)
    outcomes: list[str] = []

    def request(n: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            booking_create(
                slot_id=slot.pk, clause="四（四）", name=f"人{n}", phone=f"139000000{n:02}"
            )
            outcomes.append("booked")
        except BookingError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(n,)) for n in range(12)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    slot.refresh_from_db()
    assert sorted(outcomes) == ["booked"] * 3 + ["full"] * 9
    assert slot.booked == 3
    assert Booking.objects.filter(slot=slot).count() == 3
