"""Failed sign-ins: lockout per account (django-axes) and throttling per address.

- **Per account**: ``AXES_FAILURE_LIMIT`` failures (5, ``JIUYE_LOGIN_FAILURE_LIMIT``),
  of the password or of the second factor, lock the account for ``AXES_COOLOFF_TIME``
  (15 minutes, ``JIUYE_LOGIN_LOCKOUT_MINUTES``) from the failure that locked it; attempts
  while locked are refused and do not extend it. axes counts by username only
  (``AXES_LOCKOUT_PARAMETERS = ["username"]``), so one office behind one NAT address
  is never locked out as a whole by one person's typing.
- **Per address**: ``JIUYE_LOGIN_ADDRESS_FAILURE_LIMIT`` failures (50) from one address
  within the same window, over all usernames, refuse further password attempts from it
  until the window has passed. The figure is well above what an office's staff mistype
  (each is locked at 5 anyway) and caps password spraying (one guess across many
  accounts, which per-account lockout never sees) at 50 guesses per address per window.
  axes has one limit for all its parameters, so this count is ours, read from axes'
  ``AccessAttempt`` rows.

Every failure, lockout and unlock is appended to the audit trail (``auth.failure``,
``auth.otp_failure``, ``auth.lockout``, ``auth.unlock``, ``auth.throttled``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuye.core import trail


def client_address(request: HttpRequest) -> str | None:
    """The address axes counts by: the audit trail's source address (one definition)."""
    return trail.source_address(request) or None


def cool_off() -> timedelta:
    value = get_cool_off()
    return value if value is not None else timedelta(0)


def lockout_message() -> str:
    minutes = int(cool_off().total_seconds() // 60)
    return (
        f"账号已锁定：连续 {settings.AXES_FAILURE_LIMIT} 次登录失败。请 {minutes} 分钟后再试，"
        "或联系安全管理员解锁。"
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out attempt sees (``AXES_LOCKOUT_CALLABLE``): 429 with the reason."""
    return render(
        request,
        "registration/locked_out.html",
        {"message": lockout_message()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def is_locked(request: HttpRequest, username: str) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def address_failures(request: HttpRequest) -> int:
    """Failed attempts from the request's address, over all usernames, in the window."""
    address = client_address(request)
    if address is None:
        return 0
    AxesProxyHandler.update_request(request)  # axes' own time of this attempt
    total = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


def address_throttled(request: HttpRequest) -> bool:
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    return limit > 0 and address_failures(request) >= limit


def throttled_response(request: HttpRequest, username: str) -> HttpResponse:
    trail.append(
        "auth.throttled",
        actor_label=username,
        outcome="refused",
        request=request,
        detail={"limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT},
    )
    minutes = int(cool_off().total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"message": f"本地址登录失败次数过多，请 {minutes} 分钟后再试。"},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def audit_failure(
    request: HttpRequest, *, username: str, reason: str, was_locked: bool, event: str
) -> None:
    """Audit one failed attempt, and the lockout if this attempt caused it."""
    locked_now = bool(getattr(request, "axes_locked_out", False))
    trail.append(
        event,
        actor_label=username,
        outcome="refused",
        request=request,
        detail={"reason": "locked" if was_locked else reason},
    )
    if locked_now and not was_locked:
        trail.append(
            "auth.lockout",
            actor_label=username,
            outcome="refused",
            request=request,
            detail={
                "failures": settings.AXES_FAILURE_LIMIT,
                "minutes": int(cool_off().total_seconds() // 60),
            },
        )


def record_otp_failure(request: HttpRequest, user: Any) -> bool:
    """Count a wrong second-factor code against the account's lockout (as axes counts a
    wrong password) and audit it; True if the account is now locked."""
    username = user.get_username()
    was_locked = is_locked(request, username)
    if not was_locked:
        AxesProxyHandler.user_login_failed(
            sender=record_otp_failure, credentials={"username": username}, request=request
        )
    audit_failure(
        request, username=username, reason="otp", was_locked=was_locked, event="auth.otp_failure"
    )
    return bool(getattr(request, "axes_locked_out", False)) or was_locked


def clear(username: str) -> int:
    """Forget an account's failures after a full sign-in (both factors): a password
    sign-in alone does not, or wrong codes could be tried without end."""
    return int(reset(username=username))


def unlock(username: str, *, actor: Any = None, request: HttpRequest | None = None) -> int:
    """Lift the lockout of one account (security administrator, ``jiuye unlock``)."""
    removed = int(reset(username=username))
    trail.append(
        "auth.unlock",
        actor=actor,
        actor_label="" if actor else "cli",
        object=f"username:{username}"[:80],
        request=request,
        detail={"attempts_removed": removed},
    )
    return removed
