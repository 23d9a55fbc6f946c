from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "jiuye.monitoring"
    label = "monitoring"
    verbose_name = "就业监测"
    default_auto_field = "django.db.models.BigAutoField"
