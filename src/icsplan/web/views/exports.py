"""Exports menu: every format the publishing package offers, with a public-release choice."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from icsplan.errors import NotFoundError
from icsplan.publishing import available_formats, get_renderer
from icsplan.web import access, content
from icsplan.web.errors import page

from .common import mission_context

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
    # People who may not read SBU text always get the public-release copy.
    public = request.GET.get("public") == "1" or content.is_public_copy_for(request.user, strategy)
    document = content.document_for(request.user, strategy)
    data = renderer.render(document, public=public)
    response = HttpResponse(data, content_type=renderer.media_type)
    response["Content-Disposition"] = f'attachment; filename="{renderer.filename(document, public=public)}"'
    response["Cache-Control"] = "private, no-store"
    return response
