"""The system administrator edits offices, service guides and slots (``/admin/system/``);
every guide or office edit goes through ``content_save`` and leaves a row in the one
change history (``jiuye.core.models.ChangeLog``, read on the audit administrator's site)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from jiuye.evaluation import package
from jiuye.portal.models import Guide, Office, Slot
from jiuye.portal.services import content_save
from jiuye.staff.sites import system_site


def _benefit_rule_choices() -> list[tuple[str, str]]:
    return [
        (rule.id, f"{rule.clause} {rule.title}")
        for rule in package().rules.values()
        if rule.kind == "benefit"
    ]


class GuideForm(forms.ModelForm[Guide]):
    rule_id = forms.ChoiceField(label="规则", choices=_benefit_rule_choices)

    class Meta:
        model = Guide
        fields = ["rule_id", "materials", "procedure", "time_limit", "is_sample"]


class HistoryMixin:
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        content_save(instance=obj, user=request.user)


@admin.register(Guide, site=system_site)
class GuideAdmin(HistoryMixin, admin.ModelAdmin[Guide]):
    form = GuideForm
    list_display = ["rule_id", "time_limit", "is_sample", "updated_at"]
    list_filter = ["is_sample"]


@admin.register(Office, site=system_site)
class OfficeAdmin(HistoryMixin, admin.ModelAdmin[Office]):
    list_display = ["name", "county", "address", "phone", "is_active", "is_sample"]
    list_filter = ["is_active", "is_sample"]


@admin.register(Slot, site=system_site)
class SlotAdmin(admin.ModelAdmin[Slot]):
    list_display = ["office", "starts_at", "ends_at", "capacity", "booked"]
    list_filter = ["office"]
    date_hierarchy = "starts_at"
    readonly_fields = ["booked"]
