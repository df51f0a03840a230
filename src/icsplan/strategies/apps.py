from django.apps import AppConfig


class StrategiesConfig(AppConfig):
    name = "icsplan.strategies"
    label = "strategies"
    verbose_name = "Strategies"
