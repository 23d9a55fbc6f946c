"""Jurisdiction and sensitive-data rights of staff: the one place every registry view and
export asks what the signed-in user may see.

A staff member sees the subtree of the division on their ``StaffProfile``: codes are
hierarchical (GB/T 2260 and the statistical codes), so the subtree is every division
whose code starts with the profile division's significant prefix — 2 digits for a
province, 4 for a city, 6 for a county, 9 for a township, 12 for a community. A user
without a profile (even a superuser) sees nothing, never everything.

Full identity numbers are shown only to profiles with ``can_view_full_identity``, one
record at a time on request, at most ``settings.REVEAL_LIMIT_PER_HOUR`` in any 60
minutes, and every such look (and every refusal) is logged (``SensitiveAccessLog``)
without the value itself. Every .xlsx export of a staff list is logged as well, masked
or not. Each look and each export (and each refusal) is also a row of the security
audit trail (:func:`jiuye.core.trail.append`, "access.reveal", "access.export"). The
same right opens the sensitive attributes (disability, household difficulty
categories, difficulty certification): see :attr:`Viewer.sees_sensitive`.

How a log row reads: ``outcome`` is ``shown`` or ``refused`` (the hourly reveal limit,
an export over ``settings.EXPORT_MAX_ROWS``); ``unmasked`` says whether full values were
shown or exported (``field`` names them, "" for a masked file); ``filters`` holds an
export's filter and ``row_count`` the rows it matched (1 for a reveal shown, 0 refused,
as before); ``reason`` keeps the words staff read (a refusal's begins with
:data:`REFUSED`).

Python log lines name users, records and log rows by id, never a value.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from jiuye.core import clock, trail
from jiuye.core.errors import JiuyeError
from jiuye.geo.models import Division, DivisionLevel
from jiuye.identity import mask_resident_id
from jiuye.staff.models import AccessAction, AccessOutcome, SensitiveAccessLog, StaffProfile
from jiuye.staff.roles import Role, holds

logger = logging.getLogger(__name__)

ModelT = TypeVar("ModelT", bound=models.Model)
AnyUser = AbstractBaseUser | AnonymousUser

#: The holders of this role read the access log (and the audit trail); nobody else.
AUDIT_GROUP = Role.AUDIT.value
#: The period over which ``settings.REVEAL_LIMIT_PER_HOUR`` counts shown numbers.
REVEAL_WINDOW = timedelta(hours=1)
#: How the reason of a refused export begins.
REFUSED = "已拒绝"


class AccessCode(StrEnum):
    """Why a look at sensitive data is refused."""

    REVEAL_LIMIT = "reveal_limit"


class AccessRefused(JiuyeError):
    """A look at sensitive data that was refused (and logged); ``message`` is for staff."""

    http_status: ClassVar[int] = 403


#: Significant digits of a division code at each level.
PREFIX_LENGTH: dict[int, int] = {
    DivisionLevel.PROVINCE: 2,
    DivisionLevel.CITY: 4,
    DivisionLevel.COUNTY: 6,
    DivisionLevel.TOWNSHIP: 9,
    DivisionLevel.VILLAGE: 12,
}


def subtree_prefix(division: Division) -> str:
    """The code prefix shared by a division and everything under it.

    >>> subtree_prefix(Division(code="220700", level=DivisionLevel.CITY))
    '2207'
    >>> subtree_prefix(Division(code="220702001", level=DivisionLevel.TOWNSHIP))
    '220702001'
    """
    return division.code[: PREFIX_LENGTH.get(division.level, len(division.code))]


@dataclass(frozen=True)
class Viewer:
    """What one signed-in user may see: a code prefix (None: nothing) and a right."""

    prefix: str | None
    division: Division | None = None
    full_identity: bool = False

    @property
    def sees_anything(self) -> bool:
        return self.prefix is not None

    @property
    def sees_sensitive(self) -> bool:
        """Whether disability, difficulty categories and certifications are shown.

        The rule: only with the full-identity right, and only inside the jurisdiction
        (a community worker granted it sees their community; county or city staff
        their subtree). Without it these read 已隐藏 on pages and in exports.
        """
        return self.prefix is not None and self.full_identity


NOBODY = Viewer(prefix=None)


def viewer_for(user: AnyUser) -> Viewer:
    if not user.is_authenticated or not user.is_active:
        return NOBODY
    profile = StaffProfile.objects.select_related("division").filter(user_id=user.pk).first()
    if profile is None:
        return NOBODY
    return Viewer(
        prefix=subtree_prefix(profile.division),
        division=profile.division,
        full_identity=profile.can_view_full_identity,
    )


def visible_divisions(user: AnyUser) -> QuerySet[Division]:
    """Every division (of every vintage) in the user's jurisdiction; none without a profile."""
    prefix = viewer_for(user).prefix
    if prefix is None:
        return Division.objects.none()
    return Division.objects.filter(code__startswith=prefix)


def scoped(queryset: QuerySet[ModelT], viewer: Viewer, path: str = "division") -> QuerySet[ModelT]:
    """Only the rows whose division (at ``path``) lies in the viewer's subtree."""
    if viewer.prefix is None:
        return queryset.none()
    return queryset.filter(**{f"{path}__code__startswith": viewer.prefix})


def area_filter(viewer: Viewer, code: str, path: str = "division") -> Q | None:
    """A narrower area the viewer picked from a list; ``None`` if it is not theirs."""
    if viewer.prefix is None or not code.isdigit() or not code.startswith(viewer.prefix):
        return None
    division = Division.objects.filter(code=code).order_by("-vintage").first()
    if division is None:
        return None
    prefix = subtree_prefix(division)
    if not prefix.startswith(viewer.prefix):
        return None
    return Q(**{f"{path}__code__startswith": prefix})


def shown_resident_id(number: str, revealed: bool = False) -> str:
    """The number as a page or an export shows it: masked unless revealed."""
    return number if revealed else mask_resident_id(number)


def can_audit(user: AnyUser) -> bool:
    """Whether the user may read the audit trail and the access log: the holders of the
    audit administrator's role (:mod:`jiuye.staff.roles`), superusers not included."""
    return holds(user, Role.AUDIT)


def reveals_used(user_id: int, now: datetime) -> int:
    """Full numbers the user was shown in the 60 minutes before ``now`` (refusals aside).

    Rows stamped after ``now`` count too: another process may have taken its time a
    moment later and committed first.
    """
    return SensitiveAccessLog.objects.filter(
        actor_id=user_id,
        action=AccessAction.REVEAL,
        at__gt=now - REVEAL_WINDOW,
        outcome=AccessOutcome.SHOWN,
    ).count()


def record_reveal(
    *,
    viewer_user: Any,
    entity: str,
    object_id: int,
    field: str,
    reason: str,
    now: datetime | None = None,
) -> SensitiveAccessLog:
    """Log that a user is shown one field of one record in full (the value is never
    written); beyond the hourly limit, log the refusal and raise :class:`AccessRefused`.

    The count is taken under a lock on the user's profile row, so two requests at once
    (in two processes) cannot both take the last place.
    """
    now = now or clock.now()
    limit = settings.REVEAL_LIMIT_PER_HOUR
    with transaction.atomic():
        list(
            StaffProfile.objects.select_for_update()
            .filter(user_id=viewer_user.pk)
            .values_list("pk", flat=True)
        )
        allowed = reveals_used(viewer_user.pk, now) < limit
        if not allowed:
            reason = f"{REFUSED}（超出每小时 {limit} 个的上限）：{reason}"
        row = SensitiveAccessLog.objects.create(
            actor=viewer_user,
            action=AccessAction.REVEAL,
            entity=entity,
            object_id=object_id,
            field=field,
            reason=reason[:200],
            row_count=1 if allowed else 0,
            at=now,
            outcome=AccessOutcome.SHOWN if allowed else AccessOutcome.REFUSED,
            unmasked=allowed,
        )
        trail.append(
            "access.reveal",
            actor=viewer_user,
            object=f"{entity}:{object_id}",
            outcome="ok" if allowed else "refused",
            detail={"field": field, "access_log": row.pk},
        )
    if allowed:
        logger.info(
            "sensitive reveal: user=%s entity=%s id=%s field=%s log=%s",
            viewer_user.pk,
            entity,
            object_id,
            field,
            row.pk,
        )
        return row
    logger.warning(
        "sensitive reveal refused at the hourly limit %s: user=%s entity=%s id=%s log=%s",
        limit,
        viewer_user.pk,
        entity,
        object_id,
        row.pk,
    )
    raise AccessRefused(
        "reveal_limit",
        gettext(
            "您最近 1 小时内已查看 {limit} 个完整身份证号码，达到上限，本次未显示（已记录）。"
            "请稍后再试；确需批量核对的，请联系系统管理员。"
        ).format(limit=limit),
    )


def record_export(
    *,
    viewer_user: Any,
    entity: str,
    export_name: str,
    field: str,
    row_count: int,
    filters: str = "",
    refused: bool = False,
    now: datetime | None = None,
    note: str = "",
) -> SensitiveAccessLog:
    """Log one export of a staff list: who, which list, the filter, how many rows, and
    whether unmasked (``field`` names what it carried in full, "" when masked).

    A refused export (too many rows) is logged too. Neither the rows nor the filter's
    text reach the Python log: a search may hold a name. ``note`` leads the reason (an
    unmasked export names its approval).
    """
    reason = f"{note}；筛选：{filters or '无'}" if note else f"筛选：{filters or '无'}"
    if refused:
        reason = (
            f"{REFUSED}（{row_count} 行，超过导出上限 {settings.EXPORT_MAX_ROWS} 行）；{reason}"
        )
    row = SensitiveAccessLog.objects.create(
        actor=viewer_user,
        action=AccessAction.EXPORT,
        entity=entity,
        field=field,
        export_name=export_name,
        row_count=row_count,
        reason=reason[:200],
        filters=filters[:200],
        unmasked=bool(field) and not refused,
        outcome=AccessOutcome.REFUSED if refused else AccessOutcome.SHOWN,
        at=now or clock.now(),
    )
    trail.append(
        "access.export",
        actor=viewer_user,
        object=f"{entity}:{export_name}",
        outcome="refused" if refused else "ok",
        detail={"field": field, "rows": row_count, "unmasked": row.unmasked, "access_log": row.pk},
    )
    logger.info(
        "registry export: user=%s export=%s rows=%s unmasked=%s refused=%s log=%s",
        viewer_user.pk,
        export_name,
        row_count,
        bool(field),
        refused,
        row.pk,
    )
    return row


def access_outcome(row: SensitiveAccessLog) -> str:
    """What a log row records, in words (from its outcome and unmasked columns)."""
    if row.action == AccessAction.REVEAL:
        return (
            "未显示（超出每小时上限）" if row.outcome == AccessOutcome.REFUSED else "已显示完整号码"
        )
    if row.outcome == AccessOutcome.REFUSED:
        return "已拒绝（超出导出行数上限）"
    return "未脱敏导出" if row.unmasked else "已脱敏导出"
