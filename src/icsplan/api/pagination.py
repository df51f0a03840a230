"""Page pagination with totals, and validated ordering.

Every list answers ``{"count", "page", "page_size", "pages", "next", "previous", "items"}``;
``next``/``previous`` are the query strings of the neighbouring pages (or null). A page past the
end is an empty page, not an error, so clients can loop until ``next`` is null.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Callable, Generic, Iterable, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from ninja import Field, Schema
from pydantic import create_model

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_PAGE = 1_000_000

T = TypeVar("T")


class PageParams(Schema):
    """Which page to return."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page (at most 500).")


class PageMeta(Schema):
    count: int = Field(..., description="Total number of items across all pages.")
    page: int
    page_size: int
    pages: int = Field(..., description="Number of pages (0 when there are no items).")
    next: str | None = Field(None, description="Query string of the next page, or null.")
    previous: str | None = Field(None, description="Query string of the previous page, or null.")


@lru_cache(maxsize=None)
def page_of(item: type) -> type:
    """The page schema of ``item`` (``ObjectiveSchema`` -> ``ObjectivePage``)."""
    name = item.__name__.removesuffix("Schema") + "Page"
    return create_model(name, __base__=PageMeta, items=(list[item], ...))  # type: ignore[valid-type]  # a class made at run time


def _link(request: HttpRequest, page: int) -> str:
    query: QueryDict = request.GET.copy()
    query["page"] = str(page)
    return f"{request.path}?{query.urlencode()}"


def paginate(
    request: HttpRequest,
    rows: QuerySet | list,
    params: PageParams,
    serialize: Callable[[Iterable[Any]], list[Any]],
) -> dict[str, Any]:
    """One page of ``rows``; ``serialize`` turns the page's rows into items (all at once, so it
    can batch any extra look-ups)."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    size = params.page_size
    offset = (params.page - 1) * size
    chunk = list(rows[offset : offset + size]) if offset < count else []
    pages = math.ceil(count / size) if count else 0
    return {
        "count": count,
        "page": params.page,
        "page_size": size,
        "pages": pages,
        "next": _link(request, params.page + 1) if params.page < pages else None,
        "previous": _link(request, min(params.page - 1, max(pages, 1))) if params.page > 1 else None,
        "items": serialize(chunk),
    }


def ordering_choices(*fields: str) -> tuple[str, ...]:
    """``("number", "title")`` -> the accepted values, ascending and descending."""
    out: list[str] = []
    for name in fields:
        out += [name, f"-{name}"]
    return tuple(out)


def apply_ordering(qs: QuerySet, ordering: str | None, mapping: dict[str, str] | None = None,
                   default: tuple[str, ...] = ()) -> QuerySet:
    """Order by a validated public field name (``-`` for descending), with ``pk`` as tie-break."""
    if not ordering:
        return qs.order_by(*default, "pk") if default else qs.order_by("pk")
    desc = ordering.startswith("-")
    name = ordering.lstrip("-")
    column = (mapping or {}).get(name, name)
    return qs.order_by(f"-{column}" if desc else column, "-pk" if desc else "pk")


__all__ = ["PageParams", "page_of", "paginate", "apply_ordering", "ordering_choices", "Generic"]
