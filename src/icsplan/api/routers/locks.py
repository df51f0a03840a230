"""Period locks: closed reporting periods of an edition, whose results can no longer change.

Locking FY2019 also freezes every period inside it (FY2019H1, FY2019Q1…), and locking a quarter
freezes the longer periods that contain it. Approvers (Chief of Mission / DCM) lock and unlock;
anyone who may see the edition sees which periods are locked, and its members also see why and by
whom.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from icsplan.accounts.roles import Action
from icsplan.indicators import models as im
from icsplan.strategies import models as sm

from .. import schemas as s
from .. import writes
from ..access import Access
from ..auth import WRITE_AUTH
from ..etag import IF_MATCH, resource_tag
from ..pagination import PageParams, apply_ordering, page_of, paginate
from ..schemas import MAX_ID, PathId

router = Router(tags=["period locks"])


class PeriodLockSchema(Schema):
    """A closed reporting period of an edition."""

    id: int
    strategy_id: int
    period: str = Field(..., description="Fiscal period id: FY2019, FY2019H1, FY2019Q1")
    reason: str | None = Field(None, description="Why it was closed (the mission's members only; else null)")
    locked_by: str | None = Field(None, description="Who closed it (the mission's members only; else null)")
    created_at: dt.datetime


class PeriodLockFilters(Schema):
    strategy: int | None = Field(None, ge=1, le=MAX_ID, description="Strategy edition id")
    mission: int | None = Field(None, ge=1, le=MAX_ID, description="Mission id")
    period: str | None = Field(None, max_length=10, pattern=s.PERIOD_PATTERN, description="Fiscal period id")
    ordering: Literal["period", "-period", "created_at", "-created_at"] | None = None


class PeriodLockCreate(Schema):
    strategy: int = Field(..., ge=1, le=MAX_ID, description="Strategy edition id")
    period: str = Field(..., max_length=10, pattern=s.PERIOD_PATTERN, description="FY2019, FY2019H1 or FY2019Q1")
    reason: str = Field("", max_length=2000, description="Why the period is closed (kept with the lock)")


def _queryset():
    return im.PeriodLock.objects.select_related("strategy", "locked_by")


def _tag(access: Access, row: im.PeriodLock) -> str:
    return resource_tag(row, full=access.sbu_ok(row.strategy.mission_id))


def lock_dict(access: Access, row: im.PeriodLock) -> dict[str, Any]:
    member = access.sbu_ok(row.strategy.mission_id)
    return {
        "id": row.pk, "strategy_id": row.strategy_id, "period": row.period,
        "reason": (row.reason or "") if member else None,
        "locked_by": (row.locked_by.get_username() if row.locked_by else None) if member else None,
        "created_at": row.created_at,
    }


@router.get("", response=page_of(PeriodLockSchema), summary="List locked periods")
def list_period_locks(request: HttpRequest, filters: Query[PeriodLockFilters], page: Query[PageParams]):
    """Locks of the editions the caller may see."""
    access = Access(request)
    qs = access.visible(_queryset())
    if filters.strategy:
        qs = qs.filter(strategy_id=filters.strategy)
    if filters.mission:
        qs = qs.filter(strategy__mission_id=filters.mission)
    if filters.period:
        qs = qs.filter(period=filters.period)
    qs = apply_ordering(qs, filters.ordering, default=("strategy_id", "period"))
    return paginate(request, qs, page, lambda rows: [lock_dict(access, r) for r in rows])


@router.get("/{int:lock_id}", response=PeriodLockSchema, summary="Get a period lock")
def get_period_lock(request: HttpRequest, lock_id: PathId, response: HttpResponse):
    access = Access(request)
    row = access.get(_queryset(), pk=lock_id)
    response["ETag"] = _tag(access, row)
    return lock_dict(access, row)


@router.post("", response={200: PeriodLockSchema, 201: PeriodLockSchema}, auth=WRITE_AUTH,
             summary="Lock a reporting period (approvers)",
             description="Closes the period (201): its results, and those of the periods inside it or "
                         "containing it, can no longer be entered, changed or decided. Locking a period "
                         "already locked changes nothing and answers 200 with the existing lock.")
def lock_period(request: HttpRequest, payload: PeriodLockCreate, response: HttpResponse):
    from icsplan.indicators import services

    existed: list[bool] = []

    def change(access: Access, strategy, _expected):
        existed.append(im.PeriodLock.objects.filter(strategy=strategy, period=payload.period).exists())
        return services.lock_period(strategy, payload.period, reason=payload.reason, actor=access.user)

    # Locking guards nothing the caller read (locking twice is harmless): no If-Match.
    return writes.write(
        request, response, load=lambda access: access.get(sm.Strategy.objects.select_related("mission"),
                                                          pk=payload.strategy),
        action=Action.APPROVE, if_match=None, change=change, reread=lambda access, row: access.get(_queryset(),
                                                                                                  pk=row.pk),
        etag=_tag, present=lambda access, row: Status(200 if existed[0] else 201, lock_dict(access, row)))


@router.delete("/{int:lock_id}", response=s.DeletedSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
               summary="Unlock a reporting period (approvers)",
               description="Reopens the period; the lock stays in the history.")
def unlock_period(request: HttpRequest, lock_id: PathId):
    from icsplan.indicators import services

    return writes.write(
        request, load=lambda access: access.get(_queryset(), pk=lock_id), action=Action.APPROVE,
        permission_on=lambda row: row.strategy, match_tag=_tag,
        change=lambda access, row, _expected: services.unlock_period(row.strategy, row.period, actor=access.user),
        present=lambda access, _none: {"deleted": True, "id": lock_id})
