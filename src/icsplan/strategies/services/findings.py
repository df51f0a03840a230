"""Findings of a stored edition: the linter's findings, and settling a wording mismatch."""

from __future__ import annotations

from typing import Any

from icsplan.accounts.actors import is_system
from icsplan.errors import InputError, ValidationError

from .. import models as m
from .edits import update_element
from .revisions import in_force, propose_revision


def _elements_by_finding_name(strategy: m.Strategy) -> dict[str, tuple[str, Any]]:
    """How the linter names elements ("goal 1", "1.1", "management objective 2") -> (kind, row)."""
    out: dict[str, tuple[str, Any]] = {}
    for goal in m.Goal.objects.filter(strategy=strategy):
        out[f"goal {goal.number}"] = ("goal", goal)
    for objective in m.Objective.objects.filter(strategy=strategy):
        out[objective.number] = ("objective", objective)
    for mo in m.ManagementObjective.objects.filter(strategy=strategy):
        out[f"management objective {mo.number}"] = ("management_objective", mo)
    for sub in m.SubObjective.objects.filter(strategy=strategy):
        name = sub.number if sub.objective_id else f"management sub-objective {sub.number}"
        out[name] = ("sub_objective", sub)
    return out


def edition_findings(strategy: m.Strategy, *, actor) -> list[dict[str, Any]]:
    """The linter's findings about a stored edition, as ``actor`` may read it (through the one
    redaction point). Each finding names its place (kind, element id, version); a wording mismatch
    carries the two texts, the Mission Strategic Framework's and the body's."""
    from icsplan.accounts.actors import require_actor
    from icsplan.accounts.redaction import document_for
    from icsplan.ingest import lint_strategy

    require_actor(actor)
    document = document_for(None if is_system(actor) else actor, strategy)
    places = _elements_by_finding_name(strategy)
    out = []
    for finding in lint_strategy(document):
        item = finding.as_dict()
        kind, row = places.get(finding.element or "", (None, None))
        item.update({"kind": kind, "element_id": getattr(row, "pk", None), "version": getattr(row, "version", None),
                     "framework_text": None, "body_text": None})
        if finding.code == "framework-title-mismatch" and row is not None:
            item["framework_text"], item["body_text"] = row.framework_title, row.title
        out.append(item)
    return out


def accept_framework_wording(element, *, actor, expected_version: int, keep: str = "framework",
                             reason: str = "") -> m.Revision | Any:
    """Settle a wording mismatch: keep the framework's wording as the title (``keep="framework"``) or
    the body's (``keep="body"``); either way the second wording goes and the finding clears. On the
    edition in force this is a revision proposal (returned); otherwise the element changes at once."""
    if keep not in ("framework", "body"):
        raise InputError("Keep the framework wording or the body wording.", code="invalid-choice")
    if not (element.framework_title or "").strip():
        raise ValidationError("This element has one wording only; there is nothing to accept.", code="no-change")
    changes: dict[str, Any] = {"framework_title": None}
    if keep == "framework":
        changes["title"] = element.framework_title
    why = reason or f"{keep} wording accepted (linter finding framework-title-mismatch)"
    strategy = element.strategy
    if in_force(strategy):
        return propose_revision(element, changes, actor=actor, expected_version=expected_version, reason=why[:100])
    return update_element(element, changes, actor=actor, expected_version=expected_version, reason=why[:100])
