"""Writes of the portal, each one atomic: edits of public content with their history,
and bookings that can never exceed a slot's capacity."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from time import sleep
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import IntegrityError, OperationalError, models, transaction
from django.db.models import F
from django.utils import timezone

from jiuye.core import audit, clock
from jiuye.core.errors import JiuyeError
from jiuye.core.models import ChangeLog, Source
from jiuye.portal.models import Booking, BookingStatus, Slot

#: Booking codes avoid characters read alike at a counter (0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
BOOKING_ATTEMPTS = 30


class BookingCode(StrEnum):
    """Why a booking cannot be made or changed."""

    BUSY = "busy"
    CANCELLED = "cancelled"
    FULL = "full"
    NO_SLOT = "no_slot"
    NOT_FOUND = "not_found"
    PAST = "past"


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


def booking_create(*, slot_id: int, clause: str, name: str, phone: str) -> Booking:
    """Book a place, or raise ``BookingError("full")``.

    The slot row is locked (``SELECT … FOR UPDATE`` on PostgreSQL) and the count goes up
    with a conditional ``UPDATE … WHERE booked < capacity``; the check constraint
    ``booked <= capacity`` stands behind both. Simultaneous requests queue on the row:
    the ones that find the slot full get the error, none gets a place that is not there.
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


@transaction.atomic
def _book(*, slot_id: int, clause: str, name: str, phone: str) -> Booking:
    slot = Slot.objects.select_for_update().filter(pk=slot_id).first()
    if slot is None:
        raise BookingError("no_slot", "该时段不存在。")
    if slot.starts_at <= clock.now():
        raise BookingError("past", "该时段已过，请选择其他时段。")
    taken = Slot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if taken != 1:
        raise BookingError("full", "该时段已约满，请选择其他时段。")
    with transaction.atomic():  # savepoint: a code collision retries with a new code
        return Booking.objects.create(
            slot=slot, clause=clause, code=new_code(), name=name.strip(), phone=phone.strip()
        )


@transaction.atomic
def booking_cancel(*, code: str, phone: str) -> Booking:
    """Cancel a booking; the phone given at booking proves it is the resident's own."""
    booking = Booking.objects.select_for_update().filter(code=code.upper()).first()
    if booking is None or not secrets.compare_digest(booking.phone, phone.strip()):
        raise BookingError("not_found", "预约码或手机号不正确。")
    if booking.status == BookingStatus.CANCELLED:
        raise BookingError("cancelled", "该预约已取消。")
    Slot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = clock.now()
    booking.save(update_fields=["status", "cancelled_at"])
    return booking


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


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits.

    >>> mask_phone("13912345678"), mask_phone("0438-1234567"), mask_phone("123")
    ('139****5678', '043*****4567', '***')
    """
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
