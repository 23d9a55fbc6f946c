"""Appointments (预约服务): book a slot at an office for a measure, confirm, cancel;
staff see the bookings of a day at the offices of their jurisdiction.

Against automation (issue 10): a client address and a phone number may each submit
only so many bookings an hour, and a phone number holds at most
``settings.BOOKINGS_OPEN_PER_PHONE`` bookings not yet due; cancelling needs the booking
code and the phone's last four digits, with wrong guesses counted per booking and per
address; booking codes that do not exist are counted per address, so codes cannot be
enumerated. A refusal is HTTP 429 on the same page, with what the visitor typed kept
(:mod:`jiuye.portal.limits`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.core import clock
from jiuye.identity.masking import mask_name
from jiuye.portal import limits, measures
from jiuye.portal.forms import BookingForm, CancelForm
from jiuye.portal.models import Booking, BookingStatus, Office, Slot
from jiuye.portal.services import (
    BookingError,
    booking_cancel,
    booking_create,
    mask_phone,
    mask_phone_tail,
    phone_digits,
)
from jiuye.staff.access import scoped, viewer_for

BOOKING_DAYS = 14


def bookable_measures() -> list[tuple[str, str]]:
    """(slug, label) of the measures one can come to an office for."""
    return [
        (measures.slug(c.clause), f"{c.clause} {c.title}")
        for c in measures.catalogue().clauses
        if {"benefit", "service"} & set(c.kinds)
    ]


@require_GET
def services(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/services.html")


def _open_slots(office: Office) -> list[Slot]:
    now = clock.now()
    return list(
        Slot.objects.filter(
            office=office, starts_at__gt=now, starts_at__lt=now + timedelta(days=BOOKING_DAYS)
        ).order_by("starts_at")
    )


def _slot_label(slot: Slot) -> str:
    start = timezone.localtime(slot.starts_at)
    end = timezone.localtime(slot.ends_at)
    weekday = "一二三四五六日"[start.weekday()]
    left = f"余{slot.remaining}个" if slot.remaining else "已约满"
    return f"{start:%m月%d日} 周{weekday} {start:%H:%M}–{end:%H:%M}（{left}）"


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    choices = bookable_measures()
    slug = request.GET.get("measure", "")
    office_id = _int(request.GET.get("office"))
    office = Office.objects.filter(is_active=True, pk=office_id).first() if office_id else None
    clause = measures.clause_for_slug(slug) if slug in dict(choices) else None
    context: dict[str, object] = {
        "measures": choices,
        "offices": Office.objects.filter(is_active=True).select_related("county"),
        "slug": slug,
        "office": office,
        "clause": clause,
    }
    if clause is None or office is None:
        return render(request, "portal/book_choose.html", context)
    slots = _open_slots(office)
    open_choices = [(s.pk, _slot_label(s)) for s in slots if s.remaining]
    form = BookingForm(request.POST or None, slots=open_choices)
    context |= {"form": form, "slots": slots}
    if request.method != "POST":
        return render(request, "portal/book.html", context)
    status = 400
    refused = limits.hit(request, limits.BOOK_BY_ADDRESS)
    if not refused and form.is_valid():
        phone = phone_digits(form.cleaned_data["phone"])
        refused = limits.hit(request, limits.BOOK_BY_PHONE, phone)
        if not refused:
            try:
                booking = booking_create(
                    slot_id=form.cleaned_data["slot"],
                    clause=clause.clause,
                    name=form.cleaned_data["name"],
                    phone=phone,
                )
            except BookingError as error:
                if error.code == "too_many":
                    form.add_error("phone", error.message)
                    status = limits.TOO_MANY
                else:
                    form.add_error("slot", error.message)
            else:
                request.session["portal_booking"] = booking.code
                return redirect("portal:booking", code=booking.code)
    if refused:
        context["limit_message"] = limits.message(refused)
        status = limits.TOO_MANY
    return render(request, "portal/book.html", context, status=status)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _find(code: str) -> Booking | None:
    return Booking.objects.select_related("slot__office__county").filter(code=code.upper()).first()


def _code_refusal(request: HttpRequest, code: str) -> HttpResponse | None:
    """429 once this address asked for too many codes that do not exist; for every code
    then, found or not, or the answers would still tell which codes exist."""
    refused = limits.spent(request, limits.CODE_MISSES)
    if not refused:
        return None
    context = {"limit_message": limits.message(refused), "code": code}
    return render(request, "portal/services.html", context, status=limits.TOO_MANY)


def _missing(request: HttpRequest, code: str) -> HttpResponse:
    """A code that does not exist: counted for the address; 404, or 429 over the limit."""
    refused = limits.hit(request, limits.CODE_MISSES)
    if refused:
        context = {"limit_message": limits.message(refused), "code": code}
        return render(request, "portal/services.html", context, status=limits.TOO_MANY)
    raise Http404("预约码不存在")


def _booking_context(item: Booking, form: CancelForm) -> dict[str, object]:
    return {
        "booking": item,
        "clause": measures.catalogue().by_number(item.clause),
        "slug": measures.slug(item.clause),
        "masked_name": mask_name(item.name),
        "masked_phone": mask_phone_tail(item.phone),
        "form": form,
        "cancel_locked": item.cancel_failures >= settings.CANCEL_FAILURES_PER_BOOKING,
    }


@require_GET
def booking(request: HttpRequest, code: str) -> HttpResponse:
    refusal = _code_refusal(request, code)
    if refusal is not None:
        return refusal
    item = _find(code)
    if item is None:
        return _missing(request, code)
    context = _booking_context(item, CancelForm())
    context["just_booked"] = request.session.get("portal_booking") == item.code
    return render(request, "portal/booking.html", context)


@require_POST
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    refusal = _code_refusal(request, code)
    if refusal is not None:
        return refusal
    item = _find(code)
    if item is None:
        return _missing(request, code)
    form = CancelForm(request.POST)
    status = 400
    refused = limits.spent(request, limits.CANCEL_FAILURES)
    if not refused and form.is_valid():
        try:
            booking_cancel(code=item.code, phone_tail=form.cleaned_data["phone_tail"])
        except BookingError as error:
            form.add_error("phone_tail", error.message)
            if error.code == "wrong_phone":
                limits.hit(request, limits.CANCEL_FAILURES)
            if error.code == "locked":
                status = limits.TOO_MANY
            item.refresh_from_db()
        else:
            messages.success(request, f"预约 {item.code} 已取消。")
            return redirect("portal:booking", code=item.code)
    context = _booking_context(item, form)
    if refused:
        context["limit_message"] = limits.message(refused)
        status = limits.TOO_MANY
    return render(request, "portal/booking.html", context, status=status)


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip().upper()[:12]
    refusal = _code_refusal(request, code)
    if refusal is not None:
        return refusal
    if code and Booking.objects.filter(code=code).exists():
        return redirect("portal:booking", code=code)
    refused = limits.hit(request, limits.CODE_MISSES)
    if refused:
        context = {"limit_message": limits.message(refused), "code": code}
        return render(request, "portal/services.html", context, status=limits.TOO_MANY)
    messages.error(request, "没有找到该预约码，请核对后重新输入。")
    return redirect("services")


@login_required
@require_GET
def day_bookings(request: HttpRequest) -> HttpResponse:
    """The day's bookings at the offices of the staff member's jurisdiction (an office
    belongs to its county: a county account sees its county's offices, a city account
    the city's, an account without a jurisdiction none); full names and phones only
    with the permission."""
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = clock.today()
    viewer = viewer_for(request.user)
    offices = scoped(Office.objects.all(), viewer, path="county").order_by("county__code", "name")
    start = timezone.make_aware(datetime.combine(day, time.min))
    bookings = (
        Booking.objects.filter(
            slot__office__in=offices,
            slot__starts_at__gte=start,
            slot__starts_at__lt=start + timedelta(days=1),
        )
        .select_related("slot__office")
        .order_by("slot__office__name", "slot__starts_at", "created_at")
    )
    office_id = _int(request.GET.get("office"))
    if office_id:
        bookings = bookings.filter(slot__office_id=office_id)
    full = request.user.has_perm("portal.view_booking_contact")
    rows = [
        {
            "booking": b,
            "name": b.name if full else mask_name(b.name),
            "phone": b.phone if full else mask_phone(b.phone),
            "title": measures.catalogue().by_number(b.clause).title,
        }
        for b in bookings
    ]
    context = {
        "day": day,
        "rows": rows,
        "full": full,
        "offices": offices,
        "office_id": office_id,
        "sees_anything": viewer.sees_anything,
        "booked": BookingStatus.BOOKED,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
    }
    return render(request, "portal/day_bookings.html", context)
