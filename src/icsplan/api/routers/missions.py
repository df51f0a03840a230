"""Missions: the embassies and their agencies, one per country."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from icsplan.accounts.models import Mission

from .. import serialize
from ..access import Access
from ..etag import resource_tag
from ..pagination import PageParams, apply_ordering, page_of, paginate
from ..schemas import MissionSchema, PathId

router = Router(tags=["missions"])

MissionOrdering = Literal["country", "-country", "created_at", "-created_at", "updated_at", "-updated_at"]


class MissionFilters(Schema):
    country: str | None = Field(None, max_length=100, description="Exact country name (case-insensitive)")
    bureau: str | None = Field(None, max_length=10, description="Bureau code, e.g. AF")
    q: str | None = Field(None, max_length=200, description="Part of the country or post name")
    ordering: MissionOrdering | None = None


@router.get("", response=page_of(MissionSchema), summary="List missions")
def list_missions(request: HttpRequest, filters: Query[MissionFilters], page: Query[PageParams]):
    """Missions the caller may see (the public sees those with an approved edition)."""
    access = Access(request)
    qs = access.visible(Mission.objects.select_related("bureau"))
    if filters.country:
        qs = qs.filter(country__iexact=filters.country)
    if filters.bureau:
        qs = qs.filter(bureau__code__iexact=filters.bureau)
    if filters.q:
        from django.db.models import Q

        qs = qs.filter(Q(country__icontains=filters.q) | Q(post__icontains=filters.q))
    qs = apply_ordering(qs, filters.ordering, default=("country",))
    return paginate(request, qs, page, lambda rows: [serialize.mission(r) for r in rows])


@router.get("/{int:mission_id}", response=MissionSchema, summary="Get a mission")
def get_mission(request: HttpRequest, mission_id: PathId, response: HttpResponse):
    access = Access(request)
    row = access.get(Mission.objects.select_related("bureau"), pk=mission_id)
    response["ETag"] = resource_tag(row)
    return serialize.mission(row)
