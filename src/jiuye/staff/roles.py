"""The three administrator roles (三权分立) and what each may do.

Each role is a Django group and has its own admin site (:mod:`jiuye.staff.sites`):

- 系统管理员 (system administrator, ``/admin/system/``): accounts (create, edit,
  disable, reset a password), jurisdictions, divisions and reference data (rates,
  offices, guides, slots);
- 安全管理员 (security administrator, ``/admin/security/``): roles and group
  membership, rights (``can_view_full_identity``), lockouts, sessions and second
  factors;
- 审计管理员 (audit administrator, ``/admin/audit/``): reads the audit trail, the change
  history and the sensitive-access log, nothing else.

No account holds two of them: :func:`check_one_role` refuses it in forms and services,
and a database trigger (migration ``0004_one_administrator_role``) refuses any insert or
update of ``auth_user_groups`` that would break it, whatever the path.

What each role may do in its site is the table :data:`ROLE_PERMISSIONS`, answered by
:class:`RolePermissionBackend` (Django's ``has_perm``), so the admin's own checks (a
read-only admin still refuses changes) stay in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import transaction

from jiuye.core import trail
from jiuye.core.errors import JiuyeError

AnyUser = AbstractBaseUser | AnonymousUser


class Role(StrEnum):
    """An administrator role; the value is its group's name."""

    SYSTEM = "系统管理员"
    SECURITY = "安全管理员"
    AUDIT = "审计管理员"


ROLE_NAMES: frozenset[str] = frozenset(role.value for role in Role)

#: What each role may do, as Django permissions (``app_label.action_model``).
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.SYSTEM: frozenset(
        {
            *(f"auth.{a}_user" for a in ("view", "add", "change")),
            *(f"staff.{a}_staffprofile" for a in ("view", "add", "change", "delete")),
            *(f"geo.{a}_division" for a in ("view", "add", "change")),
            *(f"registry.{a}_unemploymentrate" for a in ("view", "add", "change", "delete")),
            *(f"portal.{a}_{m}" for a in ("view", "add", "change") for m in ("guide", "office")),
            *(f"portal.{a}_slot" for a in ("view", "add", "change", "delete")),
            # the checklist of a guide's materials (issue 11 §2)
            *(f"portal.{a}_guideitem" for a in ("view", "add", "change", "delete")),
            # review chains as data (issue 11): set from a date, never edited on open cases
            *(
                f"casework.{a}_{m}"
                for a in ("view", "add", "change")
                for m in ("reviewchain", "chainstep", "reviewrole")
            ),
            "casework.delete_chainstep",
            # bank file layouts of payment batches (issue 12): a new bank without code
            *(f"payments.{a}_banklayout" for a in ("view", "add", "change")),
        }
    ),
    Role.SECURITY: frozenset(
        {
            "auth.view_user",
            "auth.change_user",
            *(f"auth.{a}_group" for a in ("view", "add", "change")),
            "staff.view_staffprofile",
            "staff.change_staffprofile",
            "staff.view_staffsession",
            "staff.delete_staffsession",
            "axes.view_accessattempt",
            "axes.delete_accessattempt",
            "otp_totp.view_totpdevice",
            "otp_totp.delete_totpdevice",
            "otp_static.view_staticdevice",
            "otp_static.delete_staticdevice",
        }
    ),
    Role.AUDIT: frozenset(
        {
            "core.view_auditevent",
            "core.view_changelog",
            "staff.view_sensitiveaccesslog",
        }
    ),
}


class RoleConflict(JiuyeError):
    """An account would hold two administrator roles."""

    http_status: ClassVar[int] = 409


#: Where :func:`role_of` keeps its answer on a user object (one query per request).
_CACHE = "_jiuye_role"


def role_of(user: AnyUser) -> Role | None:
    """The administrator role the user holds (None: none, or not signed in)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if hasattr(user, _CACHE):
        cached: Role | None = getattr(user, _CACHE)
        return cached
    names = set(
        Group.objects.filter(user__pk=user.pk, name__in=ROLE_NAMES).values_list("name", flat=True)
    )
    role = Role(names.pop()) if len(names) == 1 else None  # two cannot be stored
    setattr(user, _CACHE, role)
    return role


def forget_role(user: Any) -> None:
    """Drop the answer :func:`role_of` kept on ``user`` (after a change of groups)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def holds(user: AnyUser, role: Role) -> bool:
    """Whether the user holds ``role`` (an active account; superusers are not special)."""
    return role_of(user) is role


def check_one_role(group_names: Iterable[str]) -> None:
    """Refuse a set of groups that holds more than one administrator role."""
    roles = sorted(set(group_names) & ROLE_NAMES)
    if len(roles) > 1:
        raise RoleConflict(
            "one_role",
            "三权分立：同一账号只能担任一个管理员角色（系统管理员、安全管理员、审计管理员），"
            f"不能同时担任{'和'.join(roles)}。",
            extra={"roles": roles},
        )


def role_group(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=role.value)
    return group


def ensure_role_groups() -> list[Group]:
    """The three role groups (created when missing)."""
    return [role_group(role) for role in Role]


@transaction.atomic
def set_groups(
    *, user: Any, groups: Iterable[Group], actor: Any = None, request: Any = None
) -> tuple[list[str], list[str]]:
    """Replace the user's groups (refused if two roles), audited as ``role.change``.

    Returns the names added and removed.
    """
    _lock(user)
    wanted = {group.pk: group for group in groups}
    check_one_role(group.name for group in wanted.values())
    current = {group.pk: group for group in user.groups.all()}
    added = sorted(wanted[pk].name for pk in wanted.keys() - current.keys())
    removed = sorted(current[pk].name for pk in current.keys() - wanted.keys())
    user.groups.remove(*(current[pk] for pk in current.keys() - wanted.keys()))
    user.groups.add(*(wanted[pk] for pk in wanted.keys() - current.keys()))
    forget_role(user)
    if added or removed:
        trail.append(
            "role.change",
            actor=actor,
            object=f"user:{user.pk}",
            request=request,
            detail={"added": added, "removed": removed},
        )
    return added, removed


def _lock(user: Any) -> None:
    """One change of an account's groups at a time: two at once, the second waits."""
    type(user).objects.select_for_update().filter(pk=user.pk).first()


@transaction.atomic
def assign_role(*, user: Any, role: Role, actor: Any = None, request: Any = None) -> None:
    """Give the user ``role`` besides their other groups (refused if they hold another
    role, read after locking the account)."""
    _lock(user)
    set_groups(
        user=user,
        groups=[*user.groups.exclude(name=role.value), role_group(role)],
        actor=actor,
        request=request,
    )


class RolePermissionBackend:
    """Answers ``has_perm`` from :data:`ROLE_PERMISSIONS`; authenticates nobody.

    Listed after ModelBackend in ``AUTHENTICATION_BACKENDS``. Permissions matter only
    inside a role's own admin site, which checks the role first.
    """

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        role = role_of(user_obj)
        return role is not None and perm in ROLE_PERMISSIONS[role]

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        role = role_of(user_obj)
        return role is not None and any(
            perm.startswith(f"{app_label}.") for perm in ROLE_PERMISSIONS[role]
        )
