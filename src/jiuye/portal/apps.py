from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "jiuye.portal"
    label = "portal"
    verbose_name = _("政策公开与预约服务")
