"""The one staging table: an uploaded file read and waiting for its confirmation.

A strategy document is staged parsed (its canonical JSON and the linter's findings), so the
confirmation imports exactly what the preview showed; a results workbook is staged as its bytes
(its import is re-run, rolled back, for the preview). Rows live in the database so that any app
server can confirm them, expire after ``ICSPLAN_IMPORT_EXPIRY_HOURS`` and are used once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StagedImport(models.Model):
    """An upload seen by its uploader only, until it is confirmed, cancelled or expires."""

    KIND_STRATEGY = "strategy"
    KIND_RESULTS = "results"
    KIND_CHOICES = [(KIND_STRATEGY, "Strategy document"), (KIND_RESULTS, "Results workbook")]

    #: Random; the web pages put it in the URL (and the session), the API uses the numeric id.
    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: Null when confirming the import creates the mission (administrators only).
    mission = models.ForeignKey("accounts.Mission", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    source_name = models.CharField(max_length=255)
    file_kind = models.CharField(max_length=10)  # text, json, docx, pdf, xlsx, csv
    country = models.CharField(max_length=100, blank=True)
    edition = models.CharField(max_length=20, blank=True)
    document = models.JSONField(null=True, blank=True)
    findings = models.JSONField(default=list, blank=True)
    data = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    strategy = models.ForeignKey("strategies.Strategy", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    mission_lookup = "mission"  # see accounts.permissions

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.kind}, staged {self.created_at:%Y-%m-%d %H:%M})"

    @property
    def name(self) -> str:
        """The uploaded file's name (what pages show)."""
        return self.source_name

    @property
    def has_errors(self) -> bool:
        """Whether the linter found an error: such a document is never imported."""
        return any(f.get("severity") == "error" for f in self.findings or [])
