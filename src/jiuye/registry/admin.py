"""Admin pages: read-mostly views of the registry for superusers (masked identity numbers).

Writes belong to the services; the admin does not offer adding or changing records, so
that every change keeps its history row.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiuye.identity import mask_resident_id
from jiuye.registry import models as m


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("id", "masked_id", "__str__", "sex", "birth_date", "division")
    list_filter = ("sex", "hukou_type", "education_level")
    exclude = ("resident_id", "name")
    readonly_fields = ("masked_id",)

    @admin.display(description="居民身份证号码")
    def masked_id(self, obj: m.Person) -> str:
        return mask_resident_id(obj.resident_id)


@admin.register(m.Employer)
class EmployerAdmin(ReadOnlyAdmin):
    list_display = ("credit_code", "name", "kind", "ownership", "size_class", "division")
    list_filter = ("kind", "ownership", "size_class")
    search_fields = ("credit_code", "name")


@admin.register(m.Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("number", "division")
    search_fields = ("number",)


@admin.register(m.GrassrootsService)
class GrassrootsServiceAdmin(ReadOnlyAdmin):
    list_display = ("person_id", "program", "start", "end", "assessment_passed", "division")
    list_filter = ("program", "assessment_passed")


@admin.register(m.Recognition)
class RecognitionAdmin(ReadOnlyAdmin):
    list_display = (
        "person_id",
        "kind",
        "recognised_on",
        "revoked_on",
        "recognised_by",
        "document_number",
    )
    list_filter = ("kind",)
    search_fields = ("document_number",)


@admin.register(m.RuralTransferRegistration)
class RuralTransferRegistrationAdmin(ReadOnlyAdmin):
    list_display = ("person_id", "registered_on", "ended_on", "division")


for _model in (
    m.EmployerYear,
    m.EmploymentRecord,
    m.UnemploymentRegistration,
    m.DifficultyCertification,
    m.Certificate,
    m.Training,
    m.Business,
    m.BenefitReceipt,
    m.HouseholdMember,
    m.HouseholdStatus,
):
    admin.site.register(_model, ReadOnlyAdmin)


@admin.register(m.UnemploymentRate)
class UnemploymentRateAdmin(admin.ModelAdmin[m.UnemploymentRate]):
    """Reference figures, not records: the administrator adds a region's own rate here,
    with its source (required). ``jiuye rates-load`` does the same from a CSV."""

    list_display = ("region_code", "year", "rate_bp", "source")
    list_filter = ("year",)
    search_fields = ("region_code", "source")
