"""The change history in the admin: read-only, every row written by ``jiuye.core.audit``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiuye.core.models import ChangeLog


@admin.register(ChangeLog)
class ChangeLogAdmin(admin.ModelAdmin[ChangeLog]):
    list_display = ("at", "entity", "object_id", "action", "source", "actor")
    list_filter = ("entity", "action", "source")
    readonly_fields = (
        "entity",
        "object_id",
        "object_id_last",
        "action",
        "source",
        "actor",
        "changes",
        "at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
