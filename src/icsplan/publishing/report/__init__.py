"""Progress reports: the status of a strategy's goals, objectives and indicators for one
fiscal year, half or quarter, as DOCX, PDF or HTML.

    from icsplan.publishing.report import render_report
    data = render_report(strategy_row, period="FY2021", fmt="pdf", public=True)

``outline.py`` builds one list of blocks (and decides, once, what the reader may see);
``html.py`` and ``docx.py`` lay it out; the PDF is WeasyPrint's print of the HTML with PNG charts.
"""

from __future__ import annotations

from dataclasses import dataclass

from icsplan.errors import InputError

from .outline import SAMPLE_LABEL, build_report, report_period

__all__ = ["REPORT_FORMATS", "SAMPLE_LABEL", "ReportFormat", "build_report", "render_report", "report_filename",
           "report_format", "report_period"]


@dataclass(frozen=True)
class ReportFormat:
    """One output format of the progress report."""

    name: str
    media_type: str
    extension: str
    label: str


REPORT_FORMATS: dict[str, ReportFormat] = {
    "pdf": ReportFormat("pdf", "application/pdf", "pdf", "PDF"),
    "docx": ReportFormat("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         "docx", "Word (DOCX)"),
    "html": ReportFormat("html", "text/html; charset=utf-8", "html", "Web page (HTML)"),
}


def report_format(fmt: str) -> ReportFormat:
    """The format named ``fmt``; an ``InputError`` naming the known ones otherwise."""
    key = (fmt or "").strip().lower().lstrip(".")
    if key not in REPORT_FORMATS:
        raise InputError(f"Unknown report format {fmt!r}; use {', '.join(REPORT_FORMATS)}.", code="unknown-format")
    return REPORT_FORMATS[key]


def render_report(strategy_row, *, period: str, fmt: str, public: bool, user=None, charts: str | None = None) -> bytes:
    """The progress report of ``strategy_row`` for ``period`` ("FY2021", "FY2021Q2") as ``fmt`` bytes.

    Reads through ``accounts.redaction.document_for`` and ``indicators.progress.strategy_progress``:
    with ``public=True``, or for a ``user`` who may not read the mission's SBU text, the report holds
    nothing marked SBU. ``user=None`` is the trusted local operator (the CLI). ``charts`` chooses
    the HTML charts: "svg" (default, inline) or "png" (data URIs); DOCX and PDF always embed PNG.
    """
    spec = report_format(fmt)
    outline = build_report(strategy_row, period=period, public=public, user=user)
    if spec.name == "docx":
        from .docx import report_docx

        return report_docx(outline)
    from .html import report_html

    if spec.name == "html":
        return report_html(outline, charts=charts or "svg").encode("utf-8")
    from ..pdf import html_to_pdf

    return html_to_pdf(report_html(outline, charts="png"), data_urls=True)


def report_filename(strategy_row, period: str, fmt: str, *, public: bool) -> str:
    """A download name such as ``ICS-Mali-2018-progress-FY2021-public.pdf``."""
    country = "".join(ch if ch.isalnum() else "-" for ch in strategy_row.mission.country).strip("-") or "strategy"
    edition = "".join(ch for ch in str(strategy_row.edition) if ch.isalnum())
    parts = ["ICS", country] + ([edition] if edition else []) + ["progress", period] + (["public"] if public else [])
    return "-".join(parts) + "." + report_format(fmt).extension
