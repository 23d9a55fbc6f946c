"""Read-only admin classes of core's two histories: the change history (every row written
by ``jiuye.core.audit``) and the security audit trail (``jiuye.core.trail``).

Core sits below the staff app, so the audit administrator's site
(:mod:`jiuye.staff.sites`) registers them (:mod:`jiuye.staff.admin`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiuye.core.models import AuditEvent, ChangeLog


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ChangeLogAdmin(_ReadOnly, admin.ModelAdmin[ChangeLog]):
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


class AuditEventAdmin(_ReadOnly, admin.ModelAdmin[AuditEvent]):
    list_display = ("at", "event", "actor_label", "object", "outcome", "source_address")
    list_filter = ("event", "outcome", "at")
    search_fields = ("actor_label", "object", "event")
    date_hierarchy = "at"
    readonly_fields = (
        "at",
        "actor",
        "actor_label",
        "event",
        "object",
        "outcome",
        "source_address",
        "detail",
    )
