"""Strategy editions: list, read, change, approve, the whole tree and the canonical document."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from icsplan.accounts.roles import Action
from icsplan.core.stamps import edition_stamp, remember
from icsplan.errors import NotFoundError
from icsplan.strategies import models as sm

from .. import serialize, writes
from ..access import Access
from ..auth import WRITE_AUTH
from ..etag import IF_MATCH, resource_tag
from ..pagination import PageParams, apply_ordering, page_of, paginate
from ..schemas import (
    MAX_ID,
    ApproveRequest,
    CopyEditionRequest,
    PathId,
    StrategySchema,
    StrategyUpdate,
    TransitionRequest,
    TransitionSchema,
)
from ..tree import TreeSchema, build_tree, tree_tag_of
from .revisions import RevisionSchema, readable_revisions, revision_dict

router = Router(tags=["strategies"])

StrategyOrdering = Literal["country", "-country", "edition", "-edition", "status", "-status", "approved_date", "-approved_date", "updated_at", "-updated_at"]


class StrategyFilters(Schema):
    mission: int | None = Field(None, ge=1, le=MAX_ID, description="Mission id")
    country: str | None = Field(None, max_length=100, description="Country name (case-insensitive)")
    edition: str | None = Field(None, max_length=20)
    status: Literal["draft", "in_clearance", "approved", "published", "archived"] | None = None
    bureau: str | None = Field(None, max_length=10)
    ordering: StrategyOrdering | None = None


def _queryset():
    return sm.Strategy.objects.select_related("mission__bureau")


def get_visible(access: Access, strategy_id: int) -> sm.Strategy:
    return access.get(_queryset(), pk=strategy_id)


def _visible_mission_id(access: Access, strategy_id: int) -> int | None:
    """The mission of edition ``strategy_id`` if the caller may see it (``None`` otherwise): the
    visibility rule of ``get_visible`` without loading the row."""
    rows = access.visible(sm.Strategy.objects.filter(pk=strategy_id)).order_by().values_list("mission_id", flat=True)
    return next(iter(rows[:1]), None)


def tag_for(access: Access, row: sm.Strategy) -> str:
    return resource_tag(row, full=access.sbu_ok(row.mission_id))


@router.get("", response=page_of(StrategySchema), summary="List strategy editions")
def list_strategies(request: HttpRequest, filters: Query[StrategyFilters], page: Query[PageParams]):
    """Editions the caller may see: approved ones for everyone, drafts for the mission's members."""
    access = Access(request)
    qs = access.visible(_queryset())
    if filters.mission:
        qs = qs.filter(mission_id=filters.mission)
    if filters.country:
        qs = qs.filter(mission__country__iexact=filters.country)
    if filters.edition:
        qs = qs.filter(edition=filters.edition)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.bureau:
        qs = qs.filter(mission__bureau__code__iexact=filters.bureau)
    qs = apply_ordering(qs, filters.ordering, {"country": "mission__country"}, default=("mission__country", "-edition"))
    return paginate(request, qs, page, lambda rows: [serialize.strategy(access, r) for r in rows])


@router.get("/{int:strategy_id}", response=StrategySchema, summary="Get a strategy edition")
def get_strategy(request: HttpRequest, strategy_id: PathId, response: HttpResponse):
    access = Access(request)
    row = get_visible(access, strategy_id)
    response["ETag"] = tag_for(access, row)
    return serialize.strategy(access, row)


@router.patch("/{int:strategy_id}", response=StrategySchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
              summary="Change an edition's title, priorities or fiscal years")
def update_strategy(request: HttpRequest, strategy_id: PathId, payload: StrategyUpdate, response: HttpResponse):
    from icsplan.strategies import services

    def change(access: Access, row, expected):
        changes = payload.model_dump(exclude_unset=True)
        reason = changes.pop("reason", "") or ""
        return services.update_element(row, changes, expected_version=expected, actor=access.user, reason=reason)

    return writes.write(request, response, load=lambda access: get_visible(access, strategy_id), change=change,
                        reread=lambda access, _row: get_visible(access, strategy_id), etag=tag_for,
                        present=serialize.strategy)


@router.post("/{int:strategy_id}/approve", response=StrategySchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Approve an edition (Chief of Mission / DCM)")
def approve_strategy(request: HttpRequest, strategy_id: PathId, payload: ApproveRequest, response: HttpResponse):
    from icsplan.strategies import services

    def change(access: Access, row, expected):
        kwargs: dict[str, Any] = {"actor": access.user}
        if payload.comment:
            kwargs["reason"] = payload.comment
        if payload.approved_date:
            kwargs["approved_date"] = payload.approved_date
        services.approve_strategy(row, expected_version=expected, **kwargs)

    return writes.write(request, response, load=lambda access: get_visible(access, strategy_id),
                        action=Action.APPROVE, change=change,
                        reread=lambda access, _row: get_visible(access, strategy_id), etag=tag_for,
                        present=serialize.strategy)


def _step(request: HttpRequest, strategy_id: int, payload: TransitionRequest, response: HttpResponse,
          action: Action, service_name: str) -> dict[str, Any]:
    """One life-cycle step: the same shape for submit, return, publish and archive."""
    from icsplan.strategies import services

    return writes.write(
        request, response, load=lambda access: get_visible(access, strategy_id), action=action,
        change=lambda access, row, expected: getattr(services, service_name)(
            row, expected_version=expected, actor=access.user, reason=payload.comment),
        reread=lambda access, _row: get_visible(access, strategy_id), etag=tag_for, present=serialize.strategy)


@router.post("/{int:strategy_id}/submit", response=StrategySchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Send a draft edition into clearance (an editor)")
def submit_strategy(request: HttpRequest, strategy_id: PathId, payload: TransitionRequest, response: HttpResponse):
    return _step(request, strategy_id, payload, response, Action.EDIT, "submit_edition")


@router.post("/{int:strategy_id}/return", response=StrategySchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Send an edition in clearance back to draft (an approver)")
def return_strategy(request: HttpRequest, strategy_id: PathId, payload: TransitionRequest, response: HttpResponse):
    return _step(request, strategy_id, payload, response, Action.APPROVE, "return_edition")


@router.post("/{int:strategy_id}/publish", response=StrategySchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Publish the approved edition for public release (an approver)")
def publish_strategy(request: HttpRequest, strategy_id: PathId, payload: TransitionRequest, response: HttpResponse):
    return _step(request, strategy_id, payload, response, Action.APPROVE, "publish_edition")


@router.post("/{int:strategy_id}/archive", response=StrategySchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Archive the edition in force (an approver)")
def archive_strategy(request: HttpRequest, strategy_id: PathId, payload: TransitionRequest, response: HttpResponse):
    return _step(request, strategy_id, payload, response, Action.APPROVE, "archive_edition")


@router.post("/{int:strategy_id}/copy", response={201: StrategySchema}, auth=WRITE_AUTH,
             summary="Start a new draft edition as a copy of this one (an editor)",
             description="The framework, linkages, risks, indicators and targets are copied; results stay "
                         "with their edition.")
def copy_strategy(request: HttpRequest, strategy_id: PathId, payload: CopyEditionRequest, response: HttpResponse):
    access = Access(request)
    access.require_writer()
    row = get_visible(access, strategy_id)
    access.require(Action.EDIT, row)
    from icsplan.strategies import services

    new = services.copy_edition(row, edition=payload.edition, actor=access.user, reason=payload.comment)
    new = get_visible(access, new.pk)
    response["ETag"] = tag_for(access, new)
    return Status(201, serialize.strategy(access, new))


@router.get("/{int:strategy_id}/transitions", response=list[TransitionSchema],
            summary="The edition's life cycle: each step with who, when and why")
def strategy_transitions(request: HttpRequest, strategy_id: PathId):
    access = Access(request)
    row = get_visible(access, strategy_id)
    steps = sm.EditionTransition.objects.filter(strategy=row).select_related("actor").order_by("at", "pk")
    return [{"from_status": t.from_status, "to_status": t.to_status,
             "by": t.actor.get_username() if t.actor else t.actor_name, "reason": t.reason, "at": t.at}
            for t in steps]


@router.get("/{int:strategy_id}/revisions", response=list[RevisionSchema],
            summary="Revisions of the edition (for readers of its SBU text)")
def strategy_revisions(request: HttpRequest, strategy_id: PathId):
    access = Access(request)
    row = get_visible(access, strategy_id)
    return [revision_dict(r) for r in readable_revisions(access, row)]


class EditionFindingSchema(Schema):
    """A linter finding about a stored edition, with its place and, for a wording mismatch, both texts."""

    code: str
    severity: Literal["error", "warning", "info"]
    element: str | None = None
    line: int | None = None
    message: str
    kind: str | None = None
    element_id: int | None = None
    version: int | None = None
    framework_text: str | None = None
    body_text: str | None = None


@router.get("/{int:strategy_id}/findings", response=list[EditionFindingSchema],
            summary="The linter's findings about the stored edition")
def strategy_findings(request: HttpRequest, strategy_id: PathId):
    from icsplan.strategies import services

    access = Access(request)
    row = get_visible(access, strategy_id)
    return services.edition_findings(row, actor=access.user)


@router.get("/{int:strategy_id}/tree", response=TreeSchema, summary="The whole edition in one request",
            description="Goals, objectives, sub-objectives, management objectives, linkages, risks and "
                        "indicators with their latest result and status, read with a constant number of "
                        "SQL queries whatever the size of the edition.")
def strategy_tree(request: HttpRequest, strategy_id: PathId):
    access = Access(request)
    from ..api import api, finish_read
    from ..etag import none_match

    # The tag comes from version stamps (aggregate queries), so a 304 never builds the tree, nor
    # even loads the edition row: the same visibility rule, asked for the mission id only.
    stamp = edition_stamp(strategy_id)
    if access.principal.is_authenticated or access.principal.token is not None:
        mission_id = _visible_mission_id(access, strategy_id)
    else:
        # What the public may see of an edition depends on the edition's rows alone (its status,
        # its mission), which the stamp covers: the answer is remembered per stamp.
        mission_id = remember(("public-edition", stamp), lambda: _visible_mission_id(access, strategy_id))
    if mission_id is None:  # missing or not visible: the same answer as ``get_visible``
        raise NotFoundError(f"No {sm.Strategy._meta.verbose_name} matches the request.")
    tag = tree_tag_of(access, strategy_id, mission_id, stamp=stamp)
    if none_match(request, tag):
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = tag
        return finish_read(request, not_modified)
    row = get_visible(access, strategy_id)
    # build_tree returns exactly what TreeSchema would output: serialise it directly rather than
    # have ninja re-validate ~100 kB of nested dicts (most of this endpoint's time before).
    response = api.create_response(request, build_tree(access, row), status=200)
    response["ETag"] = tag
    return response


@router.get("/{int:strategy_id}/document", summary="The canonical document (interchange JSON)",
            response={200: dict[str, Any]})
def strategy_document(request: HttpRequest, strategy_id: PathId):
    """The edition as the canonical ``icsplan.strategy/1`` JSON, without SBU for those who may
    not read it (the same document every export starts from)."""
    from icsplan.accounts.redaction import document_for

    access = Access(request)
    row = get_visible(access, strategy_id)
    document = document_for(access.user, row)
    return document.model_dump(mode="json", by_alias=True)


def visible_strategy_ids_q(access: Access, prefix: str = "strategy") -> Q:
    """A filter for rows of editions the caller may see."""
    ids = access.visible(sm.Strategy.objects.all()).values("pk")
    return Q(**{f"{prefix}__in": ids})
