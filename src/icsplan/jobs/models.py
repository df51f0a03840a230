"""One row per file made off the request path (an edition's PDF/DOCX export, a progress report).

A row is both the job (its state, for the progress page) and, once done, the cached file: a later
request for the same output with the same data finds the finished row by its ``key`` and is served
without recomputing. The key is derived from the data's version stamps (``core.stamps.edition_stamp``), so any
change to the edition or its results makes a new key, and old files are never served again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExportJob(models.Model):
    """A file being made, made, or that failed to be made."""

    KIND_EXPORT = "export"
    KIND_REPORT = "report"
    KIND_CHOICES = [(KIND_EXPORT, "Edition export"), (KIND_REPORT, "Progress report")]

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STATE_CHOICES = [(QUEUED, "Waiting"), (RUNNING, "Being made"), (DONE, "Ready"), (FAILED, "Failed")]

    #: Random and long: what URLs carry. Permissions are checked on every read anyway.
    token = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    strategy = models.ForeignKey("strategies.Strategy", on_delete=models.CASCADE, related_name="+")
    mission = models.ForeignKey("accounts.Mission", on_delete=models.CASCADE, related_name="+")
    fmt = models.CharField(max_length=10)
    period = models.CharField(max_length=12, blank=True)
    #: The public-release copy (nothing SBU, nothing unapproved); False only for the mission's readers.
    public = models.BooleanField()
    #: Hash of what the output depends on: kind, format, period, copy and the data's version stamps.
    key = models.CharField(max_length=64, db_index=True)
    state = models.CharField(max_length=10, choices=STATE_CHOICES, default=QUEUED)
    #: The reason shown to the user when the file could not be made (never a traceback).
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    media_type = models.CharField(max_length=120, blank=True)
    data = models.BinaryField(blank=True, default=b"")
    size = models.PositiveIntegerField(default=0)

    mission_lookup = "mission"  # see accounts.permissions
    strategy_lookup = "strategy"

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["strategy", "kind", "fmt"])]

    def __str__(self) -> str:
        what = f"{self.kind} {self.fmt}" + (f" {self.period}" if self.period else "")
        return f"{what} of strategy {self.strategy_id} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.DONE, self.FAILED)


class ImportJob(models.Model):
    """A results workbook (``jobs.imports``) or a staged strategy document (``jobs.documents``)
    being imported off the request path.

    A workbook's row holds the upload's bytes until the task has run (then they are dropped); a
    document's row points to its staged upload (the parsed document the preview showed). Once
    finished, the row holds what the import recorded or the one sentence saying why nothing was saved.
    """

    KIND_RESULTS = "results"
    KIND_STRATEGY = "strategy"
    KIND_CHOICES = [(KIND_RESULTS, "Results workbook"), (KIND_STRATEGY, "Strategy document")]

    QUEUED = ExportJob.QUEUED
    RUNNING = ExportJob.RUNNING
    DONE = ExportJob.DONE
    FAILED = ExportJob.FAILED
    STATE_CHOICES = [(QUEUED, "Waiting"), (RUNNING, "Being imported"), (DONE, "Imported"), (FAILED, "Failed")]

    #: Random and long: what URLs carry. Permissions are checked on every read anyway.
    token = models.CharField(max_length=64, unique=True)
    mission = models.ForeignKey("accounts.Mission", on_delete=models.CASCADE, related_name="+")
    #: The person importing: the task imports as them (their missions and assignments bound what
    #: the workbook may report). Null once the account is deleted; such a job is never run.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    source_name = models.CharField(max_length=255)
    #: Submit the results for approval (the web's default) or keep them as drafts.
    submit = models.BooleanField(default=True)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES, default=KIND_RESULTS)
    #: A strategy document's staged upload (null once purged: such a job fails, nothing imported).
    staged = models.ForeignKey("imports.StagedImport", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    #: A strategy document's edition label, whether it replaces the edition with that label, and
    #: the version of that edition the caller read (their If-Match), checked again when it runs.
    edition = models.CharField(max_length=20, blank=True)
    replace = models.BooleanField(default=False)
    expected_version = models.PositiveIntegerField(null=True, blank=True)
    #: The edition a strategy document became, once done.
    strategy = models.ForeignKey("strategies.Strategy", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    data = models.BinaryField(blank=True, default=b"")
    size = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=STATE_CHOICES, default=QUEUED)
    #: What was recorded ("120 results created, 3 updated"), once done.
    summary = models.TextField(blank=True)
    #: Why nothing was saved (file, sheet, row, field), once failed; never a traceback.
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    mission_lookup = "mission"  # see accounts.permissions

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import of {self.source_name} for mission {self.mission_id} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.DONE, self.FAILED)
