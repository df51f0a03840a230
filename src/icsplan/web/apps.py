from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "icsplan.web"
    label = "web"
    verbose_name = "Web pages"
