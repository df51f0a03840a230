"""``/indicators``: indicators, their baselines and breakdowns (disaggregations)."""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema
from ninja.responses import Status

from icsplan.core import inputs
from icsplan.errors import NotFoundError, ValidationError
from icsplan.indicators import models as im

from ... import schemas as s
from ... import writes
from ...access import Access
from ...auth import WRITE_AUTH
from ...etag import IF_MATCH
from ...pagination import PageParams, apply_ordering, page_of, paginate
from ...schemas import MAX_ID, PathId
from ..elements import get_element
from .common import get_indicator, indicator_dict, indicator_tag
from .common import visible_indicators as _visible_indicators
from .routes import indicators
from .schemas import (
    BaselineIn,
    BaselineSchema,
    DisaggregationIn,
    DisaggregationSchema,
    Frequency,
    IndicatorCreate,
    IndicatorSchema,
    IndicatorUpdate,
)
from .values import NEW_ROW

# -- indicators ------------------------------------------------------------------------------------

class IndicatorFilters(Schema):
    strategy: int | None = Field(None, ge=1, le=MAX_ID, description="Strategy edition id")
    mission: int | None = Field(None, ge=1, le=MAX_ID, description="Mission id")
    element_kind: s.ElementKind | None = None
    element_id: int | None = Field(None, ge=1, le=MAX_ID)
    code: str | None = Field(None, max_length=40)
    frequency: Frequency | None = None
    responsible: str | None = Field(None, max_length=100, description="Section or agency (case-insensitive)")
    q: str | None = Field(None, max_length=200, description="Part of the name")
    ordering: Literal["code", "-code", "position", "-position", "name", "-name", "updated_at", "-updated_at"] | None = None


@indicators.get("", response=page_of(IndicatorSchema), summary="List indicators")
def list_indicators(request: HttpRequest, filters: Query[IndicatorFilters], page: Query[PageParams]):
    access = Access(request)
    qs = _visible_indicators(access)
    if filters.strategy:
        qs = qs.filter(strategy_id=filters.strategy)
    if filters.mission:
        qs = qs.filter(strategy__mission_id=filters.mission)
    if filters.element_kind and filters.element_id:
        qs = qs.filter(**{f"{filters.element_kind}_id": filters.element_id})
    if filters.code:
        qs = qs.filter(code=filters.code)
    if filters.frequency:
        qs = qs.filter(frequency=filters.frequency)
    if filters.responsible:
        qs = qs.filter(responsible__iexact=filters.responsible)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    qs = apply_ordering(qs, filters.ordering, default=("strategy_id", "position"))
    return paginate(request, qs, page, lambda rows: [indicator_dict(r) for r in rows])


@indicators.get("/{int:indicator_id}", response=IndicatorSchema, summary="Get an indicator")
def get_one_indicator(request: HttpRequest, indicator_id: PathId, response: HttpResponse):
    access = Access(request)
    row = get_indicator(access, indicator_id)
    response["ETag"] = indicator_tag(access, row)
    return indicator_dict(row)


@indicators.post("", response={201: IndicatorSchema}, auth=WRITE_AUTH, summary="Create an indicator")
def create_indicator(request: HttpRequest, payload: IndicatorCreate, response: HttpResponse):
    from icsplan.indicators import services

    def change(access: Access, element, _expected):
        fields = payload.model_dump(exclude={"element", "code", "name"})
        return services.create_indicator(element, code=payload.code, name=payload.name, actor=access.user, **fields)

    return writes.write(request, response, load=lambda access: get_element(access, payload.element.kind,
                                                                           payload.element.id),
                        if_match=None, change=change, reread=lambda access, row: get_indicator(access, row.pk),
                        etag=indicator_tag, status=201, present=lambda access, row: indicator_dict(row))


@indicators.patch("/{int:indicator_id}", response=IndicatorSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
                  summary="Change an indicator's definition")
def update_indicator(request: HttpRequest, indicator_id: PathId, payload: IndicatorUpdate, response: HttpResponse):
    from icsplan.indicators import services

    def change(access: Access, row, expected):
        changes = payload.model_dump(exclude_unset=True)
        reason = changes.pop("reason", "") or ""
        if not changes:
            raise ValidationError("No changes were given.")
        services.update_indicator(row, changes, expected_version=expected, actor=access.user, reason=reason)

    def load(access: Access):
        return get_indicator(access, indicator_id)

    return writes.write(request, response, load=load, match_tag=indicator_tag, change=change,
                        reread=lambda access, _row: load(access), etag=indicator_tag,
                        present=lambda access, row: indicator_dict(row))


@indicators.delete("/{int:indicator_id}", response=s.DeletedSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
                   summary="Delete an indicator with its targets and results")
def delete_indicator(request: HttpRequest, indicator_id: PathId):
    from icsplan.indicators import services

    return writes.write(
        request, load=lambda access: get_indicator(access, indicator_id), match_tag=indicator_tag,
        change=lambda access, row, expected: services.delete_indicator(row, expected_version=expected,
                                                                        actor=access.user),
        present=lambda access, _none: {"deleted": True, "id": indicator_id})


# -- baselines and breakdowns ----------------------------------------------------------------------

def baseline_dict(row: im.Baseline) -> dict[str, Any]:
    return {"indicator_id": row.indicator_id, "value": row.value, "date": row.date, "note": row.note,
            "version": row.version, "updated_at": row.updated_at}


def disaggregation_dict(row: im.Disaggregation) -> dict[str, Any]:
    return {"id": row.pk, "indicator_id": row.indicator_id, "category": row.category, "values": list(row.values),
            "exhaustive": row.exhaustive, "position": row.position, "version": row.version,
            "updated_at": row.updated_at}


def _write_part(request: HttpRequest, response: HttpResponse, indicator_id: int, change, present):
    """A write to a baseline or breakdown through :func:`writes.write`: both are part of the
    indicator, so the guarded row is the indicator and If-Match takes its ETag (which covers its
    baseline and breakdowns). The indicator's row is locked before it is read and the tag compared,
    so that of two writers holding the same ETag one wins and the other gets 412; ``change`` then
    sees the baseline and breakdowns as the caller saw them. ``present(access, indicator)`` builds
    the body from the indicator as it is afterwards, whose new ETag goes in the header."""

    def load_locked(access: Access) -> im.Indicator:
        row = get_indicator(access, indicator_id)  # 404 for what the caller may not see, before locking
        list(im.Indicator.objects.select_for_update().filter(pk=row.pk).values_list("pk"))
        return get_indicator(access, indicator_id)  # its baseline and breakdowns as they are now

    with transaction.atomic():
        return writes.write(
            request, response, load=load_locked, match_tag=indicator_tag, change=change,
            reread=lambda access, written: get_indicator(access, indicator_id), etag=indicator_tag, present=present)


def _baseline_of(row: im.Indicator) -> im.Baseline | None:
    try:
        return row.baseline
    except im.Baseline.DoesNotExist:
        return None


@indicators.get("/{int:indicator_id}/baseline", response=BaselineSchema, summary="Get an indicator's baseline",
                description="404 when the indicator has no baseline yet. The ETag is the indicator's: send it "
                            "back in If-Match to set the baseline.")
def get_baseline(request: HttpRequest, indicator_id: PathId, response: HttpResponse):
    access = Access(request)
    row = get_indicator(access, indicator_id)
    baseline = _baseline_of(row)
    if baseline is None:
        raise NotFoundError(f"Indicator {row.code} has no baseline yet.")
    response["ETag"] = indicator_tag(access, row)
    return baseline_dict(baseline)


@indicators.put("/{int:indicator_id}/baseline", response={200: BaselineSchema, 201: BaselineSchema},
                auth=WRITE_AUTH, openapi_extra=IF_MATCH, summary="Set an indicator's baseline",
                description="Sets the baseline (201) or replaces it (200). The baseline is part of the "
                            "indicator: If-Match takes the indicator's ETag (from reading the indicator, its "
                            "baseline or its breakdowns); the response carries the indicator's new ETag.")
def set_baseline(request: HttpRequest, indicator_id: PathId, payload: BaselineIn, response: HttpResponse):
    from icsplan.indicators import services

    existed: list[bool] = []

    def change(access: Access, indicator, expected):
        # ``expected`` is the indicator's version; the baseline read here, under the indicator's
        # lock, is the one the caller's ETag covered, so its own version guards the service call.
        baseline = _baseline_of(indicator)
        existed.append(baseline is not None)
        services.set_baseline(indicator, payload.value, date=payload.date, note=payload.note,
                              expected_version=baseline.version if baseline else NEW_ROW, actor=access.user)

    return _write_part(request, response, indicator_id, change,
                       lambda access, row: Status(200 if existed[0] else 201, baseline_dict(row.baseline)))


@indicators.get("/{int:indicator_id}/disaggregations", response=list[DisaggregationSchema],
                summary="List an indicator's breakdowns",
                description="The categories results and targets may be broken down by (sex: female, male), in "
                            "order. The ETag is the indicator's: send it back in If-Match to define a breakdown.")
def list_disaggregations(request: HttpRequest, indicator_id: PathId, response: HttpResponse):
    access = Access(request)
    row = get_indicator(access, indicator_id)
    response["ETag"] = indicator_tag(access, row)
    return [disaggregation_dict(d) for d in row.disaggregations.all()]


@indicators.post("/{int:indicator_id}/disaggregations",
                 response={200: DisaggregationSchema, 201: DisaggregationSchema}, auth=WRITE_AUTH,
                 openapi_extra=IF_MATCH, summary="Define (or redefine) a breakdown of an indicator",
                 description="Defines the category's breakdown (201) or replaces its values (200). Breakdowns "
                             "are part of the indicator: If-Match takes the indicator's ETag; the response "
                             "carries the indicator's new ETag.")
def define_disaggregation(request: HttpRequest, indicator_id: PathId, payload: DisaggregationIn,
                          response: HttpResponse):
    from icsplan.indicators import services

    saved: list = []

    def change(access: Access, indicator, expected):
        # As for the baseline: the breakdown read under the indicator's lock is the one the caller's
        # ETag covered, and its own version guards the service call.
        category = inputs.normalize_identifier(payload.category, field="category", max_length=60)
        current = next((d for d in indicator.disaggregations.all() if d.category == category), None)
        row = services.define_disaggregation(indicator, payload.category, payload.values,
                                             exhaustive=payload.exhaustive,
                                             expected_version=current.version if current else NEW_ROW,
                                             actor=access.user)
        saved.append((current is not None, row.pk))

    def present(access: Access, indicator):
        existed, pk = saved[0]
        breakdown = next(d for d in indicator.disaggregations.all() if d.pk == pk)
        return Status(200 if existed else 201, disaggregation_dict(breakdown))

    return _write_part(request, response, indicator_id, change, present)
