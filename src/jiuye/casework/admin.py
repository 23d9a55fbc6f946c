"""Review chains and roles are set in the system administrator's site; cases are read
(never edited) in the audit administrator's site."""

from __future__ import annotations

from django.contrib import admin

from jiuye.casework.models import ChainStep, ReviewChain, ReviewRole
from jiuye.staff.sites import system_site


class ChainStepInline(admin.TabularInline[ChainStep, ReviewChain]):
    model = ChainStep
    extra = 1


@admin.register(ReviewChain, site=system_site)
class ReviewChainAdmin(admin.ModelAdmin[ReviewChain]):
    list_display = ("rule_id", "valid_from", "note", "is_sample")
    list_filter = ("rule_id",)
    inlines = [ChainStepInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ReviewRole, site=system_site)
class ReviewRoleAdmin(admin.ModelAdmin[ReviewRole]):
    list_display = ("code", "name", "group", "is_senior")
