"""Choice lists shared by several apps."""

from django.db import models


class Sensitivity(models.TextChoices):
    """Release marking; mirrors ``icsplan.document.Sensitivity``."""

    PUBLIC = "public", "Public"
    SBU = "sbu", "SBU"
