"""The edition life cycle: draft -> in_clearance -> approved -> published -> archived.

Each step is one service: it checks the actor, locks the row, checks the version, writes the
status, a transition record (who, when, why), history and an audit event, in one transaction. The
edition in force (approved or published) is unique per mission: approving a new one archives the
old one first.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from icsplan import document as doc
from icsplan.accounts.actors import is_system
from icsplan.accounts.roles import Action
from icsplan.core import inputs
from icsplan.errors import InputError, NotFoundError, PermissionDenied, TransitionError

from .. import models as m
from .importing import import_strategy
from .loading import load_strategy
from .rows import actor_user, check_version, require_edit, stamp


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


def _record_transition(locked: m.Strategy, before: str, *, actor, reason: str) -> m.EditionTransition:
    from icsplan.audit import services as audit

    step = m.EditionTransition.objects.create(
        strategy=locked, from_status=before, to_status=locked.status, actor=actor_user(actor),
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
        require_edit(actor, locked, action)
        check_version(locked, expected_version)
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
        stamp(locked, actor, reason or m.StrategyStatus(to_status).label.lower())
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
        stamp(old, actor, reason)
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
    require_edit(actor, source, Action.EDIT)
    data = _without_results(load_strategy(source).model_dump(mode="json", by_alias=True))
    document = doc.Strategy.model_validate(data)
    # A source without stored fiscal years covers FY(Y+1)-FY(Y+4) of its year label Y; the copy gets
    # a new label, so it keeps those years explicitly, else its copied targets would fall outside.
    if not (document.fiscal_year_start and document.fiscal_year_end) and str(source.edition).isdigit() \
            and len(str(source.edition)) == 4:
        year = int(source.edition)
        document.fiscal_year_start = document.fiscal_year_start or year + 1
        document.fiscal_year_end = document.fiscal_year_end or year + 4
    with transaction.atomic():
        row = import_strategy(document, actor=actor, mission=source.mission, edition=label,
                              source_name=f"copy of edition {source.edition}")
        m.EditionTransition.objects.create(
            strategy=row, from_status=m.StrategyStatus.DRAFT, to_status=m.StrategyStatus.DRAFT,
            actor=actor_user(actor), actor_name=str(actor) if is_system(actor) else actor.get_username(),
            reason=reason or f"copied from edition {source.edition}",
        )
    return row
