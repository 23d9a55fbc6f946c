"""Admin pages of payments, ready but not yet registered: the ledger, items, batches and
result imports read only for the audit administrator (nothing is added, changed or
deleted; a correction is a reversal posted by the payments service), the bank file
layouts for the system administrator (a new bank without code).

Each administrator site shows exactly its role's models (``jiuye.staff.roles``
``ROLE_PERMISSIONS`` and the staff tests' ``EXPECTED_MODELS``): :func:`register` is
called once those list the payments models (the staff app's change)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiuye.payments.models import (
    Account,
    BankLayout,
    Batch,
    BatchLine,
    Entry,
    Fund,
    PayableItem,
    ReturnImport,
    Transaction,
)


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FundAdmin(ReadOnly):
    list_display = ("name", "note")


class AccountAdmin(ReadOnly):
    list_display = ("fund", "county_code", "year", "kind", "balance_fen")
    list_filter = ("kind", "year", "fund")


class EntryInline(admin.TabularInline[Entry, Transaction]):
    model = Entry
    extra = 0
    can_delete = False
    readonly_fields = ("account", "amount_fen")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TransactionAdmin(ReadOnly):
    list_display = ("pk", "kind", "fund", "county_code", "year", "amount_fen", "posted_at")
    list_filter = ("kind", "year", "fund")
    inlines = [EntryInline]


class PayableItemAdmin(ReadOnly):
    list_display = ("case_code", "period", "title", "state", "amount_fen", "county_code", "year")
    list_filter = ("state", "year")
    exclude = ("subject_index",)


class BankLayoutAdmin(admin.ModelAdmin[BankLayout]):
    list_display = ("code", "name", "bank_name", "csv_encoding")


class BatchLineInline(admin.TabularInline[BatchLine, Batch]):
    model = BatchLine
    extra = 0
    can_delete = False
    fields = ("seq", "reference", "amount_fen", "result", "bank_reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BatchAdmin(ReadOnly):
    list_display = ("code", "fund", "county_code", "year", "state", "line_count", "total_fen")
    list_filter = ("state", "year")
    inlines = [BatchLineInline]


class ReturnImportAdmin(ReadOnly):
    list_display = ("filename", "imported_at", "paid", "failed", "unchanged")


def register_system(system: admin.AdminSite) -> None:
    """The bank file layouts on the system administrator's site (registered at import:
    the system role holds their permissions)."""
    system.register(BankLayout, BankLayoutAdmin)


def register(audit: admin.AdminSite, system: admin.AdminSite) -> None:
    """Register the payments models on the audit and system administrators' sites."""
    for model, model_admin in (
        (Fund, FundAdmin),
        (Account, AccountAdmin),
        (Transaction, TransactionAdmin),
        (PayableItem, PayableItemAdmin),
        (Batch, BatchAdmin),
        (ReturnImport, ReturnImportAdmin),
    ):
        audit.register(model, model_admin)
    if not system.is_registered(BankLayout):
        register_system(system)


def _register_now() -> None:
    from jiuye.staff.sites import system_site

    register_system(system_site)


_register_now()
