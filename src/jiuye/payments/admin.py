"""The ledger in the audit administrator's site: read only (nothing is added, changed or
deleted here; a correction is a reversal posted by the payments service)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jiuye.payments.models import Account, Entry, Fund, PayableItem, Transaction
from jiuye.staff.sites import audit_site


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
