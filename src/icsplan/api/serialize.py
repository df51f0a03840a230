"""Rows -> API dicts, with SBU text withheld from callers who may not read it.

Each function takes the request's :class:`~icsplan.api.access.Access` and rows fetched with their
strategy (``select_related("strategy")``) so the mission is known without another query.
"""

from __future__ import annotations

from typing import Any

from icsplan.strategies import models as sm

from .access import Access

ELEMENT_FIELDS = ("goal", "objective", "sub_objective", "management_objective")


def mission(row) -> dict[str, Any]:
    return {
        "id": row.pk, "country": row.country, "slug": row.slug, "post": row.post or "",
        "bureau": row.bureau.code if row.bureau_id else None,
        "created_at": row.created_at, "updated_at": row.updated_at,
    }


def strategy(access: Access, row) -> dict[str, Any]:
    mid = row.mission_id
    return {
        "id": row.pk, "mission_id": mid, "country": row.mission.country, "edition": row.edition,
        "title": row.title, "status": row.status, "layout": row.layout,
        "fiscal_year_start": row.fiscal_year_start, "fiscal_year_end": row.fiscal_year_end,
        "approved_date": row.approved_date, "review_dates": [str(d) for d in (row.review_dates or [])],
        "classification": row.classification or "",
        "priorities": access.text(row.priorities, row.priorities_sensitivity, mid),
        "priorities_sensitivity": access.marking(row.priorities_sensitivity, mid),
        "version": row.version, "created_at": row.created_at, "updated_at": row.updated_at,
    }


def _mission_id(row) -> int:
    return row.strategy.mission_id


def _element(access: Access, row) -> dict[str, Any]:
    mid = _mission_id(row)
    return {
        "id": row.pk, "strategy_id": row.strategy_id, "number": row.number, "title": row.title,
        "framework_title": row.framework_title,
        "linkages_text": access.text(row.linkages_text, row.linkages_text_sensitivity, mid),
        "linkages_text_sensitivity": access.marking(row.linkages_text_sensitivity, mid),
        "position": row.position, "version": row.version,
        "created_at": row.created_at, "updated_at": row.updated_at,
    }


def goal(access: Access, row) -> dict[str, Any]:
    mid = _mission_id(row)
    return _element(access, row) | {
        "description": access.text(row.description, row.description_sensitivity, mid),
        "description_sensitivity": access.marking(row.description_sensitivity, mid),
    }


def _justified(access: Access, row) -> dict[str, Any]:
    mid = _mission_id(row)
    return _element(access, row) | {
        "justification": access.text(row.justification, row.justification_sensitivity, mid),
        "justification_sensitivity": access.marking(row.justification_sensitivity, mid),
    }


def objective(access: Access, row) -> dict[str, Any]:
    return _justified(access, row) | {"goal_id": row.goal_id}


def sub_objective(access: Access, row) -> dict[str, Any]:
    return _justified(access, row) | {
        "objective_id": row.objective_id, "management_objective_id": row.management_objective_id,
    }


def management_objective(access: Access, row) -> dict[str, Any]:
    return _justified(access, row)


ELEMENT_SERIALIZERS = {
    "goal": goal, "objective": objective, "sub_objective": sub_objective,
    "management_objective": management_objective,
}
ELEMENT_MODELS = {
    "goal": sm.Goal, "objective": sm.Objective, "sub_objective": sm.SubObjective,
    "management_objective": sm.ManagementObjective,
}


def element_ref(row) -> dict[str, Any]:
    for name in ELEMENT_FIELDS:
        value = getattr(row, f"{name}_id")
        if value is not None:
            return {"kind": name, "id": value}
    return {"kind": "goal", "id": 0}  # unreachable: a check constraint requires one element


def linkage(access: Access, row) -> dict[str, Any]:
    return {
        "id": row.pk, "strategy_id": row.strategy_id, "element": element_ref(row), "tag": row.tag,
        "framework": row.framework.code if row.framework_id else None, "code": row.code or "",
        "position": row.position,
    }


def risk(access: Access, row) -> dict[str, Any]:
    # Rows reaching here were already filtered by sensitivity (Access.readable).
    return {
        "id": row.pk, "strategy_id": row.strategy_id, "element": element_ref(row),
        "statement": row.statement, "likelihood": row.likelihood or None, "impact": row.impact or None,
        "mitigation": row.mitigation, "owner": row.owner, "sensitivity": row.sensitivity,
        "in_narrative": row.in_narrative, "position": row.position,
    }
