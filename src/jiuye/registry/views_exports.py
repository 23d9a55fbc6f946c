"""Pages of the unmasked-export approval (maker–checker): the request form behind a
list's "申请未脱敏导出", the requester's own requests with the one download, and the
approvers' queue. Thin views: the rules are in :mod:`jiuye.staff.approvals`, the file in
:func:`jiuye.registry.exports.approved_response`. Never cached; every change is a POST.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiuye.core import clock
from jiuye.registry.exports import approved_response, filter_text
from jiuye.registry.views_listing import LISTINGS, Listing, run_query
from jiuye.staff import approvals
from jiuye.staff.access import viewer_for
from jiuye.staff.approvals import ApprovalError
from jiuye.staff.models import ExportApproval, ExportState

ENTITY_LABELS = {"person": "人员", "household": "家庭", "employer": "用人单位"}


def _listing(entity: str) -> Listing:
    listing = LISTINGS.get(entity)
    if listing is None or not listing.sensitive_field:
        raise Http404("该名单没有需要审批的未脱敏导出")
    return listing


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest, entity: str) -> HttpResponse:
    """State a reason for an unmasked export of the list as filtered (the filter rides
    in the query string, as on the list page)."""
    listing = _listing(entity)
    viewer = viewer_for(request.user)
    query = run_query(listing, viewer, request.GET)
    total = query.queryset.count()
    params = query.params()
    reason = request.POST.get("reason", "")
    error: ApprovalError | None = None
    if request.method == "POST":
        try:
            approval = approvals.export_request(
                requester=request.user,
                viewer=viewer,
                entity=listing.entity,
                export_name=listing.export_name,
                field=listing.sensitive_field,
                params=params,
                filters=filter_text(listing, query),
                row_count=total,
                reason=reason,
                request=request,
            )
        except ApprovalError as refused:
            error = refused
        else:
            messages.success(
                request,
                f"已提交未脱敏导出申请（审批单 {approval.pk}，{approval.row_count} 行），"
                "请等待另一名有审批权限的工作人员审批。",
            )
            return redirect("registry:exports:mine")
    back = reverse(f"registry:{listing.entity}_list")
    context: dict[str, Any] = {
        "listing": listing,
        "viewer": viewer,
        "total": total,
        "filters": filter_text(listing, query) or "无",
        "reason": reason,
        "error": error,
        "used": approvals.rows_requested_today(int(request.user.pk or 0)),
        "daily": settings.UNMASKED_EXPORT_ROWS_PER_DAY,
        "valid_hours": settings.EXPORT_APPROVAL_VALID_HOURS,
        "cap": settings.EXPORT_MAX_ROWS,
        "back_url": f"{back}?{urlencode(params)}" if params else back,
    }
    status = 200
    if error is not None:
        status = error.http_status
    elif not viewer.full_identity:
        status = 403
    return render(request, "registry/export_request.html", context, status=status)


def _lines(rows: list[ExportApproval]) -> list[dict[str, Any]]:
    now = clock.now()
    return [
        {
            "approval": a,
            "entity": ENTITY_LABELS.get(a.entity, a.entity),
            "expired": approvals.is_expired(a, now),
            "downloadable": a.state == ExportState.APPROVED and not approvals.is_expired(a, now),
        }
        for a in rows
    ]


def _mine_page(request: HttpRequest, error: ApprovalError | None = None) -> HttpResponse:
    context = {
        "lines": _lines(list(approvals.requests_of(request.user)[:50])),
        "error": error,
        "used": approvals.rows_requested_today(int(request.user.pk or 0)),
        "daily": settings.UNMASKED_EXPORT_ROWS_PER_DAY,
        "can_approve": approvals.can_approve(request.user),
    }
    status = error.http_status if error is not None else 200
    return render(request, "registry/export_mine.html", context, status=status)


@never_cache
@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in user's requests: pending, refused (with the reason), approved (with
    the download button, until it lapses) and downloaded."""
    return _mine_page(request)


@never_cache
@login_required
@require_POST
def download(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    try:
        return approved_response(request, pk)
    except ApprovalError as error:
        return _mine_page(request, error)


def _queue_page(request: HttpRequest, error: ApprovalError | None = None) -> HttpResponse:
    allowed = approvals.can_approve(request.user)
    context = {
        "allowed": allowed,
        "pending": _lines(list(approvals.pending_for(request.user))),
        "decided": _lines(approvals.decided_by(request.user)) if allowed else [],
        "error": error,
    }
    status = error.http_status if error is not None else (200 if allowed else 403)
    return render(request, "registry/export_approvals.html", context, status=status)


@never_cache
@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Pending requests of others in the approver's jurisdiction (the workbench card
    links here for users with ``staff.approve_export``)."""
    return _queue_page(request)


@never_cache
@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        approval = approvals.export_approve(approval_id=pk, approver=request.user, request=request)
    except ApprovalError as error:
        return _queue_page(request, error)
    messages.success(request, f"已批准审批单 {approval.pk}。")
    return redirect("registry:exports:approvals")


@never_cache
@login_required
@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        approval = approvals.export_refuse(
            approval_id=pk,
            approver=request.user,
            note=request.POST.get("note", ""),
            request=request,
        )
    except ApprovalError as error:
        return _queue_page(request, error)
    messages.success(request, f"已不予批准审批单 {approval.pk}。")
    return redirect("registry:exports:approvals")
