"""Choice lists of the indicators app (values mirror ``icsplan.document.model.Indicator``)."""

from django.db import models


class ValueType(models.TextChoices):
    """What kind of value an indicator takes."""

    NUMBER = "number", "Number"
    PERCENT = "percent", "Percent"  # optionally as numerator / denominator
    CURRENCY = "currency", "Currency"
    MILESTONE = "milestone", "Milestone (yes/no)"
    QUALITATIVE = "qualitative", "Qualitative (text)"


class Direction(models.TextChoices):
    """Which way is better."""

    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"


class Frequency(models.TextChoices):
    """How often results are reported; fixes the period ids an indicator takes."""

    QUARTERLY = "quarterly", "Quarterly"
    SEMIANNUAL = "semiannual", "Semi-annual"
    ANNUAL = "annual", "Annual"


class ResultStatus(models.TextChoices):
    """Where a result stands in the clearance workflow."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"


# Numeric value types: their values are numbers and their status can be computed.
NUMERIC_TYPES = frozenset({ValueType.NUMBER, ValueType.PERCENT, ValueType.CURRENCY})
