"""Import a document: the first call parses it and answers a preview with the linter's findings;
the second call (``POST /imports/{id}/confirm``) saves it as an edition, whole or not at all.

Both calls go through ``icsplan.imports.services``, as the web pages and the CLI do: the same
checks and reader limits (413 for a file over the size limit), the same lint gate (a document with
an "error" finding is refused at confirmation, ``lint-errors``), the permission checked in the
service. The preview is kept for its creator only, for ``ICSPLAN_IMPORT_EXPIRY_HOURS``, and can be
confirmed once. Replacing an existing edition needs that edition's ETag in ``If-Match``; replacing
an approved one needs an approver.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import StrictBool
from ninja.responses import Status

from icsplan.accounts.models import Mission
from icsplan.errors import NotFoundError
from icsplan.imports import services as imports
from icsplan.imports.models import StagedImport
from icsplan.imports.uploads import read_upload
from icsplan.jobs import documents
from icsplan.jobs import imports as background
from icsplan.jobs.models import ImportJob

from .. import serialize, writes
from ..access import Access
from ..auth import WRITE_AUTH
from ..errors import PreconditionFailed
from ..etag import IF_MATCH, require_if_match, resource_tag
from ..schemas import PathId, StrategySchema
from .importjobs import ImportJobSchema, job_dict, job_url

router = Router(tags=["imports"])


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
    replace: StrictBool = Field(False, description="Replace the existing edition with the same label (needs If-Match)")


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


def _preview_dict(row: StagedImport) -> dict[str, Any]:
    from icsplan.strategies.models import Strategy

    exists = Strategy.objects.filter(mission_id=row.mission_id, edition=row.edition).exists() if row.mission_id else False
    findings = row.findings or []
    return {
        "id": row.pk, "source_name": row.source_name, "country": row.country, "mission_id": row.mission_id,
        "edition": row.edition, "replaces_existing": exists, "counts": _counts(imports.document_of(row)),
        "findings": findings, "has_errors": row.has_errors,
        "document": row.document, "created_at": row.created_at, "expires_at": imports.expires_at(row),
        "confirmed": row.confirmed_at is not None,
    }


@router.post("", response={201: ImportPreviewSchema}, auth=WRITE_AUTH, summary="Upload a document for import",
             description="Parses a text/Markdown, JSON, DOCX or PDF strategy and answers its preview and the "
                         "linter's findings; nothing is imported until `POST /imports/{id}/confirm`.")
def create_preview(request: HttpRequest, file: File[UploadedFile],
                   mission: Form[int | None] = None, edition: Form[str | None] = None):
    access = Access(request)
    access.require_writer()
    mission_row = access.get(Mission.objects.all(), pk=mission) if mission is not None else None
    data = read_upload(file)
    row = imports.stage_strategy(access.user, file.name or "upload", data, mission=mission_row, edition=edition)
    return Status(201, _preview_dict(row))


def _get_preview(access: Access, preview_id: int) -> StagedImport:
    try:
        return imports.get_staged(access.user, pk=preview_id, kind=StagedImport.KIND_STRATEGY)
    except NotFoundError:
        raise NotFoundError(f"No import preview matches the request (previews expire after "
                            f"{settings.ICSPLAN_IMPORT_EXPIRY_HOURS} hours).", code="not-found") from None


@router.get("/{int:preview_id}", response=ImportPreviewSchema, auth=WRITE_AUTH, summary="Get an import preview")
def get_preview(request: HttpRequest, preview_id: PathId):
    access = Access(request)
    return _preview_dict(_get_preview(access, preview_id))


@router.post("/{int:preview_id}/confirm", response={201: StrategySchema, 202: ImportJobSchema}, auth=WRITE_AUTH,
             openapi_extra=IF_MATCH, summary="Confirm an import: save the previewed document as an edition",
             description="Refused (400, `lint-errors`) when the linter found an error, as on the web. If-Match is "
                         "needed only with replace=true: the ETag of the edition being replaced. A document at or "
                         "above the server's background threshold (its parsed form, as for results workbooks) is "
                         "imported by a background job: 202 Accepted with the job, whose `status_url` (also "
                         "`Location`) is polled until `state` is `done` (`strategy` is then the new edition's id) "
                         "or `failed` (`error` says why nothing was saved). Smaller ones answer 201 with the "
                         "edition at once.")
def confirm_preview(request: HttpRequest, preview_id: PathId, payload: ConfirmIn, response: HttpResponse):
    from icsplan.strategies.models import Strategy

    def expected_of(access: Access, row: StagedImport) -> int | None:
        # Only a replacement guards something: the edition being replaced. A preview the service
        # will refuse anyway (already confirmed, lint errors) is left to it, so its answer comes first.
        if not payload.replace or row.confirmed_at is not None or row.has_errors:
            return None
        existing = imports.edition_replaced(row)
        return require_if_match(request, existing) if existing is not None else None

    def change(access: Access, row: StagedImport, expected: int | None):
        if documents.confirm_in_background(row):
            # The job checks the version again when it runs (the edition may change meanwhile).
            return background.start_document(access.user, row, replace=payload.replace, expected_version=expected)

        def unchanged(existing: Strategy) -> None:
            # The service's second look, under its lock: the edition is still the one If-Match named.
            if existing.version != expected:
                raise PreconditionFailed(f"The edition {existing.edition} changed while it was being replaced "
                                         f"(it is now {resource_tag(existing)}); read it again and retry.",
                                         code="precondition-failed")

        return imports.confirm_strategy(access.user, row, replace=payload.replace, before_replace=unchanged)

    def reread(access: Access, written):
        if isinstance(written, ImportJob):
            return written
        return Strategy.objects.select_related("mission__bureau").get(pk=written.pk)

    def present(access: Access, written):
        if isinstance(written, ImportJob):
            response["Location"] = job_url(written)
            return Status(202, job_dict(written))
        response["ETag"] = resource_tag(written)
        return Status(201, serialize.strategy(access, written))

    # The permission to import (or to replace an approved edition) is checked in the service.
    return writes.write(request, response, load=lambda access: _get_preview(access, preview_id), action=None,
                        if_match=expected_of, change=change, reread=reread, present=present)
