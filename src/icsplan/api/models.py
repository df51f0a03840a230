"""The API's own table: import previews waiting for confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportPreview(models.Model):
    """A parsed document shown to the person who uploaded it; a second call imports it.

    Only its creator may see or confirm it; it expires after ``TTL`` and is used once.
    """

    TTL_HOURS = 24

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mission = models.ForeignKey("accounts.Mission", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    country = models.CharField(max_length=100)
    edition = models.CharField(max_length=20)
    source_name = models.CharField(max_length=300)
    document = models.JSONField()
    findings = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    strategy = models.ForeignKey("strategies.Strategy", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import preview {self.pk} ({self.source_name})"
