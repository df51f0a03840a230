"""Audit events: written once, never changed through the app."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from icsplan.errors import PermissionDenied


class AuditEventQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused: the trail is append-only."""

    def update(self, **kwargs):  # noqa: D102
        raise PermissionDenied("Audit events cannot be changed.", code="audit-immutable")

    def delete(self):  # noqa: D102
        raise PermissionDenied("Audit events cannot be deleted.", code="audit-immutable")


class AuditEvent(models.Model):
    """Something that happened: who, when, what (before/after), why, from where.

    ``action`` is a short dotted code: ``auth.login``, ``auth.login_failed``, ``auth.logout``,
    ``export``, ``strategy.approve``, ``membership.add``, ``token.create``, ``audit.export``...
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The name as given at the time (a failed sign-in names an account that may not exist).
    actor_name = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=50, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    object_repr = models.CharField(max_length=300, blank=True, default="")
    mission = models.ForeignKey(
        "accounts.Mission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    request_id = models.CharField(max_length=64, blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    mission_lookup = "mission"  # see accounts.permissions

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["action", "actor_name", "ip", "created_at"], name="audit_throttle_idx")]

    def __str__(self) -> str:
        who = self.actor_name or "system"
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.object_type} {self.object_id}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionDenied("Audit events cannot be changed.", code="audit-immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit events cannot be deleted.", code="audit-immutable")
