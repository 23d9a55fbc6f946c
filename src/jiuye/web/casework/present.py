"""What a case page shows (staff and applicant): steps, notices, the checklist of
materials with its files, decisions, timeline."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from jiuye.casework import materials
from jiuye.casework.models import Case, CaseFile
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
        "checklist": _checklist(case, staff=staff),
        "max_file_size": materials.size_text(materials.max_bytes()),
    }


def _checklist(case: Case, *, staff: bool) -> materials.Checklist:
    """The checklist; for staff each file carries its looks (``file.seen``, newest first)."""
    sheet = materials.checklist(case)
    if staff:
        views = materials.views_of(case)
        for entry in sheet.entries:
            for file in entry.files:
                file.seen = views.get(file.pk, [])  # type: ignore[attr-defined]
    return sheet


def file_response(row: CaseFile, data: bytes) -> HttpResponse:
    """A case file as sent: images shown in the browser, PDFs downloaded (no PDF from an
    applicant is rendered on this site's origin); never cached (the middleware's
    no-store), never sniffed as another type."""
    response = HttpResponse(data, content_type=materials.CONTENT_TYPES[row.kind])
    disposition = "attachment" if row.kind == "pdf" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{materials.file_name(row)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
