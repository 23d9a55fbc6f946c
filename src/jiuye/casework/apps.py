from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "jiuye.casework"
    label = "casework"
    verbose_name = "受理审核"
    default_auto_field = "django.db.models.BigAutoField"
