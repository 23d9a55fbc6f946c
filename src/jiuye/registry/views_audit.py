"""The access log as a staff page: who saw which sensitive data, when, and why.

Only the audit administrators (审计管理员) read it (:func:`access.can_audit`); a
jurisdiction is not needed, and the page shows records by type and id, never a name
or a number. Read-only: the log is written by :mod:`jiuye.staff.access` alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jiuye.staff.access import access_outcome, can_audit
from jiuye.staff.models import AccessAction, AccessOutcome, SensitiveAccessLog

PAGE_SIZE = 50
ENTITY_LABELS = {"person": "人员", "household": "家庭", "employer": "用人单位"}
OUTCOMES: dict[str, tuple[str, Q]] = {
    "refused": ("已拒绝", Q(outcome=AccessOutcome.REFUSED)),
    "shown": ("已显示完整号码", Q(action=AccessAction.REVEAL, outcome=AccessOutcome.SHOWN)),
    "unmasked": (
        "未脱敏导出",
        Q(action=AccessAction.EXPORT, outcome=AccessOutcome.SHOWN, unmasked=True),
    ),
    "masked": (
        "已脱敏导出",
        Q(action=AccessAction.EXPORT, outcome=AccessOutcome.SHOWN, unmasked=False),
    ),
}


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def filtered_log(params: Mapping[str, str]) -> tuple[QuerySet[SensitiveAccessLog], dict[str, str]]:
    """The log rows a filter selects (newest first), and the filter values it used."""
    rows = SensitiveAccessLog.objects.select_related("actor")
    used: dict[str, str] = {}
    user = params.get("user", "").strip()[:150]
    if user:
        rows = rows.filter(Q(actor__username__iexact=user) | Q(actor__first_name__icontains=user))
        used["user"] = user
    if params.get("action") in AccessAction.values:
        rows = rows.filter(action=params["action"])
        used["action"] = params["action"]
    outcome = params.get("outcome", "")
    if outcome in OUTCOMES:
        rows = rows.filter(OUTCOMES[outcome][1])
        used["outcome"] = outcome
    start, end = _date(params.get("from", "")), _date(params.get("to", ""))
    if start is not None:  # local dates (Asia/Shanghai), both ends included
        rows = rows.filter(at__date__gte=start)
        used["from"] = start.isoformat()
    if end is not None:
        rows = rows.filter(at__date__lte=end)
        used["to"] = end.isoformat()
    return rows.order_by("-at", "-id"), used


def _line(row: SensitiveAccessLog) -> dict[str, Any]:
    actor = row.actor
    return {
        "at": row.at,
        "actor": f"{actor.username}（{actor.get_full_name()}）"
        if actor.get_full_name()
        else actor.username,
        "action": row.get_action_display() if row.action == AccessAction.REVEAL else "导出名单",
        "target": (
            f"{ENTITY_LABELS.get(row.entity, row.entity)} #{row.object_id}"
            if row.object_id is not None
            else row.export_name or ENTITY_LABELS.get(row.entity, row.entity)
        ),
        "field": row.field or "—",
        "count": row.row_count,
        "outcome": access_outcome(row),
        "reason": row.reason,
    }


@never_cache
@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    if not can_audit(request.user):
        return HttpResponseForbidden("只有审计管理员可以查看敏感信息访问记录。")
    rows, used = filtered_log(request.GET)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/access_log.html",
        {
            "page": page,
            "lines": [_line(row) for row in page.object_list],
            "used": used,
            "actions": AccessAction.choices,
            "outcomes": [(key, label) for key, (label, _) in OUTCOMES.items()],
            "page_query": urlencode(used),
        },
    )
