from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "jiuye.screening"
    label = "screening"
    verbose_name = "免申即享筛查"
    default_auto_field = "django.db.models.BigAutoField"
