"""Attacks on the public appointment pages, repeated (issue 10 §6): a booking spree from
one client with one phone number, guessed phone endings on cancel, enumerated booking
codes. Each goes through the real pages; each refusal is HTTP 429 in Chinese with the
input kept, and a different address or number still works."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from jiuye.core import clock as core_clock
from jiuye.core.models import AuditEvent
from jiuye.portal.models import Booking, BookingStatus, Office, Slot
from jiuye.portal.services import booking_create
from tests.security.ratelimit_clock import ratelimit_clock  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ratelimit_clock")]

OTHER_ADDRESS = "10.1.2.3"


def open_slots(office: Office, count: int, capacity: int = 4) -> list[Slot]:
    """``count`` slots from tomorrow on, one an hour between 9:00 and 16:00."""
    slots = []
    day = core_clock.today() + timedelta(days=1)
    while len(slots) < count:
        for hour in range(9, 17):
            if len(slots) == count:
                break
            start = timezone.make_aware(datetime.combine(day, time(hour)))
            slots.append(
                Slot.objects.create(
                    office=office,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    capacity=capacity,
                )
            )
        day += timedelta(days=1)
    return slots


def book_url(office: Office) -> str:
    return f"/appointments/new/?measure=4-4&office={office.pk}"


def post_booking(client, slot: Slot, phone: str, name: str = "李四", address: str = "127.0.0.1"):
    return client.post(
        book_url(slot.office),
        {"slot": slot.pk, "name": name, "phone": phone},
        REMOTE_ADDR=address,
    )


# ---------------------------------------------------------------- the booking spree


def test_one_phone_holds_at_most_the_open_limit_and_another_phone_still_books(
    client, offices, settings
):
    # given three bookings with one phone (exactly the limit)
    settings.BOOKINGS_OPEN_PER_PHONE = 3
    slots = open_slots(offices[0], 5)
    made = [post_booking(client, slots[n], "13912345678").status_code for n in range(3)]
    # when a fourth is asked for
    refused = post_booking(client, slots[3], "13912345678", name="王五")
    # then
    page = refused.content.decode()
    assert made == [302, 302, 302]
    assert refused.status_code == 429
    assert "该联系电话已有 3 个尚未到期的预约，每个电话最多同时保留 3 个。" in page
    assert 'value="王五"' in page  # the input is kept
    assert 'value="13912345678"' in page
    assert Booking.objects.filter(phone="13912345678").count() == 3
    slots[3].refresh_from_db()
    assert slots[3].booked == 0
    # and another phone number books the same slot
    assert post_booking(client, slots[3], "13800001111").status_code == 302


def test_a_cancelled_or_past_booking_frees_the_phone_number(client, offices, settings, clock):
    # given a phone at its limit of 2
    settings.BOOKINGS_OPEN_PER_PHONE = 2
    slots = open_slots(offices[0], 4)
    first = booking_create(slot_id=slots[0].pk, clause="四（四）", name="甲", phone="13912345678")
    booking_create(slot_id=slots[1].pk, clause="四（四）", name="甲", phone="13912345678")
    assert post_booking(client, slots[2], "13912345678").status_code == 429
    # when one is cancelled
    cancel = client.post(f"/appointments/{first.code}/cancel/", {"phone_tail": "5678"})
    # then a new one can be made
    assert cancel.status_code == 302
    assert post_booking(client, slots[2], "13912345678").status_code == 302
    # and once a booking's time has passed it no longer counts
    clock.set(slots[1].starts_at + timedelta(minutes=1))
    assert post_booking(client, slots[3], "13912345678").status_code == 302


def test_the_recorded_attack_one_client_one_phone_every_seat_of_an_office(client, offices):
    # given an office with two weeks of slots (the attack booked all of them in 12 s)
    slots = open_slots(offices[1], 40, capacity=4)
    # when one client with one phone number asks for every seat
    statuses = [
        post_booking(client, slot, "13912345678", name=f"占位{n}").status_code
        for slot in slots
        for n in range(slot.capacity)
    ]
    # then it holds the open limit (3, the default) and nothing more
    assert statuses.count(302) == 3
    assert set(statuses[3:]) == {429}
    assert Booking.objects.count() == 3
    assert sum(Slot.objects.filter(office=offices[1]).values_list("booked", flat=True)) == 3


def test_an_address_submits_at_most_its_rate_and_another_address_still_books(
    client, offices, settings, clock
):
    # given a rate of 4 bookings an hour per address, many phones
    settings.RATE_BOOK_PER_ADDRESS = "4/h"
    slots = open_slots(offices[0], 6)
    made = [post_booking(client, slots[n], f"1391234560{n}").status_code for n in range(4)]
    # when the fifth arrives from the same address
    refused = post_booking(client, slots[4], "13912345604", name="赵六")
    # then
    page = refused.content.decode()
    assert made == [302] * 4
    assert refused.status_code == 429
    assert "操作过于频繁：同一网络地址每小时最多提交预约 4 次。" in page
    assert 'value="赵六"' in page
    assert 'value="13912345604"' in page
    assert Booking.objects.count() == 4
    # and another address is not held back
    assert post_booking(client, slots[4], "13912345604", address=OTHER_ADDRESS).status_code == 302
    # and the next hour the first address may book again
    clock.advance(timedelta(hours=1))
    assert post_booking(client, slots[5], "13912345605").status_code == 302


def test_a_phone_number_submits_at_most_its_rate_from_any_address(client, offices, settings):
    # given 2 booking submissions an hour per phone number
    settings.RATE_BOOK_PER_PHONE = "2/h"
    slots = open_slots(offices[0], 3)
    made = [
        post_booking(client, slots[n], "0438-1234567", address=f"10.0.0.{n}").status_code
        for n in range(2)
    ]
    # when the same number (written without the dash) arrives from a third address
    refused = post_booking(client, slots[2], "04381234567", address="10.0.0.9")
    # then
    assert made == [302, 302]
    assert refused.status_code == 429
    assert "同一联系电话每小时最多提交预约 2 次" in refused.content.decode()
    assert Booking.objects.count() == 2


def test_bad_input_is_not_lost_and_the_first_refusal_is_audited_once(client, offices, settings):
    # given
    settings.RATE_BOOK_PER_ADDRESS = "1/h"
    slots = open_slots(offices[0], 2)
    post_booking(client, slots[0], "13912345678")
    # when two more arrive, one with a bad phone
    bad = post_booking(client, slots[1], "12345", name="钱七")
    again = post_booking(client, slots[1], "13912345679")
    # then
    assert bad.status_code == again.status_code == 429
    assert 'value="钱七"' in bad.content.decode()
    assert 'value="12345"' in bad.content.decode()
    events = AuditEvent.objects.filter(event="ratelimit.refused")
    assert list(events.values_list("object", "outcome", "source_address", "detail")) == [
        ("portal.book.address", "refused", "127.0.0.1", {"rate": "1/h"})
    ]


# ---------------------------------------------------------------- guessing the phone on cancel


def test_the_booking_page_hides_the_phone_ending_that_cancelling_asks_for(client, offices):
    # given
    slot = open_slots(offices[0], 1)[0]
    booking = booking_create(slot_id=slot.pk, clause="四（四）", name="张三", phone="13912345678")
    # when
    page = client.get(f"/appointments/{booking.code}/").content.decode()
    # then
    assert "张*，139********" in page
    assert "5678" not in page
    assert "预约时填写的联系电话后四位" in page


def test_wrong_endings_are_counted_on_the_booking_until_it_locks(client, offices, settings):
    # given a booking (5 wrong endings allowed by default)
    slot = open_slots(offices[0], 1)[0]
    booking = booking_create(slot_id=slot.pk, clause="四（四）", name="张三", phone="13912345678")
    url = f"/appointments/{booking.code}/cancel/"
    # when four wrong endings are tried from four addresses
    answers = [
        client.post(url, {"phone_tail": f"000{n}"}, REMOTE_ADDR=f"10.9.0.{n}") for n in range(4)
    ]
    # then each is refused and says how many tries are left
    assert [a.status_code for a in answers] == [400] * 4
    assert "预约码或手机号后四位不正确。还可尝试 1 次。" in answers[3].content.decode()
    # when the fifth is wrong too
    fifth = client.post(url, {"phone_tail": "0009"}, REMOTE_ADDR="10.9.0.9")
    # then the booking can no longer be cancelled online, even with the right ending
    right = client.post(url, {"phone_tail": "5678"}, REMOTE_ADDR="10.9.1.1")
    assert "该预约已不能在网上取消" in fifth.content.decode()
    assert right.status_code == 429
    assert "验证错误次数过多，该预约已不能在网上取消。如需取消，请致电" in right.content.decode()
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert (booking.status, booking.cancel_failures, slot.booked) == (BookingStatus.BOOKED, 5, 1)


def test_wrong_endings_from_one_address_are_throttled_over_all_bookings(client, offices, settings):
    # given 3 wrong guesses an hour per address, and three bookings
    settings.RATE_CANCEL_FAILURES_PER_ADDRESS = "3/h"
    slots = open_slots(offices[0], 4)
    bookings = [
        booking_create(slot_id=s.pk, clause="四（四）", name="张三", phone=f"1391234567{n}")
        for n, s in enumerate(slots)
    ]
    # when one address guesses wrong once on each of three bookings
    for booking in bookings[:3]:
        client.post(f"/appointments/{booking.code}/cancel/", {"phone_tail": "0000"})
    # then a fourth try from that address is refused, even with the right ending
    refused = client.post(f"/appointments/{bookings[3].code}/cancel/", {"phone_tail": "5673"})
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "操作过于频繁：同一网络地址每小时最多取消验证失败 3 次。" in page
    assert 'value="5673"' in page
    assert Booking.objects.filter(status=BookingStatus.BOOKED).count() == 4
    # and the resident, from another address, cancels with the right ending
    own = client.post(
        f"/appointments/{bookings[3].code}/cancel/",
        {"phone_tail": "5673"},
        REMOTE_ADDR=OTHER_ADDRESS,
    )
    assert own.status_code == 302
    bookings[3].refresh_from_db()
    assert bookings[3].status == BookingStatus.CANCELLED


def test_a_right_ending_after_some_wrong_ones_still_cancels(client, offices):
    # given
    slot = open_slots(offices[0], 1)[0]
    booking = booking_create(slot_id=slot.pk, clause="四（四）", name="张三", phone="13912345678")
    for n in range(4):
        client.post(f"/appointments/{booking.code}/cancel/", {"phone_tail": f"111{n}"})
    # when
    response = client.post(f"/appointments/{booking.code}/cancel/", {"phone_tail": "5678"})
    # then
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


# ---------------------------------------------------------------- enumerating codes


def test_codes_that_do_not_exist_are_throttled_per_address(client, offices, settings):
    # given 3 misses an hour per address and one real booking
    settings.RATE_CODE_MISSES_PER_ADDRESS = "3/h"
    slot = open_slots(offices[0], 1)[0]
    booking = booking_create(slot_id=slot.pk, clause="四（四）", name="张三", phone="13912345678")
    # when an address tries codes that do not exist
    misses = [client.get(f"/appointments/AAAAA{c}/").status_code for c in "ACD"]
    fourth = client.get("/appointments/lookup/", {"code": "AAAAAE"})
    real = client.get(f"/appointments/{booking.code}/")
    # then the first three are 404, and from then on the address learns nothing
    assert misses == [404, 404, 404]
    assert fourth.status_code == real.status_code == 429
    assert "同一网络地址每小时最多查询不存在的预约码 3 次" in real.content.decode()
    assert 'value="AAAAAE"' in fourth.content.decode()
    # and another address still finds the booking
    assert (
        client.get(f"/appointments/{booking.code}/", REMOTE_ADDR=OTHER_ADDRESS).status_code == 200
    )


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_with_one_phone_hold_the_open_limit(offices):
    # given 10 slots and 10 requests with one phone number released at the same instant
    import threading

    from jiuye.portal.services import BookingError

    slots = open_slots(offices[0], 10)
    barrier = threading.Barrier(10)
    outcomes: list[str] = []

    def request(slot: Slot) -> None:
        from django.db import connections

        try:
            barrier.wait()
            booking_create(slot_id=slot.pk, clause="四（四）", name="甲", phone="13912345678")
            outcomes.append("booked")
        except BookingError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(slot,)) for slot in slots]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(outcomes) == ["booked"] * 3 + ["too_many"] * 7
    assert Booking.objects.filter(phone="13912345678").count() == 3
