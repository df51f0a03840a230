"""Annual and mid-course reviews, and the comparison of two editions.

Reads go through ``reviews.services`` (``visible_reviews``/``review_content``), which narrow by
the permission layer and ``accounts.redaction``; writes call the services with the caller as
actor, after an If-Match on the row they change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from icsplan.accounts.models import Mission
from icsplan.core import inputs
from icsplan.document import Sensitivity
from icsplan.errors import NotFoundError
from icsplan.reviews import services
from icsplan.reviews.models import Assessment

from .. import writes
from ..access import Access
from ..auth import WRITE_AUTH
from ..etag import IF_MATCH, resource_tag
from ..pagination import PageParams, page_of, paginate
from ..schemas import MAX_ID, PathId

router = Router(tags=["reviews"])


class ActionItemSchema(Schema):
    description: str = Field(..., max_length=inputs.TITLE_MAX)
    owner: str = Field(..., max_length=services.OWNER_MAX)
    due_date: dt.date
    sensitivity: Sensitivity = Sensitivity.PUBLIC


class EvidenceSchema(Schema):
    status: str | None = None
    status_label: str | None = None
    indicators: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    risks: list[dict[str, Any]] = []


class AssessmentSchema(Schema):
    id: int | None = Field(None, description="None in an approved (frozen) review")
    kind: str
    number: str
    title: str
    rating: str
    rating_label: str
    narrative: str | None
    narrative_sensitivity: str | None
    decisions: str | None
    assessed_by: str
    version: int
    action_items: list[ActionItemSchema]
    evidence: EvidenceSchema


class ReviewSchema(Schema):
    id: int
    strategy: int
    mission: int
    country: str
    edition: str
    kind: str
    fiscal_year: int
    status: str
    version: int
    frozen: bool
    public: bool
    assessments: list[AssessmentSchema] = []


class ReviewSummarySchema(Schema):
    id: int
    strategy: int
    country: str
    edition: str
    kind: str
    fiscal_year: int
    status: str
    version: int


class ReviewFilters(Schema):
    strategy: int | None = Field(None, ge=1, le=MAX_ID)
    mission: int | None = Field(None, ge=1, le=MAX_ID)
    fiscal_year: int | None = Field(None, ge=services.FIRST_YEAR, le=services.LAST_YEAR)


class OpenReviewRequest(Schema):
    mission: int = Field(..., ge=1, le=MAX_ID)
    kind: Literal["annual", "mid-course"]
    fiscal_year: int = Field(..., ge=services.FIRST_YEAR, le=services.LAST_YEAR)


class AssessRequest(Schema):
    rating: Literal["on_track", "some_concerns", "off_track", "not_assessed"]
    narrative: str | None = Field(None, max_length=inputs.TEXT_MAX)
    narrative_sensitivity: Sensitivity | None = None
    decisions: str | None = Field(None, max_length=inputs.TEXT_MAX)
    action_items: list[ActionItemSchema] | None = Field(None, max_length=services.ACTION_ITEMS_MAX)
    reason: str = Field("", max_length=inputs.CHANGE_REASON_MAX)


class DecisionRequest(Schema):
    comment: str = Field("", max_length=inputs.CHANGE_REASON_MAX)


class CompareFilters(Schema):
    mission: int = Field(..., ge=1, le=MAX_ID)
    old: str = Field(..., alias="from", max_length=20)
    new: str = Field(..., alias="to", max_length=20)


def _summary(row) -> dict[str, Any]:
    s = row.strategy
    return {"id": row.pk, "strategy": s.pk, "country": s.mission.country, "edition": s.edition, "kind": row.kind,
            "fiscal_year": row.fiscal_year, "status": row.status, "version": row.version}


def _full(access: Access, row) -> dict[str, Any]:
    content = services.review_content(row, access.user)
    sbu = access.sbu_ok(row.strategy.mission_id)
    out = dict(_summary(row), mission=row.strategy.mission_id, frozen=content.frozen, public=content.public)
    out["assessments"] = [{
        "id": a.pk, "kind": a.kind, "number": a.number, "title": a.title, "rating": a.rating,
        "rating_label": a.rating_label, "narrative": a.narrative,
        "narrative_sensitivity": a.narrative_sensitivity if sbu else None, "decisions": a.decisions,
        "assessed_by": a.assessed_by, "version": a.version,
        "action_items": [vars(i) for i in a.action_items], "evidence": a.evidence or {}}
        for a in content.assessments]
    return out


def _tag(access: Access, row) -> str:
    return resource_tag(row, full=access.sbu_ok(row.strategy.mission_id))


def _review(access: Access, review_id: int):
    return services.get_review(access.user, review_id)


def _answer(access: Access, review_id: int, response: HttpResponse) -> dict[str, Any]:
    row = _review(access, review_id)
    response["ETag"] = _tag(access, row)
    return _full(access, row)


def _step(request: HttpRequest, review_id: int, response: HttpResponse, change) -> dict[str, Any]:
    """One step of a review's workflow; the service decides who may take it."""
    return writes.write(request, response, load=lambda access: _review(access, review_id), action=None,
                        change=change, reread=lambda access, _row: _review(access, review_id), etag=_tag,
                        present=_full)


@router.get("", response=page_of(ReviewSummarySchema), summary="List reviews")
def list_reviews(request: HttpRequest, filters: Query[ReviewFilters], page: Query[PageParams]):
    """Reviews the caller may read: approved ones for the public, every one for the mission."""
    access = Access(request)
    qs = services.visible_reviews(access.user)
    if filters.strategy:
        qs = qs.filter(strategy_id=filters.strategy)
    if filters.mission:
        qs = qs.filter(strategy__mission_id=filters.mission)
    if filters.fiscal_year:
        qs = qs.filter(fiscal_year=filters.fiscal_year)
    qs = qs.order_by("strategy__mission__country", "-fiscal_year", "kind", "pk")
    return paginate(request, qs, page, lambda rows: [_summary(r) for r in rows])


@router.get("/compare", response={200: dict[str, Any]}, summary="Compare two editions of a mission's strategy")
def compare_editions(request: HttpRequest, filters: Query[CompareFilters]):
    """Goals, objectives, sub-objectives and management objectives kept, reworded (with a
    word-level redline), renumbered, merged, split, added or dropped; linkages and indicators.
    The public compares the public copies of approved editions."""
    access = Access(request)
    mission = access.get(Mission.objects.all(), pk=filters.mission)
    return services.compare_editions(mission, filters.old, filters.new, who=access.user).as_dict()


@router.get("/{int:review_id}", response=ReviewSchema, summary="Get a review with its assessments and evidence")
def get_review(request: HttpRequest, review_id: PathId, response: HttpResponse):
    """An approved review is read from its frozen snapshot; SBU narratives and action items are
    left out for those who may not read them."""
    access = Access(request)
    return _answer(access, review_id, response)


@router.post("", response={201: ReviewSchema}, auth=WRITE_AUTH, summary="Open a review of the edition in force")
def open_review(request: HttpRequest, payload: OpenReviewRequest, response: HttpResponse):
    access = Access(request)
    access.require_writer()
    mission = access.get(Mission.objects.all(), pk=payload.mission)
    row = services.open_review(mission, kind=payload.kind, fiscal_year=payload.fiscal_year, actor=access.user)
    return Status(201, _answer(access, row.pk, response))


def _assessment_row(access: Access, assessment_id: int) -> Assessment:
    qs = Assessment.objects.select_related("review", "strategy__mission")
    return access.get(access.readable(qs), pk=assessment_id)


def _assessment_out(access: Access, row: Assessment) -> dict[str, Any]:
    for item in _full(access, row.review)["assessments"]:
        if item["kind"] == row.kind and item["number"] == row.number:
            return item
    raise NotFoundError("No assessment matches the request.")  # pragma: no cover - the row is in its review


@router.get("/assessments/{int:assessment_id}", response=AssessmentSchema,
            summary="Get one objective's assessment in a review (its ETag goes in If-Match)")
def get_assessment(request: HttpRequest, assessment_id: PathId, response: HttpResponse):
    """In an approved review, the assessment as frozen; ``version`` is the row's."""
    access = Access(request)
    row = _assessment_row(access, assessment_id)
    response["ETag"] = _tag(access, row)
    return _assessment_out(access, row)


@router.put("/assessments/{int:assessment_id}", response=AssessmentSchema, auth=WRITE_AUTH,
            openapi_extra=IF_MATCH, summary="Record an objective's rating, narrative, decisions and action items")
def assess(request: HttpRequest, assessment_id: PathId, payload: AssessRequest, response: HttpResponse):
    """The objective's owner (or the coordinator) rates it; ``action_items`` replaces the list."""
    def change(access: Access, row, expected):
        items = None if payload.action_items is None else [i.model_dump(mode="json") for i in payload.action_items]
        services.record_assessment(row, rating=payload.rating, narrative=payload.narrative,
                                   narrative_sensitivity=None if payload.narrative_sensitivity is None
                                   else payload.narrative_sensitivity.value, decisions=payload.decisions,
                                   action_items=items, expected_version=expected, actor=access.user,
                                   reason=payload.reason)

    # The service decides who may assess (the objective's owner or the coordinator).
    return writes.write(request, response, load=lambda access: _assessment_row(access, assessment_id), action=None,
                        change=change, reread=lambda access, _row: _assessment_row(access, assessment_id),
                        etag=_tag, present=_assessment_out)


@router.post("/{int:review_id}/submit", response=ReviewSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Send a review to the approver (coordinator)")
def submit_review(request: HttpRequest, review_id: PathId, response: HttpResponse):
    return _step(request, review_id, response,
                 lambda access, row, expected: services.submit_review(row, expected_version=expected, actor=access.user))


@router.post("/{int:review_id}/return", response=ReviewSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Send a submitted review back to the coordinator (approver)")
def return_review(request: HttpRequest, review_id: PathId, payload: DecisionRequest, response: HttpResponse):
    return _step(request, review_id, response,
                 lambda access, row, expected: services.return_review(row, reason=payload.comment, expected_version=expected, actor=access.user))


@router.post("/{int:review_id}/approve", response=ReviewSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Approve a submitted review, freezing its snapshot (approver, not the submitter)")
def approve_review(request: HttpRequest, review_id: PathId, payload: DecisionRequest, response: HttpResponse):
    return _step(request, review_id, response,
                 lambda access, row, expected: services.approve_review(row, expected_version=expected, actor=access.user, reason=payload.comment))
