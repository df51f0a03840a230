"""Linkages and risks: what hangs from one framework element.

Adding, changing or removing one changes its element (the element's version goes up), so these
writes take the *element's* ETag in ``If-Match``; a linkage's or risk's own ETag carries its
element's version for the same reason.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from icsplan.core import inputs
from icsplan.strategies import models as sm

from .. import schemas as s
from ..schemas import MAX_ID, PathId
from .. import serialize, writes
from ..access import Access
from ..auth import WRITE_AUTH
from ..etag import IF_MATCH, require_if_match
from ..pagination import PageParams, apply_ordering, page_of, paginate
from .elements import get_element

linkages = Router(tags=["linkages"])
risks = Router(tags=["risks"])

ELEMENT_JOINS = ("goal", "objective", "sub_objective", "management_objective")


class AttachmentFilters(Schema):
    strategy: int | None = Field(None, ge=1, le=MAX_ID, description="Strategy edition id")
    mission: int | None = Field(None, ge=1, le=MAX_ID, description="Mission id")
    element_kind: s.ElementKind | None = Field(None, description="With element_id: only this element's")
    element_id: int | None = Field(None, ge=1, le=MAX_ID)


class LinkageFilters(AttachmentFilters):
    framework: str | None = Field(None, max_length=20, description="Framework code: NSS, JRS, JSP, CDCS, SDG")
    tag: str | None = Field(None, max_length=100, description="Exact tag (case-insensitive)")
    ordering: Literal["tag", "-tag", "position", "-position"] | None = None


class RiskFilters(AttachmentFilters):
    likelihood: s.RiskLevel | None = None
    impact: s.RiskLevel | None = None
    q: str | None = Field(None, max_length=200, description="Part of the statement")
    ordering: Literal["position", "-position", "likelihood", "-likelihood", "impact", "-impact"] | None = None


class RiskUpdate(Schema):
    statement: str | None = Field(None, min_length=1, max_length=inputs.TITLE_MAX)
    likelihood: s.RiskLevel | None = None
    impact: s.RiskLevel | None = None
    mitigation: str | None = Field(None, max_length=inputs.TEXT_MAX)
    owner: str | None = Field(None, max_length=100)
    sensitivity: s.Sensitivity | None = None
    reason: str = Field("", max_length=inputs.CHANGE_REASON_MAX)


def _filtered(access: Access, qs, filters: AttachmentFilters):
    qs = access.visible(qs)
    if filters.strategy:
        qs = qs.filter(strategy_id=filters.strategy)
    if filters.mission:
        qs = qs.filter(strategy__mission_id=filters.mission)
    if filters.element_kind and filters.element_id:
        qs = qs.filter(**{f"{filters.element_kind}_id": filters.element_id})
    return qs


def _element_of(row) -> sm.FrameworkElement:
    """The element row (with its strategy) a linkage or risk hangs from."""
    element = row.element
    element.strategy = row.strategy
    return element


def _tag(access: Access, row) -> str:
    element = _element_of(row)
    full = access.sbu_ok(row.strategy.mission_id)
    return f'"{row._meta.model_name}-{row.pk}-e{element.pk}v{element.version}.{"f" if full else "p"}"'


def _check_if_match(request: HttpRequest, access: Access, row) -> int:
    """``If-Match`` of a linkage or risk: its own ETag or its element's; returns the element version."""
    from ..errors import PreconditionFailed
    from ..etag import if_match_names

    element = _element_of(row)
    header = request.headers.get("If-Match") or ""
    if if_match_names(request, _tag(access, row)):
        return element.version
    if not header.strip():
        return require_if_match(request, element)  # raises 428
    try:
        return require_if_match(request, element)
    except PreconditionFailed:
        raise PreconditionFailed(f"The {row._meta.verbose_name} or its element changed since you read it; "
                                 f"it is now {_tag(access, row)}.", code="precondition-failed") from None


def _linkage_qs():
    return sm.Linkage.objects.select_related("strategy", "framework", *ELEMENT_JOINS)


def _risk_qs():
    return sm.Risk.objects.select_related("strategy", *ELEMENT_JOINS)


def _public_risks(access: Access, qs):
    """Without SBU risks, nor risks quoted from SBU narratives, for those who may not read SBU."""
    return access.readable(qs)


# -- linkages ------------------------------------------------------------------------------------

@linkages.get("", response=page_of(s.LinkageSchema), summary="List linkages")
def list_linkages(request: HttpRequest, filters: Query[LinkageFilters], page: Query[PageParams]):
    access = Access(request)
    qs = _filtered(access, _linkage_qs(), filters)
    if filters.framework:
        qs = qs.filter(framework__code__iexact=filters.framework)
    if filters.tag:
        qs = qs.filter(tag__iexact=filters.tag)
    qs = apply_ordering(qs, filters.ordering, default=("strategy_id", "position"))
    return paginate(request, qs, page, lambda rows: [serialize.linkage(access, r) for r in rows])


@linkages.get("/{int:linkage_id}", response=s.LinkageSchema, summary="Get a linkage")
def get_linkage(request: HttpRequest, linkage_id: PathId, response: HttpResponse):
    access = Access(request)
    row = access.get(_linkage_qs(), pk=linkage_id)
    response["ETag"] = _tag(access, row)
    return serialize.linkage(access, row)


@linkages.post("", response={201: s.LinkageSchema}, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
               summary="Align an element with another framework's item",
               description="If-Match takes the ETag of the element the linkage is added to.")
def create_linkage(request: HttpRequest, payload: s.LinkageCreate, response: HttpResponse):
    from icsplan.strategies import services

    return writes.write(
        request, response, load=lambda access: get_element(access, payload.element.kind, payload.element.id),
        change=lambda access, element, expected: services.add_linkage(element, payload.tag, expected_version=expected,
                                                                       actor=access.user),
        reread=lambda access, row: access.get(_linkage_qs(), pk=row.pk), etag=_tag, status=201,
        present=serialize.linkage)


@linkages.delete("/{int:linkage_id}", response=s.DeletedSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
                 summary="Remove a linkage")
def delete_linkage(request: HttpRequest, linkage_id: PathId):
    from icsplan.strategies import services

    return writes.write(
        request, load=lambda access: access.get(_linkage_qs(), pk=linkage_id),
        if_match=lambda access, row: _check_if_match(request, access, row),
        change=lambda access, row, expected: services.remove_linkage(row, expected_version=expected,
                                                                      actor=access.user),
        present=lambda access, _none: {"deleted": True, "id": linkage_id})


# -- risks ---------------------------------------------------------------------------------------

@risks.get("", response=page_of(s.RiskSchema), summary="List risks")
def list_risks(request: HttpRequest, filters: Query[RiskFilters], page: Query[PageParams]):
    access = Access(request)
    qs = _public_risks(access, _filtered(access, _risk_qs(), filters))
    if filters.likelihood:
        qs = qs.filter(likelihood=filters.likelihood)
    if filters.impact:
        qs = qs.filter(impact=filters.impact)
    if filters.q:
        qs = qs.filter(statement__icontains=filters.q)
    qs = apply_ordering(qs, filters.ordering, default=("strategy_id", "position"))
    return paginate(request, qs, page, lambda rows: [serialize.risk(access, r) for r in rows])


def _get_risk(access: Access, risk_id: int):
    from icsplan.errors import NotFoundError

    row = _public_risks(access, access.visible(_risk_qs())).filter(pk=risk_id).first()
    if row is None:
        raise NotFoundError("No risk matches the request.")
    return row


@risks.get("/{int:risk_id}", response=s.RiskSchema, summary="Get a risk")
def get_risk(request: HttpRequest, risk_id: PathId, response: HttpResponse):
    access = Access(request)
    row = _get_risk(access, risk_id)
    response["ETag"] = _tag(access, row)
    return serialize.risk(access, row)


@risks.post("", response={201: s.RiskSchema}, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
            summary="Add a risk to an element",
            description="If-Match takes the ETag of the element the risk is added to.")
def create_risk(request: HttpRequest, payload: s.RiskCreate, response: HttpResponse):
    from icsplan.strategies import services

    def change(access: Access, element, expected):
        fields = payload.model_dump(exclude={"element"})
        return services.add_risk(element, fields, expected_version=expected, actor=access.user)

    return writes.write(
        request, response, load=lambda access: get_element(access, payload.element.kind, payload.element.id),
        change=change, reread=lambda access, row: _get_risk(access, row.pk), etag=_tag, status=201,
        present=serialize.risk)


@risks.patch("/{int:risk_id}", response=s.RiskSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
             summary="Change a risk")
def update_risk(request: HttpRequest, risk_id: PathId, payload: RiskUpdate, response: HttpResponse):
    from icsplan.strategies import services

    def change(access: Access, row, expected):
        changes = payload.model_dump(exclude_unset=True)
        reason = changes.pop("reason", "") or ""
        services.update_risk(row, changes, expected_version=expected, actor=access.user, reason=reason)

    return writes.write(
        request, response, load=lambda access: _get_risk(access, risk_id),
        if_match=lambda access, row: _check_if_match(request, access, row), change=change,
        reread=lambda access, _row: _get_risk(access, risk_id), etag=_tag, present=serialize.risk)


@risks.delete("/{int:risk_id}", response=s.DeletedSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
              summary="Remove a risk")
def delete_risk(request: HttpRequest, risk_id: PathId):
    from icsplan.strategies import services

    return writes.write(
        request, load=lambda access: _get_risk(access, risk_id),
        if_match=lambda access, row: _check_if_match(request, access, row),
        change=lambda access, row, expected: services.remove_risk(row, expected_version=expected, actor=access.user),
        present=lambda access, _none: {"deleted": True, "id": risk_id})
