"""Middleware: a request id for logs and the audit trail, the Content-Security-Policy (Django 5.2
has no built-in CSP), and ``Cache-Control: private, no-store`` on responses that may carry SBU or
unapproved data."""

from __future__ import annotations

import re
import uuid

from . import context

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Gives every request an id (a well-formed incoming X-Request-ID is kept) and makes the id
    and client address available to services through ``icsplan.core.context``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = context.set_current(context.RequestContext(request_id=request_id, ip=context.client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class SecurityHeadersMiddleware:
    """Sets the Content-Security-Policy (no inline script) and a restrictive Permissions-Policy
    unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


#: for responses that may carry SBU or unapproved data: no browser or proxy cache keeps a copy
NO_STORE = "private, no-store"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class PrivateNoStoreMiddleware:
    """Marks ``Cache-Control: private, no-store`` on every response to an authenticated request
    (a session or a bearer token) and on every response to a write, whatever the view set.

    Which page shows SBU text depends on the reader's roles, so the rule is the simplest that is
    always right: anything served to somebody signed in may hold it; a write's answer echoes what
    was written. Anonymous reads see only public, approved data and may stay cacheable (and static
    files, which WhiteNoise serves before sessions are read, keep their long cache lifetime).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if may_carry_private_data(request):
            response["Cache-Control"] = NO_STORE
            if "Expires" in response:  # an Expires date would contradict no-store for old caches
                del response["Expires"]
        return response


def may_carry_private_data(request) -> bool:
    """True for a write, a request with credentials, or a signed-in person's request."""
    if request.method not in _SAFE_METHODS:
        return True
    if request.META.get("HTTP_AUTHORIZATION"):
        return True  # a token request, even a refused one (its 401 must not be kept either)
    user = getattr(request, "user", None)  # set by AuthenticationMiddleware (or the API's token check)
    return bool(user is not None and user.is_authenticated)


class RejectNulBytesMiddleware:
    """Refuses query strings and form fields that carry NUL characters.

    No person types a NUL; PostgreSQL text columns cannot hold one, so letting it reach a query
    would turn a bad request into a server error. API paths answer problem+json, pages plain text.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (
            request.method == "POST" and request.content_type in _FORM_TYPES and _has_nul(request.POST)
        ):
            return _bad_request(request, "The request contains a NUL character, which no field accepts.")
        return self.get_response(request)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


def _bad_request(request, detail: str):
    from django.http import HttpResponse, JsonResponse

    if request.path.startswith("/api/"):
        body = {"type": "urn:icsplan:problem:invalid-input", "title": "Bad Request", "status": 400,
                "detail": detail, "code": "invalid-input", "field": None, "errors": []}
        return JsonResponse(body, status=400, content_type="application/problem+json")
    return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")
