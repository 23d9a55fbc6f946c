"""The registry's one admin screen: unemployment rates, reference figures the system
administrator adds (``/admin/system/``).

Registry records (people, households, employers and their rows) have no admin screen:
staff read them through the scoped pages under /registry/ (jurisdiction, masking, the
access log), and writes go through the services so that every change keeps its history.
No administrator role reads the whole registry (least privilege).
"""

from __future__ import annotations

from django.contrib import admin

from jiuye.registry import models as m
from jiuye.staff.sites import system_site


@admin.register(m.UnemploymentRate, site=system_site)
class UnemploymentRateAdmin(admin.ModelAdmin[m.UnemploymentRate]):
    """Reference figures, not records: the administrator adds a region's own rate here,
    with its source (required). ``jiuye rates-load`` does the same from a CSV."""

    list_display = ("region_code", "year", "rate_bp", "source")
    list_filter = ("year",)
    search_fields = ("region_code", "source")
