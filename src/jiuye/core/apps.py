from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground app: the change history every service writes (``jiuye.core.audit``)."""

    name = "jiuye.core"
    label = "core"
    verbose_name = _("审计与公共")
    default_auto_field = "django.db.models.BigAutoField"
