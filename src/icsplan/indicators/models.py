"""Indicators, their baselines, disaggregations, targets and results, and period locks.

Every table keeps its history (django-simple-history): who changed what and when. Targets and
results carry a denormalized ``strategy`` foreign key so that the permission layer can restrict
them, and lists can be prefetched, without joining through the indicator.

Values are kept twice on purpose: ``value`` as written (so the canonical JSON round-trips
exactly: "1,200" stays "1,200") and ``number``, the parsed figure the status rules compute with.
A disaggregated value names its ``category`` and ``category_value``; both are "" for the total
("" rather than NULL so the unique constraints hold on PostgreSQL and SQLite alike).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from icsplan.accounts.redaction import VisibleQuerySet
from icsplan.core.choices import Sensitivity
from icsplan.core.models import TimeStampedModel, VersionedModel
from icsplan.strategies.models import (
    AttachedToElement,
    Goal,
    ManagementObjective,
    Objective,
    Strategy,
    SubObjective,
)

from .choices import Direction, Frequency, ResultStatus, ValueType


def _sensitivity_field():
    return models.CharField(max_length=10, choices=Sensitivity.choices, default=Sensitivity.PUBLIC)


def _one_element_constraint(name: str) -> models.CheckConstraint:
    # AttachedToElement.one_element_constraint cannot be called on Indicator inside its own
    # class body, and it builds the same condition from the same field list.
    return AttachedToElement.one_element_constraint(name)


class Indicator(AttachedToElement, VersionedModel):
    """How progress on an element is measured.

    Attached to exactly one objective, sub-objective or management objective (goal-level
    indicators are accepted too, because the canonical document allows them).
    """

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="indicators")
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators")
    sub_objective = models.ForeignKey(
        SubObjective, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    management_objective = models.ForeignKey(
        ManagementObjective, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(max_length=40, help_text="Unique within the strategy edition, e.g. 1.1-a")
    name = models.TextField()
    definition = models.TextField(blank=True, null=True)
    unit = models.CharField(max_length=100, blank=True, null=True)
    value_type = models.CharField(max_length=12, choices=ValueType.choices, default=ValueType.NUMBER)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    cumulative = models.BooleanField(
        default=False, help_text="Results are per-period increments; progress is judged on running totals."
    )
    data_source = models.TextField(blank=True, null=True)
    collection_method = models.TextField(blank=True, null=True)
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.ANNUAL)
    responsible = models.CharField(max_length=100, blank=True, null=True, help_text="Section or agency")
    standard_code = models.CharField(max_length=60, blank=True, null=True, help_text="e.g. an SDG indicator code")
    sensitivity = _sensitivity_field()
    sample = models.BooleanField(default=False, help_text="Illustrative sample data, not official")
    history = HistoricalRecords()
    objects = VisibleQuerySet.as_manager()  # .visible_to(user): see accounts.redaction

    class Meta(AttachedToElement.Meta):
        ordering = ["strategy", "position", "pk"]
        constraints = [
            _one_element_constraint("indicator_has_one_element"),
            models.UniqueConstraint(fields=["strategy", "code"], name="unique_indicator_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name[:60]}"

    @property
    def is_sbu(self) -> bool:
        return self.sensitivity == Sensitivity.SBU


class Baseline(VersionedModel):
    """The value an indicator starts from, and when it was measured."""

    mission_lookup = "indicator__strategy__mission"  # see accounts.permissions
    strategy_lookup = "indicator__strategy"

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="baseline")
    value = models.CharField(max_length=200, blank=True, null=True, help_text="As written")
    number = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, null=True)
    history = HistoricalRecords()
    objects = VisibleQuerySet.as_manager()

    def __str__(self) -> str:
        return f"baseline {self.value} ({self.date})"


class Disaggregation(VersionedModel):
    """A breakdown of an indicator defined up front: a category and its values (sex: female, male)."""

    mission_lookup = "indicator__strategy__mission"  # see accounts.permissions
    strategy_lookup = "indicator__strategy"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="disaggregations")
    position = models.PositiveIntegerField(default=0)
    category = models.CharField(max_length=60)
    values = models.JSONField(default=list)
    exhaustive = models.BooleanField(default=True, help_text="The values add up to the total.")
    history = HistoricalRecords()
    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["indicator", "category"], name="unique_disaggregation")]

    def __str__(self) -> str:
        return f"{self.category}: {', '.join(self.values)}"


class PeriodValue(VersionedModel):
    """Fields shared by targets and results: one value for one period (and category value)."""

    mission_lookup = "strategy__mission"  # see accounts.permissions
    strategy_lookup = "strategy"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10, help_text="FY2019, FY2019H1 or FY2019Q1")
    category = models.CharField(max_length=60, blank=True, default="")
    category_value = models.CharField(max_length=100, blank=True, default="")
    value = models.CharField(max_length=2000, blank=True, null=True, help_text="As written")
    number = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    comment = models.TextField(blank=True, null=True)
    evidence_url = models.URLField(max_length=1000, blank=True, null=True)
    sensitivity = _sensitivity_field()
    objects = VisibleQuerySet.as_manager()  # .visible_to(user): see accounts.redaction

    class Meta:
        abstract = True

    @property
    def is_total(self) -> bool:
        return not self.category

    @property
    def is_sbu(self) -> bool:
        """SBU when marked so itself or when its indicator is SBU."""
        return self.sensitivity == Sensitivity.SBU or self.indicator.is_sbu

    def key(self) -> tuple[str, str, str]:
        return (self.period, self.category, self.category_value)


class Target(PeriodValue):
    """What an indicator should reach in a period."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="indicator_targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period", "category", "category_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "category", "category_value"], name="unique_target"
            )
        ]
        # Covers what ``core.stamps`` aggregates per edition, so the stamps read the index alone.
        indexes = [models.Index(fields=["strategy", "id", "version", "updated_at"], name="target_edition_stamp")]

    def __str__(self) -> str:
        return f"target {self.indicator_id} {self.period} {self.value}"


class Result(PeriodValue):
    """What an indicator reached in a period, and where it stands in clearance.

    draft → submitted → approved, or submitted → returned (with a reason) → submitted again.
    Only approved results count towards the period's actual.
    """

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="indicator_results")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="results")
    status = models.CharField(max_length=10, choices=ResultStatus.choices, default=ResultStatus.DRAFT)
    return_reason = models.TextField(blank=True, default="")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Who approved or returned it",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period", "category", "category_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "category", "category_value"], name="unique_result"
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""), name="returned_result_has_reason"
            ),
        ]
        # Covers what ``core.stamps`` aggregates per edition, so the stamps read the index alone.
        indexes = [models.Index(fields=["strategy", "id", "version", "updated_at"], name="result_edition_stamp")]

    def __str__(self) -> str:
        return f"result {self.indicator_id} {self.period} {self.value} ({self.status})"


class PeriodLock(TimeStampedModel):
    """A closed reporting period of a strategy: its results can no longer change.

    Locking FY2019 also locks every period inside it (FY2019H1, FY2019Q1...), and locking a
    quarter also freezes the longer periods that contain it, since their figures include it.
    """

    mission_lookup = "strategy__mission"  # see accounts.permissions
    strategy_lookup = "strategy"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="period_locks")
    period = models.CharField(max_length=10)
    reason = models.TextField(blank=True, default="")
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "period"]
        constraints = [models.UniqueConstraint(fields=["strategy", "period"], name="unique_period_lock")]

    def __str__(self) -> str:
        return f"{self.strategy_id} {self.period} locked"


class ReportingDeadline(TimeStampedModel):
    """The reporting calendar: the date by which a period's results are due (set by the coordinator).

    A result of the period still a draft, returned or missing after ``due_date`` is overdue.
    """

    mission_lookup = "strategy__mission"  # see accounts.permissions
    strategy_lookup = "strategy"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="reporting_deadlines")
    period = models.CharField(max_length=10)
    due_date = models.DateField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "due_date", "period"]
        constraints = [models.UniqueConstraint(fields=["strategy", "period"], name="unique_reporting_deadline")]

    def __str__(self) -> str:
        return f"{self.period} due {self.due_date:%Y-%m-%d}"
