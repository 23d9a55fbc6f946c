"""The security audit trail (安全审计): one append-only list of who did what, when, to
what, with which outcome, from which address.

Everything security-relevant calls :func:`append`: sign-ins and their failures,
lockouts and unlocks, session ends, role changes, sensitive reads, and every write
recorded through :mod:`jiuye.core.audit`. ``detail`` never holds a personal value in
clear (mask it first, see :mod:`jiuye.identity.masking`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from jiuye.core import clock
from jiuye.core.models import AuditEvent

__all__ = ["append", "source_address"]


def source_address(request: HttpRequest | None) -> str:
    """The client address of a request (REMOTE_ADDR, set by the proxy configuration)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def append(
    event: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    object: str = "",
    outcome: str = "ok",
    request: HttpRequest | None = None,
    source: str = "",
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` is a user (or None); ``actor_label`` a name when
    there is no user (a failed sign-in's username); ``request`` gives the source address
    unless ``source`` is given."""
    actor_id = None
    if actor is not None and getattr(actor, "is_authenticated", False) and actor.pk:
        actor_id = actor.pk
        actor_label = actor_label or str(actor.get_username())
    return AuditEvent.objects.create(
        at=clock.now(),
        actor_id=actor_id,
        actor_label=actor_label[:150],
        event=event,
        object=object[:80],
        outcome=outcome,
        source_address=(source or source_address(request))[:45],
        detail=dict(detail or {}),
    )
