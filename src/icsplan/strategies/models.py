"""The structure of a strategy edition: goals, objectives, sub-objectives, management objectives,
linkages and risks, plus the catalogue of frameworks that linkages point to.

Every model keeps its history (django-simple-history). ``position`` keeps document order; ``number``
keeps the strategy's own numbering ("1.2", "1.1.1") as written.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from icsplan.accounts.models import Mission
from icsplan.accounts.redaction import VisibleQuerySet
from icsplan.core.choices import Sensitivity
from icsplan.core.models import TimeStampedModel, VersionedModel

from .choices import IN_FORCE_STATUSES, UNRELEASED_STATUSES, RevisionStatus, RiskLevel, StrategyStatus  # noqa: F401


def _sensitivity_field():
    return models.CharField(max_length=10, choices=Sensitivity.choices, default=Sensitivity.PUBLIC)


class Framework(TimeStampedModel):
    """A higher or sister framework that linkages point to (NSS, JRS, JSP, CDCS, SDG)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    # Other spellings that name this framework in documents ("National Security Strategy").
    aliases = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Strategy(VersionedModel):
    """One edition of a mission's Integrated Country Strategy."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="strategies")
    edition = models.CharField(max_length=20, help_text="Edition label, usually the year: 2018, 2022")
    title = models.CharField(max_length=300, default="Integrated Country Strategy")
    layout = models.PositiveSmallIntegerField(null=True, blank=True)
    fiscal_year_start = models.PositiveSmallIntegerField(null=True, blank=True)
    fiscal_year_end = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=StrategyStatus.choices, default=StrategyStatus.DRAFT)
    approved_date = models.DateField(null=True, blank=True)
    review_dates = models.JSONField(default=list, blank=True)
    classification = models.CharField(max_length=100, blank=True, default="")
    priorities = models.TextField(blank=True, null=True)
    priorities_sensitivity = _sensitivity_field()
    source_name = models.CharField(max_length=300, blank=True, default="")
    history = HistoricalRecords()

    mission_lookup = "mission"  # see accounts.permissions
    strategy_lookup = ""

    class Meta:
        ordering = ["mission__country", "-edition"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "edition"], name="unique_edition_per_mission"),
            # Exactly one edition in force: the service archives the old one when approving the new
            # one; this partial unique index makes a racing second approval fail rather than leave two.
            models.UniqueConstraint(fields=["mission"], condition=Q(status__in=IN_FORCE_STATUSES),
                                    name="one_edition_in_force_per_mission"),
        ]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return f"ICS {self.mission.country} {self.edition}"


class EditionTransition(models.Model):
    """One step of an edition's life cycle: who moved it from which status to which, when and why."""

    mission_lookup = "strategy__mission"  # see accounts.permissions
    strategy_lookup = "strategy"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=StrategyStatus.choices)
    to_status = models.CharField(max_length=20, choices=StrategyStatus.choices)
    actor = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The system actor (CLI operator) has no user row: its name is kept here.
    actor_name = models.CharField(max_length=150, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["strategy", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.strategy}: {self.from_status} -> {self.to_status}"


class Revision(VersionedModel):
    """A proposed change to an element of the edition in force (its wording, a sub-objective…).

    Nothing changes in the strategy until an approver other than the proposer approves it; then the
    changes are applied to the element in the same transaction. ``before`` keeps the text the
    proposal was made against, so the redline reads the same after the decision.
    """

    mission_lookup = "strategy__mission"  # see accounts.permissions
    strategy_lookup = "strategy"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="revisions")
    # What it changes: "strategy", "goal", "objective", "sub_objective", "management_objective",
    # "linkage", "risk", "indicator" or "target", and the row's id (None for a row to be created).
    kind = models.CharField(max_length=30)
    element_id = models.PositiveIntegerField(null=True, blank=True)
    # "update", "create" or "delete"; a row to be created hangs from its parent (kind and id).
    operation = models.CharField(max_length=10, default="update")
    parent_kind = models.CharField(max_length=30, blank=True, default="")
    parent_id = models.PositiveIntegerField(null=True, blank=True)
    label = models.CharField(max_length=100, help_text="What it changes, as people say it: Sub-Objective 1.2.1")
    changes = models.JSONField(default=dict)
    before = models.JSONField(default=dict)
    base_version = models.PositiveIntegerField()
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.PROPOSED)
    proposed_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposed_by_name = models.CharField(max_length=150, blank=True, default="")
    decided_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by_name = models.CharField(max_length=150, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["strategy", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Revision {self.pk} of {self.label}"


class Section(TimeStampedModel):
    """Another titled section of the document (Country Context, Transition Planning...)."""

    mission_lookup = "strategy__mission"  # see accounts.permissions
    strategy_lookup = "strategy"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    text = models.TextField()
    sensitivity = _sensitivity_field()
    history = HistoricalRecords()
    objects = VisibleQuerySet.as_manager()  # .visible_to(user): see accounts.redaction

    class Meta:
        ordering = ["strategy", "position"]


class FrameworkElement(VersionedModel):
    """Fields common to every numbered element of the framework."""

    mission_lookup = "strategy__mission"  # see accounts.permissions
    strategy_lookup = "strategy"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    number = models.CharField(max_length=20)
    title = models.TextField()
    framework_title = models.TextField(blank=True, null=True)
    linkages_text = models.TextField(blank=True, null=True)
    linkages_text_sensitivity = _sensitivity_field()

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.number}"

    kind_label = "Element"


class Goal(FrameworkElement):
    """A mission goal."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="goals")
    description = models.TextField(blank=True, null=True)
    description_sensitivity = _sensitivity_field()
    history = HistoricalRecords()
    kind_label = "Mission Goal"

    class Meta(FrameworkElement.Meta):
        constraints = [models.UniqueConstraint(fields=["strategy", "number"], name="unique_goal_number")]


class Objective(FrameworkElement):
    """A mission objective under a goal."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="objectives")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    justification = models.TextField(blank=True, null=True)
    justification_sensitivity = _sensitivity_field()
    history = HistoricalRecords()
    kind_label = "Mission Objective"

    class Meta(FrameworkElement.Meta):
        constraints = [models.UniqueConstraint(fields=["strategy", "number"], name="unique_objective_number")]


class ManagementObjective(FrameworkElement):
    """A management objective, beside the goals."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="management_objectives")
    justification = models.TextField(blank=True, null=True)
    justification_sensitivity = _sensitivity_field()
    history = HistoricalRecords()
    kind_label = "Management Objective"

    class Meta(FrameworkElement.Meta):
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="unique_management_objective_number")
        ]


class SubObjective(FrameworkElement):
    """A sub-objective under an objective or a management objective (exactly one of the two)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="sub_objectives")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="sub_objectives")
    management_objective = models.ForeignKey(
        ManagementObjective, null=True, blank=True, on_delete=models.CASCADE, related_name="sub_objectives"
    )
    justification = models.TextField(blank=True, null=True)
    justification_sensitivity = _sensitivity_field()
    history = HistoricalRecords()
    kind_label = "Sub-Objective"

    class Meta(FrameworkElement.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(objective__isnull=False, management_objective__isnull=True)
                | Q(objective__isnull=True, management_objective__isnull=False),
                name="sub_objective_has_one_parent",
            )
        ]

    @property
    def parent(self):
        return self.objective or self.management_objective


class AttachedToElement(TimeStampedModel):
    """Something that belongs to exactly one element: a goal, objective, sub-objective or
    management objective. Explicit foreign keys (rather than a generic relation) keep joins,
    prefetching and history plain."""

    mission_lookup = "strategy__mission"  # see accounts.permissions
    strategy_lookup = "strategy"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    sub_objective = models.ForeignKey(SubObjective, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    management_objective = models.ForeignKey(
        ManagementObjective, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    ELEMENT_FIELDS = ("goal", "objective", "sub_objective", "management_objective")

    class Meta:
        abstract = True
        ordering = ["position"]

    @property
    def element(self):
        for name in self.ELEMENT_FIELDS:
            value = getattr(self, name)
            if value is not None:
                return value
        return None

    @classmethod
    def one_element_constraint(cls, name: str) -> models.CheckConstraint:
        """A check that exactly one of the element foreign keys is set."""
        options = []
        for chosen in cls.ELEMENT_FIELDS:
            options.append(Q(**{f"{f}__isnull": f != chosen for f in cls.ELEMENT_FIELDS}))
        condition = options[0]
        for option in options[1:]:
            condition |= option
        return models.CheckConstraint(condition=condition, name=name)


class Linkage(AttachedToElement):
    """An alignment of an element with an item of another framework ("CDCS DO2")."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="linkages")
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="linkages")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="linkages")
    sub_objective = models.ForeignKey(SubObjective, null=True, blank=True, on_delete=models.CASCADE, related_name="linkages")
    management_objective = models.ForeignKey(
        ManagementObjective, null=True, blank=True, on_delete=models.CASCADE, related_name="linkages"
    )
    framework = models.ForeignKey(Framework, null=True, blank=True, on_delete=models.PROTECT, related_name="linkages")
    # The normalized tag as the document model carries it ("CDCS DO2"); code is the part after
    # the framework ("DO2").
    tag = models.CharField(max_length=100)
    code = models.CharField(max_length=80, blank=True, default="")
    history = HistoricalRecords()

    class Meta(AttachedToElement.Meta):
        constraints = [AttachedToElement.one_element_constraint("linkage_has_one_element")]

    def __str__(self) -> str:
        return self.tag


class Risk(AttachedToElement):
    """A risk of not achieving an element."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="risks")
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="risks")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="risks")
    sub_objective = models.ForeignKey(SubObjective, null=True, blank=True, on_delete=models.CASCADE, related_name="risks")
    management_objective = models.ForeignKey(
        ManagementObjective, null=True, blank=True, on_delete=models.CASCADE, related_name="risks"
    )
    statement = models.TextField()
    likelihood = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True, null=True)
    impact = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True, null=True)
    mitigation = models.TextField(blank=True, null=True)
    owner = models.CharField(max_length=100, blank=True, null=True)
    sensitivity = _sensitivity_field()
    in_narrative = models.BooleanField(default=False)
    history = HistoricalRecords()
    objects = VisibleQuerySet.as_manager()  # .visible_to(user): see accounts.redaction

    class Meta(AttachedToElement.Meta):
        constraints = [AttachedToElement.one_element_constraint("risk_has_one_element")]

    def __str__(self) -> str:
        return self.statement[:60]
