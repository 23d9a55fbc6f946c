"""What a case page shows (staff and applicant): steps, notices, decisions, timeline."""

from __future__ import annotations

from typing import Any

from jiuye.casework.models import Case
from jiuye.casework.states import ACTION_LABELS
from jiuye.core import clock
from jiuye.identity import mask_name
from jiuye.portal.models import Office
from jiuye.rules.money import fen_to_yuan


def yuan(fen: int | None) -> str:
    return "待定" if fen is None else f"{fen_to_yuan(fen)} 元"


def case_context(case: Case, *, staff: bool) -> dict[str, Any]:
    steps = list(case.steps.select_related("role", "actor").order_by("position"))
    today = clock.today()
    decisions = list(case.decisions.order_by("created_at", "id"))
    events = [
        (e, ACTION_LABELS.get(e.action, e.action))
        for e in case.events.select_related("actor").order_by("at", "id")
    ]
    office = None
    if case.first_responder_id is not None:
        office = (
            case.taken_office
            or Office.objects.filter(county__code=case.handling_code[:6], is_active=True).first()
        )
    else:
        office = Office.objects.filter(county__code=case.handling_code[:6], is_active=True).first()
    return {
        "case": case,
        "steps": [
            (s, s.due_on is not None and today > s.due_on and s.state == "active") for s in steps
        ],
        "notices": list(case.notices.order_by("id")),
        "decisions": decisions,
        "decision": decisions[-1] if decisions else None,
        "events": events,
        "amount": yuan(case.amount_fen),
        "shown_name": case.subject_name if staff else mask_name(case.subject_name),
        "office": office,
        "announcements": list(case.announcements.all()),
        "staff": staff,
    }
