"""Writes of the portal, each one atomic: edits of public content with their history,
and bookings that can never exceed a slot's capacity nor a phone number's share."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from time import sleep
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import IntegrityError, OperationalError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from jiuye.core import audit, clock
from jiuye.core.errors import JiuyeError
from jiuye.core.models import ChangeLog, Source
from jiuye.portal.models import Booking, BookingContact, BookingStatus, Slot

#: Booking codes avoid characters read alike at a counter (0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
BOOKING_ATTEMPTS = 30


class BookingCode(StrEnum):
    """Why a booking cannot be made or changed."""

    BUSY = "busy"
    CANCELLED = "cancelled"
    FULL = "full"
    LOCKED = "locked"
    NO_SLOT = "no_slot"
    NOT_FOUND = "not_found"
    PAST = "past"
    TOO_MANY = "too_many"
    WRONG_PHONE = "wrong_phone"


class BookingError(JiuyeError):
    """A booking that cannot be made or changed; ``message`` is for the resident."""

    http_status: ClassVar[int] = 409


def _values(instance: models.Model) -> dict[str, Any]:
    skip = {"id", "updated_at"}
    return {
        f.attname: f.value_from_object(instance)
        for f in instance._meta.concrete_fields
        if f.attname not in skip
    }


@transaction.atomic
def content_save(
    *, instance: models.Model, user: AbstractBaseUser | AnonymousUser | None
) -> ChangeLog | None:
    """Save a guide or office and record which fields changed, by whom (None if nothing):
    one history row through :func:`jiuye.core.audit.record` (entity ``portal.guide`` or
    ``portal.office``, source 经办界面)."""
    model = type(instance)
    before: dict[str, Any] = {}
    creating = instance.pk is None
    if not creating:
        old = model._default_manager.select_for_update().filter(pk=instance.pk).first()
        before = _values(old) if old is not None else {}
        creating = old is None
    instance.save()
    after = _values(instance)
    changes = {
        name: {"old": _plain(before.get(name)), "new": _plain(value)}
        for name, value in after.items()
        if before.get(name) != value
    }
    if not changes:
        return None
    return audit.record(
        actor=user if isinstance(user, User) else None,
        action="create" if creating else "update",
        entity=model._meta.label_lower,
        object_id=instance.pk,
        changes=changes,
        source=Source.SCREEN,
    )


def _plain(value: object) -> object:
    return value if value is None or isinstance(value, (str, int, bool, float)) else str(value)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def phone_digits(phone: str) -> str:
    """The digits of a phone number, as bookings store and compare it.

    >>> phone_digits(" 0438-123 4567 "), phone_digits("13912345678")
    ('04381234567', '13912345678')
    """
    return "".join(c for c in phone if c.isdigit())


def booking_create(*, slot_id: int, clause: str, name: str, phone: str) -> Booking:
    """Book a place, or raise ``BookingError`` (``full``, ``too_many``, ``past`` …).

    The slot row is locked (``SELECT … FOR UPDATE`` on PostgreSQL) and the count goes up
    with a conditional ``UPDATE … WHERE booked < capacity``; the check constraint
    ``booked <= capacity`` stands behind both. Simultaneous requests queue on the row:
    the ones that find the slot full get the error, none gets a place that is not there.
    Before the slot, the phone number's row (:class:`BookingContact`) is locked, so at
    most ``settings.BOOKINGS_OPEN_PER_PHONE`` bookings not yet due carry one number,
    across the city, however many requests arrive at once.
    """
    for attempt in range(BOOKING_ATTEMPTS):
        try:
            return _book(slot_id=slot_id, clause=clause, name=name, phone=phone)
        except IntegrityError as exc:
            if "code" not in str(exc).lower():  # not a code collision: the slot is full
                raise BookingError("full", "该时段已约满，请选择其他时段。") from exc
        except OperationalError:
            # SQLite answers a concurrent writer with "database is locked" instead of
            # queueing it; wait a moment and try again, as PostgreSQL's row lock would.
            sleep(0.01 * (1 + attempt) * (1 + secrets.randbelow(5)))
    raise BookingError("busy", "系统繁忙，请稍后再试。")


def _lock_contact(digits: str) -> None:
    """Lock the row of one phone number (made on its first booking); the key is an HMAC
    of the digits under the secret key, so the table holds no number."""
    key = salted_hmac("jiuye.portal.booking-contact", digits, algorithm="sha256").hexdigest()
    BookingContact.objects.get_or_create(key=key)
    BookingContact.objects.select_for_update().filter(key=key).get()


@transaction.atomic
def _book(*, slot_id: int, clause: str, name: str, phone: str) -> Booking:
    digits = phone_digits(phone)
    _lock_contact(digits)
    slot = Slot.objects.select_for_update().filter(pk=slot_id).first()
    if slot is None:
        raise BookingError("no_slot", "该时段不存在。")
    now = clock.now()
    if slot.starts_at <= now:
        raise BookingError("past", "该时段已过，请选择其他时段。")
    limit = settings.BOOKINGS_OPEN_PER_PHONE
    held = Booking.objects.filter(
        phone=digits, status=BookingStatus.BOOKED, slot__starts_at__gt=now
    ).count()
    if held >= limit:
        raise BookingError(
            "too_many",
            f"该联系电话已有 {held} 个尚未到期的预约，每个电话最多同时保留 {limit} 个。"
            "请先办理或取消已有预约，再预约新的时段。",
        )
    taken = Slot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if taken != 1:
        raise BookingError("full", "该时段已约满，请选择其他时段。")
    with transaction.atomic():  # savepoint: a code collision retries with a new code
        return Booking.objects.create(
            slot=slot, clause=clause, code=new_code(), name=name.strip(), phone=digits
        )


def booking_cancel(*, code: str, phone_tail: str) -> Booking:
    """Cancel a booking; the last four digits of the phone given at booking prove it is
    the resident's own.

    Each wrong ending is counted on the booking (committed, though the call raises);
    at ``settings.CANCEL_FAILURES_PER_BOOKING`` the booking is locked against online
    cancellation (``locked``): a guesser has that many tries out of 10,000 endings.
    """
    limit = settings.CANCEL_FAILURES_PER_BOOKING
    with transaction.atomic():
        booking = Booking.objects.select_for_update().filter(code=code.upper()).first()
        if booking is None:
            raise BookingError("not_found", "预约码或手机号后四位不正确。")
        if booking.cancel_failures >= limit:
            raise BookingError(
                "locked",
                "验证错误次数过多，该预约已不能在网上取消。"
                f"如需取消，请致电 {booking.slot.office.phone} 或到网点办理。",
            )
        if not secrets.compare_digest(phone_digits(booking.phone)[-4:], phone_tail.strip()):
            Booking.objects.filter(pk=booking.pk).update(cancel_failures=F("cancel_failures") + 1)
            left = limit - booking.cancel_failures - 1
            wrong = BookingError(
                "wrong_phone",
                "预约码或手机号后四位不正确。"
                + (f"还可尝试 {left} 次。" if left else "该预约已不能在网上取消，请致电网点。"),
                extra={"left": left},
            )
        elif booking.status == BookingStatus.CANCELLED:
            raise BookingError("cancelled", "该预约已取消。")
        else:
            Slot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
            booking.status = BookingStatus.CANCELLED
            booking.cancelled_at = clock.now()
            booking.save(update_fields=["status", "cancelled_at"])
            return booking
    raise wrong


@transaction.atomic
def slots_ensure(
    *, office_id: int, days: list[date], times: list[tuple[time, time]], capacity: int
) -> int:
    """Open slots (an office's weekly plan); existing slots are kept as they are."""
    created = 0
    for day in days:
        for start, end in times:
            starts_at = timezone.make_aware(datetime.combine(day, start))
            _slot, new = Slot.objects.get_or_create(
                office_id=office_id,
                starts_at=starts_at,
                defaults={
                    "ends_at": timezone.make_aware(datetime.combine(day, end)),
                    "capacity": capacity,
                },
            )
            created += new
    return created


def working_days(start: date, count: int) -> list[date]:
    """The next ``count`` Monday-to-Friday days from ``start`` (inclusive)."""
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def mask_phone_tail(phone: str) -> str:
    """Keep only the first 3 digits: the public booking page must not show the last
    four, which prove the booking is one's own when cancelling.

    >>> mask_phone_tail("13912345678"), mask_phone_tail("04381234567"), mask_phone_tail("12")
    ('139********', '043********', '**')
    """
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 3)


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits (staff lists).

    >>> mask_phone("13912345678"), mask_phone("0438-1234567"), mask_phone("123")
    ('139****5678', '043*****4567', '***')
    """
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
