"""Who and where the current request comes from, for audit records written deep in services."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("icsplan_request", default=RequestContext())


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)


def client_ip(request) -> str | None:
    """The client address: REMOTE_ADDR, or the first X-Forwarded-For hop when the deployment
    says it runs behind a proxy (``ICSPLAN_TRUST_PROXY``)."""
    from django.conf import settings

    if getattr(settings, "ICSPLAN_TRUST_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None
