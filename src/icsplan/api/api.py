"""The REST API (``/api/v1/``): one NinjaAPI, one router per resource.

Conventions (the OpenAPI document at ``/api/v1/openapi.json`` states them per operation):

* auth: ``Authorization: Bearer <token>`` or the browser session (CSRF token on writes);
  reads work anonymously and show what the public sees;
* lists: ``page``/``page_size`` with totals, filters and ``ordering`` as query parameters;
* reads carry an ``ETag`` (``If-None-Match`` answers 304); writes to an existing resource need
  ``If-Match`` (428 when missing, 412 when stale);
* errors: ``application/problem+json`` (``icsplan.api.errors``).
"""

from __future__ import annotations

import copy
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from . import errors
from .auth import READ_AUTH
from .parser import JsonBodyParser
from .etag import IF_MATCH, body_tag, none_match  # noqa: F401 - IF_MATCH re-exported

API_DESCRIPTION = """
The icsplan API: missions, strategy editions and their framework (goals, objectives,
sub-objectives, management objectives, linkages, risks), indicators with their periods, targets
and results (submit, approve, return), exports in every publishing format, document import
(preview, then confirm) and search.

**Authentication.** Send `Authorization: Bearer <token>` (a personal token, read or write scope,
optionally limited to one mission) or use the browser session (writes then need the
`X-CSRFToken` header). Without either, reads return what the public may see. Unknown tokens
count against the caller's address with failed sign-ins: past the limit every token and password
attempt from it answers 429 (`throttled`, with `Retry-After`) for up to 15 minutes.
Every response to a token or session caller, and to every write, is `Cache-Control: private, no-store`.

**Concurrency.** Every read returns an `ETag`. Every write to an existing resource must send it
back in `If-Match`: a missing header answers 428, a stale one 412.

**Sensitive but unclassified (SBU) text** is shown only to readers of the mission's SBU (its
members and the bureau's analysts). Everyone else — the public, viewers, members of other
missions, tokens limited to another mission — gets the public copy: SBU risks, indicators,
targets and results are left out, unapproved results too, and a narrative (`priorities`,
`description`, `justification`, `linkages_text`) is its public text or `null`. For these callers
every `*_sensitivity` marking of a narrative is `null`: a withheld narrative and an empty one read
the same, so a response never reveals that SBU text exists.

**Errors** are RFC 9457 `application/problem+json` with a stable `code` and the `field` at fault.

**Dates** are ISO 8601; reporting periods are fiscal-period ids: `FY2019` (year), `FY2019H1`
(half), `FY2019Q1` (quarter: October–December 2018).
"""

WRITE_METHODS = {"post", "put", "patch", "delete"}


_ERROR_RESPONSES = {
    "400": "Bad request",
    "401": "Missing, unknown, expired or revoked credentials",
    "403": "Not allowed (read-only token, CSRF, or a role that may see but not change this)",
    "404": "Not found, or not visible to the caller",
    "409": "Conflict with the current state (`conflict`): e.g. approving an edition already approved, "
           "deciding a result that is not submitted; `errors[0].code` says which",
    "412": "If-Match no longer matches: the resource changed since it was read",
    "413": "The request body or the uploaded file is larger than its limit (`too-large`)",
    "415": "The body is not in a format this operation reads: JSON bodies must be UTF-8 application/json",
    "422": "Invalid input; `errors` names each field at fault",
    "428": "If-Match is required on this write",
    "429": "Too many failed sign-in or token attempts from this address (`throttled`); "
           "`Retry-After` gives the seconds to wait",
    "500": "Unexpected error (no details are disclosed)",
}


class SelfHostedSwagger(DocsBase):
    """Swagger UI from the app's own static files: no CDN, no inline script."""

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        from django.middleware.csrf import get_token
        from django.shortcuts import render

        context = {
            "api": api,
            "openapi_url": self.get_openapi_url(api, kwargs),
            # Lets "Try it out" write through the session; a Bearer token needs none.
            "csrf_token": get_token(request) if request.user.is_authenticated else "",
        }
        response = render(request, "api/docs.html", context)
        response["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
        )
        return response


class IcsplanAPI(NinjaAPI):
    """NinjaAPI with ETags on reads, problem+json everywhere and a documented error model."""

    def create_response(self, request: HttpRequest, data: Any, *, status: int | None = None,
                        temporal_response: HttpResponse | None = None) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        return finish_read(request, response)

    def get_openapi_operation_id(self, operation) -> str:
        # Operation ids name the resource's router module (``icsplan_api_routers_indicators_...``);
        # a router split into a package (``routers/indicators/values.py``) keeps the ids its clients
        # know, so the id is built from the first four parts of the module name.
        module = ".".join(operation.view_func.__module__.split(".")[:4])
        return (module + "_" + operation.view_func.__name__).replace(".", "_")

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return _document_conventions(schema)

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        return [_wrap(p) for p in patterns], app_name, namespace


def finish_read(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """ETag (and 304) for successful reads; private caching for everything."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        tag = response.get("ETag")
        if not tag and not getattr(response, "streaming", False):
            tag = body_tag(response.content)
            response["ETag"] = tag
        if tag and none_match(request, tag):
            not_modified = HttpResponse(status=304)
            not_modified["ETag"] = tag
            for header in ("Cache-Control", "Vary"):
                if header in response:
                    not_modified[header] = response[header]
            response = not_modified
    response.setdefault("Cache-Control", "private, no-cache")
    response["Vary"] = "Authorization, Cookie"
    return response


def _wrap(pattern):
    """Turn ninja's plain-text 405 into problem+json."""
    if not isinstance(pattern, URLPattern):
        return pattern
    view = pattern.callback

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # Refuse an oversized request by its declared length, before anything reads the body.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ICSPLAN_REQUEST_MAX_BYTES:
            return errors.too_large(request, length)
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response.get("Allow", "")
            response = errors.problem(request, 405, "method-not-allowed",
                                      f"{request.method} is not allowed here; allowed: {allowed}.")
            response["Allow"] = allowed
        return response

    wrapped.csrf_exempt = getattr(view, "csrf_exempt", False)
    new = copy.copy(pattern)
    new.callback = wrapped
    return new


def _document_conventions(schema: dict) -> dict:
    """Add the error model, If-Match, ETag and optional auth to every operation."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = {
        "title": "Problem",
        "type": "object",
        "description": "RFC 9457 problem details with icsplan's stable `code` and the field at fault.",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": ["string", "null"]},
            "code": {"type": "string"},
            "field": {"type": ["string", "null"]},
            "errors": {"type": "array", "items": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                               "field": {"type": ["string", "null"]}, "in": {"type": "string"}},
                "required": ["code", "message"],
            }},
        },
        "required": ["type", "title", "status", "detail", "code", "errors"],
    }
    problem_content = {errors.PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    etag_header = {"ETag": {"description": "Send it back in If-Match to change this resource.",
                            "schema": {"type": "string"}}}
    for path_item in schema.get("paths", {}).values():
        for method, op in path_item.items():
            if method not in WRITE_METHODS | {"get"}:
                continue
            responses = op.setdefault("responses", {})
            for code, text in _ERROR_RESPONSES.items():
                if code in ("412", "413", "415", "428") and method not in WRITE_METHODS:
                    continue
                responses.setdefault(code, {"description": text, "content": problem_content})
            if method == "get":
                ok = responses.get("200")
                if ok is not None:
                    ok.setdefault("headers", {}).update(etag_header)
                responses.setdefault("304", {"description": "Not modified (If-None-Match matched)"})
                responses.setdefault("405", {"description": "Method not allowed", "content": problem_content})
            security = op.get("security")
            if security is not None and method == "get" and {} not in security:
                security.append({})  # reads work anonymously (the public view)
            if op.pop("x-if-match", False):
                params = op.setdefault("parameters", [])
                params.append({
                    "name": "If-Match", "in": "header", "required": True,
                    "description": "The ETag of the resource as you read it (428 when missing, 412 when stale).",
                    "schema": {"type": "string"},
                })
    return schema


api = IcsplanAPI(
    title="icsplan API",
    version="1.0.0",
    description=API_DESCRIPTION,
    urls_namespace="api-v1",
    docs=SelfHostedSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=READ_AUTH,
    parser=JsonBodyParser(),
)
errors.install(api)

# Routers register their operations on import (each one owns its resource).
from .routers import register  # noqa: E402

register(api)
