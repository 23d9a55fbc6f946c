"""The system administrator edits offices, service guides and slots (``/admin/system/``);
every guide or office edit goes through ``content_save`` and leaves a row in the one
change history (``jiuye.core.models.ChangeLog``, read on the audit administrator's site)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from jiuye.core import audit
from jiuye.core.models import Source
from jiuye.evaluation import package
from jiuye.portal.models import Guide, GuideItem, Office, Slot
from jiuye.portal.proofs import proof_choices, proof_problem
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
        fields = ["rule_id", "procedure", "time_limit", "is_sample"]


class GuideItemForm(forms.ModelForm[GuideItem]):
    proved_by = forms.ChoiceField(label="登记信息可证明", choices=proof_choices, required=False)

    class Meta:
        model = GuideItem
        fields = ["position", "name", "note", "required", "proved_by"]


class GuideItemFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """A fact that proves an item must be one the registry holds for the rule's entity."""

    def clean(self) -> None:
        super().clean()
        rule = package().rules.get(str(self.data.get("rule_id") or self.instance.rule_id or ""))
        entity = rule.entity if rule is not None else None
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE"):
                continue
            problem = proof_problem(str(data.get("proved_by") or ""), entity)
            if problem:
                form.add_error("proved_by", problem)


class GuideItemInline(admin.TabularInline[GuideItem, Guide]):
    model = GuideItem
    form = GuideItemForm
    formset = GuideItemFormSet
    extra = 1
    verbose_name = "申请材料（清单中的一项）"


class HistoryMixin:
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        content_save(instance=obj, user=request.user)


@admin.register(Guide, site=system_site)
class GuideAdmin(HistoryMixin, admin.ModelAdmin[Guide]):
    form = GuideForm
    inlines = [GuideItemInline]
    list_display = ["rule_id", "time_limit", "is_sample", "updated_at"]
    list_filter = ["is_sample"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Each item added or edited, and each deleted, leaves its own history row."""
        changed = formset.save(commit=False)
        for item in formset.deleted_objects:  # first: a new item may take a deleted name
            with transaction.atomic():
                audit.record(
                    actor=request.user,
                    action="delete",
                    entity=GuideItem._meta.label_lower,
                    object_id=item.pk,
                    changes={"guide": form.instance.rule_id, "name": item.name},
                    source=Source.SCREEN,
                )
                item.delete()
        for item in changed:
            content_save(instance=item, user=request.user)


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
