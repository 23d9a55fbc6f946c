from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "jiuye.staff"
    label = "staff"
    verbose_name = _("工作人员与访问记录")
    default_auto_field = "django.db.models.BigAutoField"
