"""Goals, objectives, sub-objectives and management objectives: one router each, same shape.

    GET    /goals              list (filters, ordering, pages)
    POST   /goals              create (editors)
    GET    /goals/{id}         read (ETag)
    PATCH  /goals/{id}         change (If-Match)
    DELETE /goals/{id}         delete with what hangs from it (If-Match)
"""

# No "from __future__ import annotations": ninja reads the closures' annotations at runtime.

from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from icsplan.core import inputs
from icsplan.strategies import models as sm

from .. import schemas as s
from ..schemas import MAX_ID, PathId
from .. import serialize, writes
from ..access import Access
from ..auth import WRITE_AUTH
from ..etag import IF_MATCH, resource_tag
from ..pagination import PageParams, apply_ordering, page_of, paginate

ElementOrdering = Literal["number", "-number", "position", "-position", "title", "-title", "updated_at", "-updated_at"]


class ElementFilters(Schema):
    strategy: int | None = Field(None, ge=1, le=MAX_ID, description="Strategy edition id")
    mission: int | None = Field(None, ge=1, le=MAX_ID, description="Mission id")
    number: str | None = Field(None, max_length=20, description='Exact number, e.g. "1.2"')
    q: str | None = Field(None, max_length=200, description="Part of the title")
    ordering: ElementOrdering | None = None


class ObjectiveFilters(ElementFilters):
    goal: int | None = Field(None, ge=1, le=MAX_ID, description="Goal id")


class SubObjectiveFilters(ElementFilters):
    objective: int | None = Field(None, ge=1, le=MAX_ID, description="Objective id")
    management_objective: int | None = Field(None, ge=1, le=MAX_ID, description="Management objective id")


class ElementCreate(Schema):
    number: str = Field(..., min_length=1, max_length=20, pattern=r"^\d+(\.\d+)*$")
    title: str = Field(..., min_length=1, max_length=inputs.TITLE_MAX)
    framework_title: str | None = Field(None, max_length=inputs.TITLE_MAX)
    linkages_text: str | None = None
    linkages_text_sensitivity: s.Sensitivity = "public"
    reason: str = Field("", max_length=inputs.CHANGE_REASON_MAX)


class GoalCreate(ElementCreate):
    strategy: int = Field(..., ge=1, le=MAX_ID, description="Strategy edition id")
    description: str | None = None
    description_sensitivity: s.Sensitivity = "public"


class ObjectiveCreate(ElementCreate):
    goal: int = Field(..., ge=1, le=MAX_ID, description="Goal id")
    justification: str | None = None
    justification_sensitivity: s.Sensitivity = "public"


class ManagementObjectiveCreate(ElementCreate):
    strategy: int = Field(..., ge=1, le=MAX_ID, description="Strategy edition id")
    justification: str | None = None
    justification_sensitivity: s.Sensitivity = "public"


class SubObjectiveCreate(ElementCreate):
    objective: int | None = Field(None, ge=1, le=MAX_ID, description="Parent objective id (or management_objective)")
    management_objective: int | None = Field(None, ge=1, le=MAX_ID, description="Parent management objective id")
    justification: str | None = None
    justification_sensitivity: s.Sensitivity = "public"


KINDS: dict[str, tuple[Any, ...]] = {
    # kind: (model, prefix, tag, out schema, update schema, create schema, filters)
    "goal": (sm.Goal, "/goals", "goals", s.GoalSchema, s.GoalUpdate, GoalCreate, ElementFilters),
    "objective": (sm.Objective, "/objectives", "objectives", s.ObjectiveSchema, s.ObjectiveUpdate,
                  ObjectiveCreate, ObjectiveFilters),
    "sub_objective": (sm.SubObjective, "/sub-objectives", "sub-objectives", s.SubObjectiveSchema,
                      s.SubObjectiveUpdate, SubObjectiveCreate, SubObjectiveFilters),
    "management_objective": (sm.ManagementObjective, "/management-objectives", "management objectives",
                             s.ManagementObjectiveSchema, s.ManagementObjectiveUpdate, ManagementObjectiveCreate,
                             ElementFilters),
}


def element_queryset(model):
    return model.objects.select_related("strategy")


def get_element(access: Access, kind: str, pk: int):
    model = KINDS[kind][0]
    return access.get(element_queryset(model), pk=pk)


def element_tag(access: Access, row) -> str:
    return resource_tag(row, full=access.sbu_ok(row.strategy.mission_id))


def _visible_parent(access: Access, model, pk: int | None, field: str):
    from icsplan.errors import Location, NotFoundError

    if pk is None:
        return None
    try:
        related = "mission" if model is sm.Strategy else "strategy__mission"
        return access.get(model.objects.select_related(related), pk=pk)
    except NotFoundError:
        raise NotFoundError(f"No {model._meta.verbose_name} {pk} that you may see.", where=Location(field=field))


def _make_router(kind: str) -> Router:
    update_schema: Any  # schema classes chosen at run time: mypy takes their instances as Any
    create_schema: Any
    filters_schema: Any
    model, _prefix, tag, out_schema, update_schema, create_schema, filters_schema = KINDS[kind]
    to_dict = serialize.ELEMENT_SERIALIZERS[kind]
    label = model._meta.verbose_name
    router = Router(tags=[tag])

    def list_elements(request: HttpRequest, filters: Query[filters_schema], page: Query[PageParams]):
        access = Access(request)
        qs = access.visible(element_queryset(model))
        if filters.strategy:
            qs = qs.filter(strategy_id=filters.strategy)
        if filters.mission:
            qs = qs.filter(strategy__mission_id=filters.mission)
        if filters.number:
            qs = qs.filter(number=filters.number)
        if filters.q:
            qs = qs.filter(Q(title__icontains=filters.q) | Q(framework_title__icontains=filters.q))
        for parent in ("goal", "objective", "management_objective"):
            value = getattr(filters, parent, None)
            if value:
                qs = qs.filter(**{f"{parent}_id": value})
        qs = apply_ordering(qs, filters.ordering, default=("strategy_id", "position"))
        return paginate(request, qs, page, lambda rows: [to_dict(access, r) for r in rows])

    list_elements.__name__ = f"list_{kind}s"
    router.get("", response=page_of(out_schema), summary=f"List {label}s",
               description=f"{label.capitalize()}s of the editions the caller may see.")(list_elements)

    def get_one(request: HttpRequest, element_id: PathId, response: HttpResponse):
        access = Access(request)
        row = get_element(access, kind, element_id)
        response["ETag"] = element_tag(access, row)
        return to_dict(access, row)

    get_one.__name__ = f"get_{kind}"
    router.get("/{int:element_id}", response=out_schema, summary=f"Get a {label}")(get_one)

    def update_one(request: HttpRequest, element_id: PathId, payload: update_schema, response: HttpResponse):
        from icsplan.strategies import services

        def change(access: Access, row, expected):
            changes = payload.model_dump(exclude_unset=True)
            reason = changes.pop("reason", "") or ""
            services.update_element(row, changes, expected_version=expected, actor=access.user, reason=reason)

        return writes.write(request, response, load=lambda access: get_element(access, kind, element_id),
                            change=change, reread=lambda access, _row: get_element(access, kind, element_id),
                            etag=element_tag, present=to_dict)

    update_one.__name__ = f"update_{kind}"
    router.patch("/{int:element_id}", response=out_schema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
                 summary=f"Change a {label}")(update_one)

    def create_one(request: HttpRequest, payload: create_schema, response: HttpResponse):
        from icsplan.errors import ValidationError
        from icsplan.strategies import services

        data: dict[str, Any] = payload.model_dump()
        reason = data.pop("reason", "") or ""
        parent = None

        def load(access: Access):
            # The strategy the new element joins (the permission is checked on it), through the
            # parent the caller named, which they must be able to see.
            nonlocal parent
            if kind in ("goal", "management_objective"):
                return _visible_parent(access, sm.Strategy, data.pop("strategy"), "strategy")
            if kind == "objective":
                parent = _visible_parent(access, sm.Goal, data.pop("goal"), "goal")
                return parent.strategy
            objective_id, mo_id = data.pop("objective"), data.pop("management_objective")
            if (objective_id is None) == (mo_id is None):
                raise ValidationError("Give exactly one of objective or management_objective.")
            parent = (_visible_parent(access, sm.Objective, objective_id, "objective") if objective_id
                      else _visible_parent(access, sm.ManagementObjective, mo_id, "management_objective"))
            return parent.strategy

        return writes.write(
            request, response, load=load, if_match=None,
            change=lambda access, strategy, _expected: services.create_element(
                model, data, strategy=strategy, parent=parent, actor=access.user, reason=reason),
            reread=lambda access, row: get_element(access, kind, row.pk), etag=element_tag, status=201,
            present=to_dict)

    create_one.__name__ = f"create_{kind}"
    router.post("", response={201: out_schema}, auth=WRITE_AUTH, summary=f"Create a {label}")(create_one)

    def delete_one(request: HttpRequest, element_id: PathId):
        from icsplan.strategies import services

        return writes.write(
            request, load=lambda access: get_element(access, kind, element_id),
            change=lambda access, row, expected: services.delete_element(row, expected_version=expected,
                                                                          actor=access.user),
            present=lambda access, _none: {"deleted": True, "id": element_id})

    delete_one.__name__ = f"delete_{kind}"
    router.delete("/{int:element_id}", response=s.DeletedSchema, auth=WRITE_AUTH, openapi_extra=IF_MATCH,
                  summary=f"Delete a {label} and everything below it")(delete_one)
    return router


def routers() -> list[tuple[str, Router]]:
    return [(KINDS[kind][1], _make_router(kind)) for kind in KINDS]
