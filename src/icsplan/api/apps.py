from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "icsplan.api"
    label = "api"
    verbose_name = "REST API"
