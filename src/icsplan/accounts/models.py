"""Bureaus and missions (people, memberships and roles join them in the access-control layer)."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from icsplan.core.models import TimeStampedModel

from .roles import ROLE_CHOICES


class Bureau(TimeStampedModel):
    """A regional bureau of the Department (AF, EAP, EUR, NEA, SCA, WHA)."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Mission(TimeStampedModel):
    """A U.S. mission in one country (its embassy and agencies)."""

    country = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    post = models.CharField(max_length=200, blank=True, default="")
    bureau = models.ForeignKey(Bureau, null=True, blank=True, on_delete=models.PROTECT, related_name="missions")
    # A sub-region within the bureau ("Sahel", "Southern Africa"), for grouping on the bureau's view.
    region = models.CharField(max_length=100, blank=True, default="")
    history = HistoricalRecords()

    mission_lookup = ""  # see accounts.permissions

    class Meta:
        ordering = ["country"]

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.country)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"Mission {self.country}"


class Membership(TimeStampedModel):
    """A person's role in one mission, or (for analysts) in one bureau, or (admins) everywhere."""

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    mission = models.ForeignKey(Mission, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    bureau = models.ForeignKey(Bureau, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    history = HistoricalRecords()

    mission_lookup = "mission"  # see accounts.permissions (bureau and admin memberships have none)

    class Meta:
        ordering = ["user__username", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "mission", "role"], name="unique_mission_role"),
            models.CheckConstraint(
                condition=(
                    models.Q(role="admin", mission__isnull=True, bureau__isnull=True)
                    | models.Q(role="analyst", mission__isnull=True, bureau__isnull=False)
                    | (~models.Q(role__in=["admin", "analyst"]) & models.Q(mission__isnull=False, bureau__isnull=True))
                ),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.mission or self.bureau or "all missions"
        return f"{self.user} — {self.role} — {scope}"


class ReporterAssignment(TimeStampedModel):
    """What a reporter may report on: one framework element, one indicator, or every indicator
    whose ``responsible`` section matches ``responsible_section`` (e.g. "POL/ECON", "USAID").

    Exactly one of the foreign keys or ``responsible_section`` is set. An assignment to an
    objective or management objective covers its sub-objectives and their indicators too; one to an
    indicator covers that indicator only (its results and breakdowns), not its siblings.
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="assignments")
    objective = models.ForeignKey(
        "strategies.Objective", null=True, blank=True, on_delete=models.CASCADE, related_name="reporter_assignments"
    )
    management_objective = models.ForeignKey(
        "strategies.ManagementObjective", null=True, blank=True, on_delete=models.CASCADE,
        related_name="reporter_assignments",
    )
    sub_objective = models.ForeignKey(
        "strategies.SubObjective", null=True, blank=True, on_delete=models.CASCADE, related_name="reporter_assignments"
    )
    # A string reference: accounts does not import the indicators app (see tests/test_architecture.py).
    indicator = models.ForeignKey(
        "indicators.Indicator", null=True, blank=True, on_delete=models.CASCADE, related_name="reporter_assignments"
    )
    responsible_section = models.CharField(max_length=100, blank=True, default="")
    history = HistoricalRecords()

    mission_lookup = "membership__mission"  # see accounts.permissions

    class Meta:
        ordering = ["membership", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(objective__isnull=False, management_objective__isnull=True, sub_objective__isnull=True,
                             indicator__isnull=True, responsible_section="")
                    | models.Q(objective__isnull=True, management_objective__isnull=False, sub_objective__isnull=True,
                               indicator__isnull=True, responsible_section="")
                    | models.Q(objective__isnull=True, management_objective__isnull=True, sub_objective__isnull=False,
                               indicator__isnull=True, responsible_section="")
                    | models.Q(objective__isnull=True, management_objective__isnull=True, sub_objective__isnull=True,
                               indicator__isnull=False, responsible_section="")
                    | (models.Q(objective__isnull=True, management_objective__isnull=True, sub_objective__isnull=True,
                                indicator__isnull=True)
                       & ~models.Q(responsible_section=""))
                ),
                name="assignment_has_one_target",
            ),
        ]

    @property
    def target(self):
        return (self.objective or self.management_objective or self.sub_objective or self.indicator
                or self.responsible_section)

    def __str__(self) -> str:
        return f"{self.membership.user} reports on {self.target}"


class ApiToken(TimeStampedModel):
    """A personal API token. Only the SHA-256 of the secret is stored; ``prefix`` (the first
    characters of the plaintext) lets a person recognise a token in a list."""

    SCOPE_READ = "read"
    SCOPE_WRITE = "write"
    SCOPE_CHOICES = [(SCOPE_READ, "Read"), (SCOPE_WRITE, "Read and write")]

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, default="")
    prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=SCOPE_CHOICES, default=SCOPE_READ)
    mission = models.ForeignKey(Mission, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens")
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__username", "-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user}, {self.scope})"

    @property
    def is_write(self) -> bool:
        return self.scope == self.SCOPE_WRITE


class Notification(TimeStampedModel):
    """Something that waits for one person: a returned result, results awaiting approval, a
    period due or overdue. Shown as a count in the header until read; also sent by e-mail."""

    KIND_RETURNED = "returned"
    KIND_AWAITING = "awaiting"
    KIND_DUE = "due"
    KIND_OVERDUE = "overdue"
    KIND_CHOICES = [(KIND_RETURNED, "Result returned"), (KIND_AWAITING, "Awaiting approval"),
                    (KIND_DUE, "Period due"), (KIND_OVERDUE, "Period overdue")]

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="notifications")
    mission = models.ForeignKey(Mission, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True, default="")
    #: one notice per subject (e.g. "due:12:FY2019"): repeated runs of the due-date check do not repeat it
    #: the subject (e.g. "due:12:FY2019"): one unread notice per subject and person, however often
    #: the due-date check runs or results are submitted
    key = models.CharField(max_length=200, blank=True, default="")
    read_at = models.DateTimeField(null=True, blank=True)

    mission_lookup = "mission"  # see accounts.permissions

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.user}: {self.text}"
