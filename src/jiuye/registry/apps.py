from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "jiuye.registry"
    label = "registry"
    verbose_name = _("实名登记")
    default_auto_field = "django.db.models.BigAutoField"
