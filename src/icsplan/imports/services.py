"""Import a file: stage (check, parse under limits, lint, keep) → preview → confirm (the service).

The web pages, the API and the CLI all go through here, so a file gets the same answer from each:

    stage_strategy   permission to import, then icsplan.ingest.pipeline.read_document (size,
                     container, page/depth/time/memory limits), then the findings; kept as a
                     StagedImport for the uploader, for ICSPLAN_IMPORT_EXPIRY_HOURS
    confirm_strategy the lint gate (an "error" finding blocks the import everywhere), then
                     strategies.services.import_strategy, which checks the permission again
    import_file      both at once, for the CLI (no preview)
    stage_results    a results workbook checked (size, container) and kept as bytes

Refusals are icsplan errors with stable codes (see README "Security" and docs): ``too-large``
(413), ``zip-bomb``, ``too-many-pages``, ``too-deep``, ``too-slow``, ``too-much-memory``,
``invalid-json``, ``wrong-type``, ``lint-errors``, ``already-confirmed``, ``edition-exists``,
``upload-expired``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from icsplan import document as doc
from icsplan.accounts import permissions as perms
from icsplan.accounts.actors import is_system
from icsplan.accounts.models import Mission
from icsplan.accounts.roles import Action
from icsplan.errors import InputError, Location, NotFoundError, PermissionDenied
from icsplan.ingest.pipeline import ReadDocument, read_document
from icsplan.ingest.uploads import RESULTS_KINDS, STRATEGY_KINDS, ReaderLimits, Upload, check_upload

from .models import StagedImport

__all__ = ["confirm_strategy", "discard", "document_of", "edition_label_of", "expired", "expires_at", "get_staged",
           "import_file", "limits", "purge_expired", "read_strategy", "refuse_unconfirmable", "stage_results", "stage_strategy"]


def limits() -> ReaderLimits:
    """The reader limits in force (``settings.ICSPLAN_READER_LIMITS``)."""
    return settings.ICSPLAN_READER_LIMITS


def expiry() -> timedelta:
    return timedelta(hours=settings.ICSPLAN_IMPORT_EXPIRY_HOURS)


def expires_at(row: StagedImport):
    return row.created_at + expiry()


def read_strategy(name: str, data: bytes) -> ReadDocument:
    """Check, parse and lint a strategy document under the configured limits."""
    return read_document(data, name, limits=limits(), allowed=STRATEGY_KINDS)


def _require_may_import_somewhere(actor) -> None:
    """Refuse before parsing: reading a large PDF is the expensive part, and only people who may
    edit some mission have any business making the server do it."""
    if is_system(actor):
        return
    editable = perms.mission_ids(actor, Action.EDIT)
    if editable is not perms.ALL and not editable:
        raise PermissionDenied("You may not import strategies: no mission gives you the editor role.",
                               code="forbidden")


def purge_expired(*, now=None) -> int:
    """Delete the staged uploads past their expiry (they can no longer be confirmed): how many.
    Run when a file is staged, and by ``icsplan purge`` (``jobs.purge``)."""
    deleted, _ = StagedImport.objects.filter(created_at__lt=(now or timezone.now()) - expiry()).delete()
    return deleted


def stage_strategy(actor, name: str, data: bytes, *, mission: Mission | None = None,
                   edition: str | None = None) -> StagedImport:
    """Read a strategy document and keep it for ``actor``'s confirmation.

    ``mission`` None: the document's country decides (importing for a mission that does not exist
    yet takes an administrator)."""
    from icsplan.strategies.services import edition_label, require_import

    if mission is not None:
        require_import(actor, mission)
    else:
        _require_may_import_somewhere(actor)
    read = read_strategy(name, data)
    strategy = read.strategy
    if mission is None:
        mission = Mission.objects.filter(country__iexact=strategy.mission.country.strip()).first()
        require_import(actor, mission)
    label = (edition or "").strip()[:20] or edition_label(strategy)
    purge_expired()
    return StagedImport.objects.create(
        token=secrets.token_urlsafe(24), user=actor, mission=mission, kind=StagedImport.KIND_STRATEGY,
        source_name=read.upload.name[:255], file_kind=read.upload.kind,
        country=mission.country if mission else strategy.mission.country[:100], edition=label,
        document=strategy.model_dump(mode="json", by_alias=True), findings=[f.as_dict() for f in read.findings],
    )


def check_results_upload(name: str, data: bytes) -> Upload:
    """A results workbook (.xlsx) or CSV, checked (size, zip container) before openpyxl sees it."""
    return check_upload(name, data, RESULTS_KINDS, limits=limits())


def stage_results(actor, mission: Mission, name: str, data: bytes) -> StagedImport:
    """Check a results workbook and keep its bytes for ``actor``'s preview and confirmation."""
    if not is_system(actor):
        perms.require(actor, Action.REPORT, mission)
    upload = check_results_upload(name, data)
    purge_expired()
    return StagedImport.objects.create(
        token=secrets.token_urlsafe(24), user=actor, mission=mission, kind=StagedImport.KIND_RESULTS,
        source_name=upload.name[:255], file_kind=upload.kind, country=mission.country, data=upload.data,
    )


def get_staged(actor, *, pk: int | None = None, token: str | None = None, mission: Mission | None = None,
               kind: str | None = None) -> StagedImport:
    """The caller's own staged import, not expired; anything else is "not found" (whether it exists
    for someone else is not revealed)."""
    row = None
    if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) and (pk is not None or token):
        rows = StagedImport.objects.filter(user_id=actor.pk, created_at__gte=timezone.now() - expiry())
        if pk is not None:
            rows = rows.filter(pk=pk)
        if token:
            rows = rows.filter(token=token)
        if mission is not None:
            rows = rows.filter(mission=mission)
        if kind:
            rows = rows.filter(kind=kind)
        row = rows.select_related("mission").first()
    if row is None:
        hours = settings.ICSPLAN_IMPORT_EXPIRY_HOURS
        raise NotFoundError(f"This upload has expired (uploads wait {hours} hours) or belongs to someone else; "
                            "upload the file again.", code="upload-expired")
    return row


def document_of(row: StagedImport) -> doc.Strategy:
    """The staged document, as the preview showed it."""
    return doc.Strategy.model_validate(row.document)


def edition_label_of(row: StagedImport, edition: str | None = None) -> str:
    """The label the staged document is imported as: ``edition`` when given, else its own."""
    return (edition or "").strip()[:20] or row.edition


def expired(row: StagedImport) -> bool:
    return row.created_at < timezone.now() - expiry()


def refuse_unconfirmable(row: StagedImport) -> None:
    """Refuse a staged document that may not be imported whoever asks: already imported, or with
    an error finding (the lint gate)."""
    if row.confirmed_at is not None:
        raise InputError("This upload was already imported.", code="already-confirmed")
    if row.has_errors:
        raise InputError(f"The linter found errors in {row.source_name}; correct the document and upload it "
                         "again.", code="lint-errors", where=Location(file=row.source_name))


def edition_replaced(row: StagedImport, edition: str | None = None):
    """The edition confirming ``row`` (as ``edition``, else as its own label) would replace, or
    ``None`` (no such edition yet, or the import creates the mission)."""
    from icsplan.strategies.models import Strategy

    if row.mission_id is None:
        return None
    return Strategy.objects.filter(mission_id=row.mission_id, edition=edition_label_of(row, edition)).first()


def confirm_strategy(actor, row: StagedImport, *, edition: str | None = None, replace: bool = False,
                     before_replace: Callable | None = None):
    """Import a staged strategy document as an edition, once; the lint gate first.

    ``before_replace(existing_edition)`` runs when an edition is being replaced (the API checks
    there,, under this lock, the version its If-Match named). Returns the new ``Strategy`` row."""
    from icsplan.strategies.services import import_strategy

    with transaction.atomic():
        # No select_related: PostgreSQL refuses FOR UPDATE on the outer join of a nullable mission.
        row = StagedImport.objects.select_for_update().get(pk=row.pk)
        refuse_unconfirmable(row)
        if replace and before_replace is not None:
            existing = edition_replaced(row, edition)
            if existing is not None:
                before_replace(existing)
        label = edition_label_of(row, edition)
        strategy = import_strategy(document_of(row), actor=actor, mission=row.mission, edition=label,
                                   source_name=row.source_name, replace=replace)
        row.confirmed_at = timezone.now()
        row.strategy = strategy
        row.save(update_fields=["confirmed_at", "strategy"])
    return strategy


def discard(row: StagedImport) -> None:
    """Forget a staged import (cancelled, or done with)."""
    StagedImport.objects.filter(pk=row.pk).delete()


def import_file(actor, name: str, data: bytes, *, mission: Mission | None = None, edition: str | None = None,
                replace: bool = False, replace_approved: bool = False):
    """Read a document and import it at once (the CLI): the same checks, limits and lint gate as a
    staged import, without keeping anything in between."""
    from icsplan.strategies.services import import_strategy

    if mission is not None:
        from icsplan.strategies.services import require_import

        require_import(actor, mission)
    read = read_strategy(name, data)
    if read.has_errors:
        first = next(f for f in read.findings if f.severity == "error")
        count = sum(1 for f in read.findings if f.severity == "error")
        raise InputError(f"The linter found {count} error{'s' if count > 1 else ''} (first: "
                         f"{first.message.rstrip('.')}); correct the document and import it again.", code="lint-errors",
                         where=Location(file=read.upload.name, line=first.line))
    return import_strategy(read.strategy, actor=actor, mission=mission, edition=edition,
                           source_name=read.upload.name, replace=replace, replace_approved=replace_approved)
