from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "jiuye.oversight"
    label = "oversight"
    verbose_name = "预警与督查"
    default_auto_field = "django.db.models.BigAutoField"
