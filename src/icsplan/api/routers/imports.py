"""Import a document: the first call parses it and answers a preview with the linter's findings;
the second call (``POST /imports/{id}/confirm``) saves it as an edition, whole or not at all.

The preview is kept for its creator only, for 24 hours, and can be confirmed once. Replacing an
existing edition needs that edition's ETag in ``If-Match``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from icsplan.accounts import permissions as perms
from icsplan.accounts.models import Mission
from icsplan.accounts.roles import Action
from icsplan.errors import InputError, Location, NotFoundError, PermissionDenied

from .. import serialize
from ..access import Access
from ..auth import WRITE_AUTH
from ..etag import IF_MATCH, require_if_match, resource_tag
from ..models import ImportPreview
from ..schemas import PathId, StrategySchema

router = Router(tags=["imports"])

ALLOWED = frozenset({"text", "json", "docx", "pdf"})


class FindingSchema(Schema):
    code: str
    severity: str
    element: str | None = None
    line: int | None = None
    message: str


class ImportPreviewSchema(Schema):
    id: int
    source_name: str
    country: str
    mission_id: int | None = Field(None, description="Null when the import would create the mission")
    edition: str
    replaces_existing: bool = Field(..., description="An edition with this label exists: confirm with replace=true")
    counts: dict[str, int]
    findings: list[FindingSchema]
    has_errors: bool
    document: dict[str, Any] = Field(..., description="The parsed canonical document (icsplan.strategy/1)")
    created_at: dt.datetime
    expires_at: dt.datetime
    confirmed: bool


class ConfirmIn(Schema):
    replace: bool = Field(False, description="Replace the existing edition with the same label (needs If-Match)")


def _parse(upload) -> tuple[Any, list[dict]]:
    from icsplan import document as doc
    from icsplan.ingest import lint_strategy, parse_text

    if upload.kind == "json":
        try:
            strategy = doc.Strategy.from_json(upload.data)
        except Exception as exc:  # pydantic's ValidationError: name the first field
            raise InputError(f"{upload.name}: not a valid icsplan.strategy/1 document ({str(exc).splitlines()[0]}).",
                             code="invalid-document", where=Location(file=upload.name)) from None
        return strategy, [f.as_dict() for f in lint_strategy(strategy)]
    if upload.kind == "docx":
        from icsplan.ingest.docx import docx_to_text

        text = docx_to_text(upload.data, source=upload.name)
    elif upload.kind == "pdf":
        from icsplan.ingest.pdf import pdf_to_text

        text = pdf_to_text(upload.data, source=upload.name)
    else:
        text = upload.text()
    result = parse_text(text, source=upload.name)
    return result.strategy, [f.as_dict() for f in lint_strategy(result)]


def _counts(strategy) -> dict[str, int]:
    counts = {"goals": 0, "objectives": 0, "sub_objectives": 0, "management_objectives": 0, "indicators": 0,
              "risks": 0, "linkages": 0}
    for kind, element in strategy.iter_elements():
        counts[{"goal": "goals", "objective": "objectives", "sub_objective": "sub_objectives",
                "management_objective": "management_objectives"}[kind]] += 1
        counts["indicators"] += len(element.indicators)
        counts["risks"] += len(element.risks)
        counts["linkages"] += len(element.linkages)
    return counts


def _require_import(access: Access, mission: Mission | None) -> None:
    """Editors import into their missions; creating a new mission takes an admin."""
    access.require_writer()
    if mission is not None:
        access.require(Action.EDIT, mission)
    elif perms.mission_ids(access.user, Action.ADMIN) is not perms.ALL:
        raise PermissionDenied("Only an administrator may import a strategy for a new mission.",
                               code="new-mission-needs-admin")


def _preview_dict(row: ImportPreview) -> dict[str, Any]:
    from icsplan.strategies.models import Strategy

    exists = Strategy.objects.filter(mission_id=row.mission_id, edition=row.edition).exists() if row.mission_id else False
    findings = row.findings or []
    return {
        "id": row.pk, "source_name": row.source_name, "country": row.country, "mission_id": row.mission_id,
        "edition": row.edition, "replaces_existing": exists, "counts": _counts(_document(row)),
        "findings": findings, "has_errors": any(f.get("severity") == "error" for f in findings),
        "document": row.document, "created_at": row.created_at,
        "expires_at": row.created_at + dt.timedelta(hours=ImportPreview.TTL_HOURS),
        "confirmed": row.confirmed_at is not None,
    }


def _document(row: ImportPreview):
    from icsplan import document as doc

    return doc.Strategy.model_validate(row.document)


@router.post("", response={201: ImportPreviewSchema}, auth=WRITE_AUTH, summary="Upload a document for import",
             description="Parses a text/Markdown, JSON, DOCX or PDF strategy and answers its preview and the "
                         "linter's findings; nothing is imported until `POST /imports/{id}/confirm`.")
def create_preview(request: HttpRequest, file: File[UploadedFile],
                   mission: Form[int | None] = None, edition: Form[str | None] = None):
    from icsplan.core.uploads import check_upload
    from icsplan.strategies.services import _edition_label

    access = Access(request)
    access.require_writer()
    # Refuse before parsing: reading a large PDF is the expensive part, and only people who may
    # edit some mission have any business making the server do it.
    mission_row = None
    if mission is not None:
        mission_row = access.get(Mission.objects.all(), pk=mission)
        _require_import(access, mission_row)
    elif (editable := perms.mission_ids(access.user, Action.EDIT)) is not perms.ALL and not editable:
        raise PermissionDenied("You may not import strategies: no mission gives you the editor role.",
                               code="forbidden")
    upload = check_upload(file.name or "upload", file.read(), allowed=ALLOWED)
    strategy, findings = _parse(upload)
    if mission_row is None:
        mission_row = Mission.objects.filter(country__iexact=strategy.mission.country.strip()).first()
        _require_import(access, mission_row)
    label = (edition or "").strip()[:20] or _edition_label(strategy)
    row = ImportPreview.objects.create(
        user=access.user, mission=mission_row, country=mission_row.country if mission_row else strategy.mission.country,
        edition=label, source_name=upload.name[:300], document=strategy.model_dump(mode="json", by_alias=True),
        findings=findings,
    )
    return Status(201, _preview_dict(row))


def _get_preview(access: Access, preview_id: int) -> ImportPreview:
    if not access.principal.is_authenticated:
        raise NotFoundError("No import preview matches the request.")
    row = ImportPreview.objects.filter(pk=preview_id, user_id=access.user.pk).first()
    if row is None or row.created_at + dt.timedelta(hours=ImportPreview.TTL_HOURS) < timezone.now():
        raise NotFoundError("No import preview matches the request (previews expire after 24 hours).")
    return row


@router.get("/{int:preview_id}", response=ImportPreviewSchema, auth=WRITE_AUTH, summary="Get an import preview")
def get_preview(request: HttpRequest, preview_id: PathId):
    access = Access(request)
    return _preview_dict(_get_preview(access, preview_id))


@router.post("/{int:preview_id}/confirm", response={201: StrategySchema}, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Confirm an import: save the previewed document as an edition",
             description="If-Match is needed only with replace=true: the ETag of the edition being replaced.")
def confirm_preview(request: HttpRequest, preview_id: PathId, payload: ConfirmIn, response: HttpResponse):
    from icsplan.strategies import services
    from icsplan.strategies.models import Strategy

    access = Access(request)
    access.require_writer()
    with transaction.atomic():
        row = _get_preview(access, preview_id)
        row = ImportPreview.objects.select_for_update().get(pk=row.pk)
        if row.confirmed_at is not None:
            raise InputError("This preview was already imported.", code="already-confirmed")
        mission = row.mission
        _require_import(access, mission)
        if mission is not None:
            existing = Strategy.objects.filter(mission=mission, edition=row.edition).first()
            if existing is not None:
                if not payload.replace:
                    raise InputError(f"Mission {mission.country} already has edition {row.edition}; "
                                     "confirm with replace=true to replace it.", code="edition-exists",
                                     where=Location(field="replace"))
                require_if_match(request, existing)
        strategy = services.import_strategy(_document(row), actor=access.user, mission=mission, edition=row.edition,
                                            source_name=row.source_name, replace=payload.replace)
        row.confirmed_at = timezone.now()
        row.strategy = strategy
        row.save(update_fields=["confirmed_at", "strategy"])
    strategy = Strategy.objects.select_related("mission__bureau").get(pk=strategy.pk)
    response["ETag"] = resource_tag(strategy)
    return Status(201, serialize.strategy(access, strategy))
