"""Reading indicators, targets and results as their reader may see them; their JSON and ETags."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema

from icsplan.errors import NotFoundError
from icsplan.indicators import models as im

from ... import schemas as s
from ...access import Access
from ...etag import resource_tag
from ...schemas import MAX_ID
from .schemas import ResultStatus

# -- helpers ---------------------------------------------------------------------------------------

def _indicator_qs():
    return im.Indicator.objects.select_related("strategy", "baseline").prefetch_related("disaggregations")


def visible_indicators(access: Access):
    return access.readable(access.visible(_indicator_qs()))


def get_indicator(access: Access, indicator_id: int) -> im.Indicator:
    row = visible_indicators(access).filter(pk=indicator_id).first()
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


def tag(access: Access, row) -> str:
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


def values_visible(access: Access, model, *, results: bool):
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


def filter_values(qs, filters: ValueFilters):
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
