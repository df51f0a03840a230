"""Uploads waiting for confirmation (import preview → confirm).

The uploaded bytes stay on the server, in the database (so any app server can confirm them),
keyed by a random token that is also recorded in the uploader's session; the browser never sends
the content back in a hidden field.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from icsplan.accounts.models import Mission


class PendingUpload(models.Model):
    """A strategy document or results workbook uploaded for preview, not yet confirmed."""

    KIND_STRATEGY = "strategy"
    KIND_RESULTS = "results"
    KIND_CHOICES = [(KIND_STRATEGY, "Strategy document"), (KIND_RESULTS, "Results workbook")]

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    name = models.CharField(max_length=255)
    file_kind = models.CharField(max_length=10)  # text, json, docx, pdf, xlsx, csv
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    mission_lookup = "mission"  # see accounts.permissions

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind}, {self.token[:6]}…)"
