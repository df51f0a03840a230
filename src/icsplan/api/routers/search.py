"""Search: full-text search over the titles, narratives, risks and indicators the caller may read.

Thin: ``portfolio.search.search`` makes one SQL statement that applies the permission layer, the
redaction point, the text match (PostgreSQL full-text search, or SQLite FTS5), the limit and the
snippets together, so a viewer can never learn that SBU text contains a word, and nothing is
filtered after reading.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from icsplan.portfolio import search as portfolio_search

from ..access import Access
from ..pagination import PageParams, page_of, paginate
from ..schemas import MAX_ID, SearchHitSchema

router = Router(tags=["search"])

SearchKind = Literal["strategy", "goal", "objective", "sub_objective", "management_objective", "risk", "indicator"]


class SearchParams(Schema):
    q: str = Field(..., min_length=2, max_length=200,
                   description="Words to find: every word must match, as a word or the start of one")
    kind: SearchKind | None = Field(None, description="Only this kind of item")
    mission: int | None = Field(None, ge=1, le=MAX_ID, description="Only this mission")
    bureau: str | None = Field(None, max_length=10, description="Only the missions of this bureau (e.g. AF)")
    strategy: int | None = Field(None, ge=1, le=MAX_ID, description="Only this edition")


@router.get("", response=page_of(SearchHitSchema), summary="Search titles and narratives")
def search(request: HttpRequest, params: Query[SearchParams], page: Query[PageParams]):
    access = Access(request)
    hits = portfolio_search.search(params.q, actor=access.user, kind=params.kind, mission=params.mission,
                                   bureau=params.bureau, strategy=params.strategy)
    return paginate(request, hits, page, lambda rows: [
        {**vars(hit), "highlights": [list(span) for span in hit.highlights]} for hit in rows])
