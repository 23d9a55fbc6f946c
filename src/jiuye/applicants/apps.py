from django.apps import AppConfig


class ApplicantsConfig(AppConfig):
    name = "jiuye.applicants"
    label = "applicants"
    verbose_name = "个人/单位办事账号"
    default_auto_field = "django.db.models.BigAutoField"
