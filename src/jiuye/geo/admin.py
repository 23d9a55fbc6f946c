from django.contrib import admin

from jiuye.geo.models import Division


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin[Division]):
    list_display = ("code", "name", "level", "vintage", "valid_to", "is_sample")
    list_filter = ("level", "vintage", "is_sample")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
