from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "icsplan.core"
    label = "core"
    verbose_name = "Core"
