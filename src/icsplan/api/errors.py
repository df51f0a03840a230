"""Every API error is an RFC 9457 ``application/problem+json`` document.

    {"type": "urn:icsplan:problem:not-found", "title": "Not Found", "status": 404,
     "detail": "No objective matches the request.", "instance": "/api/v1/objectives/9",
     "code": "not-found", "field": null, "errors": []}

``code`` is stable (clients branch on it); ``field`` names the first field at fault and
``errors`` lists every problem with its field and where it was sent (``in``: body, query, path,
header). icsplan's own errors (``icsplan.errors``), ninja's request validation, 404s of unknown
URLs, 405s and unexpected exceptions all end up here; a traceback is never sent.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, RawPostDataException
from django.http.multipartparser import MultiPartParserError
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from icsplan import errors as e
from icsplan.ingest.uploads import human_size

logger = logging.getLogger("icsplan.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"


class PreconditionRequired(e.IcsplanError):
    """A write sent without ``If-Match``."""

    code = "precondition-required"
    http_status = 428


class PreconditionFailed(e.IcsplanError):
    """A write whose ``If-Match`` no longer matches the resource."""

    code = "precondition-failed"
    http_status = 412


class UnsupportedMediaType(e.IcsplanError):
    """A body in a format or encoding the endpoint does not read (multipart sent to a JSON endpoint)."""

    code = "unsupported-media-type"
    http_status = 415


class Unauthenticated(e.IcsplanError):
    """No usable credentials (a bad, expired or revoked token; no session for a write)."""

    code = "unauthenticated"
    http_status = 401


def problem(
    request: HttpRequest | None,
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """An ``application/problem+json`` response."""
    errors = errors or []
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {
        "type": f"urn:icsplan:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path if request is not None else None,
        "code": code,
        "field": next((err.get("field") for err in errors if err.get("field")), None),
        "errors": errors,
    }
    if extra:
        body.update(extra)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=PROBLEM_MEDIA_TYPE
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="icsplan"'
    return response


def _location_fields(where: e.Location) -> str | None:
    return where.field or where.column or where.element or None


#: Service error codes that mean "not in this state" (approving an edition already approved, deciding
#: a result that is not submitted): the request was valid, the resource's state conflicts with it.
STATE_CONFLICTS = {"already-approved", "wrong-state", "invalid-transition", "edition-in-force", "revision-required"}


def _icsplan_error(request, exc: e.IcsplanError) -> HttpResponse:
    status = exc.http_status
    code = exc.code
    extra: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    if isinstance(exc, e.ConflictError):
        if exc.current_version is not None or exc.given_version is not None:
            # A save based on a stale version: the If-Match the client sent is out of date.
            status, code = 412, "precondition-failed"
            if exc.current_version is not None:
                extra["current_version"] = exc.current_version
        else:  # lost a race to create the same thing (a period locked meanwhile)
            status, code = 409, "conflict"
    elif exc.code in STATE_CONFLICTS:
        # The specific reason stays in ``errors`` for clients that branch on it.
        return problem(request, 409, "conflict", exc.message,
                       errors=[{"code": exc.code, "message": exc.message, "field": None, "in": "body"}])
    if isinstance(exc, e.ValidationError):
        for p in exc.problems:
            entry: dict[str, Any] = {"code": p.code, "message": p.message, "field": _location_fields(p.where), "in": "body"}
            if p.where.row is not None:
                entry["row"] = p.where.row
            if p.where.line is not None:
                entry["line"] = p.where.line
            if p.where.sheet is not None:
                entry["sheet"] = p.where.sheet
            errors.append(entry)
    elif _location_fields(exc.where):
        errors.append({"code": code, "message": exc.message, "field": _location_fields(exc.where), "in": "body"})
    if status >= 500:
        logger.error("icsplan error %s on %s: %s", code, request.path, exc)
    detail = exc.message
    if exc.where.file and exc.where.file not in detail:
        detail = f"{exc.where.file}: {detail}"  # an uploaded file's refusal names the file, as on the CLI
    response = problem(request, status, code, detail, errors=errors, extra=extra)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:  # a throttled sign-in or token: when to try again
        response["Retry-After"] = str(int(retry_after))
    return response


def _field_of(loc: tuple) -> tuple[str, str | None]:
    """('body', 'payload', 'title') -> ('body', 'title'); ('query', 'page') -> ('query', 'page')."""
    parts = [str(p) for p in loc]
    source = parts[0] if parts else "body"
    rest = parts[1:]
    if source in ("body", "form", "file") and len(rest) > 1:
        rest = rest[1:]  # drop the handler's parameter name ("payload")
    return source, ".".join(rest) or None


def _validation_error(request, exc: NinjaValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = []
    for err in exc.errors:
        source, field = _field_of(tuple(err.get("loc", ())))
        errors.append({"code": str(err.get("type", "invalid")), "message": str(err.get("msg", "invalid")),
                       "field": field, "in": source})
    first = errors[0] if errors else {"message": "invalid request", "field": None}
    detail = f"{first['field']}: {first['message']}" if first.get("field") else first["message"]
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more problems)"
    return problem(request, 422, "validation-failed", detail, errors=errors)


_HTTP_CODES = {400: "bad-request", 401: "unauthenticated", 403: "forbidden", 404: "not-found",
               405: "method-not-allowed", 409: "conflict", 413: "too-large", 415: "unsupported-media-type",
               429: "too-many-requests"}


def _http_error(request, exc: HttpError) -> HttpResponse:
    # ninja wraps whatever the body parser raises in a bare 400 "Cannot parse request body"; the
    # parser's own refusal (415, 413, invalid JSON...) is the answer to give.
    cause = exc.__cause__
    if isinstance(cause, e.IcsplanError):
        return _icsplan_error(request, cause)
    if isinstance(cause, (RequestDataTooBig, SuspiciousOperation)):
        return _suspicious(request, cause)
    if isinstance(exc, AuthenticationError):
        return problem(request, 401, "unauthenticated", "Authentication required: send a Bearer token or sign in.")
    code = _HTTP_CODES.get(exc.status_code, "error")
    if exc.status_code == 403 and "CSRF" in str(exc):
        code = "csrf-failed"
    return problem(request, exc.status_code, code, str(exc))


def _suspicious(request, exc: Exception) -> HttpResponse:
    """Django's refusals while reading a request: a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    form fields, a malformed multipart body."""
    if isinstance(exc, RequestDataTooBig):
        return problem(request, 413, "too-large", "The request body is larger than the limit: at most "
                       f"{human_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)} is accepted outside a file upload.")
    if isinstance(exc, TooManyFieldsSent):
        return problem(request, 413, "too-large", "The request has too many form fields.")
    return problem(request, 400, "bad-request", "The request cannot be read.")


def _form_body_to_json_endpoint(request, exc: Exception) -> HttpResponse:
    # The body was read as a form (multipart or urlencoded) before ninja wanted it as JSON: the
    # client sent a form to an endpoint that reads JSON.
    media_type = (request.content_type or "").lower() or "no content type"
    return problem(request, 415, "unsupported-media-type", "This endpoint reads a JSON body (application/json); "
                   f"the request was sent as {media_type}.")


def too_large(request, length: int) -> HttpResponse:
    """413 for a request whose declared length is over ``ICSPLAN_REQUEST_MAX_BYTES``."""
    limit = settings.ICSPLAN_REQUEST_MAX_BYTES
    return problem(request, 413, "too-large", f"The request is {human_size(length)}, larger than the limit: at "
                   f"most {human_size(limit)} is accepted (files up to "
                   f"{human_size(settings.ICSPLAN_READER_LIMITS.max_bytes)}).")


def _not_found(request, exc: Exception) -> HttpResponse:
    return problem(request, 404, "not-found", "Not found.")


def _database_refused(request, exc: Exception) -> HttpResponse:
    # A value the database cannot store (a NUL inside JSON, a number out of range) is the
    # caller's mistake, not the server's.
    return problem(request, 422, "invalid-value", "A value in the request cannot be stored; check for NUL "
                   "characters and out-of-range numbers.")


def _integrity(request, exc: Exception) -> HttpResponse:
    # A unique constraint refused a row another request stored a moment earlier (two clients
    # creating the same result at once): a conflict with the current state, not a server error.
    logger.info("integrity error on %s %s: %s", request.method, request.path, exc)
    return problem(request, 409, "conflict", "Another request stored the same item at the same moment; "
                   "read it again and retry.")


def _unexpected(request, exc: Exception) -> HttpResponse:
    logger.exception("unexpected error on %s %s", request.method, request.path)
    return problem(request, 500, "internal-error",
                   "An unexpected error occurred; it has been logged. Quote the request id when reporting it.",
                   extra={"request_id": getattr(request, "request_id", None)})


def install(api) -> None:
    """Register the problem+json handlers on a NinjaAPI."""
    api.add_exception_handler(e.IcsplanError, _icsplan_error)
    api.add_exception_handler(NinjaValidationError, _validation_error)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(SuspiciousOperation, _suspicious)
    api.add_exception_handler(MultiPartParserError, _suspicious)
    api.add_exception_handler(RawPostDataException, _form_body_to_json_endpoint)
    api.add_exception_handler(DataError, _database_refused)
    api.add_exception_handler(IntegrityError, _integrity)
    api.add_exception_handler(Exception, _unexpected)


def not_found_view(request, *args, **kwargs) -> HttpResponse:
    """Catch-all for unknown URLs under the API prefix."""
    return problem(request, 404, "not-found", f"No API endpoint at {request.path}.")
