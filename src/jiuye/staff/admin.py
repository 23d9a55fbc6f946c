"""The administrators' screens (三权分立), each on its role's own site
(:mod:`jiuye.staff.sites`):

- system (``/admin/system/``): accounts (create, edit, disable, reset a password: the
  owner must change it at the next sign-in; disabling ends every session), jurisdictions,
  divisions; the registry's rates and the portal's content register themselves there;
- security (``/admin/security/``): roles and other groups of each account (one role at
  most), the full-identity right, lockouts (unlock), sessions (end), second factors
  (reset: the owner enrols again); every change is audited;
- audit (``/admin/audit/``): the audit trail, the change history and the sensitive-access
  log, read only.
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuye.core import trail
from jiuye.core.admin import AuditEventAdmin, ChangeLogAdmin
from jiuye.core.errors import JiuyeError
from jiuye.core.models import AuditEvent, ChangeLog
from jiuye.geo.admin import DivisionAdmin
from jiuye.geo.models import Division
from jiuye.staff import lockouts, passwords, roles, sessions, twofactor
from jiuye.staff.access import access_outcome
from jiuye.staff.models import SensitiveAccessLog, StaffProfile, StaffSession
from jiuye.staff.sites import audit_site, security_site, system_site

User = get_user_model()


class ReadOnly:
    """An admin that shows rows and changes nothing."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# ---------------------------------------------------------------- system administrator


@admin.register(User, site=system_site)
class AccountAdmin(UserAdmin):  # type: ignore[type-arg]
    """Accounts: no groups, rights or superuser flag here (those are the security
    administrator's)."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email")}),
        ("状态", {"fields": ("is_active", "is_staff")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "first_name", "is_active", "last_login")
    list_filter = ("is_active",)
    filter_horizontal = ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        disabled = change and "is_active" in form.changed_data and not obj.is_active
        if not change:
            obj.is_staff = True
        super().save_model(request, obj, form, change)
        trail.append(
            "account.change" if change else "account.create",
            actor=request.user,
            object=f"user:{obj.pk}",
            request=request,
            detail={"fields": sorted(form.changed_data)},
        )
        if not change and obj.has_usable_password():
            passwords.require_change(obj)
        if disabled:
            sessions.end_all(obj, reason="disabled", actor=request.user, request=request)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """A password set by the administrator: the owner changes it at next sign-in, and
        the sessions opened with the old one end."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            passwords.require_change(user)
            trail.append(
                "account.password_reset", actor=request.user, object=f"user:{id}", request=request
            )
            sessions.end_all(user, reason="password_reset", actor=request.user, request=request)
        return response


@admin.register(StaffProfile, site=system_site)
class JurisdictionAdmin(admin.ModelAdmin[StaffProfile]):
    """Jurisdictions are the system administrator's; the right is the security one's."""

    list_display = ("user", "division", "can_view_full_identity")
    list_filter = ("can_view_full_identity",)
    search_fields = ("user__username", "user__first_name", "division__code", "division__name")
    autocomplete_fields = ("user",)
    raw_id_fields = ("division",)
    readonly_fields = ("can_view_full_identity",)


system_site.register(Division, DivisionAdmin)


# ---------------------------------------------------------------- security administrator


class GroupsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ["groups"]

    def clean_groups(self) -> Any:
        groups = self.cleaned_data["groups"]
        try:
            roles.check_one_role(group.name for group in groups)
        except JiuyeError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return groups


@admin.register(User, site=security_site)
class AccessRightsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Each account's roles and groups, its sessions, lockout and second factor."""

    form = GroupsForm
    fields = ("username", "first_name", "is_active", "last_login", "groups")
    readonly_fields = ("username", "first_name", "is_active", "last_login")
    filter_horizontal = ("groups",)
    list_display = ("username", "first_name", "is_active", "role", "enrolled")
    list_filter = ("groups", "is_active")
    search_fields = ("username", "first_name")
    ordering = ("username",)
    actions = ("end_sessions", "reset_second_factor", "unlock")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="管理员角色")
    def role(self, obj: Any) -> str:
        held = roles.role_of(obj)
        return held.value if held else "—"

    @admin.display(description="已绑定身份验证器", boolean=True)
    def enrolled(self, obj: Any) -> bool:
        return twofactor.is_enrolled(obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # through the service: one role at most, and the change is audited
        roles.set_groups(
            user=form.instance,
            groups=form.cleaned_data["groups"],
            actor=request.user,
            request=request,
        )

    @admin.action(description="结束所选账号的全部会话")
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        ended = sum(
            sessions.end_all(user, reason="killed", actor=request.user, request=request)
            for user in queryset
        )
        self.message_user(request, f"已结束 {ended} 个会话。", messages.SUCCESS)

    @admin.action(description="重置所选账号的身份验证器（下次登录时重新绑定）")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for user in queryset:
            twofactor.reset(user)
            trail.append(
                "auth.otp_reset", actor=request.user, object=f"user:{user.pk}", request=request
            )
            sessions.end_all(user, reason="otp_reset", actor=request.user, request=request)
        self.message_user(request, "已重置，相关会话已结束。", messages.SUCCESS)

    @admin.action(description="解除所选账号的登录锁定")
    def unlock(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for user in queryset:
            lockouts.unlock(user.get_username(), actor=request.user, request=request)
        self.message_user(request, "已解除锁定。", messages.SUCCESS)


@admin.register(Group, site=security_site)
class RoleGroupAdmin(admin.ModelAdmin[Group]):
    """Groups; the three role groups keep their names (the roles are defined in code)."""

    fields = ("name",)
    search_fields = ("name",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("name",) if obj is not None and obj.name in roles.ROLE_NAMES else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StaffProfile, site=security_site)
class RightAdmin(admin.ModelAdmin[StaffProfile]):
    """The full-identity right of each jurisdiction (audited as ``right.change``)."""

    list_display = ("user", "division", "can_view_full_identity")
    list_filter = ("can_view_full_identity",)
    search_fields = ("user__username", "user__first_name", "division__code")
    fields = ("user", "division", "can_view_full_identity")
    readonly_fields = ("user", "division")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "can_view_full_identity" in form.changed_data:
            trail.append(
                "right.change",
                actor=request.user,
                object=f"user:{obj.user_id}",
                request=request,
                detail={"can_view_full_identity": obj.can_view_full_identity},
            )


@admin.register(StaffSession, site=security_site)
class StaffSessionAdmin(ReadOnly, admin.ModelAdmin[StaffSession]):
    """Signed-in sessions; deleting ends the user's sessions on the server."""

    list_display = ("user", "started_at", "source_address")
    list_filter = ("started_at",)
    search_fields = ("user__username",)
    actions = ("end_sessions",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request) and request.user.has_perm(
            "staff.delete_staffsession"
        )

    def get_actions(self, request: HttpRequest) -> Any:
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found

    def delete_model(self, request: HttpRequest, obj: StaffSession) -> None:
        sessions.end_all(obj.user, reason="killed", actor=request.user, request=request)

    @admin.action(description="结束所选会话所属账号的全部会话", permissions=["delete"])
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[StaffSession]) -> None:
        users = {row.user_id: row.user for row in queryset.select_related("user")}
        ended = sum(
            sessions.end_all(user, reason="killed", actor=request.user, request=request)
            for user in users.values()
        )
        self.message_user(request, f"已结束 {ended} 个会话。", messages.SUCCESS)


@admin.register(AccessAttempt, site=security_site)
class LockoutAdmin(ReadOnly, admin.ModelAdmin[AccessAttempt]):
    """Failed sign-ins counted by django-axes; unlocking removes an account's count."""

    list_display = ("username", "ip_address", "failures_since_start", "attempt_time")
    search_fields = ("username", "ip_address")
    fields = ("username", "ip_address", "failures_since_start", "attempt_time", "path_info")
    actions = ("unlock",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request) and request.user.has_perm(
            "axes.delete_accessattempt"
        )

    def get_actions(self, request: HttpRequest) -> Any:
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found

    def delete_model(self, request: HttpRequest, obj: AccessAttempt) -> None:
        lockouts.unlock(obj.username or "", actor=request.user, request=request)

    @admin.action(description="解除所选账号的登录锁定", permissions=["delete"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        names = sorted({row.username for row in queryset if row.username})
        for username in names:
            lockouts.unlock(username, actor=request.user, request=request)
        self.message_user(request, f"已解除 {len(names)} 个账号的锁定。", messages.SUCCESS)


class DeviceAdmin(ReadOnly, admin.ModelAdmin[Any]):
    """Second-factor devices (the secret is never shown); deleting one resets the
    owner's second factor: they enrol again at the next sign-in."""

    list_display = ("user", "name", "confirmed", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        opts = self.model._meta
        return self.admin_site.has_permission(request) and request.user.has_perm(
            f"{opts.app_label}.delete_{opts.model_name}"
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        user = obj.user
        super().delete_model(request, obj)
        trail.append(
            "auth.otp_reset", actor=request.user, object=f"user:{user.pk}", request=request
        )
        sessions.end_all(user, reason="otp_reset", actor=request.user, request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


security_site.register(TOTPDevice, DeviceAdmin)
security_site.register(StaticDevice, DeviceAdmin)


# ---------------------------------------------------------------- audit administrator


@admin.register(SensitiveAccessLog, site=audit_site)
class SensitiveAccessLogAdmin(ReadOnly, admin.ModelAdmin[SensitiveAccessLog]):
    """The access log: an export reads 导出名单 with 未脱敏 ticked or not, never
    "未脱敏" for a masked file."""

    list_display = (
        "at",
        "actor",
        "action",
        "entity",
        "object_id",
        "field",
        "export_name",
        "row_count",
        "unmasked",
        "outcome_text",
        "filters",
        "reason",
    )
    list_filter = (
        "action",
        "outcome",
        "unmasked",
        "entity",
        ("actor", admin.RelatedOnlyFieldListFilter),
        "at",
    )
    date_hierarchy = "at"
    search_fields = ("actor__username",)

    @admin.display(description="结果")
    def outcome_text(self, obj: SensitiveAccessLog) -> str:
        return access_outcome(obj)


audit_site.register(ChangeLog, ChangeLogAdmin)
audit_site.register(AuditEvent, AuditEventAdmin)
