from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "icsplan.imports"
    label = "imports"
    verbose_name = "Imports waiting for confirmation"
