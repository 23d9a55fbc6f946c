"""Cases over JSON: staff filing (with ``Idempotency-Key``), the staff queue, a case, and
the public progress lookup. Staff endpoints live under /api/v1/staff/ (signed-in staff
with a verified second factor; the middleware answers 401 otherwise)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from jiuye.api.rules import json_response
from jiuye.casework import queues
from jiuye.casework.errors import CaseNotFound
from jiuye.casework.filing import file_case
from jiuye.casework.models import Case
from jiuye.casework.states import ACTION_LABELS, EDGES
from jiuye.core import idempotency
from jiuye.core.errors import JiuyeError
from jiuye.rules.money import fen_to_yuan
from jiuye.staff.access import viewer_for

router = Router(tags=["cases"])


class CaseIn(Schema):
    rule_id: str
    subject_id: str
    subject_name: str
    mobile: str = ""
    contact_name: str = ""
    division_code: str = ""
    declared: dict[str, Any] = {}


def case_json(case: Case, *, staff: bool) -> dict[str, Any]:
    decision = case.decisions.order_by("-created_at", "-id").first()
    return {
        "code": case.code,
        "rule": case.rule_id,
        "title": case.title,
        "state": case.state,
        "state_label": case.get_state_display(),
        "status": case.status,
        "amount_yuan": None if case.amount_fen is None else fen_to_yuan(case.amount_fen),
        "subject_id_masked": case.subject_id_masked,
        "filed_on": case.filed_on.isoformat(),
        "waiting_reason": case.waiting_reason,
        "steps": [
            {
                "position": s.position,
                "name": s.name,
                "office": s.division_name,
                "state": s.state,
                "due_on": s.due_on.isoformat() if s.due_on else None,
                "acted_at": s.acted_at.isoformat() if s.acted_at else None,
            }
            for s in case.steps.order_by("position")
        ],
        "reasons": decision.result.get("reasons", []) if decision else [],
        "events": [
            {
                "at": e.at.isoformat(),
                "action": e.action,
                "label": ACTION_LABELS.get(e.action, e.action),
                "to": e.to_state,
            }
            for e in case.events.order_by("at", "id")
        ]
        if staff
        else [],
    }


@router.post(
    "/staff/cases", summary="窗口受理（代为申请；须 Idempotency-Key）", url_name="staff_cases_file"
)
def staff_file(request: HttpRequest, payload: CaseIn) -> HttpResponse:
    viewer = viewer_for(request.user)

    def action() -> tuple[int, Any]:
        try:
            case = file_case(
                **payload.dict(),
                channel="counter",
                actor=request.user,
                taken_code=viewer.division.code if viewer.division else "",
                source="api",
            )
        except JiuyeError as error:
            return error.http_status, error.as_dict()
        return 201, case_json(case, staff=True)

    status, answer = idempotency.run_once(
        scope=f"cases.file:{request.user.pk}",
        key=request.headers.get("Idempotency-Key"),
        body=request.body,
        action=action,
    )
    return json_response(answer, status=status)


@router.get("/staff/cases", summary="我的受理审核待办", url_name="staff_cases_queue")
def staff_queue(request: HttpRequest) -> HttpResponse:
    steps = queues.queue(request.user)[: queues.PAGE]
    return json_response(
        [
            {
                "code": s.case.code,
                "title": s.case.title,
                "step": s.name,
                "due_on": s.due_on.isoformat() if s.due_on else None,
            }
            for s in steps
        ]
    )


@router.get("/staff/cases/{code}", summary="办件详情（工作人员）", url_name="staff_case")
def staff_case(request: HttpRequest, code: str) -> HttpResponse:
    viewer = viewer_for(request.user)
    case = Case.objects.filter(code=code).first()
    if (
        case is None
        or viewer.prefix is None
        or not (
            case.handling_code.startswith(viewer.prefix)
            or case.division_code.startswith(viewer.prefix)
        )
    ):
        raise CaseNotFound("case_not_found", "没有这个办件")
    return json_response(case_json(case, staff=True))


@router.get("/cases/{code}", summary="办理进度（凭证件号码后六位）", url_name="case_progress")
def progress(request: HttpRequest, code: str, last6: str) -> HttpResponse:
    case = queues.lookup(code, last6)
    if case is None:
        raise CaseNotFound("case_not_found", "办件编号或证件号码后六位不正确")
    return json_response(case_json(case, staff=False))


@router.get("/case-states", summary="办件状态与流转（每条边都有原因）", url_name="case_states")
def states(request: HttpRequest) -> HttpResponse:
    return json_response(
        [
            {
                "from": str(frm),
                "action": action,
                "label": ACTION_LABELS.get(action, action),
                "to": str(to),
            }
            for (frm, action), to in EDGES.items()
        ]
    )
