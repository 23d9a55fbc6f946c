"""The ledger in the audit administrator's site: read only (nothing is added, changed or
deleted here; a correction is a reversal posted by the payments service). Bank file
layouts are data set in the system administrator's site (a new bank without code)."""

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
from jiuye.staff.sites import audit_site, system_site


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Fund, site=audit_site)
class FundAdmin(ReadOnly):
    list_display = ("name", "note")


@admin.register(Account, site=audit_site)
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


@admin.register(Transaction, site=audit_site)
class TransactionAdmin(ReadOnly):
    list_display = ("pk", "kind", "fund", "county_code", "year", "amount_fen", "posted_at")
    list_filter = ("kind", "year", "fund")
    inlines = [EntryInline]


@admin.register(PayableItem, site=audit_site)
class PayableItemAdmin(ReadOnly):
    list_display = ("case_code", "period", "title", "state", "amount_fen", "county_code", "year")
    list_filter = ("state", "year")
    exclude = ("subject_index",)


@admin.register(BankLayout, site=system_site)
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


@admin.register(Batch, site=audit_site)
class BatchAdmin(ReadOnly):
    list_display = ("code", "fund", "county_code", "year", "state", "line_count", "total_fen")
    list_filter = ("state", "year")
    inlines = [BatchLineInline]


@admin.register(ReturnImport, site=audit_site)
class ReturnImportAdmin(ReadOnly):
    list_display = ("filename", "imported_at", "paid", "failed", "unchanged")
