"""Exports menu: every format the publishing package offers, with a public-release choice."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from icsplan.errors import InputError, NotFoundError
from icsplan.jobs.services import BACKGROUND_EXPORT_FORMATS, BACKGROUND_REPORT_FORMATS
from icsplan.publishing import available_formats, get_renderer
from icsplan.publishing.report import REPORT_FORMATS, render_report, report_filename, report_format, report_period
from icsplan.web import access, content
from icsplan.web.errors import page

from .common import mission_context
from .jobs import start_job

LABELS = {
    "md": "Markdown", "html": "Web page (HTML)", "pdf": "PDF", "docx": "Word (DOCX)", "json": "JSON (interchange)",
    "iati": "IATI XML", "xlsx": "Excel workbook",
}


@page
def exports(request: HttpRequest, slug: str, edition: str) -> HttpResponse:
    if request.GET.get("format"):
        return _download(request, slug, edition, request.GET["format"])
    mission = access.mission_for(request.user, slug)
    strategy = access.strategy_for(request.user, mission, edition)
    context = mission_context(request, mission, strategy, tab="exports")
    context["formats"] = [(fmt, LABELS.get(fmt, fmt.upper()), get_renderer(fmt).extension) for fmt in available_formats()]
    context["public_only"] = content.is_public_copy_for(request.user, strategy)
    context["report_formats"] = [(f.name, f.label, f.extension) for f in REPORT_FORMATS.values()]
    context["report_periods"] = _report_periods(strategy)
    context["report_default"] = _default_period(strategy)
    return render(request, "web/exports.html", context)


@page
def export_download(request: HttpRequest, slug: str, edition: str, fmt: str) -> HttpResponse:
    return _download(request, slug, edition, fmt)


def _download(request: HttpRequest, slug: str, edition: str, fmt: str) -> HttpResponse:
    mission = access.mission_for(request.user, slug)
    strategy = access.strategy_for(request.user, mission, edition)
    if fmt not in available_formats():
        raise NotFoundError("No such format.")
    renderer = get_renderer(fmt)
    # People who may not read SBU text and unapproved results always get the public-release copy.
    public = content.wants_public_copy(request.user, strategy, request.GET.get("public") == "1")
    if fmt in BACKGROUND_EXPORT_FORMATS:
        # Seconds to minutes of rendering for a large edition: made by a task, the person waits on a
        # progress page instead of a blank tab.
        return start_job(request, strategy, kind="export", fmt=fmt, public=public)
    document = content.document_for(request.user, strategy, public=public)
    data = renderer.render(document, public=public)
    response = HttpResponse(data, content_type=renderer.media_type)
    response["Content-Disposition"] = f'attachment; filename="{renderer.filename(document, public=public)}"'
    response["Cache-Control"] = "private, no-store"
    return response



def _report_periods(strategy) -> list[str]:
    """The periods offered for a progress report: the strategy's fiscal years, then their halves and quarters."""
    from icsplan.indicators.progress import strategy_periods

    years = strategy_periods(strategy)
    return years + [f"{year}{part}" for year in years for part in ("H1", "H2", "Q1", "Q2", "Q3", "Q4")]


def _default_period(strategy) -> str | None:
    """The latest fiscal year of the strategy that has begun, or its first year."""
    import datetime as dt

    from icsplan.indicators.periods import Period, fiscal_year_of
    from icsplan.indicators.progress import strategy_periods

    years = strategy_periods(strategy)
    current = fiscal_year_of(dt.date.today())
    started = [p for p in years if Period.parse(p).fiscal_year <= current]
    return started[-1] if started else (years[0] if years else None)


@page
def progress_report(request: HttpRequest, slug: str, edition: str) -> HttpResponse:
    """The progress report of an edition as a file: ``?period=FY2021&format=pdf|docx|html&public=1``."""
    mission = access.mission_for(request.user, slug)
    strategy = access.strategy_for(request.user, mission, edition)
    try:
        spec = report_format(request.GET.get("format") or "pdf")
        period = request.GET.get("period") or _default_period(strategy)
        if not period:
            raise InputError("This strategy has no fiscal years to report on.", code="bad-period")
        period = report_period(period, strategy)
    except InputError as exc:
        return render(request, "web/error.html", {"heading": "Cannot make this report", "text": exc.message}, status=400)
    # People who may not read SBU text always get the public report (render_report checks again).
    public = content.wants_public_copy(request.user, strategy, request.GET.get("public") == "1")
    if spec.name in BACKGROUND_REPORT_FORMATS:
        return start_job(request, strategy, kind="report", fmt=spec.name, period=period, public=public)
    data = render_report(strategy, period=period, fmt=spec.name, public=public, user=request.user)
    response = HttpResponse(data, content_type=spec.media_type)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(strategy, period, spec.name, public=public)}"'
    response["Cache-Control"] = "private, no-store"
    return response
