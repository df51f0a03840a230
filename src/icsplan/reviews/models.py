"""Reviews of a strategy edition for one fiscal year.

A ``Review`` (annual or mid-course) holds one ``Assessment`` per mission objective and management
objective, each with a rating, a narrative and its marking, decisions, and ``ActionItem`` rows.
When the approver approves the review, ``snapshot`` freezes the strategy's canonical document, the
indicator statuses of the year and the assessments as they were, so the review reads the same
after the strategy changes. Every table keeps its history (django-simple-history).

Reviews, assessments and action items are read through ``accounts.redaction`` (``visible_to``):
the public sees approved reviews only, and no SBU narrative or action item.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from icsplan.accounts.redaction import VisibleQuerySet
from icsplan.core.choices import Sensitivity
from icsplan.core.models import TimeStampedModel, VersionedModel
from icsplan.strategies.models import ManagementObjective, Objective, Strategy

from .choices import Rating, ReviewKind, ReviewStatus


def _sensitivity_field() -> models.CharField:
    return models.CharField(max_length=10, choices=Sensitivity.choices, default=Sensitivity.PUBLIC)


def _user_field(related_name: str) -> models.ForeignKey:
    return models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name=related_name)


class Review(VersionedModel):
    """An annual or mid-course review of one edition for one fiscal year."""

    mission_lookup = "strategy__mission"  # see accounts.permissions
    strategy_lookup = "strategy"

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=12, choices=ReviewKind.choices)
    fiscal_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    opened_by = _user_field("+")
    submitted_by = _user_field("+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = _user_field("+")
    approved_at = models.DateTimeField(null=True, blank=True)
    # Written once, at approval: {"document": canonical JSON, "statuses": {...}, "assessments": [...]}.
    snapshot = models.JSONField(null=True, blank=True)
    history = HistoricalRecords()
    objects = VisibleQuerySet.as_manager()  # .visible_to(user): see accounts.redaction

    class Meta:
        ordering = ["strategy", "-fiscal_year", "kind"]
        constraints = [models.UniqueConstraint(fields=["strategy", "kind", "fiscal_year"],
                                               name="unique_review_per_year")]

    def __str__(self) -> str:
        return f"{ReviewKind(self.kind).label} FY{self.fiscal_year}"

    @property
    def period(self) -> str:
        """The fiscal-year period id the evidence is read for ("FY2019")."""
        return f"FY{self.fiscal_year}"


class Assessment(VersionedModel):
    """The owner's rating and narrative of one objective (or management objective) in a review."""

    mission_lookup = "strategy__mission"  # see accounts.permissions
    strategy_lookup = "strategy"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assessments")
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    management_objective = models.ForeignKey(ManagementObjective, null=True, blank=True, on_delete=models.SET_NULL,
                                             related_name="+")
    kind = models.CharField(max_length=30)  # "objective" or "management_objective"
    # Number and title as they were when the review opened: the element may change or go later.
    number = models.CharField(max_length=20)
    title = models.TextField()
    position = models.PositiveIntegerField()
    rating = models.CharField(max_length=15, choices=Rating.choices, blank=True, default="")
    narrative = models.TextField(blank=True, default="")
    narrative_sensitivity = _sensitivity_field()
    # Decisions share the narrative's marking: they are read together.
    decisions = models.TextField(blank=True, default="")
    assessed_by = _user_field("+")
    assessed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()
    objects = VisibleQuerySet.as_manager()  # .visible_to(user): see accounts.redaction

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="objective") | Q(kind="management_objective"), name="assessment_kind"),
        ]

    def __str__(self) -> str:
        label = "Management Objective" if self.kind == "management_objective" else "Objective"
        return f"{label} {self.number}"

    @property
    def element(self):
        """The framework element assessed (None when it was deleted since)."""
        return self.objective if self.kind == "objective" else self.management_objective


class ActionItem(TimeStampedModel):
    """Something to do after the review, with an owner and a due date."""

    mission_lookup = "strategy__mission"  # see accounts.permissions
    strategy_lookup = "strategy"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="action_items")
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    description = models.TextField()
    owner = models.CharField(max_length=200)
    due_date = models.DateField()
    sensitivity = _sensitivity_field()
    history = HistoricalRecords()
    objects = VisibleQuerySet.as_manager()  # .visible_to(user): see accounts.redaction

    class Meta:
        ordering = ["assessment", "position", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


__all__ = ["ActionItem", "Assessment", "Rating", "Review", "ReviewKind", "ReviewStatus"]
