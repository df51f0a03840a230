from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "icsplan.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from icsplan.core import audit_trail

        from . import services, signals  # noqa: F401  (signals connects the sign-in receivers)

        # The apps below this one (accounts) record their changes through the core hook.
        audit_trail.connect(services.record)
