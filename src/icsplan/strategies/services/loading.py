"""Reading an edition back into the canonical document model: all output paths share this loader."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch

from icsplan import document as doc

from .. import models as m


# Loaders that add data to the document built by load_strategy: fn(strategy_row, element_map).
LOAD_STAGES: list = []


def _by_owner(rows, field: str) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        owner_id = getattr(row, f"{field}_id")
        if owner_id is not None:
            grouped[owner_id].append(row)
    return grouped


def _doc_element_fields(row, linkages, risks) -> dict[str, Any]:
    return {
        "number": row.number,
        "title": row.title,
        "framework_title": row.framework_title,
        "linkages": [link.tag for link in linkages],
        "linkages_text": row.linkages_text,
        "linkages_text_sensitivity": row.linkages_text_sensitivity,
        "risks": [
            doc.Risk(statement=r.statement, likelihood=r.likelihood, impact=r.impact, mitigation=r.mitigation,
                     owner=r.owner, sensitivity=r.sensitivity, in_narrative=r.in_narrative)
            for r in risks
        ],
    }


def load_strategy(strategy: m.Strategy) -> doc.Strategy:
    """The canonical document of an edition, read with a constant number of queries."""
    strategy = (
        m.Strategy.objects.select_related("mission__bureau")
        .prefetch_related(
            Prefetch("sections", queryset=m.Section.objects.order_by("position")),
            Prefetch("goals", queryset=m.Goal.objects.order_by("position")),
            Prefetch("objectives", queryset=m.Objective.objects.order_by("position")),
            Prefetch("sub_objectives", queryset=m.SubObjective.objects.order_by("position")),
            Prefetch("management_objectives", queryset=m.ManagementObjective.objects.order_by("position")),
            Prefetch("linkages", queryset=m.Linkage.objects.order_by("position", "pk")),
            Prefetch("risks", queryset=m.Risk.objects.order_by("position", "pk")),
        )
        .get(pk=strategy.pk)
    )
    linkages, risks = list(strategy.linkages.all()), list(strategy.risks.all())
    links = {f: _by_owner(linkages, f) for f in m.AttachedToElement.ELEMENT_FIELDS}
    risk_map = {f: _by_owner(risks, f) for f in m.AttachedToElement.ELEMENT_FIELDS}
    subs = list(strategy.sub_objectives.all())
    subs_by_objective = _by_owner(subs, "objective")
    subs_by_mo = _by_owner(subs, "management_objective")
    objectives_by_goal = _by_owner(strategy.objectives.all(), "goal")
    # element_map lets later loaders (indicators) attach to the document elements by database row.
    element_map: dict[tuple[str, int], doc.model._Element] = {}

    def fields(kind: str, row) -> dict[str, Any]:
        return _doc_element_fields(row, links[kind].get(row.pk, []), risk_map[kind].get(row.pk, []))

    def sub_docs(rows) -> list[doc.SubObjective]:
        out = []
        for row in rows:
            sub = doc.SubObjective(justification=row.justification,
                                   justification_sensitivity=row.justification_sensitivity,
                                   **fields("sub_objective", row))
            element_map[("sub_objective", row.pk)] = sub
            out.append(sub)
        return out

    goals = []
    for goal_row in strategy.goals.all():
        objectives = []
        for row in objectives_by_goal.get(goal_row.pk, []):
            objective = doc.Objective(
                justification=row.justification, justification_sensitivity=row.justification_sensitivity,
                sub_objectives=sub_docs(subs_by_objective.get(row.pk, [])), **fields("objective", row),
            )
            element_map[("objective", row.pk)] = objective
            objectives.append(objective)
        goal = doc.Goal(description=goal_row.description, description_sensitivity=goal_row.description_sensitivity,
                        objectives=objectives, **fields("goal", goal_row))
        element_map[("goal", goal_row.pk)] = goal
        goals.append(goal)
    management = []
    for row in strategy.management_objectives.all():
        mo = doc.ManagementObjective(
            justification=row.justification, justification_sensitivity=row.justification_sensitivity,
            sub_objectives=sub_docs(subs_by_mo.get(row.pk, [])), **fields("management_objective", row),
        )
        element_map[("management_objective", row.pk)] = mo
        management.append(mo)
    mission = strategy.mission
    document = doc.Strategy(
        mission=doc.Mission(country=mission.country, post=mission.post or None,
                            bureau=mission.bureau.code if mission.bureau else None),
        title=strategy.title, edition=strategy.edition, layout=strategy.layout,
        fiscal_year_start=strategy.fiscal_year_start, fiscal_year_end=strategy.fiscal_year_end,
        classification=strategy.classification or None, approved_date=strategy.approved_date,
        review_dates=strategy.review_dates, priorities=strategy.priorities,
        priorities_sensitivity=strategy.priorities_sensitivity,
        sections=[doc.Section(title=s.title, text=s.text, sensitivity=s.sensitivity) for s in strategy.sections.all()],
        goals=goals, management_objectives=management,
    )
    for stage in LOAD_STAGES:
        stage(strategy, element_map)
    return document
