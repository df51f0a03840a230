"""Abstract base models shared by every app."""

from __future__ import annotations

from typing import Any

from django.db import models


class TimeStampedModel(models.Model):
    """Creation and last-change timestamps."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not a field: services set it before a save so that django-simple-history records who
    # made the change (declared here for the type checker only).
    _history_user: Any

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """An editable element with an optimistic-concurrency version.

    Services compare the version a client read with the stored one and refuse a stale save;
    the version goes up by one with every change.
    """

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
