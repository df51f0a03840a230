"""The whole strategy tree in one response, read with a constant number of SQL queries.

One query per table (goals, objectives, sub-objectives, management objectives, linkages, risks,
indicators with baselines, their breakdowns, targets and results), then assembled in Python; the
number of queries does not grow with the size of the edition. SBU text, risks, indicators,
targets and results are left out for callers who may not read them, and such callers see
approved results only (the public progress).

Speed: the tree is the API's largest response (about 100 kB for Mali), so it is built as plain
dicts already in the exact shape and key order of :class:`TreeSchema` and serialised once by the
handler, instead of being re-validated by pydantic on the way out (which cost more than reading
it). Indicators, targets and results are read as value rows, not model instances, and grouped
here rather than through ``prefetch_related`` (which clones a queryset per indicator).
``tests/api/test_tree.py`` checks the body is byte-for-byte what validating it through
``TreeSchema`` would produce, so the schema stays the contract.
"""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any, Literal

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
    Sensitivity,
    StrategySchema,
    SubObjectiveSchema,
)

StatusLabel = Literal["on_track", "at_risk", "off_track", "no_data", "not_rated"]


class TreeBaselineSchema(Schema):
    value: str | None = None
    date: str | None = None
    note: str | None = None


class PeriodValueSchema(Schema):
    id: int
    period: str = Field(..., description="Fiscal period id: FY2019, FY2019H1, FY2019Q1")
    value: str | None = None
    category: str = ""
    category_value: str = ""
    sensitivity: Sensitivity
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
    sensitivity: Sensitivity
    sample: bool
    version: int
    baseline: TreeBaselineSchema | None = None
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


def _keys(schema) -> tuple[tuple[str, Any], ...]:
    """(field name, default) of ``schema`` in its serialisation order."""
    out = []
    for name, info in schema.model_fields.items():
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        out.append((name, default))
    return tuple(out)


_SHAPES = {
    "strategy": _keys(StrategySchema),
    "goal": _keys(TreeGoalSchema),
    "objective": _keys(TreeObjectiveSchema),
    "sub_objective": _keys(TreeSubObjectiveSchema),
    "management_objective": _keys(TreeManagementObjectiveSchema),
    "linkage": _keys(LinkageSchema),
    "risk": _keys(RiskSchema),
}


def _shaped(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with exactly the fields of its schema, in order (what validation would output)."""
    return {name: data.get(name, default) for name, default in _SHAPES[kind]}


def _group(rows, field: str) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for row in rows:
        key = getattr(row, f"{field}_id")
        if key is not None:
            out[key].append(row)
    return out


_INDICATOR_FIELDS = (
    "id", "code", "name", "definition", "unit", "value_type", "direction", "cumulative", "frequency",
    "responsible", "sensitivity", "sample", "version", "goal_id", "objective_id", "sub_objective_id",
    "management_objective_id", "baseline__id", "baseline__value", "baseline__number", "baseline__date",
    "baseline__note",
)
_VALUE_FIELDS = ("indicator_id", "id", "period", "value", "category", "category_value", "sensitivity", "version",
                 "number")
_RESULT_FIELDS = (*_VALUE_FIELDS, "status", "numerator", "denominator")


def _by_indicator(rows) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for row in rows:
        out[row.indicator_id].append(row)
    return out


def _indicator_nodes(access: Access, strategy: sm.Strategy) -> tuple[dict, bool]:
    """{(element kind, element id): [indicator dicts]} and whether any figure is sample data.

    Four queries whatever the number of indicators: indicators with their baselines, breakdowns,
    targets and results (the last three grouped by indicator here).
    """
    from icsplan.indicators import models as im
    from icsplan.indicators.periods import sort_key
    from icsplan.indicators.progress import series_of
    from icsplan.indicators.status import assess, thresholds

    # The public progress: public indicators, public targets, approved public results.
    indicators_qs = access.readable(im.Indicator.objects.filter(strategy=strategy))
    targets_qs = access.readable(im.Target.objects.filter(strategy=strategy))
    results_qs = access.readable(im.Result.objects.filter(strategy=strategy))
    indicators = list(indicators_qs.order_by("position", "pk").values(*_INDICATOR_FIELDS))
    breakdowns = _by_indicator(
        SimpleNamespace(indicator_id=d[0], category=d[1], values=list(d[2]), exhaustive=d[3])
        for d in im.Disaggregation.objects.filter(indicator__strategy=strategy).order_by("position", "pk")
        .values_list("indicator_id", "category", "values", "exhaustive")
    )
    targets_of = _by_indicator(targets_qs.order_by("period", "pk").values_list(*_VALUE_FIELDS, named=True))
    results_of = _by_indicator(results_qs.order_by("period", "pk").values_list(*_RESULT_FIELDS, named=True))
    limits = thresholds()

    out: dict[tuple[str, int], list] = defaultdict(list)
    sample = False
    for ind in indicators:
        pk = ind["id"]
        targets = targets_of.get(pk, ())
        results = results_of.get(pk, ())
        has_baseline = ind["baseline__id"] is not None
        latest: dict[str, Any] = {"period": None, "status": "no_data", "target": None, "actual": None,
                                  "progress": None}
        approved_periods = sorted({r.period for r in results if r.status == "approved"}, key=sort_key)
        if approved_periods:
            figures = SimpleNamespace(
                value_type=ind["value_type"], direction=ind["direction"], cumulative=ind["cumulative"],
                frequency=ind["frequency"],
                baseline=SimpleNamespace(number=ind["baseline__number"]) if has_baseline else None,
            )
            series = series_of(figures, targets, results, breakdowns.get(pk, ()))
            period = approved_periods[-1]
            assessment = assess(series, period, limits)
            latest["period"] = period
            latest["status"] = assessment.status.value
            if assessment.target is not None:
                latest["target"] = str(assessment.target)
            if assessment.actual is not None:
                latest["actual"] = str(assessment.actual)
            if assessment.progress is not None:
                latest["progress"] = float(assessment.progress)
        sample = sample or ind["sample"]
        baseline_date = ind["baseline__date"]
        node = {
            "id": pk, "code": ind["code"], "name": ind["name"], "definition": ind["definition"], "unit": ind["unit"],
            "value_type": ind["value_type"], "direction": ind["direction"], "cumulative": ind["cumulative"],
            "frequency": ind["frequency"], "responsible": ind["responsible"], "sensitivity": ind["sensitivity"],
            "sample": ind["sample"], "version": ind["version"],
            "baseline": ({"value": ind["baseline__value"],
                          "date": baseline_date.isoformat() if baseline_date else None,
                          "note": ind["baseline__note"]} if has_baseline else None),
            "targets": [{"id": t.id, "period": t.period, "value": t.value, "category": t.category,
                         "category_value": t.category_value, "sensitivity": t.sensitivity, "version": t.version}
                        for t in targets],
            "results": [{"id": r.id, "period": r.period, "value": r.value, "category": r.category,
                         "category_value": r.category_value, "sensitivity": r.sensitivity,
                         "version": r.version, "status": r.status} for r in results],
            "latest": latest,
        }
        for name in serialize.ELEMENT_FIELDS:
            owner = ind[f"{name}_id"]
            if owner is not None:
                out[(name, owner)].append(node)
                break
    return out, sample


def build_tree(access: Access, strategy: sm.Strategy) -> dict[str, Any]:
    """The tree of ``strategy`` (already checked visible) as ``access`` may read it.

    Plain dicts in the shape and order of :class:`TreeSchema`: serialise them as they are.
    """
    goals = list(sm.Goal.objects.filter(strategy=strategy).order_by("position", "pk"))
    objectives = list(sm.Objective.objects.filter(strategy=strategy).order_by("position", "pk"))
    subs = list(sm.SubObjective.objects.filter(strategy=strategy).order_by("position", "pk"))
    managements = list(sm.ManagementObjective.objects.filter(strategy=strategy).order_by("position", "pk"))
    linkages = list(sm.Linkage.objects.filter(strategy=strategy).select_related("framework").order_by("position", "pk"))
    # Without SBU risks and risks quoted from SBU narratives for those who may not read them.
    risks = list(access.readable(sm.Risk.objects.filter(strategy=strategy)).order_by("position", "pk"))
    # Every element row points at the same (already loaded) strategy: no query per row.
    row: Any  # elements and attachments: each has a strategy foreign key
    for row in (*goals, *objectives, *subs, *managements, *linkages, *risks):
        row.strategy = strategy
    indicators, sample = _indicator_nodes(access, strategy)

    links_by: dict[tuple[str, int], list] = defaultdict(list)
    for link in linkages:
        ref = serialize.element_ref(link)
        links_by[(ref["kind"], ref["id"])].append(_shaped("linkage", serialize.linkage(access, link)))
    risks_by: dict[tuple[str, int], list] = defaultdict(list)
    for risk in risks:
        ref = serialize.element_ref(risk)
        key = (ref["kind"], ref["id"])
        risks_by[key].append(_shaped("risk", serialize.risk(access, risk)))

    def node(kind: str, row, **children) -> dict[str, Any]:
        key = (kind, row.pk)
        data = serialize.ELEMENT_SERIALIZERS[kind](access, row)
        data["linkages"] = links_by.get(key, [])
        data["risks"] = risks_by.get(key, [])
        data["indicators"] = indicators.get(key, [])
        data.update(children)
        return _shaped(kind, data)

    subs_by_objective = _group(subs, "objective")
    subs_by_mo = _group(subs, "management_objective")
    objectives_by_goal = _group(objectives, "goal")

    def sub_nodes(rows) -> list[dict[str, Any]]:
        return [node("sub_objective", r) for r in rows]

    goal_nodes = [
        node("goal", goal, objectives=[
            node("objective", o, sub_objectives=sub_nodes(subs_by_objective.get(o.pk, [])))
            for o in objectives_by_goal.get(goal.pk, [])
        ])
        for goal in goals
    ]
    mo_nodes = [node("management_objective", mo, sub_objectives=sub_nodes(subs_by_mo.get(mo.pk, [])))
                for mo in managements]
    return {"strategy": _shaped("strategy", serialize.strategy(access, strategy)), "goals": goal_nodes,
            "management_objectives": mo_nodes, "sample_data": sample}


#: bump when the tree's shape or serialisation changes, so that old tags stop matching
TREE_FORMAT = "tree/2"  # 2: tag from the edition stamp


def tree_tag(access: Access, strategy: sm.Strategy) -> str:
    """The ETag of ``build_tree(access, strategy)`` without building it: a 304 costs one stamp query.

    What the body shows is a function of the whole edition's data (``core.stamps.edition_stamp``:
    every row, the edition and mission rows and the framework catalogue), of whether the caller
    reads the mission's SBU text and unapproved results (the only way ``accounts.redaction``
    narrows it) and of the status thresholds.
    """
    return tree_tag_of(access, strategy.pk, strategy.mission_id)


def tree_tag_of(access: Access, strategy_id: int, mission_id: int, *, stamp: str | None = None) -> str:
    """``tree_tag`` from the edition's and its mission's ids (no edition row needed) and, when the
    caller has it already, the edition's stamp."""
    import hashlib

    from icsplan.core.stamps import edition_stamp
    from icsplan.indicators.status import thresholds

    parts: list[Any] = [TREE_FORMAT, stamp or edition_stamp(strategy_id), access.sbu_ok(mission_id),
                        sorted(thresholds().items())]
    digest = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]
    return f'"tree-{strategy_id}-{digest}"'
