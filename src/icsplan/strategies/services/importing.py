"""Saving a canonical document as a new edition of a mission's strategy: all of it, or nothing."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from icsplan import document as doc
from icsplan.accounts.actors import is_system
from icsplan.accounts.models import Mission
from icsplan.accounts.permissions import can, is_admin, require
from icsplan.accounts.roles import Action
from icsplan.errors import InputError, PermissionDenied

from .. import models as m
from ..catalogue import split_tag
from .missions import ensure_framework_catalogue, get_or_create_mission
from .rows import stamp


def _edition_label(strategy: doc.Strategy) -> str:
    if strategy.edition:
        return str(strategy.edition)
    if strategy.approved_date:
        return str(strategy.approved_date.year)
    if strategy.fiscal_year_start:
        return str(strategy.fiscal_year_start)
    from django.utils import timezone

    return str(timezone.now().year)


def _element_fields(element: doc.model._Element) -> dict[str, Any]:
    return {
        "number": element.number,
        "title": element.title,
        "framework_title": element.framework_title,
        "linkages_text": element.linkages_text,
        "linkages_text_sensitivity": element.linkages_text_sensitivity.value,
    }


class _Importer:
    """Writes one document as a new edition; used inside a single transaction."""

    def __init__(self, strategy: m.Strategy, actor, frameworks: dict[str, m.Framework]):
        self.strategy = strategy
        self.actor = actor
        self.frameworks = frameworks
        self.element_hooks: list = []  # (model element, document element) for later stages

    def _save(self, obj):
        # simple_history reads _history_user when set; the request middleware covers the web.
        if self.actor is not None and getattr(self.actor, "pk", None):
            obj._history_user = self.actor
        obj.save()
        return obj

    def attachments(self, owner_field: str, owner, element: doc.model._Element) -> None:
        for position, tag in enumerate(element.linkages):
            framework_code, code = split_tag(tag)
            self._save(m.Linkage(
                strategy=self.strategy, position=position, tag=tag, code=code,
                framework=self.frameworks.get(framework_code) if framework_code else None,
                **{owner_field: owner},
            ))
        for position, risk in enumerate(element.risks):
            self._save(m.Risk(
                strategy=self.strategy, position=position, statement=risk.statement,
                likelihood=risk.likelihood, impact=risk.impact, mitigation=risk.mitigation, owner=risk.owner,
                sensitivity=risk.sensitivity.value, in_narrative=risk.in_narrative,
                **{owner_field: owner},
            ))
        self.element_hooks.append((owner_field, owner, element))

    def sub_objectives(self, parent_field: str, parent, subs: list[doc.SubObjective], position: int) -> int:
        for sub in subs:
            position += 1
            row = self._save(m.SubObjective(
                strategy=self.strategy, position=position, justification=sub.justification,
                justification_sensitivity=sub.justification_sensitivity.value,
                **{parent_field: parent}, **_element_fields(sub),
            ))
            self.attachments("sub_objective", row, sub)
        return position

    def run(self, document: doc.Strategy) -> None:
        for position, section in enumerate(document.sections):
            self._save(m.Section(strategy=self.strategy, position=position, title=section.title,
                                 text=section.text, sensitivity=section.sensitivity.value))
        objective_position = sub_position = 0
        for goal_position, goal in enumerate(document.goals):
            goal_row = self._save(m.Goal(
                strategy=self.strategy, position=goal_position, description=goal.description,
                description_sensitivity=goal.description_sensitivity.value, **_element_fields(goal),
            ))
            self.attachments("goal", goal_row, goal)
            for objective in goal.objectives:
                objective_position += 1
                row = self._save(m.Objective(
                    strategy=self.strategy, goal=goal_row, position=objective_position,
                    justification=objective.justification,
                    justification_sensitivity=objective.justification_sensitivity.value,
                    **_element_fields(objective),
                ))
                self.attachments("objective", row, objective)
                sub_position = self.sub_objectives("objective", row, objective.sub_objectives, sub_position)
        for position, mo in enumerate(document.management_objectives):
            row = self._save(m.ManagementObjective(
                strategy=self.strategy, position=position, justification=mo.justification,
                justification_sensitivity=mo.justification_sensitivity.value, **_element_fields(mo),
            ))
            self.attachments("management_objective", row, mo)
            sub_position = self.sub_objectives("management_objective", row, mo.sub_objectives, sub_position)


# Later stages of an import (indicators, ...) register here: fn(strategy_row, element_hooks, actor).
IMPORT_STAGES: list = []


def edition_label(strategy: doc.Strategy) -> str:
    """The label an imported document gets when none is given: its edition, approval year, first FY."""
    return _edition_label(strategy)


def require_import(actor, mission: Mission | None) -> None:
    """Refuse an import ``actor`` may not make: editors import into their missions; importing for a
    mission that does not exist yet takes an administrator; the system actor may do both."""
    if is_system(actor):
        return
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("Importing a strategy needs a signed-in editor (or the system actor).",
                               code="forbidden")
    if mission is None:
        if not is_admin(actor):
            raise PermissionDenied("Only an administrator may import a strategy for a new mission.",
                                   code="new-mission-needs-admin")
        return
    require(actor, Action.EDIT, mission)


def _require_replace(actor, existing: m.Strategy, replace_approved: bool) -> None:
    """Replacing an approved (or archived) edition deletes its results and approvals, so it takes an
    approver of the mission — or the system actor with ``replace_approved`` (``--replace-approved``)."""
    if existing.status == m.StrategyStatus.DRAFT:
        return
    what = f"Edition {existing.edition} of Mission {existing.mission.country} is {existing.status}"
    if is_system(actor):
        if not replace_approved:
            raise PermissionDenied(f"{what}; replacing it deletes its results and approvals, so it needs "
                                   "--replace-approved as well as --replace.", code="edition-approved")
        return
    if not can(actor, Action.APPROVE, existing.mission):
        raise PermissionDenied(f"{what}; only an approver of the mission may replace it.", code="edition-approved")


def import_strategy(
    document: doc.Strategy,
    *,
    actor,
    mission: Mission | None = None,
    edition: str | None = None,
    source_name: str = "",
    status: str = m.StrategyStatus.DRAFT,
    replace: bool = False,
    replace_approved: bool = False,
) -> m.Strategy:
    """Save a document as a new edition of its mission's strategy: all of it, or nothing.

    ``actor`` is a user or :data:`~icsplan.accounts.actors.SYSTEM`, never implied: a user must be an
    editor of the mission (an administrator when the import creates the mission), and an approver
    to save the edition as approved. ``replace`` deletes an existing edition with the same label
    first (in the same transaction); an approved edition may be replaced only by an approver of the
    mission, or by the system actor with ``replace_approved``.
    """
    if mission is None:
        country = (document.mission.country or "").strip()
        require_import(actor, Mission.objects.filter(country__iexact=country).first() if country else None)
    else:
        require_import(actor, mission)
    label = str(edition or _edition_label(document))
    with transaction.atomic():
        if mission is None:
            mission = get_or_create_mission(
                document.mission.country, post=document.mission.post, bureau=document.mission.bureau
            )
        if status != m.StrategyStatus.DRAFT and not is_system(actor) and not can(actor, Action.APPROVE, mission):
            raise PermissionDenied("Only an approver of the mission may import an edition as approved.",
                                   code="forbidden")
        existing = m.Strategy.objects.select_for_update().filter(mission=mission, edition=label).first()
        if existing is not None:
            if not replace:
                raise InputError(
                    f"Mission {mission.country} already has edition {label}; "
                    "choose another edition label or replace it.",
                    code="edition-exists",
                )
            _require_replace(actor, existing, replace_approved)
            existing.delete()
        if status in m.IN_FORCE_STATUSES:
            # An edition imported as approved comes into force: the one before is archived.
            for old in m.Strategy.objects.select_for_update().filter(mission=mission, status__in=m.IN_FORCE_STATUSES):
                old.status = m.StrategyStatus.ARCHIVED
                old.version += 1
                stamp(old, actor, f"replaced by edition {label}")
                old.save()
        row = m.Strategy(
            mission=mission, edition=label, title=document.title, layout=document.layout,
            fiscal_year_start=document.fiscal_year_start, fiscal_year_end=document.fiscal_year_end,
            status=status, approved_date=document.approved_date,
            review_dates=[d.isoformat() for d in document.review_dates],
            classification=document.classification or "", priorities=document.priorities,
            priorities_sensitivity=document.priorities_sensitivity.value, source_name=source_name[:300],
        )
        if actor is not None and getattr(actor, "pk", None):
            row._history_user = actor
        try:
            row.save()
            importer = _Importer(row, actor, ensure_framework_catalogue())
            importer.run(document)
            for stage in IMPORT_STAGES:
                stage(row, importer.element_hooks, actor)
        except IntegrityError as exc:
            raise InputError(f"The document could not be saved: {exc}", code="integrity") from exc
    return row
