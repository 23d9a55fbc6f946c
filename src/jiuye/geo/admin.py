"""The divisions' admin class; the system administrator's site registers it
(:mod:`jiuye.staff.admin`: geo sits below the staff app)."""

from django.contrib import admin

from jiuye.geo.models import Division


class DivisionAdmin(admin.ModelAdmin[Division]):
    list_display = ("code", "name", "level", "vintage", "valid_to", "is_sample")
    list_filter = ("level", "vintage", "is_sample")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
