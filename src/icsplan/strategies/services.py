"""Every change to a strategy's structure goes through these functions.

Views, API handlers, importers and the CLI call the same services; each validates, writes and
records history in one transaction. Reading an edition back into the canonical document model
lives here too (``load_strategy``), so all output paths share one loader.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from icsplan import document as doc
from icsplan.accounts.models import Bureau, Mission
from icsplan.errors import InputError, NotFoundError

from . import models as m
from .catalogue import FRAMEWORKS, split_tag


# -- missions ------------------------------------------------------------------------------------

def get_or_create_mission(country: str, *, post: str | None = None, bureau: str | None = None) -> Mission:
    """The mission of a country, created on first use; post and bureau are filled in when given."""
    country = (country or "").strip()
    if not country:
        raise InputError("The strategy names no country; pass --mission COUNTRY.", code="missing-country")
    mission = Mission.objects.filter(country__iexact=country).select_related("bureau").first()
    if mission is None:
        mission = Mission(country=country)
    changed = mission.pk is None
    if post and mission.post != post:
        mission.post, changed = post, True
    if bureau and (mission.bureau is None or mission.bureau.code != bureau.upper()):
        mission.bureau, _ = Bureau.objects.get_or_create(code=bureau.upper(), defaults={"name": bureau.upper()})
        changed = True
    if changed:
        mission.save()
    return mission


def find_mission(country_or_slug: str) -> Mission:
    mission = (
        Mission.objects.filter(country__iexact=country_or_slug).first()
        or Mission.objects.filter(slug=country_or_slug.lower()).first()
    )
    if mission is None:
        raise NotFoundError(f"No mission named {country_or_slug!r}.")
    return mission


def find_strategy(country_or_slug: str, edition: str | None = None) -> m.Strategy:
    """An edition of a mission's strategy; the newest when ``edition`` is None."""
    mission = find_mission(country_or_slug)
    editions = m.Strategy.objects.filter(mission=mission).select_related("mission__bureau")
    if edition:
        strategy = editions.filter(edition=str(edition)).first()
        if strategy is None:
            known = ", ".join(editions.values_list("edition", flat=True)) or "none"
            raise NotFoundError(f"Mission {mission.country} has no edition {edition} (editions: {known}).")
        return strategy
    strategy = editions.order_by("-edition", "-created_at").first()
    if strategy is None:
        raise NotFoundError(f"Mission {mission.country} has no strategy yet.")
    return strategy


def ensure_framework_catalogue() -> dict[str, m.Framework]:
    """The framework catalogue, with the built-in entries created when missing."""
    existing = {f.code: f for f in m.Framework.objects.all()}
    for code, (name, aliases) in FRAMEWORKS.items():
        if code not in existing:
            existing[code] = m.Framework.objects.create(code=code, name=name, aliases=aliases)
    return existing


# -- import --------------------------------------------------------------------------------------

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
# Loaders that add data to the document built by load_strategy: fn(strategy_row, element_map).
LOAD_STAGES: list = []


def import_strategy(
    document: doc.Strategy,
    *,
    actor=None,
    mission: Mission | None = None,
    edition: str | None = None,
    source_name: str = "",
    status: str = m.StrategyStatus.DRAFT,
    replace: bool = False,
) -> m.Strategy:
    """Save a document as a new edition of its mission's strategy: all of it, or nothing.

    ``replace`` deletes an existing edition with the same label first (in the same transaction).
    """
    label = str(edition or _edition_label(document))
    with transaction.atomic():
        if mission is None:
            mission = get_or_create_mission(
                document.mission.country, post=document.mission.post, bureau=document.mission.bureau
            )
        existing = m.Strategy.objects.filter(mission=mission, edition=label).first()
        if existing is not None:
            if not replace:
                raise InputError(
                    f"Mission {mission.country} already has edition {label}; "
                    "choose another edition label or replace it.",
                    code="edition-exists",
                )
            existing.delete()
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


# -- load ----------------------------------------------------------------------------------------

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
