"""The three administrators' own admin sites (三权分立), one per role.

``/admin/system/`` (系统管理员), ``/admin/security/`` (安全管理员) and
``/admin/audit/`` (审计管理员). A site opens only to an active account holding its role
and signed in with its second factor; anyone else is sent to sign in (not signed in) or
refused with 403 (signed in, another role or none). Superusers are not special: the
superuser is for installation only (``JIUYE_SUPERUSER_LOGIN``). Django's default site
is not mounted.

Models are registered on these sites by the apps' ``admin.py`` (core's and geo's admin
classes by :mod:`jiuye.staff.admin`, since those apps sit below staff).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from jiuye.staff.roles import Role, holds
from jiuye.staff.sessions import end_request_session
from jiuye.staff.twofactor import is_verified


class RoleAdminSite(admin.AdminSite):
    """An admin site for the holders of one administrator role."""

    role: Role
    site_url = "/workbench/"

    def __init__(self, role: Role, name: str, title: str) -> None:
        super().__init__(name=name)
        self.role = role
        self.site_header = f"松原市公共就业服务 · {title}"
        self.site_title = title
        self.index_title = title

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            user.is_authenticated
            and user.is_active
            and is_verified(user)
            and holds(user, self.role)
        )

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """No sign-in form of its own: the staff sign-in (two factors), or 403."""
        if request.user.is_authenticated and is_verified(request.user):
            if self.has_permission(request):
                return redirect(reverse("admin:index", current_app=self.name))
            raise PermissionDenied(f"此页面仅供{self.role.value}使用。")
        return redirect_to_login(request.GET.get("next") or request.get_full_path())

    def logout(  # type: ignore[override]
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        """The admin's sign-out button: the staff sign-out (the session ends on the server)."""
        if request.method == "POST" and request.user.is_authenticated:
            end_request_session(request, reason="logout", user_id=request.user.pk)
            return redirect(settings.LOGOUT_REDIRECT_URL)
        return redirect(reverse("admin:index", current_app=self.name))

    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        return redirect("password_change")


system_site = RoleAdminSite(Role.SYSTEM, "system_admin", "系统管理")
security_site = RoleAdminSite(Role.SECURITY, "security_admin", "安全管理")
audit_site = RoleAdminSite(Role.AUDIT, "audit_admin", "安全审计")

#: Every role's site, by role.
SITES: dict[Role, RoleAdminSite] = {
    Role.SYSTEM: system_site,
    Role.SECURITY: security_site,
    Role.AUDIT: audit_site,
}
