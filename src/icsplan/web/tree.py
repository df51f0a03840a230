"""The strategy as pages draw it: the canonical document (already redacted for the person) joined
with the database ids of its elements, so each element can link to its edit and history pages.

The ids come from four small queries whatever the size of the strategy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from icsplan.strategies import models as sm


@dataclass
class Node:
    """One framework element of the page: the document element, its kind, id and children."""

    kind: str  # URL kind: goal, objective, sub-objective, management-objective
    el: Any  # the document element (icsplan.document model)
    pk: int | None
    status: str = "no_data"
    children: list["Node"] = field(default_factory=list)

    @property
    def label(self) -> str:
        return {
            "goal": "Mission Goal", "objective": "Mission Objective", "sub-objective": "Sub-Objective",
            "management-objective": "Management Objective",
        }[self.kind]

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.el.number}".replace(".", "-")


def element_ids(strategy: sm.Strategy) -> dict:
    """(kind, number) -> pk, and (kind, parent pk, number) -> pk for sub-objectives."""
    ids: dict = {}
    for kind, model in (("goal", sm.Goal), ("objective", sm.Objective),
                        ("management-objective", sm.ManagementObjective)):
        for pk, number in model.objects.filter(strategy=strategy).values_list("pk", "number"):
            ids[(kind, number)] = pk
    subs = sm.SubObjective.objects.filter(strategy=strategy).values_list(
        "pk", "number", "objective_id", "management_objective_id")
    for pk, number, objective_id, mo_id in subs:
        if objective_id:
            ids[("sub-objective", "objective", objective_id, number)] = pk
        else:
            ids[("sub-objective", "management-objective", mo_id, number)] = pk
    return ids


def build(document, strategy: sm.Strategy, status: dict | None = None) -> tuple[list[Node], list[Node]]:
    """(goal nodes, management objective nodes) of a document."""
    ids = element_ids(strategy)
    status = status or {}

    def node(kind, el, pk, children=()):
        return Node(kind, el, pk, status.get((kind, pk), "no_data"), list(children))

    def subs(parent_kind, parent_pk, elements):
        return [node("sub-objective", s, ids.get(("sub-objective", parent_kind, parent_pk, s.number)))
                for s in elements]

    goals = []
    for goal in document.goals:
        objectives = []
        for objective in goal.objectives:
            pk = ids.get(("objective", objective.number))
            objectives.append(node("objective", objective, pk, subs("objective", pk, objective.sub_objectives)))
        goals.append(node("goal", goal, ids.get(("goal", goal.number)), objectives))
    management = []
    for mo in document.management_objectives:
        pk = ids.get(("management-objective", mo.number))
        management.append(node("management-objective", mo, pk, subs("management-objective", pk, mo.sub_objectives)))
    return goals, management
