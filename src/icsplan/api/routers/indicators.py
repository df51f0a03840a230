"""Indicators, fiscal periods, targets and results (submit, approve, return).

Results follow the clearance workflow draft → submitted → approved, or submitted → returned →
submitted again. Those who may not read a mission's SBU see its public indicators and its
approved public results only.

An indicator's baseline and breakdowns (disaggregations) are parts of the indicator: they are
read and written under ``/indicators/{id}/baseline`` and ``/indicators/{id}/disaggregations``,
and every write to them needs the indicator's ETag in ``If-Match``. That ETag covers the
indicator's own version, its baseline's and its breakdowns', so a changed baseline makes an
earlier read of the indicator stale (and ``If-None-Match`` never answers 304 for it).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool

from icsplan.accounts.roles import Action
from icsplan.core import inputs
from icsplan.errors import NotFoundError, ValidationError
from icsplan.indicators import models as im
from icsplan.strategies import models as sm

from .. import schemas as s
from ..access import Access
from ..auth import WRITE_AUTH
from ..etag import IF_MATCH, require_if_match, resource_tag
from ..pagination import PageParams, apply_ordering, page_of, paginate
from ..schemas import MAX_ID, PathId
from .elements import get_element

indicators = Router(tags=["indicators"])
periods = Router(tags=["periods"])
targets = Router(tags=["targets"])
results = Router(tags=["results"])

ValueType = Literal["number", "percent", "currency", "milestone", "qualitative"]
Frequency = Literal["quarterly", "semiannual", "annual"]
ResultStatus = Literal["draft", "submitted", "approved", "returned"]


def register(api) -> None:
    api.add_router("/indicators", indicators)
    api.add_router("/periods", periods)
    api.add_router("/targets", targets)
    api.add_router("/results", results)


# -- schemas ---------------------------------------------------------------------------------------

class BaselineOut(Schema):
    value: str | None = None
    date: dt.date | None = None
    note: str | None = None


class DisaggregationOut(Schema):
    category: str
    values: list[str]
    exhaustive: bool


class IndicatorSchema(Schema):
    """How progress on an element is measured."""

    id: int
    strategy_id: int
    element: s.ElementRef
    code: str
    name: str
    definition: str | None = None
    unit: str | None = None
    value_type: ValueType
    direction: Literal["increase", "decrease"]
    cumulative: bool
    data_source: str | None = None
    collection_method: str | None = None
    frequency: Frequency
    responsible: str | None = None
    standard_code: str | None = None
    sensitivity: s.Sensitivity
    sample: bool
    position: int
    version: int
    baseline: BaselineOut | None = None
    disaggregations: list[DisaggregationOut]
    updated_at: dt.datetime


class IndicatorUpdate(Schema):
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=5000)
    definition: str | None = None
    unit: str | None = Field(None, max_length=100)
    value_type: ValueType | None = None
    direction: Literal["increase", "decrease"] | None = None
    cumulative: StrictBool | None = None
    data_source: str | None = None
    collection_method: str | None = None
    frequency: Frequency | None = None
    responsible: str | None = Field(None, max_length=100)
    standard_code: str | None = Field(None, max_length=60)
    sensitivity: s.Sensitivity | None = None
    reason: str = Field("", max_length=inputs.CHANGE_REASON_MAX,
                        description="Why the change was made (required to make an SBU indicator public).")


class IndicatorCreate(Schema):
    element: s.ElementRef
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=5000)
    definition: str | None = None
    unit: str | None = Field(None, max_length=100)
    value_type: ValueType = "number"
    direction: Literal["increase", "decrease"] = "increase"
    cumulative: StrictBool = False
    frequency: Frequency = "annual"
    responsible: str | None = Field(None, max_length=100)
    sensitivity: s.Sensitivity = "public"


class TargetSchema(Schema):
    id: int
    strategy_id: int
    indicator_id: int
    period: str = Field(..., description="Fiscal period id: FY2019, FY2019H1, FY2019Q1")
    category: str
    category_value: str
    value: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    comment: str | None = None
    sensitivity: s.Sensitivity
    version: int
    updated_at: dt.datetime


class ResultSchema(TargetSchema):
    evidence_url: str | None = None
    status: ResultStatus
    return_reason: str
    submitted_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None


class ValueIn(Schema):
    indicator: int = Field(..., ge=1, le=MAX_ID, description="Indicator id")
    period: str = Field(..., max_length=10, pattern=s.PERIOD_PATTERN, description="FY2019, FY2019H1 or FY2019Q1")
    value: str | None = Field(None, max_length=2000, description="As written: 12, 45%, yes, or text")
    numerator: float | None = None
    denominator: float | None = None
    category: str | None = Field(None, max_length=60, description="Disaggregation category (none for the total)")
    category_value: str | None = Field(None, max_length=100)
    comment: str | None = Field(None, max_length=inputs.COMMENT_MAX)
    sensitivity: s.Sensitivity | None = Field(
        None, description="Leave out to keep the stored marking (a new value takes its indicator's). Making an "
                          "SBU value public needs an editor or approver and a reason.")
    reason: str = Field("", max_length=inputs.CHANGE_REASON_MAX, description="Why the change was made.")


class TargetIn(ValueIn):
    pass


class ResultIn(ValueIn):
    evidence_url: str | None = Field(None, max_length=inputs.EVIDENCE_URL_MAX,
                                     description="An http:// or https:// address")
    draft: StrictBool = Field(False, description="Save as a draft instead of submitting it for approval")


class ReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=inputs.RETURN_REASON_MAX,
                        description="Why the result goes back to its reporter")


class PeriodSchema(Schema):
    id: str = Field(..., description="Fiscal period id")
    fiscal_year: int
    frequency: Frequency
    start: dt.date
    end: dt.date
    locked: bool


class BaselineSchema(Schema):
    """The value an indicator starts from, and when it was measured."""

    indicator_id: int
    value: str | None = Field(None, description="As written: 12, 45%, yes, or text")
    date: dt.date | None = None
    note: str | None = None
    version: int
    updated_at: dt.datetime


class BaselineIn(Schema):
    value: str | None = Field(..., max_length=200,
                              description="As written, checked against the indicator's value type (null: none)")
    date: dt.date | None = Field(None, description="When the baseline was measured")
    note: str | None = Field(None, max_length=5000)


class DisaggregationSchema(Schema):
    """A breakdown of an indicator: a category and its values (sex: female, male)."""

    id: int
    indicator_id: int
    category: str
    values: list[str]
    exhaustive: bool = Field(..., description="The values add up to the total")
    position: int
    version: int
    updated_at: dt.datetime


BreakdownValue = Annotated[str, Field(min_length=1, max_length=100)]


class DisaggregationIn(Schema):
    category: str = Field(..., min_length=1, max_length=60, description="e.g. sex, age band, region")
    values: list[BreakdownValue] = Field(..., min_length=1, max_length=50, description="e.g. female, male")
    exhaustive: StrictBool = Field(True, description="The values add up to the total (their sum is then checked)")


# -- helpers ---------------------------------------------------------------------------------------

def _indicator_qs():
    return im.Indicator.objects.select_related("strategy", "baseline").prefetch_related("disaggregations")


def _visible_indicators(access: Access):
    return access.readable(access.visible(_indicator_qs()))


def get_indicator(access: Access, indicator_id: int) -> im.Indicator:
    row = _visible_indicators(access).filter(pk=indicator_id).first()
    if row is None:
        raise NotFoundError("No indicator matches the request.")
    return row


def _element_ref(row) -> dict[str, Any]:
    for name in ("goal", "objective", "sub_objective", "management_objective"):
        value = getattr(row, f"{name}_id")
        if value is not None:
            return {"kind": name, "id": value}
    return {"kind": "objective", "id": 0}


def indicator_dict(row: im.Indicator) -> dict[str, Any]:
    try:
        baseline = row.baseline
    except im.Baseline.DoesNotExist:
        baseline = None
    return {
        "id": row.pk, "strategy_id": row.strategy_id, "element": _element_ref(row), "code": row.code,
        "name": row.name, "definition": row.definition, "unit": row.unit, "value_type": row.value_type,
        "direction": row.direction, "cumulative": row.cumulative, "data_source": row.data_source,
        "collection_method": row.collection_method, "frequency": row.frequency, "responsible": row.responsible,
        "standard_code": row.standard_code, "sensitivity": row.sensitivity, "sample": row.sample,
        "position": row.position, "version": row.version,
        "baseline": {"value": baseline.value, "date": baseline.date, "note": baseline.note} if baseline else None,
        "disaggregations": [{"category": d.category, "values": list(d.values), "exhaustive": d.exhaustive}
                            for d in row.disaggregations.all()],
        "updated_at": row.updated_at,
    }


def target_dict(row) -> dict[str, Any]:
    return {
        "id": row.pk, "strategy_id": row.strategy_id, "indicator_id": row.indicator_id, "period": row.period,
        "category": row.category, "category_value": row.category_value, "value": row.value,
        "numerator": row.numerator, "denominator": row.denominator, "comment": row.comment,
        "sensitivity": row.sensitivity, "version": row.version, "updated_at": row.updated_at,
    }


def result_dict(row) -> dict[str, Any]:
    return target_dict(row) | {
        # A return reason speaks to a returned result only (an imported approved one may carry an
        # old one): approved results are public, their history of returns is not.
        "evidence_url": row.evidence_url, "status": row.status,
        "return_reason": (row.return_reason or "") if row.status == im.ResultStatus.RETURNED else "",
        "submitted_at": row.submitted_at, "decided_at": row.decided_at,
    }


def _tag(access: Access, row) -> str:
    return resource_tag(row, full=access.sbu_ok(row.strategy.mission_id))


def indicator_tag(access: Access, row: im.Indicator) -> str:
    """The indicator's ETag: its version and those of its baseline and breakdowns (all part of
    what a read returns), from rows already loaded by ``_indicator_qs``."""
    try:
        baseline = row.baseline.version
    except im.Baseline.DoesNotExist:
        baseline = 0
    parts = list(row.disaggregations.all())
    breakdowns = f"{len(parts)}x{sum(p.version for p in parts)}"
    full = "f" if access.sbu_ok(row.strategy.mission_id) else "p"
    return f'"indicator-{row.pk}-v{row.version}b{baseline}d{breakdowns}.{full}"'


def _values_visible(access: Access, model, *, results: bool):
    """Targets or results the caller may read: SBU ones (or those of SBU indicators) only for
    readers of the mission's SBU; unapproved results only for the mission's members."""
    return access.readable(access.visible(model.objects.select_related("strategy", "indicator")))


class ValueFilters(Schema):
    indicator: int | None = Field(None, ge=1, le=MAX_ID, description="Indicator id")
    strategy: int | None = Field(None, ge=1, le=MAX_ID, description="Strategy edition id")
    mission: int | None = Field(None, ge=1, le=MAX_ID, description="Mission id")
    period: str | None = Field(None, max_length=10, pattern=s.PERIOD_PATTERN, description="Fiscal period id")
    category: str | None = Field(None, max_length=60, description='Breakdown category; "" for totals only')


class TargetFilters(ValueFilters):
    ordering: Literal["period", "-period", "updated_at", "-updated_at"] | None = None


class ResultFilters(ValueFilters):
    status: ResultStatus | None = None
    ordering: Literal["period", "-period", "status", "-status", "updated_at", "-updated_at", "submitted_at", "-submitted_at"] | None = None


def _filter_values(qs, filters: ValueFilters):
    if filters.indicator:
        qs = qs.filter(indicator_id=filters.indicator)
    if filters.strategy:
        qs = qs.filter(strategy_id=filters.strategy)
    if filters.mission:
        qs = qs.filter(strategy__mission_id=filters.mission)
    if filters.period:
        qs = qs.filter(period=filters.period)
    if filters.category is not None:
        qs = qs.filter(category=filters.category)
    return qs


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

    access = Access(request)
    access.require_writer()
    element = get_element(access, payload.element.kind, payload.element.id)
    access.require(Action.EDIT, element)
    fields = payload.model_dump(exclude={"element", "code", "name"})
    row = services.create_indicator(element, code=payload.code, name=payload.name, actor=access.user, **fields)
    row = get_indicator(access, row.pk)
    response["ETag"] = indicator_tag(access, row)
    response.status_code = 201
    return indicator_dict(row)


@indicators.patch("/{int:indicator_id}", response=IndicatorSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
                  summary="Change an indicator's definition")
def update_indicator(request: HttpRequest, indicator_id: PathId, payload: IndicatorUpdate, response: HttpResponse):
    from icsplan.indicators import services

    access = Access(request)
    access.require_writer()
    row = get_indicator(access, indicator_id)
    access.require(Action.EDIT, row)
    expected = require_if_match(request, row, tag=indicator_tag(access, row))
    changes = payload.model_dump(exclude_unset=True)
    reason = changes.pop("reason", "") or ""
    if not changes:
        raise ValidationError("No changes were given.")
    services.update_indicator(row, changes, expected_version=expected, actor=access.user, reason=reason)
    row = get_indicator(access, indicator_id)
    response["ETag"] = indicator_tag(access, row)
    return indicator_dict(row)


@indicators.delete("/{int:indicator_id}", response=s.DeletedSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
                   summary="Delete an indicator with its targets and results")
def delete_indicator(request: HttpRequest, indicator_id: PathId):
    from icsplan.indicators import services

    access = Access(request)
    access.require_writer()
    row = get_indicator(access, indicator_id)
    access.require(Action.EDIT, row)
    expected = require_if_match(request, row, tag=indicator_tag(access, row))
    services.delete_indicator(row, expected_version=expected, actor=access.user)
    return {"deleted": True, "id": indicator_id}


# -- baselines and breakdowns ----------------------------------------------------------------------

def baseline_dict(row: im.Baseline) -> dict[str, Any]:
    return {"indicator_id": row.indicator_id, "value": row.value, "date": row.date, "note": row.note,
            "version": row.version, "updated_at": row.updated_at}


def disaggregation_dict(row: im.Disaggregation) -> dict[str, Any]:
    return {"id": row.pk, "indicator_id": row.indicator_id, "category": row.category, "values": list(row.values),
            "exhaustive": row.exhaustive, "position": row.position, "version": row.version,
            "updated_at": row.updated_at}


def _change_part(request: HttpRequest, access: Access, indicator_id: int, write):
    """Run ``write(indicator)`` for a baseline or breakdown, checking ``If-Match`` against the
    indicator's ETag under a lock of the indicator's row, so that of two writers holding the same
    ETag one wins and the other gets 412. Returns the indicator as it is afterwards."""
    row = get_indicator(access, indicator_id)
    access.require(Action.EDIT, row)
    with transaction.atomic():
        list(im.Indicator.objects.select_for_update().filter(pk=row.pk).values_list("pk"))
        row = get_indicator(access, indicator_id)  # its baseline and breakdowns as they are now
        require_if_match(request, row, tag=indicator_tag(access, row))
        write(row)
    return get_indicator(access, indicator_id)


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

    access = Access(request)
    access.require_writer()
    existed: list[bool] = []

    def write(indicator):
        # If-Match was checked against the indicator's ETag (which covers the baseline) under
        # its lock, so the baseline read here is the one the caller saw.
        baseline = _baseline_of(indicator)
        existed.append(baseline is not None)
        services.set_baseline(indicator, payload.value, date=payload.date, note=payload.note,
                              expected_version=baseline.version if baseline else NEW_ROW, actor=access.user)

    row = _change_part(request, access, indicator_id, write)
    response["ETag"] = indicator_tag(access, row)
    return Status(200 if existed[0] else 201, baseline_dict(row.baseline))


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

    access = Access(request)
    access.require_writer()
    saved: list = []

    def write(indicator):
        # If-Match was checked against the indicator's ETag (which covers its breakdowns) under its
        # lock, so the breakdown read here is the one the caller saw.
        category = inputs.normalize_identifier(payload.category, field="category", max_length=60)
        current = next((d for d in indicator.disaggregations.all() if d.category == category), None)
        row = services.define_disaggregation(indicator, payload.category, payload.values,
                                             exhaustive=payload.exhaustive,
                                             expected_version=current.version if current else NEW_ROW,
                                             actor=access.user)
        saved.append((current is not None, row.pk))

    row = _change_part(request, access, indicator_id, write)
    existed, pk = saved[0]
    response["ETag"] = indicator_tag(access, row)
    breakdown = next(d for d in row.disaggregations.all() if d.pk == pk)
    return Status(200 if existed else 201, disaggregation_dict(breakdown))


# -- periods ---------------------------------------------------------------------------------------

class PeriodFilters(Schema):
    strategy: int = Field(..., ge=1, le=MAX_ID, description="Strategy edition id: its fiscal years")
    frequency: Frequency = "quarterly"


@periods.get("", response=list[PeriodSchema], summary="Reporting periods of an edition",
             description="The fiscal periods (FY2019Q1 = October–December 2018) an edition covers at one "
                         "frequency, and whether each is locked.")
def list_periods(request: HttpRequest, filters: Query[PeriodFilters]):
    from icsplan.indicators.periods import Period, periods_between
    from icsplan.indicators.validation import strategy_years

    access = Access(request)
    strategy = access.get(sm.Strategy.objects.select_related("mission"), pk=filters.strategy)
    years = strategy_years(strategy)
    if not years:
        return []
    locks = [Period.parse(p) for p in im.PeriodLock.objects.filter(strategy=strategy).values_list("period", flat=True)]
    out = []
    for p in periods_between(years[0], min(years[1], years[0] + 20), filters.frequency):
        out.append({"id": p.id, "fiscal_year": p.fiscal_year, "frequency": p.frequency, "start": p.start,
                    "end": p.end, "locked": any(p.overlaps(lock) for lock in locks)})
    return out


# -- targets ---------------------------------------------------------------------------------------

@targets.get("", response=page_of(TargetSchema), summary="List targets")
def list_targets(request: HttpRequest, filters: Query[TargetFilters], page: Query[PageParams]):
    access = Access(request)
    qs = _filter_values(_values_visible(access, im.Target, results=False), filters)
    qs = apply_ordering(qs, filters.ordering, default=("indicator_id", "period"))
    return paginate(request, qs, page, lambda rows: [target_dict(r) for r in rows])


@targets.get("/{int:target_id}", response=TargetSchema, summary="Get a target")
def get_target(request: HttpRequest, target_id: PathId, response: HttpResponse):
    access = Access(request)
    row = _values_visible(access, im.Target, results=False).filter(pk=target_id).first()
    if row is None:
        raise NotFoundError("No target matches the request.")
    response["ETag"] = _tag(access, row)
    return target_dict(row)


#: ``expected_version`` for a value the caller creates: versions start at 1, so if another request
#: stored the same value between our read and the service's locked read, the service answers a
#: conflict instead of silently overwriting it (found by tests/security/test_server_concurrency).
NEW_ROW = 0  # == indicators.services.NEW_ROW


def _existing(model, indicator, payload: ValueIn):
    return model.objects.filter(indicator=indicator, period=payload.period.upper(), category=payload.category or "",
                                category_value=payload.category_value or "").first()


@targets.post("", response={200: TargetSchema, 201: TargetSchema}, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
              summary="Set an indicator's target for a period",
              description="Creates the target (201) or replaces it (200). Replacing needs the target's ETag "
                          "in If-Match; a new target needs none.")
def set_target(request: HttpRequest, payload: TargetIn, response: HttpResponse):
    from icsplan.indicators import services

    access = Access(request)
    access.require_writer()
    indicator = get_indicator(access, payload.indicator)
    access.require(Action.EDIT, indicator)
    existing = _existing(im.Target, indicator, payload)
    expected = require_if_match(request, existing) if existing is not None else NEW_ROW
    row = services.set_target(
        indicator, payload.period, payload.value, numerator=payload.numerator, denominator=payload.denominator,
        category=payload.category, category_value=payload.category_value, comment=payload.comment,
        sensitivity=payload.sensitivity, reason=payload.reason, expected_version=expected, actor=access.user,
    )
    row = im.Target.objects.select_related("strategy").get(pk=row.pk)
    response["ETag"] = _tag(access, row)
    return Status(200 if existing is not None else 201, target_dict(row))


# -- results ---------------------------------------------------------------------------------------

def _get_result(access: Access, result_id: int):
    row = _values_visible(access, im.Result, results=True).filter(pk=result_id).first()
    if row is None:
        raise NotFoundError("No result matches the request.")
    return row


@results.get("", response=page_of(ResultSchema), summary="List results")
def list_results(request: HttpRequest, filters: Query[ResultFilters], page: Query[PageParams]):
    access = Access(request)
    qs = _filter_values(_values_visible(access, im.Result, results=True), filters)
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = apply_ordering(qs, filters.ordering, default=("indicator_id", "period"))
    return paginate(request, qs, page, lambda rows: [result_dict(r) for r in rows])


@results.get("/{int:result_id}", response=ResultSchema, summary="Get a result")
def get_result(request: HttpRequest, result_id: PathId, response: HttpResponse):
    access = Access(request)
    row = _get_result(access, result_id)
    response["ETag"] = _tag(access, row)
    return result_dict(row)


@results.post("", response={200: ResultSchema, 201: ResultSchema}, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
              summary="Submit a result (or save a draft)",
              description="Reporters submit results for what they are assigned. A new result needs no "
                          "If-Match (201); changing an existing one needs its ETag (200) and sends it back "
                          "through approval.")
def submit_result(request: HttpRequest, payload: ResultIn, response: HttpResponse):
    from icsplan.indicators import services

    access = Access(request)
    access.require_writer()
    indicator = get_indicator(access, payload.indicator)
    access.require(Action.REPORT, indicator)
    existing = _existing(im.Result, indicator, payload)
    expected = require_if_match(request, existing) if existing is not None else NEW_ROW
    write = services.save_result if payload.draft else services.submit_result
    row = write(
        indicator, payload.period, payload.value, numerator=payload.numerator, denominator=payload.denominator,
        category=payload.category, category_value=payload.category_value, comment=payload.comment,
        evidence_url=payload.evidence_url, sensitivity=payload.sensitivity, reason=payload.reason,
        expected_version=expected, actor=access.user,
    )
    row = _get_result(access, row.pk)
    response["ETag"] = _tag(access, row)
    return Status(200 if existing is not None else 201, result_dict(row))


@results.post("/{int:result_id}/approve", response=ResultSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
              summary="Approve a submitted result")
def approve_result(request: HttpRequest, result_id: PathId, response: HttpResponse):
    from icsplan.indicators import services

    access = Access(request)
    access.require_writer()
    row = _get_result(access, result_id)
    access.require(Action.APPROVE, row)
    expected = require_if_match(request, row)
    services.approve_result(row, actor=access.user, expected_version=expected)
    row = _get_result(access, result_id)
    response["ETag"] = _tag(access, row)
    return result_dict(row)


@results.post("/{int:result_id}/return", response=ResultSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
              summary="Return a submitted result to its reporter")
def return_result(request: HttpRequest, result_id: PathId, payload: ReturnIn, response: HttpResponse):
    from icsplan.indicators import services

    access = Access(request)
    access.require_writer()
    row = _get_result(access, result_id)
    access.require(Action.APPROVE, row)
    expected = require_if_match(request, row)
    services.return_result(row, payload.reason, actor=access.user, expected_version=expected)
    row = _get_result(access, result_id)
    response["ETag"] = _tag(access, row)
    return result_dict(row)
