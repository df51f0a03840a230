"""The whole strategy tree in one response, read with a constant number of SQL queries.

One query per table (goals, objectives, sub-objectives, management objectives, linkages, risks,
indicators with baselines, their breakdowns, targets and results), then assembled in Python; the
number of queries does not grow with the size of the edition. SBU text, risks, indicators,
targets and results are left out for callers who may not read them, and such callers see
approved results only (the public progress).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from django.db.models import Prefetch
from ninja import Field, Schema

from icsplan.strategies import models as sm

from . import serialize
from .access import Access
from .schemas import (
    GoalSchema,
    LinkageSchema,
    ManagementObjectiveSchema,
    ObjectiveSchema,
    RiskSchema,
    StrategySchema,
    SubObjectiveSchema,
)

StatusLabel = Literal["on_track", "at_risk", "off_track", "no_data", "not_rated"]


class BaselineSchema(Schema):
    value: str | None = None
    date: str | None = None
    note: str | None = None


class PeriodValueSchema(Schema):
    id: int
    period: str = Field(..., description="Fiscal period id: FY2019, FY2019H1, FY2019Q1")
    value: str | None = None
    category: str = ""
    category_value: str = ""
    sensitivity: Literal["public", "sbu"]
    version: int


class TreeResultSchema(PeriodValueSchema):
    status: Literal["draft", "submitted", "approved", "returned"]


class LatestStatusSchema(Schema):
    period: str | None = Field(None, description="The latest period with an approved result")
    status: StatusLabel
    target: str | None = None
    actual: str | None = None
    progress: float | None = None


class TreeIndicatorSchema(Schema):
    id: int
    code: str
    name: str
    definition: str | None = None
    unit: str | None = None
    value_type: str
    direction: str
    cumulative: bool
    frequency: str
    responsible: str | None = None
    sensitivity: Literal["public", "sbu"]
    sample: bool
    version: int
    baseline: BaselineSchema | None = None
    targets: list[PeriodValueSchema]
    results: list[TreeResultSchema]
    latest: LatestStatusSchema


class Attached(Schema):
    linkages: list[LinkageSchema]
    risks: list[RiskSchema]
    indicators: list[TreeIndicatorSchema]


class TreeSubObjectiveSchema(SubObjectiveSchema, Attached):
    pass


class TreeObjectiveSchema(ObjectiveSchema, Attached):
    sub_objectives: list[TreeSubObjectiveSchema]


class TreeGoalSchema(GoalSchema, Attached):
    objectives: list[TreeObjectiveSchema]


class TreeManagementObjectiveSchema(ManagementObjectiveSchema, Attached):
    sub_objectives: list[TreeSubObjectiveSchema]


class TreeSchema(Schema):
    """A whole edition: the strategy, its framework and its indicators with their latest status."""

    strategy: StrategySchema
    goals: list[TreeGoalSchema]
    management_objectives: list[TreeManagementObjectiveSchema]
    sample_data: bool = Field(False, description="True when any indicator figure is illustrative sample data")


def _group(rows, field: str) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for row in rows:
        key = getattr(row, f"{field}_id")
        if key is not None:
            out[key].append(row)
    return out


_NARRATIVE = {"goal": "description_sensitivity", "objective": "justification_sensitivity",
              "sub_objective": "justification_sensitivity", "management_objective": "justification_sensitivity"}


def _indicator_nodes(access: Access, strategy: sm.Strategy, full: bool) -> tuple[dict, bool]:
    """{(element kind, element id): [indicator dicts]} and whether any figure is sample data."""
    try:
        from icsplan.indicators import models as im
        from icsplan.indicators.progress import series_of
        from icsplan.indicators.status import assess
        from icsplan.indicators.periods import sort_key
    except ImportError:  # pragma: no cover - the indicators app is part of the product
        return {}, False
    qs = (im.Indicator.objects.filter(strategy=strategy).select_related("baseline")
          .prefetch_related(
              Prefetch("disaggregations", queryset=im.Disaggregation.objects.order_by("position", "pk")),
              Prefetch("targets", queryset=im.Target.objects.order_by("period", "pk")),
              Prefetch("results", queryset=im.Result.objects.order_by("period", "pk")),
          ).order_by("position", "pk"))
    if not full:
        qs = qs.exclude(sensitivity="sbu")
    out: dict[tuple[str, int], list] = defaultdict(list)
    sample = False
    for ind in qs:
        targets = [t for t in ind.targets.all() if full or t.sensitivity != "sbu"]
        results = [r for r in ind.results.all()
                   if full or (r.sensitivity != "sbu" and r.status == "approved")]
        series = series_of(ind, targets, results, list(ind.disaggregations.all()))
        approved_periods = sorted({r.period for r in results if r.status == "approved"}, key=sort_key)
        latest: dict[str, Any] = {"period": None, "status": "no_data"}
        if approved_periods:
            period = approved_periods[-1]
            assessment = assess(series, period)
            latest = {"period": period, "status": assessment.status.value}
            for name in ("target", "actual", "progress"):
                value = getattr(assessment, name, None)
                if value is not None:
                    latest[name] = float(value) if name == "progress" else str(value)
        try:
            baseline = ind.baseline
        except im.Baseline.DoesNotExist:
            baseline = None
        sample = sample or ind.sample
        node = {
            "id": ind.pk, "code": ind.code, "name": ind.name, "definition": ind.definition, "unit": ind.unit,
            "value_type": ind.value_type, "direction": ind.direction, "cumulative": ind.cumulative,
            "frequency": ind.frequency, "responsible": ind.responsible, "sensitivity": ind.sensitivity,
            "sample": ind.sample, "version": ind.version,
            "baseline": ({"value": baseline.value, "date": baseline.date.isoformat() if baseline.date else None,
                          "note": baseline.note} if baseline is not None else None),
            "targets": [{"id": t.pk, "period": t.period, "value": t.value, "category": t.category,
                         "category_value": t.category_value, "sensitivity": t.sensitivity, "version": t.version}
                        for t in targets],
            "results": [{"id": r.pk, "period": r.period, "value": r.value, "category": r.category,
                         "category_value": r.category_value, "sensitivity": r.sensitivity,
                         "version": r.version, "status": r.status} for r in results],
            "latest": latest,
        }
        for name in serialize.ELEMENT_FIELDS:
            owner = getattr(ind, f"{name}_id")
            if owner is not None:
                out[(name, owner)].append(node)
                break
    return out, sample


def build_tree(access: Access, strategy: sm.Strategy) -> dict[str, Any]:
    """The tree of ``strategy`` (already checked visible) as ``access`` may read it."""
    full = access.sbu_ok(strategy.mission_id)
    goals = list(sm.Goal.objects.filter(strategy=strategy).order_by("position", "pk"))
    objectives = list(sm.Objective.objects.filter(strategy=strategy).order_by("position", "pk"))
    subs = list(sm.SubObjective.objects.filter(strategy=strategy).order_by("position", "pk"))
    managements = list(sm.ManagementObjective.objects.filter(strategy=strategy).order_by("position", "pk"))
    linkages = list(sm.Linkage.objects.filter(strategy=strategy).select_related("framework").order_by("position", "pk"))
    risks_qs = sm.Risk.objects.filter(strategy=strategy).order_by("position", "pk")
    if not full:
        risks_qs = risks_qs.exclude(sensitivity="sbu")
    risks = list(risks_qs)
    # Every element row points at the same (already loaded) strategy: no query per row.
    for row in (*goals, *objectives, *subs, *managements, *linkages, *risks):
        row.strategy = strategy
    indicators, sample = _indicator_nodes(access, strategy, full)

    narrative_sbu = {}
    for kind, rows in (("goal", goals), ("objective", objectives), ("sub_objective", subs),
                       ("management_objective", managements)):
        for row in rows:
            narrative_sbu[(kind, row.pk)] = getattr(row, _NARRATIVE[kind]) == "sbu"
    links_by: dict[tuple[str, int], list] = defaultdict(list)
    for link in linkages:
        ref = serialize.element_ref(link)
        links_by[(ref["kind"], ref["id"])].append(serialize.linkage(access, link))
    risks_by: dict[tuple[str, int], list] = defaultdict(list)
    for risk in risks:
        ref = serialize.element_ref(risk)
        key = (ref["kind"], ref["id"])
        if not full and risk.in_narrative and narrative_sbu.get(key):
            continue  # quoted from a withheld narrative
        risks_by[key].append(serialize.risk(access, risk))

    def attached(kind: str, row) -> dict[str, Any]:
        key = (kind, row.pk)
        return {"linkages": links_by.get(key, []), "risks": risks_by.get(key, []),
                "indicators": indicators.get(key, [])}

    def sub_nodes(rows) -> list[dict[str, Any]]:
        return [serialize.sub_objective(access, r) | attached("sub_objective", r) for r in rows]

    subs_by_objective = _group(subs, "objective")
    subs_by_mo = _group(subs, "management_objective")
    objectives_by_goal = _group(objectives, "goal")
    goal_nodes = []
    for goal in goals:
        objective_nodes = [
            serialize.objective(access, o) | attached("objective", o)
            | {"sub_objectives": sub_nodes(subs_by_objective.get(o.pk, []))}
            for o in objectives_by_goal.get(goal.pk, [])
        ]
        goal_nodes.append(serialize.goal(access, goal) | attached("goal", goal) | {"objectives": objective_nodes})
    mo_nodes = [
        serialize.management_objective(access, mo) | attached("management_objective", mo)
        | {"sub_objectives": sub_nodes(subs_by_mo.get(mo.pk, []))}
        for mo in managements
    ]
    return {"strategy": serialize.strategy(access, strategy), "goals": goal_nodes,
            "management_objectives": mo_nodes, "sample_data": sample}
