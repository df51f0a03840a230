"""The web pages' side of a staged import: which staged uploads belong to this browser session.

Everything else (checks, reader limits, parsing, the lint gate, permissions, expiry) is
``icsplan.imports.services``, shared with the API and the CLI. The token of a staged upload is in
the page's URL and in the session, so a link to a preview works only where the file was uploaded.
"""

from __future__ import annotations

from icsplan.errors import NotFoundError
from icsplan.imports import services as imports
from icsplan.imports.models import StagedImport

SESSION_KEY = "icsplan_pending_uploads"


def remember(request, row: StagedImport) -> StagedImport:
    """Record a staged upload in the session (the last ten are kept)."""
    tokens = [t for t in request.session.get(SESSION_KEY, []) if t != row.token][-9:]
    request.session[SESSION_KEY] = tokens + [row.token]
    return row


def fetch(request, mission, token: str, kind: str) -> StagedImport:
    """The staged upload of this session, person and mission; NotFoundError ("upload-expired") when gone."""
    if token not in request.session.get(SESSION_KEY, []):
        raise NotFoundError("This upload has expired or belongs to another session; upload the file again.",
                            code="upload-expired")
    return imports.get_staged(request.user, token=token, mission=mission, kind=kind)


def forget(request, row: StagedImport, *, delete: bool = True) -> None:
    """Drop a staged upload from the session (and the table, unless it stays as a record)."""
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != row.token]
    if delete:
        imports.discard(row)
