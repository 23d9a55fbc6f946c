"""Jurisdiction and sensitive-data rights of staff: the one place every registry view and
export asks what the signed-in user may see.

A staff member sees the subtree of the division on their ``StaffProfile``: codes are
hierarchical (GB/T 2260 and the statistical codes), so the subtree is every division
whose code starts with the profile division's significant prefix — 2 digits for a
province, 4 for a city, 6 for a county, 9 for a township, 12 for a community. A user
without a profile (even a superuser) sees nothing, never everything.

Full identity numbers are shown only to profiles with ``can_view_full_identity``, one
record at a time on request, and every such look is logged (``SensitiveAccessLog``)
without the value itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import Q, QuerySet

from jiuye.geo.models import Division, DivisionLevel
from jiuye.identity import mask_resident_id
from jiuye.registry.models import AccessAction, SensitiveAccessLog, StaffProfile

logger = logging.getLogger(__name__)

ModelT = TypeVar("ModelT", bound=models.Model)
AnyUser = AbstractBaseUser | AnonymousUser

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


NOBODY = Viewer(prefix=None)


def viewer_for(user: AnyUser) -> Viewer:
    if not user.is_authenticated or not user.is_active:
        return NOBODY
    profile = (StaffProfile.objects.select_related("division")
               .filter(user_id=user.pk).first())
    if profile is None:
        return NOBODY
    return Viewer(prefix=subtree_prefix(profile.division), division=profile.division,
                  full_identity=profile.can_view_full_identity)


def visible_divisions(user: AnyUser) -> QuerySet[Division]:
    """Every division (of every vintage) in the user's jurisdiction; none without a profile."""
    prefix = viewer_for(user).prefix
    if prefix is None:
        return Division.objects.none()
    return Division.objects.filter(code__startswith=prefix)


def scoped(queryset: QuerySet[ModelT], viewer: Viewer,
           path: str = "division") -> QuerySet[ModelT]:
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


def record_reveal(*, viewer_user: Any, entity: str, object_id: int, field: str,
                  reason: str) -> SensitiveAccessLog:
    """Log that a user saw one field of one record in full (the value is never written)."""
    row = SensitiveAccessLog.objects.create(
        actor=viewer_user, action=AccessAction.REVEAL, entity=entity, object_id=object_id,
        field=field, reason=reason[:200])
    logger.info("sensitive reveal: user=%s entity=%s id=%s field=%s log=%s",
                viewer_user.pk, entity, object_id, field, row.pk)
    return row


def record_export(*, viewer_user: Any, entity: str, export_name: str, field: str,
                  row_count: int) -> SensitiveAccessLog:
    """Log an export that carried full identity numbers (the numbers are never written)."""
    row = SensitiveAccessLog.objects.create(
        actor=viewer_user, action=AccessAction.EXPORT, entity=entity, field=field,
        export_name=export_name, row_count=row_count)
    logger.info("sensitive export: user=%s export=%s rows=%s log=%s",
                viewer_user.pk, export_name, row_count, row.pk)
    return row
