from django.apps import AppConfig


class StrategiesConfig(AppConfig):
    name = "icsplan.strategies"
    label = "strategies"
    verbose_name = "Strategies"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from icsplan.accounts import redaction

        from .services import load_strategy

        # accounts.redaction.document_for reads documents through this (it may not import us).
        redaction.connect_document_loader(load_strategy)
        post_migrate.connect(_ensure_framework_catalogue, sender=self, dispatch_uid="icsplan_framework_catalogue")


def _ensure_framework_catalogue(sender, using="default", apps=None, **kwargs) -> None:
    """The built-in frameworks are reference data: put them back after a flush empties the tables.

    Migration 0002 seeds them once; ``manage.py flush`` (and every transactional test's teardown)
    deletes all rows and then sends post_migrate, so re-seeding here keeps linkages resolvable.
    """
    from .catalogue import FRAMEWORKS

    if apps is None:  # `flush` sends the signal without the migration state: use the app registry
        from django.apps import apps
    try:
        framework = apps.get_model("strategies", "Framework")
    except LookupError:  # migrating backwards past the model's creation
        return
    for code, (name, aliases) in FRAMEWORKS.items():
        framework.objects.using(using).get_or_create(code=code, defaults={"name": name, "aliases": aliases})
