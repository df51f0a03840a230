"""Bounded list pages: one page of a list, and the links to its neighbours.

Every list a page shows grows with the data (a 10,000-row workbook import is ordinary), so pages
show a fixed number of items and link to the others. The page number comes from ``?page=``; a
number past the end shows the last page, a non-number the first, so a stale link never fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

#: items per page of the lists that have no size of their own
PER_PAGE = 50


@dataclass(frozen=True)
class Pager:
    """One page of a list: its items, where it sits and the query strings of its neighbours."""

    items: list[Any]
    number: int
    num_pages: int
    count: int
    first_index: int  # 1-based position of the first item shown (0 when the list is empty)
    last_index: int
    previous_query: str | None  # "?page=…&…" keeping the other parameters, or None on the first page
    next_query: str | None

    @property
    def paged(self) -> bool:
        """True when the list does not fit on one page (the template shows the links then)."""
        return self.num_pages > 1


def _query(request: HttpRequest, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()


def page_of(request: HttpRequest, items: Sequence[Any] | QuerySet[Any], *, per_page: int = PER_PAGE) -> Pager:
    """The page of ``items`` asked for by ``?page=`` (a queryset is counted and sliced in SQL)."""
    paginator = Paginator(items, per_page, allow_empty_first_page=True)
    page = paginator.get_page(request.GET.get("page"))
    number = page.number
    return Pager(
        items=list(page.object_list), number=number, num_pages=paginator.num_pages, count=paginator.count,
        first_index=page.start_index(), last_index=page.end_index(),
        previous_query=_query(request, number - 1) if page.has_previous() else None,
        next_query=_query(request, number + 1) if page.has_next() else None,
    )


__all__ = ["PER_PAGE", "Pager", "page_of"]
