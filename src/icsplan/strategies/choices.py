"""Choice lists of the strategies app."""

from django.db import models


class StrategyStatus(models.TextChoices):
    """The life cycle of an edition: draft -> in clearance -> approved -> published -> archived.

    An approved or published edition is the one *in force* (at most one per mission) and is public;
    a draft or an edition in clearance is seen only by the mission's editors and approvers.
    """

    DRAFT = "draft", "Draft"
    IN_CLEARANCE = "in_clearance", "In clearance"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


#: Statuses of the edition in force: public, and at most one per mission (a DB constraint).
IN_FORCE_STATUSES = ("approved", "published")
#: Statuses only the mission's editors and approvers see (work in progress).
UNRELEASED_STATUSES = ("draft", "in_clearance")


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class RevisionStatus(models.TextChoices):
    """A proposed change to the edition in force waits for an approver's decision."""

    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
