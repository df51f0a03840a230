"""The one prologue and epilogue of every API write.

A write handler names what differs (which row it guards, the service it calls, how the row is
read back and shown) and ``write`` does the rest, always in the same order:

1. the caller must be signed in with write rights (``Access.require_writer``: 401, or 403 for a
   read-only token);
2. the guarded row is read as the caller may see it (404 when they may not);
3. the permission for the action on that row (403);
4. ``If-Match`` (strong ETags only; 428 when missing, 412 when stale) becomes the
   ``expected_version`` handed to the service, which checks it again under a row lock;
5. the service call;
6. the written row is read again as the caller sees it, its ETag goes in the ``ETag`` header,
   the status code is set, and the body is built from the fresh row.

Nothing is written before steps 1-4 pass: a refused write changes nothing.
"""

from __future__ import annotations

from typing import Any, Callable, Literal

from django.http import HttpRequest, HttpResponse

from icsplan.accounts.roles import Action

from .access import Access
from .etag import require_if_match

#: ``if_match=ROW``: the guarded row's own ETag (or ``match_tag``'s) must be in If-Match
ROW: Literal["row"] = "row"


def write(
    request: HttpRequest,
    response: HttpResponse | None = None,
    *,
    load: Callable[[Access], Any],
    change: Callable[[Access, Any, Any], Any],
    present: Callable[[Access, Any], Any],
    action: Action | str | None = Action.EDIT,
    permission_on: Callable[[Any], Any] | None = None,
    if_match: Literal["row"] | Callable[[Access, Any], int | None] | None = ROW,
    match_tag: Callable[[Access, Any], str] | None = None,
    reread: Callable[[Access, Any], Any] | None = None,
    etag: Callable[[Access, Any], str] | None = None,
    status: int | None = None,
) -> Any:
    """Run one write and return the response body.

    ``load(access)`` reads the guarded row (the row changed, or the parent a new row is added to);
    ``action`` is required on it (or on ``permission_on(row)``); ``action=None`` leaves the
    permission to the service, for services whose rule is not one action on one row (reviews). ``if_match`` is ``ROW`` (the row's ETag, ``match_tag(access,
    row)`` when it is not the plain :func:`resource_tag`), a callable returning the expected
    version for rows with a composite ETag, or ``None`` for creates that guard nothing.
    ``change(access, row, expected_version)`` calls the service and returns what it wrote;
    ``reread(access, written)`` reads it back (skipped when not given, e.g. for deletes);
    ``etag(access, fresh)`` sets the ``ETag`` header; ``present(access, fresh)`` is the body.
    """
    access = Access(request)
    access.require_writer()
    target = load(access)
    if action is not None:
        access.require(action, permission_on(target) if permission_on is not None else target)
    expected: int | None = None
    if if_match == ROW:
        expected = require_if_match(request, target, tag=match_tag(access, target) if match_tag else None)
    elif callable(if_match):
        expected = if_match(access, target)
    written = change(access, target, expected)
    fresh = reread(access, written) if reread is not None else written
    if response is not None:
        if etag is not None:
            response["ETag"] = etag(access, fresh)
        if status is not None:
            response.status_code = status
    return present(access, fresh)
