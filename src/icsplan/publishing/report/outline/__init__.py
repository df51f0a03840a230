"""The reading order of a progress report, independent of any file format.

The report of one strategy edition for one reporting period (a fiscal year, half or quarter):
a cover, a summary (status counts, the objective-by-period status matrix, a table of every goal
and objective), the progress of each goal and objective with a chart and a table per indicator
(baseline, target, approved actual and status per period) and the period's progress narratives,
and a note on method. DOCX, HTML and PDF walk the same list of blocks built here, as the
strategy renderers walk ``publishing.outline``.

What may be shown is decided once, here: the canonical document comes from
``accounts.redaction.document_for`` and the figures from ``indicators.progress.strategy_progress``
narrowed to the public audience whenever the report is public or its reader may not read SBU text.
Nothing else in the report reads the database.
"""

from __future__ import annotations

from .blocks import (
    CHART_HEIGHT_IN,
    MANAGEMENT,
    METHOD_TITLE,
    PROGRESS,
    SAMPLE_LABEL,
    STATUS_LABELS,
    SUMMARY,
    Block,
    Chart,
    Cover,
    Heading,
    Paragraph,
    ReportOutline,
    Table,
)
from .build import build_report, report_periods
from .figures import report_period

__all__ = [
    "Block",
    "CHART_HEIGHT_IN",
    "Chart",
    "Cover",
    "Heading",
    "MANAGEMENT",
    "METHOD_TITLE",
    "PROGRESS",
    "Paragraph",
    "ReportOutline",
    "SAMPLE_LABEL",
    "STATUS_LABELS",
    "SUMMARY",
    "Table",
    "build_report",
    "report_period",
    "report_periods",
]
