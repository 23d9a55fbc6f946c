"""Unmasked exports under maker–checker (issue 10 §6 "Bulk export bypasses the reveal
limit"): a stated reason, a second person's approval, one download, a daily cap.

Before, a staff member with the full-identity right exported every township unmasked,
one file after another: thousands of full identity numbers a minute while a reveal on
a detail page is capped at ``settings.REVEAL_LIMIT_PER_HOUR``. Now the plain export of a
list is always masked (free, as before), and a file with full values goes through
:class:`~jiuye.staff.models.ExportApproval`:

``pending`` —approve→ ``approved`` —download→ ``downloaded``; ``pending`` —refuse→ ``refused``.

- **request** (:func:`export_request`): the requester has the full-identity right, the
  list has a sensitive field, the filter matches 1 to ``settings.EXPORT_MAX_ROWS`` rows,
  a reason of at least :data:`MIN_REASON` characters is given, and the rows requested
  today (refused requests aside) plus these stay within
  ``settings.UNMASKED_EXPORT_ROWS_PER_DAY``. The sum is taken under a lock on the
  requester's profile row, so two requests at once cannot both take the last rows.
- **approve / refuse** (:func:`export_approve`, :func:`export_refuse`): by a user with
  ``staff.approve_export`` who is not the requester (also a database constraint) and
  whose jurisdiction covers the requester's; a refusal states why. The decision is a
  compare-and-swap on the state (``UPDATE … WHERE state = 'pending'``).
- **download** (:func:`export_download`): by the requester, once, before
  ``valid_until`` (``settings.EXPORT_APPROVAL_VALID_HOURS`` after approval), with the
  right and jurisdiction they asked with; at most the approved number of rows. The state
  moves to ``downloaded`` in the same transaction that writes the file and the access-log
  row: of two downloads at once one gets the file, and a failed write leaves the approval
  usable.

Every step, and every refused step, is appended to the security trail
(``export.request``, ``export.approve``, ``export.refuse``, ``export.download``; the
detail names the approval, list and row count, never the filter or reason, which may
hold a name); the download is also an access-log row (unmasked export) as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, time, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.http import HttpRequest

from jiuye.core import clock, trail
from jiuye.core.errors import JiuyeError
from jiuye.staff.access import AnyUser, Viewer, record_export, viewer_for
from jiuye.staff.models import ExportApproval, ExportState, StaffProfile

logger = logging.getLogger(__name__)

#: The permission of approvers.
APPROVE_PERMISSION = "staff.approve_export"
#: The shortest reason accepted (Chinese: "核发补贴" is four characters).
MIN_REASON = 4


class ApprovalError(JiuyeError):
    """A refused step of an unmasked export; ``message`` is for staff."""

    http_status: ClassVar[int] = 403


class ApprovalInvalid(ApprovalError):
    http_status: ClassVar[int] = 400


class ApprovalNotFound(ApprovalError):
    http_status: ClassVar[int] = 404


class ApprovalConflict(ApprovalError):
    http_status: ClassVar[int] = 409


class ApprovalLimit(ApprovalError):
    http_status: ClassVar[int] = 429


_KINDS: dict[str, type[ApprovalError]] = {
    "no_reason": ApprovalInvalid,
    "no_note": ApprovalInvalid,
    "empty": ApprovalInvalid,
    "too_many_rows": ApprovalInvalid,
    "not_found": ApprovalNotFound,
    "not_pending": ApprovalConflict,
    "not_approved": ApprovalConflict,
    "used": ApprovalConflict,
    "expired": ApprovalConflict,
    "daily_cap": ApprovalLimit,
}


def _refused(
    event: str,
    code: str,
    message: str,
    *,
    actor: Any,
    approval_id: int | None = None,
    request: HttpRequest | None = None,
    detail: Mapping[str, Any] | None = None,
) -> ApprovalError:
    """Append the refusal to the trail (committed: it is not inside the step's
    transaction) and return the error to raise."""
    trail.append(
        event,
        actor=actor,
        object=f"export_approval:{approval_id}" if approval_id else "export_approval",
        outcome="refused",
        request=request,
        detail={"code": code, **(detail or {})},
    )
    return _KINDS.get(code, ApprovalError)(code, message)


def _object(approval: ExportApproval) -> str:
    return f"export_approval:{approval.pk}"


def _detail(approval: ExportApproval) -> dict[str, Any]:
    return {"entity": approval.entity, "rows": approval.row_count}


# ---------------------------------------------------------------- selectors


def can_approve(user: AnyUser) -> bool:
    """Whether the user may decide on requests: the permission and a jurisdiction."""
    if not user.is_authenticated or not user.is_active:
        return False
    has_perm = user.has_perm  # type: ignore[attr-defined]  # both user kinds have it
    return bool(has_perm(APPROVE_PERMISSION)) and viewer_for(user).sees_anything


def day_start(now: datetime) -> datetime:
    """Midnight (Asia/Shanghai) of the day ``now`` falls on: the daily cap's day."""
    local = now.astimezone(clock.SHANGHAI)
    return datetime.combine(local.date(), time.min, tzinfo=clock.SHANGHAI)


def rows_requested_today(user_id: int, now: datetime | None = None) -> int:
    """Unmasked rows the user asked for since midnight, refused requests aside (rows
    stamped after ``now`` count too: another process may have committed first)."""
    total = (
        ExportApproval.objects.filter(
            requester_id=user_id, requested_at__gte=day_start(now or clock.now())
        )
        .exclude(state=ExportState.REFUSED)
        .aggregate(rows=Sum("row_count"))["rows"]
    )
    return int(total or 0)


def requests_of(user: AnyUser) -> QuerySet[ExportApproval]:
    """The user's own requests, newest first."""
    return ExportApproval.objects.filter(requester_id=user.pk).select_related("decided_by")


def pending_for(approver: AnyUser) -> QuerySet[ExportApproval]:
    """Requests the approver may decide: pending, another person's, inside the
    approver's jurisdiction. None for a user who may not approve."""
    if not can_approve(approver):
        return ExportApproval.objects.none()
    prefix = viewer_for(approver).prefix or ""
    return (
        ExportApproval.objects.filter(state=ExportState.PENDING, scope__startswith=prefix)
        .exclude(requester_id=approver.pk)
        .select_related("requester")
        .order_by("requested_at", "id")
    )


def decided_by(approver: AnyUser, limit: int = 20) -> list[ExportApproval]:
    """The approver's latest decisions."""
    return list(
        ExportApproval.objects.filter(decided_by_id=approver.pk)
        .select_related("requester")
        .order_by("-decided_at", "-id")[:limit]
    )


def is_expired(approval: ExportApproval, now: datetime | None = None) -> bool:
    return (
        approval.state == ExportState.APPROVED
        and approval.valid_until is not None
        and approval.valid_until <= (now or clock.now())
    )


# ---------------------------------------------------------------- services


def export_request(
    *,
    requester: Any,
    viewer: Viewer,
    entity: str,
    export_name: str,
    field: str,
    params: Mapping[str, str],
    filters: str,
    row_count: int,
    reason: str,
    request: HttpRequest | None = None,
) -> ExportApproval:
    """Ask for an unmasked export of one filter of one list (see the module docstring);
    raises :class:`ApprovalError` (``no_right``, ``no_reason``, ``empty``,
    ``too_many_rows``, ``daily_cap``)."""
    reason = " ".join(reason.split())[:200]
    cap = settings.EXPORT_MAX_ROWS
    detail = {"entity": entity, "rows": row_count}
    problem: tuple[str, str] | None = None
    if not viewer.full_identity or not field or viewer.prefix is None:
        problem = ("no_right", "您没有查看完整身份证号码的权限，不能申请未脱敏导出。")
    elif len(reason) < MIN_REASON:
        problem = ("no_reason", f"请说明导出事由（至少 {MIN_REASON} 个字），审批人据此决定。")
    elif row_count <= 0:
        problem = ("empty", "本次筛选没有记录，无需导出。")
    elif row_count > cap:
        problem = (
            "too_many_rows",
            f"本次筛选共 {row_count} 条记录，超过单次导出上限 {cap} 条。请缩小筛选范围后再申请。",
        )
    if problem is not None:
        if problem[0] == "too_many_rows":  # logged in the access log, as a plain export is
            record_export(
                viewer_user=requester,
                entity=entity,
                export_name=export_name,
                field=field,
                row_count=row_count,
                filters=filters,
                refused=True,
            )
        raise _refused("export.request", *problem, actor=requester, request=request, detail=detail)
    daily = settings.UNMASKED_EXPORT_ROWS_PER_DAY
    approval: ExportApproval | None = None
    with transaction.atomic():
        list(
            StaffProfile.objects.select_for_update()
            .filter(user_id=requester.pk)
            .values_list("pk", flat=True)
        )
        now = clock.now()
        used = rows_requested_today(requester.pk, now)
        if used + row_count <= daily:
            approval = ExportApproval.objects.create(
                requester=requester,
                scope=viewer.prefix or "",
                entity=entity,
                export_name=export_name,
                field=field,
                params=dict(params),
                filters=filters[:200],
                row_count=row_count,
                reason=reason,
                requested_at=now,
            )
            trail.append(
                "export.request",
                actor=requester,
                object=_object(approval),
                request=request,
                detail={**_detail(approval), "rows_today": used + row_count},
            )
    if approval is None:
        raise _refused(
            "export.request",
            "daily_cap",
            f"您今天已申请未脱敏导出 {used} 行，本次 {row_count} 行，"
            f"超过每人每日 {daily} 行的上限，未提交。请缩小筛选范围，或明天再申请。",
            actor=requester,
            request=request,
            detail={**detail, "rows_today": used},
        )
    logger.info(
        "unmasked export requested: user=%s approval=%s rows=%s",
        requester.pk,
        approval.pk,
        row_count,
    )
    return approval


def _decidable(
    event: str, approval_id: int, approver: Any, request: HttpRequest | None
) -> ExportApproval:
    approval = ExportApproval.objects.filter(pk=approval_id).first()
    prefix = viewer_for(approver).prefix
    if approval is not None and approval.requester_id == approver.pk:
        raise _refused(
            event,
            "own_request",
            "不能审批自己提出的申请：未脱敏导出须由另一名有审批权限的工作人员批准。",
            actor=approver,
            approval_id=approval.pk,
            request=request,
        )
    if not can_approve(approver):
        raise _refused(
            event,
            "no_approver_right",
            "您没有审批未脱敏导出的权限。",
            actor=approver,
            approval_id=approval_id,
            request=request,
        )
    if approval is None or prefix is None or not approval.scope.startswith(prefix):
        raise _refused(
            event,
            "not_found",
            "没有找到该申请（或不在您的辖区内）。",
            actor=approver,
            approval_id=approval_id,
            request=request,
        )
    return approval


def _not_pending(event: str, approval: ExportApproval, approver: Any, request: Any) -> Exception:
    return _refused(
        event,
        "not_pending",
        "该申请已有审批结果，不能重复审批。",
        actor=approver,
        approval_id=approval.pk,
        request=request,
    )


def export_approve(
    *, approval_id: int, approver: Any, request: HttpRequest | None = None
) -> ExportApproval:
    """Approve a pending request of another person in the approver's jurisdiction; the
    file may then be downloaded once within ``settings.EXPORT_APPROVAL_VALID_HOURS``."""
    approval = _decidable("export.approve", approval_id, approver, request)
    now = clock.now()
    valid_until = now + timedelta(hours=settings.EXPORT_APPROVAL_VALID_HOURS)
    return _decide(
        "export.approve",
        approval,
        approver,
        request,
        state=ExportState.APPROVED,
        decided_at=now,
        valid_until=valid_until,
    )


def _decide(
    event: str,
    approval: ExportApproval,
    approver: Any,
    request: HttpRequest | None,
    **fields: Any,
) -> ExportApproval:
    """Move a pending request decided by someone other than its requester to ``fields``
    (once: a second decision finds it no longer pending), appending ``event``."""
    with transaction.atomic():
        changed = (
            ExportApproval.objects.filter(pk=approval.pk, state=ExportState.PENDING)
            .exclude(requester_id=approver.pk)
            .update(decided_by=approver, **fields)
        )
        if changed == 1:
            trail.append(
                event,
                actor=approver,
                object=_object(approval),
                request=request,
                detail={**_detail(approval), "requester": approval.requester_id},
            )
    if changed != 1:
        raise _not_pending(event, approval, approver, request)
    approval.refresh_from_db()
    return approval


def export_refuse(
    *, approval_id: int, approver: Any, note: str, request: HttpRequest | None = None
) -> ExportApproval:
    """Refuse a pending request, saying why; its rows no longer count for the day."""
    approval = _decidable("export.refuse", approval_id, approver, request)
    note = " ".join(note.split())[:200]
    if not note:
        raise _refused(
            "export.refuse",
            "no_note",
            "请填写不予批准的理由，申请人据此修改或补充。",
            actor=approver,
            approval_id=approval.pk,
            request=request,
        )
    return _decide(
        "export.refuse",
        approval,
        approver,
        request,
        state=ExportState.REFUSED,
        decided_at=clock.now(),
        decision_note=note,
    )


def _download_problem(
    approval: ExportApproval | None, viewer: Viewer, now: datetime
) -> tuple[str, str] | None:
    if approval is None:
        return ("not_found", "没有找到该申请。")
    if approval.state == ExportState.DOWNLOADED:
        return ("used", "该审批单的文件已下载过一次，不能再次下载；如需再次导出，请重新申请。")
    if approval.state != ExportState.APPROVED:
        return ("not_approved", "该申请尚未获批准，不能下载。")
    if is_expired(approval, now):
        return ("expired", "该审批已过下载期限，请重新申请。")
    if not viewer.full_identity or viewer.prefix != approval.scope:
        return ("changed", "您的辖区或查看权限已变化，该审批不再有效，请重新申请。")
    return None


def export_download(
    *,
    approval_id: int,
    user: Any,
    write: Callable[[ExportApproval], int],
    request: HttpRequest | None = None,
) -> tuple[ExportApproval, int]:
    """Use an approval once: ``write(approval)`` writes the file (at most
    ``approval.row_count`` rows) and returns its row count, inside the transaction that
    marks the approval downloaded and writes the access-log row."""
    approval = ExportApproval.objects.filter(pk=approval_id, requester_id=user.pk).first()
    now = clock.now()
    problem = _download_problem(approval, viewer_for(user), now)
    if problem is not None or approval is None:
        code, message = problem or ("not_found", "")
        raise _refused(
            "export.download", code, message, actor=user, approval_id=approval_id, request=request
        )
    count = 0
    with transaction.atomic():
        taken = ExportApproval.objects.filter(
            pk=approval.pk, state=ExportState.APPROVED, valid_until__gt=now
        ).update(state=ExportState.DOWNLOADED, downloaded_at=now)
        if taken == 1:
            count = write(approval)
            ExportApproval.objects.filter(pk=approval.pk).update(downloaded_rows=count)
            approver = approval.decided_by
            record_export(
                viewer_user=user,
                entity=approval.entity,
                export_name=approval.export_name,
                field=approval.field,
                row_count=count,
                filters=approval.filters,
                note=(
                    f"审批单 {approval.pk}（{approver.get_username() if approver else ''} 批准）"
                    f"；事由：{approval.reason}"
                ),
                now=now,
            )
            trail.append(
                "export.download",
                actor=user,
                object=_object(approval),
                request=request,
                detail={**_detail(approval), "written": count},
            )
    if taken != 1:
        raise _refused(
            "export.download",
            "used",
            "该审批单的文件已下载过一次，不能再次下载；如需再次导出，请重新申请。",
            actor=user,
            approval_id=approval.pk,
            request=request,
        )
    approval.refresh_from_db()
    return approval, count
