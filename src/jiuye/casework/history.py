"""Moving a case along an edge: compare-and-swap on its version, one event, one audit row.

Every state change of a case goes through :func:`move` (a new case through
:func:`filed`): ``UPDATE … WHERE state =
expected AND version = seen`` must change exactly one row, or the case changed meanwhile
(:class:`~jiuye.casework.errors.CaseConflict`). The event is the case's visible timeline;
the audit row (:func:`jiuye.core.audit.record`) puts it on the hash-chained trail. The
applicant is told through the message gateway once the change is committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jiuye.casework import notify
from jiuye.casework.errors import CaseConflict
from jiuye.casework.models import Case, CaseEvent
from jiuye.casework.states import ACTION_LABELS, edge
from jiuye.core import audit, clock, transitions

ENTITY = "case"


def move(
    case: Case,
    action: str,
    *,
    actor: Any = None,
    by_applicant: bool = False,
    note: str = "",
    office: str = "",
    source: str = "screen",
    **fields: Any,
) -> Case:
    """Move ``case`` along ``action`` (an edge of :mod:`.states`), setting ``fields``."""
    to = edge(case.state, action)
    if to is None:
        raise CaseConflict(
            "case_state",
            f"办件当前状态为“{case.get_state_display()}”，不能{ACTION_LABELS.get(action, action)}",
            extra={"state": case.state, "action": action},
        )
    before = case.state
    if not transitions.swap(case, to, updated_at=clock.now(), **fields):
        raise CaseConflict(
            "case_changed", "办件已被他人处理，请刷新后重试", extra={"code": case.code}
        )
    event(
        case,
        action,
        actor=actor,
        by_applicant=by_applicant,
        from_state=before,
        note=note,
        office=office,
        source=source,
    )
    return case


def event(
    case: Case,
    action: str,
    *,
    actor: Any = None,
    by_applicant: bool = False,
    from_state: str = "",
    note: str = "",
    office: str = "",
    source: str = "screen",
) -> CaseEvent:
    """One timeline row and its audit row; the applicant is told after commit."""
    row = CaseEvent.objects.create(
        case=case,
        at=clock.now(),
        action=action,
        from_state=from_state,
        to_state=case.state,
        position=case.position,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        by_applicant=by_applicant,
        office=office,
        note=note[:500],
    )
    audit.record(
        actor=actor,
        # the history's action column is short (create/update); the case's own action
        # is in the changes and on the event
        action="create" if action == "file" else "update",
        entity=ENTITY,
        object_id=case.pk,
        changes={
            "code": case.code,
            "from": from_state,
            "to": case.state,
            "position": case.position,
        },
        source=source,
    )
    notify.state_changed(case, action)
    return row


def filed(
    cases: Sequence[Case], *, actor: Any, by_applicant: bool, office: str, source: str
) -> None:
    """The filing event of each new case and its audit row, written in bulk (one trail
    row for them all); each applicant is told after commit."""
    at = clock.now()
    who = actor if actor is not None and getattr(actor, "pk", None) else None
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            at=at,
            action="file",
            from_state="",
            to_state=case.state,
            position=case.position,
            actor=who,
            by_applicant=by_applicant,
            office=office,
        )
        for case in cases
    )
    audit.record_many(
        (
            audit.Entry(
                ENTITY,
                case.pk,
                "create",
                {"code": case.code, "from": "", "to": case.state, "position": case.position},
            )
            for case in cases
        ),
        actor=actor,
        source=source,
        at=at,
    )
    for case in cases:
        notify.state_changed(case, "file")
