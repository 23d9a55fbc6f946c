from django.apps import AppConfig


class SelfcheckConfig(AppConfig):
    name = "jiuye.selfcheck"
    label = "selfcheck"
    verbose_name = "自助测评"
    default_auto_field = "django.db.models.BigAutoField"
