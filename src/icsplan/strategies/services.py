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
from icsplan.accounts.actors import is_system
from icsplan.accounts.models import Bureau, Mission
from icsplan.accounts.permissions import can, is_admin, require
from icsplan.accounts.roles import Action
from icsplan.errors import InputError, NotFoundError, PermissionDenied

from . import models as m
from .catalogue import FRAMEWORKS, split_tag


# -- missions ------------------------------------------------------------------------------------

def get_or_create_mission(country: str, *, post: str | None = None, bureau: str | None = None,
                          region: str | None = None) -> Mission:
    """The mission of a country, created on first use; post, bureau and region are filled in when
    given (a bureau code is 2 to 10 letters, such as AF)."""
    country = (country or "").strip()
    if not country:
        raise InputError("The strategy names no country; pass --mission COUNTRY.", code="missing-country")
    mission = Mission.objects.filter(country__iexact=country).select_related("bureau").first()
    if mission is None:
        mission = Mission(country=country)
    changed = mission.pk is None
    if bureau and not (bureau.isalpha() and 2 <= len(bureau) <= 10):
        raise InputError(f"{bureau!r} is not a bureau code (2 to 10 letters, such as AF or EAP).",
                         code="invalid-bureau")
    if post and mission.post != post:
        mission.post, changed = post, True
    if region and mission.region != region:
        mission.region, changed = region, True
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


def current_edition(editions):
    """The edition in force among ``editions`` (a queryset): the approved or published one, or the
    newest of all when none is approved yet. A draft prepared beside the approved strategy must
    not replace it on dashboards and exports until it is approved."""
    newest_first = editions.order_by("-edition", "-created_at")
    return newest_first.filter(status__in=m.IN_FORCE_STATUSES).first() or newest_first.first()


def current_editions(editions) -> dict[int, m.Strategy]:
    """``current_edition`` for every mission among ``editions`` at once (one query): mission id ->
    the edition in force, by the same rule (the newest approved, else the newest of all)."""
    chosen: dict[int, m.Strategy] = {}
    for row in editions.order_by("-edition", "-created_at"):
        held = chosen.get(row.mission_id)
        if held is None or (held.status != "approved" and row.status == "approved"):
            chosen[row.mission_id] = row
    return chosen


def find_strategy(country_or_slug: str, edition: str | None = None) -> m.Strategy:
    """An edition of a mission's strategy; when ``edition`` is None, the newest approved one
    (or the newest of all when none is approved yet)."""
    mission = find_mission(country_or_slug)
    editions = m.Strategy.objects.filter(mission=mission).select_related("mission__bureau")
    if edition:
        strategy = editions.filter(edition=str(edition)).first()
        if strategy is None:
            known = ", ".join(editions.values_list("edition", flat=True)) or "none"
            raise NotFoundError(f"Mission {mission.country} has no edition {edition} (editions: {known}).")
        return strategy
    strategy = current_edition(editions)
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
                _stamp(old, actor, f"replaced by edition {label}")
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


# -- edits (optimistic concurrency) --------------------------------------------------------------
#
# Every edit takes the version the client read (``expected_version``). The row is locked
# (``select_for_update``) inside one transaction, its version compared and bumped, so two people
# saving the same element never silently overwrite each other: the second gets ConflictError with
# both versions. Linkages and risks belong to their element and bump the element's version.
# ``actor`` is required: ``accounts.actors.SYSTEM`` is the trusted local operator (CLI), ``None`` is
# refused (fail closed); anyone else is checked against the permission layer (``edit``; ``approve``
# to approve an edition). A ``*_sensitivity`` change from SBU to public needs a reason and is
# audited (``accounts.sensitivity``); a ``reason`` is limited to what history keeps.

import re  # noqa: E402

from icsplan.accounts import sensitivity as marking  # noqa: E402
from icsplan.core import inputs  # noqa: E402
from icsplan.errors import ConflictError, TransitionError, ValidationError  # noqa: E402

MAX_TITLE = inputs.TITLE_MAX
MAX_TEXT = inputs.TEXT_MAX
_NUMBER = re.compile(r"^[0-9A-Za-z]{1,5}(\.[0-9A-Za-z]{1,5}){0,4}$")
_SENSITIVITIES = {marking.value for marking in doc.Sensitivity}

_ELEMENT_COMMON = {"number", "title", "framework_title", "linkages_text", "linkages_text_sensitivity"}
EDITABLE_FIELDS: dict[type, frozenset[str]] = {
    m.Goal: frozenset(_ELEMENT_COMMON | {"description", "description_sensitivity"}),
    m.Objective: frozenset(_ELEMENT_COMMON | {"justification", "justification_sensitivity"}),
    m.ManagementObjective: frozenset(_ELEMENT_COMMON | {"justification", "justification_sensitivity"}),
    m.SubObjective: frozenset(_ELEMENT_COMMON | {"justification", "justification_sensitivity"}),
    m.Strategy: frozenset({"title", "priorities", "priorities_sensitivity", "classification", "fiscal_year_start",
                           "fiscal_year_end"}),
}
RISK_FIELDS = frozenset({"statement", "likelihood", "impact", "mitigation", "owner", "sensitivity", "in_narrative"})
_REQUIRED_TEXT = {"title", "number", "statement"}


def _require_edit(actor, obj, action: str = "edit") -> None:
    from icsplan.accounts.actors import is_system, require_actor
    from icsplan.accounts.permissions import require

    require_actor(actor)
    if is_system(actor):
        return

    require(actor, action, obj)


def _clean_value(model, name: str, value: Any) -> Any:
    """One field value checked and normalised; raises ValidationError naming the field."""
    where = doc_location(name)

    def bad(message: str):
        return ValidationError([_problem(message, where)])

    if name.endswith("sensitivity") or name == "sensitivity":
        value = getattr(value, "value", value)
        if value not in _SENSITIVITIES:
            raise bad(f"{name} must be 'public' or 'sbu'.")
        return value
    if name in ("fiscal_year_start", "fiscal_year_end"):
        if value in (None, ""):
            return None
        try:
            year = int(value)
        except (TypeError, ValueError):
            raise bad(f"{name} must be a year.") from None
        if not 1990 <= year <= 2100:
            raise bad(f"{name} must be a year between 1990 and 2100.")
        return year
    if name == "in_narrative":
        if not isinstance(value, bool):
            raise bad("in_narrative must be true or false.")
        return value
    if name in ("likelihood", "impact"):
        if value in (None, ""):
            return None
        if value not in m.RiskLevel.values:
            raise bad(f"{name} must be one of {', '.join(m.RiskLevel.values)}.")
        return value
    if name == "status":
        if value not in (m.StrategyStatus.DRAFT, m.StrategyStatus.ARCHIVED):
            raise bad("status may be set to draft or archived here; approving an edition is a separate step.")
        return str(value)
    # Text fields.
    if value is None:
        if name in _REQUIRED_TEXT:
            raise bad(f"{name} may not be empty.")
        return None
    if not isinstance(value, str):
        raise bad(f"{name} must be text.")
    inputs.check_text(value, field=name)  # NUL and other control characters
    limit = MAX_TITLE if name in ("title", "framework_title", "statement", "owner", "classification") else MAX_TEXT
    if name == "number":
        # Compared for uniqueness: look-alike and invisible characters must not make a second "1.1".
        value = inputs.normalize_identifier(value, field="number", max_length=20)
        if not _NUMBER.match(value):
            raise bad("number must look like 1, 1.2 or 1.2.3.")
        return value
    if name in ("owner",):
        limit = 100
    if name == "classification":
        limit = 100
    if name == "title" and model is m.Strategy:
        limit = 300
    if len(value) > limit:
        raise bad(f"{name} is too long ({len(value):,} characters; at most {limit:,}).")
    if name in _REQUIRED_TEXT and not value.strip():
        raise bad(f"{name} may not be empty.")
    return value


def doc_location(name: str):
    from icsplan.errors import Location

    return Location(field=name)


def _problem(message: str, where):
    from icsplan.errors import Problem

    return Problem(message, where, code="invalid-field")


def _clean_changes(model, changes: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(changes, dict) or not changes:
        raise ValidationError("No changes were given.")
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(
            [_problem(f"{name} cannot be edited here (editable: {', '.join(sorted(allowed))}).", doc_location(name))
             for name in unknown]
        )
    return {name: _clean_value(model, name, value) for name, value in changes.items()}


def _check_version(locked, expected_version: int) -> None:
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationError("expected_version must be a whole number.") from None
    if locked.version != expected:
        raise ConflictError(
            f"{locked} was changed by someone else (you edited version {expected}, it is now at version "
            f"{locked.version}); reload it and apply your change again.",
            current_version=locked.version, given_version=expected,
        )


def _stamp(row, actor, reason: str) -> None:
    if actor is not None and getattr(actor, "pk", None):
        row._history_user = actor
    # Checked against the one limit (the history column's), so history keeps the reason whole.
    row._change_reason = inputs.check_reason(reason) or None


def _lower_markings(locked, clean: dict[str, Any], *, actor, reason: str) -> list[str]:
    """The ``*_sensitivity`` fields an edit lowers from SBU to public, after checking that the
    actor may and gave a reason (``accounts.sensitivity``)."""
    lowered = []
    for name, value in clean.items():
        if name == "sensitivity" or name.endswith("_sensitivity"):
            if marking.resolve(getattr(locked, name), value, obj=locked, actor=actor, reason=reason,
                               field=name).lowered:
                lowered.append(name)
    return lowered


def _lock(row):
    return type(row).objects.select_for_update().get(pk=row.pk)


def _save(row, *, update_fields=None) -> None:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise ValidationError(f"The change conflicts with another element: {_integrity_message(exc)}",
                              code="integrity") from exc


def _integrity_message(exc) -> str:
    text = str(exc).lower()
    if "unique" in text or "duplicate" in text:
        return "that number is already used in this edition."
    return "a database rule was broken."


def update_element(row, changes: dict[str, Any], *, expected_version: int, actor, reason: str = ""):
    """Change fields of a goal, objective, sub-objective, management objective or strategy.

    Only the fields in ``EDITABLE_FIELDS`` may be changed; a stale ``expected_version`` raises
    ConflictError; the version goes up by one and history records the actor and ``reason``.
    Returns the saved row (a fresh instance).
    """
    model = type(row)
    allowed = EDITABLE_FIELDS.get(model)
    if allowed is None:
        raise TypeError(f"{model.__name__} is not editable with update_element")
    with transaction.atomic():
        try:
            locked = _lock(row)
        except model.DoesNotExist:
            raise NotFoundError(f"No {model._meta.verbose_name} matches the request.") from None
        _require_edit(actor, locked)
        _check_version(locked, expected_version)
        clean = _clean_changes(model, changes, allowed)
        changed = {k: v for k, v in clean.items() if getattr(locked, k) != v}
        if not changed:
            return locked
        lowered = _lower_markings(locked, changed, actor=actor, reason=reason)
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.version += 1
        _stamp(locked, actor, reason)
        _save(locked)
        if lowered:
            marking.record_lowering(locked, actor=actor, fields=lowered, reason=reason)
    return locked


def update_strategy(row: m.Strategy, changes: dict[str, Any], *, expected_version: int, actor, reason: str = ""):
    """``update_element`` for a strategy edition (title, priorities and their marking, status…)."""
    return update_element(row, changes, expected_version=expected_version, actor=actor, reason=reason)


# -- the edition life cycle ----------------------------------------------------------------------
#
# draft -> in_clearance -> approved -> published -> archived. Each step is one service: it checks
# the actor, locks the row, checks the version, writes the status, a transition record (who, when,
# why), history and an audit event, in one transaction. The edition in force (approved or
# published) is unique per mission: approving a new one archives the old one first.

#: (from statuses, action needed) for each target status
_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    m.StrategyStatus.IN_CLEARANCE: ((m.StrategyStatus.DRAFT,), Action.EDIT),
    m.StrategyStatus.DRAFT: ((m.StrategyStatus.IN_CLEARANCE,), Action.APPROVE),  # returned for rework
    m.StrategyStatus.APPROVED: ((m.StrategyStatus.IN_CLEARANCE,), Action.APPROVE),
    m.StrategyStatus.PUBLISHED: ((m.StrategyStatus.APPROVED,), Action.APPROVE),
    m.StrategyStatus.ARCHIVED: ((m.StrategyStatus.APPROVED, m.StrategyStatus.PUBLISHED), Action.APPROVE),
}


_AUDIT_VERB = {"draft": "return", "in_clearance": "submit", "approved": "approve", "published": "publish",
               "archived": "archive"}


def _actor_user(actor):
    return actor if getattr(actor, "pk", None) and not is_system(actor) else None


def _record_transition(locked: m.Strategy, before: str, *, actor, reason: str) -> m.EditionTransition:
    from icsplan.audit import services as audit

    step = m.EditionTransition.objects.create(
        strategy=locked, from_status=before, to_status=locked.status, actor=_actor_user(actor),
        actor_name=str(actor) if is_system(actor) else getattr(actor, "get_username", lambda: "")(),
        reason=reason or "",
    )
    audit.record(f"strategy.{_AUDIT_VERB[locked.status]}", actor=actor, obj=locked, before={"status": before},
                 after={"status": locked.status, "version": locked.version}, reason=reason,
                 actor_name=str(actor) if is_system(actor) else None)
    return step


def proposer_of(strategy: m.Strategy) -> int | None:
    """The user id who sent the edition into clearance (the last time), if a user did."""
    step = (m.EditionTransition.objects.filter(strategy=strategy, to_status=m.StrategyStatus.IN_CLEARANCE)
            .order_by("-at", "-pk").first())
    return step.actor_id if step is not None else None


def transition_edition(row: m.Strategy, to_status: str, *, actor, expected_version: int, reason: str = "",
                       approved_date=None) -> m.Strategy:
    """Move an edition one step along its life cycle (see ``_TRANSITIONS``).

    Submitting needs ``edit``; returning, approving, publishing and archiving need ``approve``. The
    person who sent an edition into clearance never approves it (separation of duties). Approving
    archives the edition in force before, so exactly one stays in force.
    """
    from django.utils import timezone

    from icsplan.accounts.actors import require_actor

    require_actor(actor)
    if to_status not in _TRANSITIONS:
        raise InputError(f"An edition cannot be moved to {to_status!r}.", code="invalid-status")
    sources, action = _TRANSITIONS[to_status]
    with transaction.atomic():
        try:
            locked = m.Strategy.objects.select_for_update().select_related("mission").get(pk=row.pk)
        except m.Strategy.DoesNotExist:
            raise NotFoundError("No strategy matches the request.") from None
        _require_edit(actor, locked, action)
        _check_version(locked, expected_version)
        if locked.status not in sources:
            label = m.StrategyStatus(locked.status).label.lower()
            wanted = " or ".join(m.StrategyStatus(s).label.lower() for s in sources)
            # "already-approved" keeps the code clients knew before the life cycle had more steps.
            code = "already-approved" if locked.status == to_status == m.StrategyStatus.APPROVED else None
            raise TransitionError(f"{locked} is {label}; it must be {wanted} to become "
                                  f"{m.StrategyStatus(to_status).label.lower()}.", code=code)
        if to_status in (m.StrategyStatus.APPROVED, m.StrategyStatus.DRAFT) and not is_system(actor):
            if proposer_of(locked) == actor.pk:
                raise PermissionDenied("You sent this edition into clearance; another approver must decide on it.",
                                       code="own-proposal")
        if to_status == m.StrategyStatus.APPROVED:
            _archive_in_force(locked, actor=actor)
            locked.approved_date = approved_date or timezone.localdate()
        before = locked.status
        locked.status = to_status
        locked.version += 1
        _stamp(locked, actor, reason or m.StrategyStatus(to_status).label.lower())
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as exc:
            raise TransitionError(f"Mission {locked.mission.country} already has an edition in force.",
                                  code="edition-in-force") from exc
        _record_transition(locked, before, actor=actor, reason=reason)
    return locked


def _archive_in_force(new: m.Strategy, *, actor) -> None:
    """Archive the mission's edition in force (other than ``new``) as ``new`` replaces it."""
    for old in (m.Strategy.objects.select_for_update()
                .filter(mission_id=new.mission_id, status__in=m.IN_FORCE_STATUSES).exclude(pk=new.pk)):
        before = old.status
        old.status = m.StrategyStatus.ARCHIVED
        old.version += 1
        reason = f"replaced by edition {new.edition}"
        _stamp(old, actor, reason)
        old.save()
        _record_transition(old, before, actor=actor, reason=reason)


def submit_edition(row: m.Strategy, *, actor, expected_version: int, reason: str = "") -> m.Strategy:
    """Send a draft into clearance (an editor)."""
    return transition_edition(row, m.StrategyStatus.IN_CLEARANCE, actor=actor, expected_version=expected_version,
                              reason=reason)


def return_edition(row: m.Strategy, *, actor, expected_version: int, reason: str = "") -> m.Strategy:
    """Send an edition in clearance back to draft (an approver, not its proposer)."""
    return transition_edition(row, m.StrategyStatus.DRAFT, actor=actor, expected_version=expected_version,
                              reason=reason)


def approve_strategy(row: m.Strategy, *, actor, expected_version: int, reason: str = "",
                     approved_date=None) -> m.Strategy:
    """Approve an edition in clearance (an approver, not its proposer): it comes into force and the
    edition in force before is archived."""
    return transition_edition(row, m.StrategyStatus.APPROVED, actor=actor, expected_version=expected_version,
                              reason=reason, approved_date=approved_date)


def publish_edition(row: m.Strategy, *, actor, expected_version: int, reason: str = "") -> m.Strategy:
    """Mark the approved edition as published for public release (an approver)."""
    return transition_edition(row, m.StrategyStatus.PUBLISHED, actor=actor, expected_version=expected_version,
                              reason=reason)


def archive_edition(row: m.Strategy, *, actor, expected_version: int, reason: str = "") -> m.Strategy:
    """Take the edition in force out of force (an approver)."""
    return transition_edition(row, m.StrategyStatus.ARCHIVED, actor=actor, expected_version=expected_version,
                              reason=reason)


def _without_results(value: Any) -> Any:
    """A document's JSON with every indicator's results dropped (results stay with their edition)."""
    if isinstance(value, dict):
        return {k: ([] if k == "results" and isinstance(v, list) else _without_results(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_results(v) for v in value]
    return value


def copy_edition(source: m.Strategy, *, edition: str, actor, reason: str = "") -> m.Strategy:
    """Start a new draft edition as a copy of ``source``: the framework, linkages, risks, indicators
    and targets come along; results stay with their edition. Needs ``edit`` on the mission."""
    from icsplan.accounts.actors import require_actor

    require_actor(actor)
    label = inputs.normalize_identifier(str(edition or ""), field="edition", max_length=20) if edition else ""
    if not label:
        raise InputError("Name the new edition (usually its year).", code="missing-edition")
    _require_edit(actor, source, Action.EDIT)
    data = _without_results(load_strategy(source).model_dump(mode="json", by_alias=True))
    document = doc.Strategy.model_validate(data)
    with transaction.atomic():
        row = import_strategy(document, actor=actor, mission=source.mission, edition=label,
                              source_name=f"copy of edition {source.edition}")
        m.EditionTransition.objects.create(
            strategy=row, from_status=m.StrategyStatus.DRAFT, to_status=m.StrategyStatus.DRAFT,
            actor=_actor_user(actor), actor_name=str(actor) if is_system(actor) else actor.get_username(),
            reason=reason or f"copied from edition {source.edition}",
        )
    return row


def _element_field(element) -> str:
    for field_name, model in (("goal", m.Goal), ("objective", m.Objective), ("sub_objective", m.SubObjective),
                              ("management_objective", m.ManagementObjective)):
        if isinstance(element, model):
            return field_name
    raise TypeError(f"{type(element).__name__} is not a framework element")


def _bump_element(element, expected_version: int, actor, reason: str):
    """Lock the element, check its version and bump it (for changes to its linkages and risks)."""
    locked = _lock(element)
    _require_edit(actor, locked)
    _check_version(locked, expected_version)
    locked.version += 1
    _stamp(locked, actor, reason)
    locked.save(update_fields=["version", "updated_at"])
    return locked


def add_linkage(element, tag: str, *, expected_version: int, actor, reason: str = "") -> m.Linkage:
    """Align ``element`` with an item of another framework ("CDCS DO2", "SDG 4")."""
    tag = _clean_value(m.Linkage, "title", tag).strip() if isinstance(tag, str) else tag
    if not isinstance(tag, str) or not tag or len(tag) > 100:
        raise ValidationError("A linkage is a tag of 1 to 100 characters, such as 'CDCS DO2'.")
    field_name = _element_field(element)
    with transaction.atomic():
        locked = _bump_element(element, expected_version, actor, reason)
        if m.Linkage.objects.filter(**{field_name: locked}, tag__iexact=tag).exists():
            raise ValidationError(f"{locked} is already linked to {tag}.", code="duplicate-linkage")
        framework_code, code = split_tag(tag)
        frameworks = ensure_framework_catalogue()
        position = (m.Linkage.objects.filter(**{field_name: locked}).aggregate(p=models_max("position"))["p"] or -1) + 1
        link = m.Linkage(strategy_id=locked.strategy_id, position=position, tag=tag, code=code[:80],
                         framework=frameworks.get(framework_code) if framework_code else None, **{field_name: locked})
        _stamp(link, actor, reason)
        link.save()
    return link


def remove_linkage(linkage: m.Linkage, *, expected_version: int, actor, reason: str = "") -> None:
    """Remove one linkage; ``expected_version`` is the version of its element."""
    with transaction.atomic():
        _bump_element(linkage.element, expected_version, actor, reason)
        _stamp(linkage, actor, reason)
        linkage.delete()


def add_risk(element, fields: dict[str, Any], *, expected_version: int, actor, reason: str = "") -> m.Risk:
    """Add a risk (statement, likelihood, impact, mitigation, owner, sensitivity) to an element."""
    field_name = _element_field(element)
    clean = _clean_changes(m.Risk, fields, RISK_FIELDS)
    if not clean.get("statement"):
        raise ValidationError([_problem("statement may not be empty.", doc_location("statement"))])
    with transaction.atomic():
        locked = _bump_element(element, expected_version, actor, reason)
        position = (m.Risk.objects.filter(**{field_name: locked}).aggregate(p=models_max("position"))["p"] or -1) + 1
        risk = m.Risk(strategy_id=locked.strategy_id, position=position, **{field_name: locked}, **clean)
        _stamp(risk, actor, reason)
        risk.save()
    return risk


def update_risk(risk: m.Risk, changes: dict[str, Any], *, expected_version: int, actor, reason: str = "") -> m.Risk:
    """Change a risk; ``expected_version`` is the version of its element."""
    clean = _clean_changes(m.Risk, changes, RISK_FIELDS)
    with transaction.atomic():
        _bump_element(risk.element, expected_version, actor, reason)
        locked = _lock(risk)
        lowered = _lower_markings(locked, clean, actor=actor, reason=reason)
        for name, value in clean.items():
            setattr(locked, name, value)
        _stamp(locked, actor, reason)
        locked.save()
        if lowered:
            marking.record_lowering(locked, actor=actor, fields=lowered, reason=reason)
    return locked


def remove_risk(risk: m.Risk, *, expected_version: int, actor, reason: str = "") -> None:
    """Remove a risk; ``expected_version`` is the version of its element."""
    with transaction.atomic():
        _bump_element(risk.element, expected_version, actor, reason)
        _stamp(risk, actor, reason)
        risk.delete()


def _next_position(model, strategy_id: int) -> int:
    return (model.objects.filter(strategy_id=strategy_id).aggregate(p=models_max("position"))["p"] or 0) + 1


def create_objective(goal: m.Goal, fields: dict[str, Any], *, actor, reason: str = "") -> m.Objective:
    """A new objective under ``goal`` (fields: number, title and optional narrative fields)."""
    allowed = EDITABLE_FIELDS[m.Objective]
    clean = _clean_changes(m.Objective, fields, allowed)
    for required in ("number", "title"):
        if not clean.get(required):
            raise ValidationError([_problem(f"{required} is required.", doc_location(required))])
    with transaction.atomic():
        strategy = _lock(goal.strategy)
        _require_edit(actor, strategy)
        row = m.Objective(strategy=strategy, goal=goal, position=_next_position(m.Objective, strategy.pk), **clean)
        _stamp(row, actor, reason)
        _save(row)
    return row


def create_element(model, fields: dict[str, Any], *, strategy: m.Strategy, parent=None, actor,
                   reason: str = ""):
    """A new goal, objective (``parent`` = goal), management objective or sub-objective
    (``parent`` = objective or management objective)."""
    if model is m.Objective:
        if not isinstance(parent, m.Goal):
            raise ValidationError("An objective needs its goal.")
        return create_objective(parent, fields, actor=actor, reason=reason)
    allowed = EDITABLE_FIELDS.get(model)
    if allowed is None or model is m.Strategy:
        raise TypeError(f"{model.__name__} cannot be created with create_element")
    clean = _clean_changes(model, fields, allowed)
    for required in ("number", "title"):
        if not clean.get(required):
            raise ValidationError([_problem(f"{required} is required.", doc_location(required))])
    extra: dict[str, Any] = {}
    if model is m.SubObjective:
        if isinstance(parent, m.Objective):
            extra["objective"] = parent
        elif isinstance(parent, m.ManagementObjective):
            extra["management_objective"] = parent
        else:
            raise ValidationError("A sub-objective needs its objective or management objective.")
    with transaction.atomic():
        locked_strategy = _lock(strategy)
        _require_edit(actor, locked_strategy)
        if parent is not None and parent.strategy_id != locked_strategy.pk:
            raise ValidationError("The parent belongs to another edition.")
        row = model(strategy=locked_strategy, position=_next_position(model, locked_strategy.pk), **extra, **clean)
        _stamp(row, actor, reason)
        _save(row)
    return row


def delete_element(row, *, expected_version: int, actor, reason: str = "") -> None:
    """Delete a goal, objective, sub-objective or management objective (and what hangs from it)."""
    if type(row) not in EDITABLE_FIELDS or type(row) is m.Strategy:
        raise TypeError(f"{type(row).__name__} cannot be deleted with delete_element")
    with transaction.atomic():
        try:
            locked = _lock(row)
        except type(row).DoesNotExist:
            raise NotFoundError("Not found.") from None
        _require_edit(actor, locked)
        _check_version(locked, expected_version)
        _stamp(locked, actor, reason)
        locked.delete()


def models_max(name: str):
    from django.db.models import Max

    return Max(name)


# -- revisions of the edition in force -------------------------------------------------------------
#
# Once an edition is in force, a change to an element's wording is a proposal with a reason. An
# approver other than the proposer approves it (the change is applied then, in the same
# transaction) or rejects it (nothing changes). Results keep their own workflow.

#: revision kind -> model
REVISION_MODELS: dict[str, type[m.Strategy] | type[m.Goal] | type[m.Objective] | type[m.SubObjective]
                      | type[m.ManagementObjective]] = {
    "strategy": m.Strategy, "goal": m.Goal, "objective": m.Objective, "sub_objective": m.SubObjective,
    "management_objective": m.ManagementObjective,
}
_REVISION_KINDS = {model: kind for kind, model in REVISION_MODELS.items()}


def _name_of(actor) -> str:
    return str(actor) if is_system(actor) else actor.get_username()


def in_force(strategy: m.Strategy) -> bool:
    """Whether ``strategy`` is the edition in force (changes to it go through revisions)."""
    return strategy.status in m.IN_FORCE_STATUSES


def _revision_label(row) -> str:
    if isinstance(row, m.Strategy):
        return f"Edition {row.edition}"
    return f"{row.kind_label} {row.number}"


def propose_revision(element, changes: dict[str, Any], *, actor, expected_version: int, reason: str) -> m.Revision:
    """Propose a change to an element (or the strategy's own fields) of the edition in force.

    Needs ``edit``; the reason is required; the fields and values are validated exactly as a direct
    edit would be, and a proposal that changes nothing is refused. Nothing changes until approved.
    """
    from icsplan.accounts.actors import require_actor
    from icsplan.audit import services as audit

    require_actor(actor)
    model = type(element)
    kind = _REVISION_KINDS.get(model)
    if kind is None:
        raise TypeError(f"{model.__name__} has no revisions")
    reason = inputs.check_reason(reason or "") or ""
    with transaction.atomic():
        try:
            locked = _lock(element)
        except model.DoesNotExist:
            raise NotFoundError(f"No {model._meta.verbose_name} matches the request.") from None
        _require_edit(actor, locked)
        strategy = locked if isinstance(locked, m.Strategy) else locked.strategy
        if not in_force(strategy):
            raise TransitionError(f"{strategy} is not in force: edit it directly.", code="not-in-force")
        if not reason.strip():
            raise ValidationError([_problem("Say why: a revision needs a reason.", doc_location("reason"))])
        _check_version(locked, expected_version)
        clean = _clean_changes(model, changes, EDITABLE_FIELDS[model])
        changed = {k: v for k, v in clean.items() if getattr(locked, k) != v}
        if not changed:
            raise ValidationError("The proposal changes nothing.", code="no-change")
        row = m.Revision.objects.create(
            strategy=strategy, kind=kind, element_id=locked.pk, label=_revision_label(locked), changes=changed,
            before={k: getattr(locked, k) for k in changed}, base_version=locked.version, reason=reason,
            proposed_by=_actor_user(actor), proposed_by_name=_name_of(actor),
        )
        audit.record("revision.propose", actor=actor, obj=row, after={"label": row.label, "fields": sorted(changed)},
                     reason=reason, actor_name=_name_of(actor) if is_system(actor) else None)
    return row


def _decide(revision: m.Revision, *, actor, expected_version: int, reason: str, approve: bool) -> m.Revision:
    from django.utils import timezone

    from icsplan.accounts.actors import require_actor
    from icsplan.audit import services as audit

    require_actor(actor)
    reason = inputs.check_reason(reason or "") or ""
    with transaction.atomic():
        try:
            locked = m.Revision.objects.select_for_update().select_related("strategy__mission").get(pk=revision.pk)
        except m.Revision.DoesNotExist:
            raise NotFoundError("No revision matches the request.") from None
        _require_edit(actor, locked, Action.APPROVE)
        _check_version(locked, expected_version)
        if locked.status != m.RevisionStatus.PROPOSED:
            raise TransitionError(f"{locked} is already {locked.status}.", code="wrong-state")
        if not is_system(actor) and locked.proposed_by_id == actor.pk:
            raise PermissionDenied("You proposed this revision; another approver must decide on it.",
                                   code="own-proposal")
        if not approve and not reason.strip():
            raise ValidationError([_problem("Say why the revision is rejected.", doc_location("reason"))])
        if approve:
            _apply_revision(locked, actor=actor, reason=reason)
        locked.status = m.RevisionStatus.APPROVED if approve else m.RevisionStatus.REJECTED
        locked.decided_by, locked.decided_by_name = _actor_user(actor), _name_of(actor)
        locked.decided_at, locked.decision_reason = timezone.now(), reason
        locked.version += 1
        locked.save()
        audit.record(f"revision.{'approve' if approve else 'reject'}", actor=actor, obj=locked,
                     before={"status": "proposed"}, after={"status": locked.status, "label": locked.label},
                     reason=reason, actor_name=_name_of(actor) if is_system(actor) else None)
    return locked


def _apply_revision(revision: m.Revision, *, actor, reason: str) -> None:
    """Write an approved revision's changes to its element (history names the approver and both reasons)."""
    model = REVISION_MODELS[revision.kind]
    element = model.objects.select_for_update().filter(pk=revision.element_id).first()
    if element is None:
        raise NotFoundError(f"{revision.label} no longer exists.")
    if element.version != revision.base_version:
        raise TransitionError(f"{revision.label} changed after this revision was proposed; propose it again "
                              "against the current text.", code="revision-stale")
    why = f"revision {revision.pk} proposed by {revision.proposed_by_name}: {revision.reason}"
    clean = _clean_changes(model, revision.changes, EDITABLE_FIELDS[model])
    lowered = _lower_markings(element, clean, actor=actor, reason=revision.reason)
    for name, value in clean.items():
        setattr(element, name, value)
    element.version += 1
    _stamp(element, actor, why[: inputs.CHANGE_REASON_MAX])
    _save(element)
    if lowered:
        marking.record_lowering(element, actor=actor, fields=lowered, reason=revision.reason)


def approve_revision(revision: m.Revision, *, actor, expected_version: int, reason: str = "") -> m.Revision:
    """Approve a proposed revision (an approver, never its proposer): its changes are applied."""
    return _decide(revision, actor=actor, expected_version=expected_version, reason=reason, approve=True)


def reject_revision(revision: m.Revision, *, actor, expected_version: int, reason: str) -> m.Revision:
    """Reject a proposed revision with a reason (an approver, never its proposer): nothing changes."""
    return _decide(revision, actor=actor, expected_version=expected_version, reason=reason, approve=False)


def revision_element(revision: m.Revision):
    """The element a revision changes (None when it was deleted since)."""
    return REVISION_MODELS[revision.kind].objects.filter(pk=revision.element_id).first()


# -- findings of a stored edition -------------------------------------------------------------------

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
