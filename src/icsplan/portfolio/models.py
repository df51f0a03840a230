"""Framework catalogues as data: the items of a higher framework (a JRS goal, a CDCS development
objective, an SDG), by version, that mission objectives link to."""

from __future__ import annotations

from django.db import models

from icsplan.core.models import TimeStampedModel


class FrameworkItem(TimeStampedModel):
    """One item of one version of a framework's catalogue ("CDCS" 2020, "DO2")."""

    framework = models.ForeignKey("strategies.Framework", on_delete=models.CASCADE, related_name="items")
    version = models.CharField(max_length=40, help_text="Catalogue version, e.g. 2022 or AF-2022")
    code = models.CharField(max_length=80, help_text='The item as linkages name it after the framework: "DO2", "4"')
    title = models.TextField()
    description = models.TextField(blank=True, default="")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "version", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["framework", "version", "code"], name="unique_item_per_version")]

    def __str__(self) -> str:
        return f"{self.framework_id} {self.version} {self.code}"


class ObjectiveTerms(models.Model):
    """The stored term counts of an objective's public text (for similar objectives), with the
    digest of the text they were computed from: a changed text is recounted on the next read."""

    objective = models.OneToOneField("strategies.Objective", on_delete=models.CASCADE, related_name="+",
                                     primary_key=True)
    digest = models.CharField(max_length=64)
    terms = models.JSONField(default=dict)


class ObjectiveEmbedding(models.Model):
    """The stored sentence embedding of an objective's public text (the optional ``embeddings``
    extra), with the digest of the text and the name of the model it came from: a changed text or
    another model makes it stale, and it is computed again by the background task or the CLI."""

    objective = models.OneToOneField("strategies.Objective", on_delete=models.CASCADE, related_name="+",
                                     primary_key=True)
    digest = models.CharField(max_length=64)
    model = models.CharField(max_length=80)
    vector = models.BinaryField(help_text="float32 values, unit length, little-endian")


class StoredSummary(models.Model):
    """One edition's bureau-dashboard summary (``portfolio.summaries``) as one kind of reader sees
    it (the public copy or everything), under the status thresholds it was computed with, kept
    with the edition's stamp (``core.stamps``) it was computed from: a summary whose stamp is no
    longer the edition's is never read, and is replaced the next time the edition is summarized.
    So the first view after a restart reads the summaries instead of computing every edition."""

    strategy = models.ForeignKey("strategies.Strategy", on_delete=models.CASCADE, related_name="+")
    public_only = models.BooleanField()
    limits = models.CharField(max_length=64, help_text="digest of the status thresholds in force")
    stamp = models.CharField(max_length=64)
    summary = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["strategy", "public_only", "limits"],
                                               name="one_summary_per_reader_kind")]
