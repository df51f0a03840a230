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
