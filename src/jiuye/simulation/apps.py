from django.apps import AppConfig


class SimulationConfig(AppConfig):
    name = "jiuye.simulation"
    label = "simulation"
    verbose_name = "政策模拟"
    default_auto_field = "django.db.models.BigAutoField"
