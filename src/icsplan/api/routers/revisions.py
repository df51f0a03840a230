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
from icsplan.errors import InputError, NotFoundError
from icsplan.strategies import models as sm

from .. import writes
from ..access import Access
from ..auth import WRITE_AUTH
from ..etag import IF_MATCH, require_if_match, resource_tag
from ..schemas import PathId

router = Router(tags=["revisions"])

RevisionKind = Literal["strategy", "goal", "objective", "sub_objective", "management_objective", "linkage", "risk",
                       "indicator", "target", "baseline", "disaggregation"]
Operation = Literal["update", "create", "delete"]


class RevisionSchema(Schema):
    """A proposed change to an element of the edition in force, and its decision."""

    id: int
    strategy_id: int
    kind: RevisionKind
    operation: Operation
    element_id: int | None = Field(None, description="The row changed or deleted (none for a creation)")
    parent_kind: str = Field("", description="What a created row (or a target) belongs to")
    parent_id: int | None = None
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
    """A change to the edition in force, with the reason.

    ``operation`` "update" (the default) changes the row ``element_id``; "delete" removes it; "create"
    adds a row under ``parent_kind``/``parent_id`` (an objective under its goal, a linkage, risk or
    indicator under its element). A target is set with kind "target", operation "update", the
    indicator as parent and ``changes`` {"period", "value", ...}; likewise the baseline (kind "baseline",
    ``changes`` {"value", "date", "note"}) and a breakdown (kind "disaggregation", operation "update"
    to define or redefine it with {"category", "values", "exhaustive"}, "delete" with {"category"}). A change to an element's fields
    sends the element's ETag in If-Match; any other change sends ``expected_version``: the version
    the direct edit would check (the element's for its linkages and risks, the indicator's, the
    target's, the baseline's or breakdown's; 0 for a new row)."""

    kind: RevisionKind
    operation: Operation = "update"
    element_id: int | None = Field(None, ge=1)
    parent_kind: RevisionKind | None = None
    parent_id: int | None = Field(None, ge=1)
    changes: dict[str, Any] = Field(default_factory=dict, description="Field -> new value, as for a direct edit")
    expected_version: int = Field(0, ge=0, description="For changes other than an element's fields (see above)")
    reason: str = Field(..., min_length=1, max_length=inputs.CHANGE_REASON_MAX)


class RevisionDecisionRequest(Schema):
    """Why (required to reject)."""

    reason: str = Field("", max_length=inputs.CHANGE_REASON_MAX)


def revision_dict(row: sm.Revision) -> dict[str, Any]:
    return {
        "id": row.pk, "strategy_id": row.strategy_id, "kind": row.kind, "operation": row.operation,
        "element_id": row.element_id, "parent_kind": row.parent_kind, "parent_id": row.parent_id,
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

    access = Access(request)
    access.require_writer()
    if payload.operation == "update" and payload.kind in services.REVISION_MODELS:
        if payload.element_id is None:
            raise InputError("Name the element to change (element_id).", code="invalid-choice")
        model = services.REVISION_MODELS[payload.kind]
        element = access.get(model.objects.all(), pk=payload.element_id)
        access.require(Action.EDIT, element)
        expected = require_if_match(request, element)
        row = services.propose_revision(element, payload.changes, expected_version=expected or 0,
                                        actor=access.user, reason=payload.reason)
    else:
        target = parent = None
        if payload.element_id is not None:
            target = access.get(_rows(services, payload.kind), pk=payload.element_id)
        if payload.parent_id is not None and payload.parent_kind:
            parent = access.get(_rows(services, payload.parent_kind), pk=payload.parent_id)
        anchor = target if target is not None else parent
        if anchor is None:
            raise InputError("Name the row to change (element_id) or what a new one belongs to (parent_kind, "
                             "parent_id).", code="invalid-choice")
        access.require(Action.EDIT, anchor)
        row = services.propose_change(payload.kind, payload.operation, row=target, parent=parent,
                                      changes=payload.changes, expected_version=payload.expected_version, actor=access.user,
                                      reason=payload.reason)
    response["ETag"] = resource_tag(row)
    return Status(201, revision_dict(row))


def _rows(services, kind: str):
    model = services.KIND_MODELS.get(kind)
    if model is None:
        raise NotFoundError("Not found.")
    return model.objects.all()


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
