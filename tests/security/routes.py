"""Discovering every page and API operation, and calling one as a persona."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

#: URL namespaces not covered by the matrix (Django's own admin site has its own staff checks).
IGNORED_NAMESPACES = {"admin"}
#: unnamed or infrastructure routes that need no per-persona expectations
IGNORED_PATTERNS = {r"^api/"}


@dataclass(frozen=True)
class Route:
    method: str
    name: str  # "web:strategy" or "api:get_strategy"
    path: str  # a Django pattern or an OpenAPI path template


def web_routes() -> list[Route]:
    out: list[Route] = []

    def walk(resolver, prefix="", ns=None):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if p.namespace in IGNORED_NAMESPACES:
                    continue
                namespace = ":".join(x for x in (ns, p.namespace) if x) or None
                if str(p.pattern).startswith("api/"):
                    continue  # the API is covered by its schema
                walk(p, prefix + str(p.pattern), namespace)
            elif isinstance(p, URLPattern):
                if str(prefix + str(p.pattern)) in IGNORED_PATTERNS:
                    continue
                name = f"{ns}:{p.name}" if ns and p.name else p.name
                if name is None:
                    name = "<unnamed> " + prefix + str(p.pattern)
                # Django's URL conf does not say which methods a view takes: every page is checked
                # with GET and with POST (a POST that is no write must change nothing).
                for method in ("GET", "POST"):
                    out.append(Route(method, name, prefix + str(p.pattern)))

    walk(get_resolver())
    return out


def api_operation_name(operation_id: str) -> str:
    rest = operation_id.split("_routers_", 1)[-1]
    return "api:" + (rest.split("_", 1)[1] if "_" in rest else rest)


def api_routes() -> list[Route]:
    try:
        from icsplan.api.api import api
    except ImportError:
        return []
    schema = api.get_openapi_schema()
    out = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            out.append(Route(method.upper(), api_operation_name(operation["operationId"]), path))
    return out


@functools.lru_cache(maxsize=1)
def _all_routes() -> tuple[Route, ...]:
    return tuple(web_routes() + api_routes())


def all_routes() -> list[Route]:
    return list(_all_routes())


def url_for(route: Route, args: dict) -> str:
    query = {k[1:]: v for k, v in args.items() if k.startswith("?")}
    kwargs = {k: v for k, v in args.items() if not k.startswith("?")}
    if route.name.startswith("api:"):
        url = re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), route.path)
    else:
        url = reverse(route.name, kwargs=kwargs or None)
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url
