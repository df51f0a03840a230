"""The bureau's and the Department's view: cross-mission roll-ups of the editions in force.

Thin: ``portfolio.services`` decides who reads which bureau (its analysts and admins) and narrows
every figure through ``accounts.redaction``; a bureau the caller may not read answers 404 like
one that does not exist.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from icsplan.accounts.permissions import is_admin
from icsplan.portfolio import services

from ..access import Access
from ..schemas import PERIOD_PATTERN, PathId

router = Router(tags=["portfolio"])


class StatusCountsSchema(Schema):
    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    no_data: int = 0


class BureauSummarySchema(Schema):
    code: str | None = Field(None, description="Bureau code; null for missions of no bureau (admins only)")
    name: str | None = None
    missions: int
    with_edition: int = Field(..., description="Missions with an edition in force")
    objectives: StatusCountsSchema = Field(..., description="Objectives by status, in each edition's shown period")
    off_track_missions: int
    overdue: int = Field(..., description="Targets of ended periods with no approved result")


class GoalCellSchema(Schema):
    number: str
    title: str
    status: str = Field(..., description="on_track, at_risk, off_track or no_data")
    score: float | None = None


class ObjectiveLineSchema(Schema):
    id: int
    mission_id: int
    country: str
    strategy_id: int
    edition: str
    number: str
    title: str
    status: str
    period: str | None = None


class MissionRowSchema(Schema):
    id: int
    country: str
    slug: str
    post: str
    region: str
    strategy_id: int | None = Field(None, description="The edition in force; null when the mission has none")
    edition: str | None = None
    edition_status: str | None = None
    period: str | None = Field(None, description="The period the statuses are shown for")
    goals: list[GoalCellSchema]
    objectives: StatusCountsSchema
    off_track: list[ObjectiveLineSchema]
    overdue: int
    sample: bool = Field(False, description="The figures are sample or synthetic data")


class DashboardSchema(Schema):
    bureau: str
    name: str
    goal_numbers: list[str]
    theme: str = ""
    framework: str = ""
    period: str = ""
    objectives: StatusCountsSchema
    overdue: int
    missions: list[MissionRowSchema]


class DashboardFilters(Schema):
    theme: str = Field("", max_length=100, description="A word in goal or objective titles")
    framework: str = Field("", max_length=100, description="A framework code (JRS) or item (SDG 4)")
    period: str | None = Field(None, pattern=PERIOD_PATTERN, description="Show this period (default: latest reported)")


def _line(line: services.ObjectiveLine) -> dict[str, Any]:
    return {"id": line.pk, "mission_id": line.mission.pk, "country": line.mission.country,
            "strategy_id": line.strategy.pk, "edition": line.strategy.edition, "number": line.number,
            "title": line.title, "status": line.status, "period": line.period}


def _row(row: services.MissionRow) -> dict[str, Any]:
    m, s = row.mission, row.strategy
    return {
        "id": m.pk, "country": m.country, "slug": m.slug, "post": m.post or "", "region": m.region or "",
        "strategy_id": s.pk if s else None, "edition": s.edition if s else None,
        "edition_status": s.status if s else None, "period": row.period,
        "goals": [vars(cell) for cell in row.goals.values()], "objectives": row.counts,
        "off_track": [_line(line) for line in row.off_track], "overdue": row.overdue, "sample": row.sample,
    }


@router.get("/bureaus", response=list[BureauSummarySchema], summary="The Department's view: bureaus")
def list_bureaus(request: HttpRequest):
    """Every bureau whose view the caller reads (analysts: their bureau; admins: all, with the
    missions of no bureau last); an empty list for everyone else."""
    access = Access(request)
    if not services.visible_bureaus(access.user).exists() and not is_admin(access.user):
        return []
    return [{"code": s.bureau.code if s.bureau else None, "name": s.bureau.name if s.bureau else None,
             "missions": s.missions, "with_edition": s.with_edition, "objectives": s.counts,
             "off_track_missions": s.off_track_missions, "overdue": s.overdue}
            for s in services.department_overview(actor=access.user)]


@router.get("/bureaus/{code}", response=DashboardSchema, summary="A bureau's dashboard")
def bureau_dashboard(request: HttpRequest, code: str, filters: Query[DashboardFilters]):
    """Missions × goals status matrix, off-track objectives and overdue results of a bureau's
    missions (each in its edition in force); 404 for a bureau the caller may not read."""
    access = Access(request)
    dashboard = services.bureau_dashboard(code[:10], actor=access.user, theme=filters.theme,
                                          framework=filters.framework, period=filters.period or "")
    bureau = dashboard.bureau
    assert bureau is not None  # a bureau's dashboard always has its bureau
    return {
        "bureau": bureau.code, "name": bureau.name, "goal_numbers": dashboard.goal_numbers,
        "theme": dashboard.theme, "framework": dashboard.framework, "period": dashboard.period,
        "objectives": dashboard.counts, "overdue": dashboard.overdue,
        "missions": [_row(row) for row in dashboard.rows],
    }


class CrosswalkObjectiveSchema(Schema):
    id: int
    mission_id: int
    country: str
    strategy_id: int
    edition: str
    number: str
    title: str
    items: list[str] = Field(default_factory=list, description="Codes of the framework's items it links to")


class CrosswalkItemSchema(Schema):
    code: str
    title: str
    description: str = ""
    objectives: list[CrosswalkObjectiveSchema]


class CrosswalkSchema(Schema):
    framework: str
    name: str
    version: str | None = Field(None, description="The catalogue version shown (the latest by default)")
    versions: list[str]
    items: list[CrosswalkItemSchema]
    objectives: list[CrosswalkObjectiveSchema] = Field(..., description="Objectives linked to the framework")
    unsupported: list[str] = Field(..., description="Codes of the items no objective links to")
    unlinked: list[CrosswalkObjectiveSchema] = Field(..., description="Objectives linked to no framework")
    unknown_codes: list[str] = Field(..., description="Item codes linkages use that the catalogue lacks")


class CrosswalkFilters(Schema):
    version: str | None = Field(None, max_length=40, description="Catalogue version (default: the latest)")
    bureau: str | None = Field(None, max_length=10, description="Only the missions of this bureau")


def _linked(o: Any) -> dict[str, Any]:
    return {"id": o.pk, "mission_id": o.mission.pk, "country": o.mission.country, "strategy_id": o.strategy.pk,
            "edition": o.strategy.edition, "number": o.number, "title": o.title, "items": o.items}


@router.get("/crosswalk/{code}", response=CrosswalkSchema, summary="The alignment crosswalk of a framework")
def framework_crosswalk(request: HttpRequest, code: str, filters: Query[CrosswalkFilters]):
    """Each item of the framework with the objectives (of editions in force the caller may read)
    that link to it, and the reverse; items nothing supports and objectives linked to nothing."""
    from icsplan.portfolio import crosswalk

    access = Access(request)
    walk = crosswalk.crosswalk(code[:20], actor=access.user, version=filters.version, bureau=filters.bureau)
    return {
        "framework": walk.framework.code, "name": walk.framework.name, "version": walk.version,
        "versions": walk.versions,
        "items": [{"code": r.item.code, "title": r.item.title, "description": r.item.description,
                   "objectives": [_linked(o) for o in r.objectives]} for r in walk.items],
        "objectives": [_linked(o) for o in walk.objectives],
        "unsupported": [r.item.code for r in walk.unsupported],
        "unlinked": [_linked(o) for o in walk.unlinked], "unknown_codes": walk.unknown_codes,
    }


class RollupRowSchema(Schema):
    standard_code: str
    unit: str
    value_type: str
    bureau: str | None
    fiscal_year: int
    method: str = Field(..., description="sum, sum of increments, weighted percent, yes count or not combined")
    missions: int
    total: float | None = None
    running_total: float | None = Field(None, description="Cumulative indicators: every year up to this one")
    excluded: int = Field(0, description="Results left out (a percent without its numerator and denominator)")


class RollupFilters(Schema):
    bureau: str | None = Field(None, max_length=10, description="Only this bureau")
    standard_code: str | None = Field(None, max_length=60, description="Only this standard indicator")


@router.get("/rollup", response=list[RollupRowSchema], summary="Standard indicator totals by bureau and year")
def standard_rollup(request: HttpRequest, filters: Query[RollupFilters]):
    """Approved results of standard indicators combined across missions (rules: docs/rollup.md),
    from the editions in force and the indicators and results the caller may read."""
    from icsplan.portfolio.rollup import rollup

    access = Access(request)
    return [{**vars(row), "total": float(row.total) if row.total is not None else None,
             "running_total": float(row.running_total) if row.running_total is not None else None}
            for row in rollup(actor=access.user, bureau=filters.bureau, standard_code=filters.standard_code)]


class SimilarObjectiveSchema(Schema):
    id: int
    mission_id: int
    country: str
    strategy_id: int
    edition: str
    number: str
    title: str
    score: float = Field(..., description="Cosine similarity of public text (by `method`), 0 to 1")
    shared: list[str] = Field(..., description="The terms that weigh most in the match (TF-IDF; empty for embeddings)")


class SuggestionSchema(Schema):
    tag: str
    score: float
    used_by: int = Field(..., description="How many of the similar objectives link to it")


class SimilarSchema(Schema):
    id: int
    number: str
    title: str
    method: Literal["tf-idf", "embeddings"] = Field(
        ..., description="What ranked them: stored sentence embeddings (the optional extra) or TF-IDF")
    pending: int = Field(..., description="Objectives left out because their embedding is not computed yet")
    similar: list[SimilarObjectiveSchema]
    suggested_linkages: list[SuggestionSchema] = Field(
        ..., description="For an objective that links to nothing: linkages of the similar objectives")


@router.get("/objectives/{int:objective_id}/similar", response=SimilarSchema,
            summary="Similar objectives of other missions")
def similar_objectives(request: HttpRequest, objective_id: PathId, limit: int = Query(5, ge=1, le=50)):
    """The most similar objectives of other missions' editions in force the caller may read."""
    from icsplan.portfolio import similarity

    access = Access(request)
    ranking = similarity.similar_objectives(objective_id, actor=access.user, limit=limit)
    objective, similar, suggestions = ranking.objective, ranking.similar, ranking.suggestions
    return {
        "id": objective.pk, "number": objective.number, "title": objective.title,
        "method": ranking.method, "pending": ranking.pending,
        "similar": [{"id": s.objective.pk, "mission_id": s.objective.strategy.mission_id,
                     "country": s.objective.strategy.mission.country, "strategy_id": s.objective.strategy_id,
                     "edition": s.objective.strategy.edition, "number": s.objective.number,
                     "title": s.objective.title, "score": s.score, "shared": s.shared} for s in similar],
        "suggested_linkages": [vars(s) for s in suggestions],
    }
