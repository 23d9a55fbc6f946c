"""Jurisdictions (assigned by the administrator) and the access log (read-only, for
superusers and the 审计 group, as /registry/access-log/)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiuye.staff.access import access_outcome, can_audit
from jiuye.staff.models import SensitiveAccessLog, StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin[StaffProfile]):
    """Jurisdictions are reference data: the administrator assigns them here."""

    list_display = ("user", "division", "can_view_full_identity")
    list_filter = ("can_view_full_identity",)
    search_fields = ("user__username", "user__first_name", "division__code", "division__name")
    autocomplete_fields = ("user",)
    raw_id_fields = ("division",)


@admin.register(SensitiveAccessLog)
class SensitiveAccessLogAdmin(admin.ModelAdmin[SensitiveAccessLog]):
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

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_audit(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_audit(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="结果")
    def outcome_text(self, obj: SensitiveAccessLog) -> str:
        return access_outcome(obj)
