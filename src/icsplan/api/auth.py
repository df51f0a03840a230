"""Who is calling: a Bearer token, the browser session, or nobody.

Each authenticator returns a :class:`Principal` (stored by ninja in ``request.auth``).
Reads accept all three (anonymous callers see what the public sees); writes accept a token or a
session only. A token narrows its user for every permission check (``attach_token``: a read
token cannot write, a mission token sees one mission). Session writes must carry the CSRF token
(``X-CSRFToken`` header); token requests need none, since a browser never sends them by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from icsplan.errors import PermissionDenied

from .errors import Unauthenticated

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Principal:
    """The caller of one request."""

    user: Any
    token: Any = None
    via: str = "anonymous"  # "token" | "session" | "anonymous"

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    def __bool__(self) -> bool:  # ninja treats a falsy result as "not authenticated"
        return True


class TokenAuth(HttpBearer):
    """``Authorization: Bearer icsp_…`` — a personal API token (read or write scope)."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthenticated("The Authorization header must be 'Bearer <token>'.", code="invalid-token")
        return self.authenticate(request, value.strip())

    def authenticate(self, request: HttpRequest, token: str):
        from icsplan.accounts import throttle
        from icsplan.accounts.services import authenticate_token

        # Token guesses count against the caller's address like wrong passwords do (429 once over).
        ip = throttle.address_of(request)
        throttle.check(None, ip, request=request)
        found = authenticate_token(token)
        if found is None:
            throttle.record_failure(None, ip)
            raise Unauthenticated("The token is unknown, expired or revoked.", code="invalid-token")
        user, row = found
        request.user = user  # history records and audit events name the token's owner
        return Principal(user=user, token=row, via="token")


class SessionAuth(APIKeyCookie):
    """The browser session of a signed-in person; writes need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, for writes only

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise PermissionDenied("CSRF check failed: send the csrftoken cookie's value in X-CSRFToken.",
                                   code="csrf-failed")
        return Principal(user=user, via="session")

    def authenticate(self, request: HttpRequest, key):  # pragma: no cover - __call__ does the work
        return None


class Anonymous:
    """Nobody: reads fall back to what the public may see."""

    def __call__(self, request: HttpRequest):
        return Principal(user=AnonymousUser(), via="anonymous")


token_auth = TokenAuth()
session_auth = SessionAuth()
anonymous = Anonymous()

#: reads: a token, the session, or nobody
READ_AUTH: list[Callable[..., Any]] = [token_auth, session_auth, anonymous]
#: writes: a token or the session
WRITE_AUTH: list[Callable[..., Any]] = [token_auth, session_auth]


def principal(request: HttpRequest) -> Principal:
    auth = getattr(request, "auth", None)
    if isinstance(auth, Principal):
        return auth
    return Principal(user=AnonymousUser())


def user_of(request: HttpRequest):
    return principal(request).user
