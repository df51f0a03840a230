"""Choice lists of the reviews app."""

from django.db import models


class ReviewKind(models.TextChoices):
    """The two reviews the ICS guidance asks for."""

    ANNUAL = "annual", "Annual review"
    MID_COURSE = "mid-course", "Mid-course review"


class ReviewStatus(models.TextChoices):
    """Where a review stands: open for ratings, submitted to the approver, approved (frozen)."""

    OPEN = "open", "Open"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"


class Rating(models.TextChoices):
    """An owner's judgement of one objective for the review's fiscal year."""

    ON_TRACK = "on_track", "On track"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    OFF_TRACK = "off_track", "Off track"
    NOT_ASSESSED = "not_assessed", "Not assessed"
