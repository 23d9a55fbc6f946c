"""Staff sessions: idle and absolute timeouts, and ending them on the server.

A signed-in session carries when it began and when it was last used (read from
:mod:`jiuye.core.clock`, so a test freezes the clock and advances it). It ends after
``JIUYE_SESSION_IDLE_MINUTES`` (30) without a request, or ``JIUYE_SESSION_ABSOLUTE_HOURS``
(12) after sign-in, whichever comes first; then the session row is deleted and the next
staff page asks for a new sign-in.

:class:`~jiuye.staff.models.StaffSession` indexes sessions by user, so that
:func:`end_all` (sign-out everywhere, a disabled account, a security administrator's
"end all sessions") deletes every session row of one user in one query.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.http import HttpRequest

from jiuye.core import clock, trail
from jiuye.staff.models import StaffSession

logger = logging.getLogger(__name__)

#: Session keys kept by this module.
STARTED = "jiuye_signed_in_at"
SEEN = "jiuye_last_seen_at"
OWNER = "jiuye_session_user"
INDEXED = "jiuye_indexed_key"


def idle_limit() -> timedelta:
    return timedelta(minutes=settings.SESSION_IDLE_MINUTES)


def absolute_limit() -> timedelta:
    return timedelta(hours=settings.SESSION_ABSOLUTE_HOURS)


def begin(request: HttpRequest, now: datetime | None = None) -> None:
    """Mark the request's session as a fresh sign-in (after ``login()``)."""
    moment = (now or clock.now()).timestamp()
    request.session[STARTED] = moment
    request.session[SEEN] = moment
    request.session[OWNER] = request.user.pk


def timed_out(session: Any, now: datetime) -> str | None:
    """Why a signed-in session has ended by time: "idle", "absolute" or None.

    >>> from datetime import datetime, timezone
    >>> start = datetime(2019, 6, 1, 10, 0, tzinfo=timezone.utc)
    >>> s = {STARTED: start.timestamp(), SEEN: start.timestamp()}
    >>> timed_out(s, start + timedelta(minutes=29, seconds=59)) is None
    True
    >>> timed_out(s, start + timedelta(minutes=30))
    'idle'
    """
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        return None
    at = now.timestamp()
    if at - float(seen) >= idle_limit().total_seconds():
        return "idle"
    if at - float(started) >= absolute_limit().total_seconds():
        return "absolute"
    return None


def check(request: HttpRequest) -> str | None:
    """End the request's session if it has timed out, or if its account can no longer
    sign in (disabled, deleted); otherwise note that it was used now.

    Returns why it ended ("idle", "absolute", "account", "superuser": superusers may not
    sign in under production settings), or None.
    """
    session = request.session
    user = request.user
    if not user.is_authenticated:
        owner = session.get(OWNER)
        if owner is not None:
            end_request_session(request, reason="account", user_id=owner)
            return "account"
        return None
    if getattr(user, "is_superuser", False) and not settings.SUPERUSER_LOGIN:
        end_request_session(request, reason="superuser", user_id=user.pk)
        return "superuser"
    now = clock.now()
    if session.get(STARTED) is None:  # signed in another way (a test's force_login)
        begin(request, now)
        return None
    reason = timed_out(session, now)
    if reason is not None:
        end_request_session(request, reason=reason, user_id=user.pk)
        return reason
    session[SEEN] = now.timestamp()
    return None


def keep_index(request: HttpRequest) -> None:
    """Index the request's session under its user; follow a cycled key (after the view)."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return
    key = session.session_key
    if not key or session.get(INDEXED) == key:
        return
    old = session.get(INDEXED)
    if old:
        StaffSession.objects.filter(session_key=old).delete()
    StaffSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user_id": user.pk,
            "started_at": _started(session),
            "source_address": trail.source_address(request),
        },
    )
    session[INDEXED] = key


def _started(session: Any) -> datetime:
    started = session.get(STARTED)
    if started is None:
        return clock.now()
    return datetime.fromtimestamp(float(started), tz=clock.SHANGHAI)


def end_request_session(request: HttpRequest, *, reason: str, user_id: Any = None) -> None:
    """End the request's own session on the server (sign-out, timeout, disabled account):
    its index row and its session row are deleted."""
    key = request.session.session_key
    if key:
        StaffSession.objects.filter(session_key=key).delete()
    actor = request.user if request.user.is_authenticated else None
    trail.append(
        "auth.logout" if reason == "logout" else "session.ended",
        actor=actor,
        actor_label="" if actor else f"user:{user_id}",
        object=f"user:{user_id if user_id is not None else getattr(actor, 'pk', '')}",
        request=request,
        detail={"reason": reason},
    )
    logout(request)  # flushes: the session row is deleted, a new empty one follows


def _store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def end_all(user: Any, *, reason: str, actor: Any = None, request: Any = None) -> int:
    """End every session of ``user`` on the server; returns how many.

    The index gives the keys in one query; the sessions are deleted through the session
    engine (the database engine's rows in one more query, whatever their number).
    """
    keys = list(StaffSession.objects.filter(user_id=user.pk).values_list("session_key", flat=True))
    store = _store()
    if store is DatabaseStore:  # the default engine: one delete for all the rows
        DatabaseStore.get_model_class().objects.filter(session_key__in=keys).delete()
    else:
        for key in keys:
            store(session_key=key).delete()
    StaffSession.objects.filter(session_key__in=keys).delete()
    trail.append(
        "session.ended",
        actor=actor,
        object=f"user:{user.pk}",
        request=request,
        detail={"reason": reason, "sessions": len(keys)},
    )
    logger.info("sessions ended: user=%s count=%s", user.pk, len(keys))  # why: in the trail
    return len(keys)
