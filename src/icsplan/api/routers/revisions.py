"""Revisions of the edition in force: propose a change, read it as before/after, approve or reject it.

Revisions carry the text of the strategy as it is and as proposed, SBU included, so they are read
only by those who read the mission's SBU text (``Access.sbu_ok``); everyone else gets a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from icsplan.accounts.roles import Action
from icsplan.core import inputs
from icsplan.errors import NotFoundError
from icsplan.strategies import models as sm

from .. import writes
from ..access import Access
from ..auth import WRITE_AUTH
from ..etag import IF_MATCH, resource_tag
from ..schemas import PathId

router = Router(tags=["revisions"])

RevisionKind = Literal["strategy", "goal", "objective", "sub_objective", "management_objective"]


class RevisionSchema(Schema):
    """A proposed change to an element of the edition in force, and its decision."""

    id: int
    strategy_id: int
    kind: RevisionKind
    element_id: int
    label: str
    before: dict[str, Any] = Field(description="The fields as they were when the change was proposed")
    changes: dict[str, Any] = Field(description="The fields as proposed")
    reason: str
    status: Literal["proposed", "approved", "rejected"]
    proposed_by: str
    decided_by: str
    decided_at: dt.datetime | None = None
    decision_reason: str
    version: int
    created_at: dt.datetime


class ProposeRequest(Schema):
    """A change to an element of the edition in force, with the reason; send the element's ETag in If-Match."""

    kind: RevisionKind
    element_id: int = Field(..., ge=1)
    changes: dict[str, Any] = Field(..., description="Field -> new value, as for a direct edit")
    reason: str = Field(..., min_length=1, max_length=inputs.CHANGE_REASON_MAX)


class RevisionDecisionRequest(Schema):
    """Why (required to reject)."""

    reason: str = Field("", max_length=inputs.CHANGE_REASON_MAX)


def revision_dict(row: sm.Revision) -> dict[str, Any]:
    return {
        "id": row.pk, "strategy_id": row.strategy_id, "kind": row.kind, "element_id": row.element_id,
        "label": row.label, "before": row.before, "changes": row.changes, "reason": row.reason,
        "status": row.status, "proposed_by": row.proposed_by_name, "decided_by": row.decided_by_name,
        "decided_at": row.decided_at, "decision_reason": row.decision_reason, "version": row.version,
        "created_at": row.created_at,
    }


def readable_revisions(access: Access, strategy: sm.Strategy):
    """The revisions of a visible edition, for callers who read its SBU text (404 for the others)."""
    if not access.sbu_ok(strategy.mission_id):
        raise NotFoundError("Not found.")
    return sm.Revision.objects.filter(strategy=strategy).order_by("-created_at", "-pk")


def _get(access: Access, revision_id: int) -> sm.Revision:
    row = access.get(sm.Revision.objects.select_related("strategy"), pk=revision_id)
    readable_revisions(access, row.strategy)
    return row


@router.get("/{int:revision_id}", response=RevisionSchema, summary="Get a revision")
def get_revision(request: HttpRequest, revision_id: PathId, response: HttpResponse):
    access = Access(request)
    row = _get(access, revision_id)
    response["ETag"] = resource_tag(row)
    return revision_dict(row)


@router.post("", response={201: RevisionSchema}, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Propose a revision of the edition in force (an editor)")
def propose_revision(request: HttpRequest, payload: ProposeRequest, response: HttpResponse):
    from icsplan.strategies import services

    model = services.REVISION_MODELS[payload.kind]
    return writes.write(
        request, response, load=lambda access: access.get(model.objects.all(), pk=payload.element_id),
        change=lambda access, element, expected: services.propose_revision(
            element, payload.changes, expected_version=expected or 0, actor=access.user, reason=payload.reason),
        etag=lambda access, row: resource_tag(row), present=lambda access, row: Status(201, revision_dict(row)))


def _decide(request: HttpRequest, revision_id: int, payload: RevisionDecisionRequest, response: HttpResponse,
            approve: bool) -> dict[str, Any]:
    from icsplan.strategies import services

    decide = services.approve_revision if approve else services.reject_revision
    return writes.write(
        request, response, load=lambda access: _get(access, revision_id), action=Action.APPROVE,
        change=lambda access, row, expected: decide(row, actor=access.user, expected_version=expected,
                                                    reason=payload.reason),
        etag=lambda access, row: resource_tag(row), present=lambda access, row: revision_dict(row))


@router.post("/{int:revision_id}/approve", response=RevisionSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Approve a revision (an approver other than its proposer): the change is applied")
def approve_revision(request: HttpRequest, revision_id: PathId, payload: RevisionDecisionRequest, response: HttpResponse):
    return _decide(request, revision_id, payload, response, approve=True)


@router.post("/{int:revision_id}/reject", response=RevisionSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Reject a revision with a reason (an approver other than its proposer)")
def reject_revision(request: HttpRequest, revision_id: PathId, payload: RevisionDecisionRequest, response: HttpResponse):
    return _decide(request, revision_id, payload, response, approve=False)
