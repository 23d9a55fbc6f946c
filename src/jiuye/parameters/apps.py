from django.apps import AppConfig


class ParametersConfig(AppConfig):
    name = "jiuye.parameters"
    label = "parameters"
    verbose_name = "政策参数"
    default_auto_field = "django.db.models.BigAutoField"
