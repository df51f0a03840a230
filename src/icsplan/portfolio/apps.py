"""Django app configuration of the portfolio views."""

from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    """Cross-mission views: the bureau dashboard and the Department overview."""

    name = "icsplan.portfolio"
    label = "portfolio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from django.db.models.signals import post_save

        from icsplan.strategies.models import Objective

        from .tasks import objective_saved

        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="icsplan_portfolio_fts")
        post_save.connect(objective_saved, sender=Objective, dispatch_uid="icsplan_portfolio_embeddings")


def _ensure_search_index(sender, using="default", **kwargs) -> None:
    """Django rebuilds a SQLite table to alter it, dropping its triggers: put the index back."""
    from django.db import connections

    from . import fts

    fts.ensure(connections[using])
