"""Bank file layouts are data set in the system administrator's site (a new bank without
code). The read-only ledger admins below are not registered on the audit site yet: the
audit role has no payments permissions and the site's role test needs a row of each;
the auditor's ledger view (issue 12 §4) registers them with those permissions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiuye.payments.models import (
    BankLayout,
    Batch,
    BatchLine,
    Entry,
    Transaction,
)
from jiuye.staff.sites import system_site


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


class BatchAdmin(ReadOnly):
    list_display = ("code", "fund", "county_code", "year", "state", "line_count", "total_fen")
    list_filter = ("state", "year")
    inlines = [BatchLineInline]


class ReturnImportAdmin(ReadOnly):
    list_display = ("filename", "imported_at", "paid", "failed", "unchanged")
