"""Exports: an edition in any format the publishing package has (Markdown, HTML, DOCX, PDF,
IATI XML, JSON, Excel…).

Callers who may not read the mission's SBU text and unapproved results always get the
public-release copy, whatever they ask (``?public=false`` is honoured for the mission's readers
only: ``accounts.redaction.wants_public_copy``); exports that contain SBU are recorded in the
audit trail.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from icsplan.strategies import models as sm

from ..access import Access
from ..api import finish_read
from ..schemas import FormatSchema, PathId

router = Router(tags=["exports"])


def _formats() -> list[str]:
    from icsplan.publishing import available_formats

    return available_formats()


def _media_types() -> dict[str, dict]:
    from icsplan.publishing import get_renderer

    types = {}
    for fmt in _formats():
        types[get_renderer(fmt).media_type] = {"schema": {"type": "string", "format": "binary"}}
    return types


class ExportParams(Schema):
    public: bool = Field(False, description="Leave out everything marked SBU and every result not approved "
                               "(always so for those who may not read the mission's SBU)")


@router.get("/formats", response=list[FormatSchema], summary="Export formats")
def list_formats(request: HttpRequest):
    from icsplan.publishing import get_renderer

    return [{"format": f, "media_type": get_renderer(f).media_type, "extension": get_renderer(f).extension}
            for f in _formats()]


@router.get("/strategies/{int:strategy_id}/{fmt}", summary="Export an edition",
            response={200: None},
            openapi_extra={"responses": {"200": {"description": "The document", "content": _media_types()}}},
            description="`fmt` is one of the names listed by `GET /exports/formats`.")
def export_strategy(request: HttpRequest, strategy_id: PathId, fmt: str, params: Query[ExportParams]):
    from icsplan.accounts.redaction import document_for, wants_public_copy
    from icsplan.audit.services import record_export
    from icsplan.jobs.services import BACKGROUND_EXPORT_FORMATS, export_file
    from icsplan.publishing import get_renderer

    access = Access(request)
    renderer = get_renderer(fmt)
    row = access.get(sm.Strategy.objects.select_related("mission__bureau"), pk=strategy_id)
    public = wants_public_copy(access.audience, row, params.public)
    if fmt in BACKGROUND_EXPORT_FORMATS:
        # Seconds of rendering: the file the jobs keep until the data changes, made now if missing.
        data, filename, _media_type = export_file(row, fmt=fmt, public=public)
    else:
        document = document_for(access.user, row, public=public)
        data = renderer.render(document, public=public)
        filename = renderer.filename(document, public=public)
    if access.principal.is_authenticated:
        record_export(access.user, row, renderer.format, public)
    response = HttpResponse(data, content_type=renderer.media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return finish_read(request, response)
