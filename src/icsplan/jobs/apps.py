from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "icsplan.jobs"
    label = "jobs"
    verbose_name = "Background exports and reports"
