"""Which imports run off the request path: one rule for results workbooks and strategy documents,
for the web and the API alike."""

from __future__ import annotations

from django.conf import settings

__all__ = ["in_background"]


def in_background(size: int) -> bool:
    """Whether a file of ``size`` bytes is imported by a task rather than in the request
    (``settings.ICSPLAN_IMPORT_BACKGROUND_BYTES``)."""
    return size >= settings.ICSPLAN_IMPORT_BACKGROUND_BYTES
