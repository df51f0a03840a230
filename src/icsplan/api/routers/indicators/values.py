"""``/periods``, ``/targets`` and ``/results``: fiscal periods, targets and the results workflow."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema
from ninja.responses import Status

from icsplan.accounts.roles import Action
from icsplan.errors import NotFoundError
from icsplan.indicators import models as im
from icsplan.strategies import models as sm

from ... import writes
from ...access import Access
from ...auth import WRITE_AUTH
from ...etag import IF_MATCH, require_if_match
from ...pagination import PageParams, apply_ordering, page_of, paginate
from ...schemas import MAX_ID, PathId
from .common import (
    ResultFilters,
    TargetFilters,
    get_indicator,
    result_dict,
    target_dict,
)
from .common import (
    filter_values as _filter_values,
)
from .common import (
    tag as _tag,
)
from .common import (
    values_visible as _values_visible,
)
from .routes import periods, results, targets
from .schemas import (
    Frequency,
    PeriodSchema,
    ResultIn,
    ResultSchema,
    ReturnIn,
    TargetIn,
    TargetSchema,
    ValueIn,
)

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

    existing: list = []

    def expected_of(access: Access, indicator):
        # An upsert: the stored target's ETag guards a replacement; a new target needs none.
        existing.append(_existing(im.Target, indicator, payload))
        return require_if_match(request, existing[0]) if existing[0] is not None else NEW_ROW

    def change(access: Access, indicator, expected):
        return services.set_target(
            indicator, payload.period, payload.value, numerator=payload.numerator, denominator=payload.denominator,
            category=payload.category, category_value=payload.category_value, comment=payload.comment,
            sensitivity=payload.sensitivity, reason=payload.reason, expected_version=expected, actor=access.user,
        )

    return writes.write(
        request, response, load=lambda access: get_indicator(access, payload.indicator), if_match=expected_of,
        change=change, reread=lambda access, row: im.Target.objects.select_related("strategy").get(pk=row.pk),
        etag=_tag, present=lambda access, row: Status(200 if existing[0] is not None else 201, target_dict(row)))


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

    existing: list = []

    def expected_of(access: Access, indicator):
        # An upsert: the stored result's ETag guards a change; a new result needs none.
        existing.append(_existing(im.Result, indicator, payload))
        return require_if_match(request, existing[0]) if existing[0] is not None else NEW_ROW

    def change(access: Access, indicator, expected):
        save = services.save_result if payload.draft else services.submit_result
        return save(
            indicator, payload.period, payload.value, numerator=payload.numerator, denominator=payload.denominator,
            category=payload.category, category_value=payload.category_value, comment=payload.comment,
            evidence_url=payload.evidence_url, sensitivity=payload.sensitivity, reason=payload.reason,
            expected_version=expected, actor=access.user,
        )

    return writes.write(
        request, response, load=lambda access: get_indicator(access, payload.indicator), action=Action.REPORT,
        if_match=expected_of, change=change, reread=lambda access, row: _get_result(access, row.pk), etag=_tag,
        present=lambda access, row: Status(200 if existing[0] is not None else 201, result_dict(row)))


@results.post("/{int:result_id}/approve", response=ResultSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
              summary="Approve a submitted result")
def approve_result(request: HttpRequest, result_id: PathId, response: HttpResponse):
    from icsplan.indicators import services

    return writes.write(
        request, response, load=lambda access: _get_result(access, result_id), action=Action.APPROVE,
        change=lambda access, row, expected: services.approve_result(row, actor=access.user,
                                                                      expected_version=expected),
        reread=lambda access, _row: _get_result(access, result_id), etag=_tag,
        present=lambda access, row: result_dict(row))


@results.post("/{int:result_id}/return", response=ResultSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
              summary="Return a submitted result to its reporter")
def return_result(request: HttpRequest, result_id: PathId, payload: ReturnIn, response: HttpResponse):
    from icsplan.indicators import services

    return writes.write(
        request, response, load=lambda access: _get_result(access, result_id), action=Action.APPROVE,
        change=lambda access, row, expected: services.return_result(row, payload.reason, actor=access.user,
                                                                     expected_version=expected),
        reread=lambda access, _row: _get_result(access, result_id), etag=_tag,
        present=lambda access, row: result_dict(row))
