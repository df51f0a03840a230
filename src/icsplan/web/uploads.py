"""Reading an uploaded strategy document into a parse result (text, Markdown, DOCX, PDF, JSON)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from icsplan.errors import DocumentError, InputError, Location

from .models import PendingUpload

STRATEGY_KINDS = frozenset({"text", "json", "docx", "pdf"})
RESULTS_KINDS = frozenset({"xlsx", "csv"})
SESSION_KEY = "icsplan_pending_uploads"
KEEP_FOR = timedelta(hours=12)


def check(name: str, data: bytes, allowed) -> str:
    """The kind of an accepted upload (content-sniffed by the access layer's checks)."""
    from icsplan.core.uploads import check_upload

    return check_upload(name, data, allowed=allowed).kind


def parse_upload(name: str, kind: str, data: bytes):
    """(document, findings, framework entries) of an uploaded strategy."""
    from icsplan.ingest import lint_strategy, parse_text
    from icsplan.ingest.decode import decode_bytes

    if kind == "json":
        from icsplan.document import Strategy

        try:
            document = Strategy.from_json(data)
        except Exception as exc:  # pydantic's error, turned into one sentence with the file
            raise DocumentError(f"the JSON is not an icsplan strategy ({str(exc).splitlines()[0]})",
                                where=Location(file=name)) from None
        return document, lint_strategy(document)
    if kind == "docx":
        from icsplan.ingest.docx import docx_to_text

        text = docx_to_text(data, source=name)
    elif kind == "pdf":
        from icsplan.ingest.pdf import pdf_to_text

        text = pdf_to_text(data, source=name)
    else:
        text = decode_bytes(data, name)
    result = parse_text(text, source=name)
    return result.strategy, lint_strategy(result)


def store(request, mission, kind: str, name: str, file_kind: str, data: bytes) -> PendingUpload:
    """Keep an upload server-side under a fresh random token recorded in the session."""
    PendingUpload.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    row = PendingUpload.objects.create(token=secrets.token_urlsafe(24), user=request.user, mission=mission, kind=kind,
                                       name=name[:255], file_kind=file_kind, data=data)
    tokens = [t for t in request.session.get(SESSION_KEY, []) if t != row.token][-9:]
    request.session[SESSION_KEY] = tokens + [row.token]
    return row


def fetch(request, mission, token: str, kind: str | None = None) -> PendingUpload:
    """The pending upload of this session, person and mission; InputError when gone."""
    row = None
    if token in request.session.get(SESSION_KEY, []):
        row = PendingUpload.objects.filter(token=token, user=request.user, mission=mission,
                                           created_at__gte=timezone.now() - KEEP_FOR).first()
    if row is None or (kind and row.kind != kind):
        raise InputError("This upload has expired or belongs to another session; upload the file again.",
                         code="upload-expired")
    return row


def discard(request, row: PendingUpload) -> None:
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != row.token]
    row.delete()
