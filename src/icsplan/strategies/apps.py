from django.apps import AppConfig


class StrategiesConfig(AppConfig):
    name = "icsplan.strategies"
    label = "strategies"
    verbose_name = "Strategies"

    def ready(self) -> None:
        from icsplan.accounts import redaction

        from .services import load_strategy

        # accounts.redaction.document_for reads documents through this (it may not import us).
        redaction.connect_document_loader(load_strategy)
