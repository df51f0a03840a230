from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    """Registers the indicator stages with the strategy import/load (the demo loader names its own
    stages: icsplan.demo.demo_stages)."""

    name = "icsplan.indicators"
    label = "indicators"
    verbose_name = "Indicators and results"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Plugging in through the hooks (rather than editing strategies/services.py) keeps the
        # strategy app unaware of indicators; the guards make ready() safe to run twice.
        from icsplan.strategies import services

        from . import document, revisions

        revisions.register()  # idempotent: a second call replaces the same entries

        for hooks, stage in (
            (services.IMPORT_STAGES, document.import_stage),
            (services.LOAD_STAGES, document.load_stage),
        ):
            if stage not in hooks:
                hooks.append(stage)
