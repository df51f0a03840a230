"""Search: a case-insensitive substring search over the titles and narratives the caller may read.

Titles are always public; a narrative marked SBU is searched only for those who may read the
mission's SBU (so a viewer can never learn that SBU text contains a word), and SBU risks and
indicators likewise.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from icsplan.accounts.redaction import PUBLIC
from icsplan.strategies import models as sm

from ..access import Access
from ..pagination import PageParams, page_of, paginate
from ..schemas import MAX_ID, SearchHitSchema

router = Router(tags=["search"])

# kind: (model, number field or None, [(text field, governing sensitivity field or None)])
_TARGETS: dict[str, tuple[Any, str | None, list[tuple[str, str | None]]]] = {
    "strategy": (sm.Strategy, None, [("title", None), ("priorities", "priorities_sensitivity")]),
    "goal": (sm.Goal, "number", [("title", None), ("framework_title", None),
                                 ("description", "description_sensitivity")]),
    "objective": (sm.Objective, "number", [("title", None), ("framework_title", None),
                                           ("justification", "justification_sensitivity")]),
    "sub_objective": (sm.SubObjective, "number", [("title", None), ("justification", "justification_sensitivity")]),
    "management_objective": (sm.ManagementObjective, "number",
                             [("title", None), ("justification", "justification_sensitivity")]),
    "risk": (sm.Risk, None, [("statement", "sensitivity")]),
}
PER_KIND_LIMIT = 500

SearchKind = Literal["strategy", "goal", "objective", "sub_objective", "management_objective", "risk", "indicator"]


class SearchParams(Schema):
    q: str = Field(..., min_length=2, max_length=200, description="Text to find (case-insensitive)")
    kind: SearchKind | None = Field(None, description="Only this kind of item")
    mission: int | None = Field(None, ge=1, le=MAX_ID, description="Only this mission")
    strategy: int | None = Field(None, ge=1, le=MAX_ID, description="Only this edition")


def _snippet(text: str, needle: str, width: int = 160) -> str:
    at = text.casefold().find(needle.casefold())
    if at < 0:
        return text[:width]
    start = max(0, at - width // 3)
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def _targets():
    from icsplan.indicators.models import Indicator

    targets = dict(_TARGETS)
    targets["indicator"] = (Indicator, "code", [("name", "sensitivity"), ("definition", "sensitivity")])
    return targets


@router.get("", response=page_of(SearchHitSchema), summary="Search titles and narratives")
def search(request: HttpRequest, params: Query[SearchParams], page: Query[PageParams]):
    access = Access(request)
    needle = params.q.strip()
    ids = access.view_ids
    hits: list[dict[str, Any]] = []
    for kind, (model, number_field, fields) in _targets().items():
        if params.kind and params.kind != kind:
            continue
        is_strategy = model is sm.Strategy
        prefix = "" if is_strategy else "strategy__"
        qs = access.visible(model.objects.all())
        if not is_strategy:
            qs = qs.select_related("strategy__mission")
        else:
            qs = qs.select_related("mission")
        if params.mission:
            qs = qs.filter(**{f"{prefix}mission_id": params.mission})
        if params.strategy:
            qs = qs.filter(**({"pk": params.strategy} if is_strategy else {"strategy_id": params.strategy}))
        if kind in ("risk", "indicator"):
            qs = access.readable(qs)  # SBU rows (and risks quoted from SBU narratives) stay out
        condition = Q()
        for name, marking in fields:
            match = Q(**{f"{name}__icontains": needle})
            if marking is not None and ids is not None:
                # Search inside a narrative only where the caller could read it.
                match &= Q(**{marking: PUBLIC}) | Q(**{f"{prefix}mission_id__in": ids})
            condition |= match
        for row in qs.filter(condition).order_by("pk")[:PER_KIND_LIMIT]:
            strategy = row if is_strategy else row.strategy
            for name, marking in fields:
                value = getattr(row, name) or ""
                if needle.casefold() not in value.casefold():
                    continue
                if marking is not None and access.text(value, getattr(row, marking), strategy.mission_id) is None:
                    continue
                title = getattr(row, "title", "") or getattr(row, "name", "") or getattr(row, "statement", "")
                hits.append({
                    "kind": kind, "id": row.pk, "strategy_id": strategy.pk, "mission_id": strategy.mission_id,
                    "country": strategy.mission.country, "edition": strategy.edition,
                    "number": getattr(row, number_field) if number_field else None,
                    "title": title[:300], "field": name, "snippet": _snippet(value, needle),
                })
                break
    return paginate(request, hits, page, lambda rows: list(rows))
