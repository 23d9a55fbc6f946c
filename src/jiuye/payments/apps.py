from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "jiuye.payments"
    label = "payments"
    verbose_name = "资金拨付"
    default_auto_field = "django.db.models.BigAutoField"
