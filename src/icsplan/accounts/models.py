"""Bureaus and missions (people, memberships and roles join them in the access-control layer)."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from icsplan.core.models import TimeStampedModel


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

    class Meta:
        ordering = ["country"]

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.country)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"Mission {self.country}"
