"""The applicant's session: its own key in Django's session, never ``request.user``.

Signing in (:func:`sign_in`) cycles the session key (no fixation) and stores the
account's id with a keyed hash of its id and session epoch; :func:`current` checks the
hash, the account, and the idle and absolute limits (``JIUYE_APPLICANT_IDLE_MINUTES``,
``JIUYE_APPLICANT_ABSOLUTE_HOURS``, on :mod:`jiuye.core.clock`) on every request.
Raising the account's ``session_epoch`` (:func:`end_all`) or disabling it ends every
session of the account at once.

One session holds one identity: a staff member who is signed in cannot sign in as an
applicant in the same browser session, and a staff sign-in drops an applicant sign-in
(:class:`~jiuye.applicants.middleware.ApplicantMiddleware`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac

from jiuye.applicants.errors import ApplicantRefused
from jiuye.applicants.models import Applicant
from jiuye.core import clock, trail

__all__ = ["KEY", "applicant_of", "current", "end_all", "sign_in", "sign_out", "via"]

KEY = "jiuye_applicant"
_CACHE = "_jiuye_applicant"
STAFF_SIGNED_IN = (
    "您正以工作人员身份登录。个人/单位办事须另行登录：请先退出工作人员账号，"
    "或使用另一个浏览器窗口（无痕模式）。"
)


def _hash(account: Applicant) -> str:
    return salted_hmac(
        "jiuye.applicants.sessions", f"{account.pk}:{account.session_epoch}"
    ).hexdigest()


def _signed_in_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def sign_in(request: HttpRequest, account: Applicant, *, via: str) -> None:
    """Start the applicant's session (after the account was proved)."""
    if _signed_in_staff(request):
        raise ApplicantRefused("staff_signed_in", STAFF_SIGNED_IN)
    request.session.cycle_key()
    moment = clock.now().timestamp()
    request.session[KEY] = {
        "id": account.pk,
        "hash": _hash(account),
        "at": moment,
        "seen": moment,
        "via": via,
    }
    setattr(request, _CACHE, account)


def applicant_of(request: HttpRequest) -> Applicant | None:
    """The request's signed-in applicant (checked once per request), or None."""
    if not hasattr(request, _CACHE):
        setattr(request, _CACHE, current(request))
    found: Applicant | None = getattr(request, _CACHE)
    return found


def _timed_out(data: dict[str, Any], now: float) -> str | None:
    idle = settings.APPLICANT_SESSION_IDLE_MINUTES * 60
    absolute = settings.APPLICANT_SESSION_ABSOLUTE_HOURS * 3600
    if now - float(data.get("seen", 0)) >= idle:
        return "idle"
    if now - float(data.get("at", 0)) >= absolute:
        return "absolute"
    return None


def current(request: HttpRequest) -> Applicant | None:
    """The signed-in applicant of the request, or None (the session ends if it timed out
    or its account changed)."""
    data = request.session.get(KEY)
    if not isinstance(data, dict):
        return None
    now = clock.now().timestamp()
    reason = _timed_out(data, now)
    account = None
    if reason is None:
        account = Applicant.objects.filter(pk=int(data.get("id") or 0), is_active=True).first()
        if account is None or not constant_time_compare(str(data.get("hash", "")), _hash(account)):
            reason, account = "account", None
    if reason is not None:
        _end(request, data, reason)
        return None
    data["seen"] = now
    request.session[KEY] = data
    return account


def _end(request: HttpRequest, data: dict[str, Any], reason: str) -> None:
    setattr(request, _CACHE, None)
    request.session.pop(KEY, None)
    request.session.cycle_key()
    trail.append(
        "applicant.logout" if reason == "logout" else "applicant.ended",
        actor_label=f"applicant:{data.get('id', '')}",
        object=f"applicant:{data.get('id', '')}",
        request=request,
        detail={"reason": reason},
    )


def sign_out(request: HttpRequest, *, reason: str = "logout") -> None:
    data = request.session.get(KEY)
    if isinstance(data, dict):
        _end(request, data, reason)


def end_all(account: Applicant) -> None:
    """End every session of ``account`` (each carries the old epoch in its hash)."""
    Applicant.objects.filter(pk=account.pk).update(session_epoch=account.session_epoch + 1)
    account.session_epoch += 1


def via(request: HttpRequest) -> str:
    """How the request's applicant signed in ("sms", "oidc"), or "" when nobody did."""
    if applicant_of(request) is None:
        return ""
    data = request.session.get(KEY) or {}
    return str(data.get("via", ""))
