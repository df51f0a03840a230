"""Revisions of the edition in force.

Once an edition is in force, a change to an element's wording is a proposal with a reason. An
approver other than the proposer approves it (the change is applied then, in the same
transaction) or rejects it (nothing changes). Results keep their own workflow.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from icsplan.accounts import sensitivity as marking
from icsplan.accounts.actors import is_system
from icsplan.accounts.roles import Action
from icsplan.core import inputs
from icsplan.errors import NotFoundError, PermissionDenied, TransitionError, ValidationError

from .. import models as m
from .fields import EDITABLE_FIELDS, clean_changes, doc_location, lower_markings, problem
from .rows import actor_user, check_version, lock, name_of, require_edit, save_row, stamp


#: revision kind -> model
REVISION_MODELS: dict[str, type[m.Strategy] | type[m.Goal] | type[m.Objective] | type[m.SubObjective]
                      | type[m.ManagementObjective]] = {
    "strategy": m.Strategy, "goal": m.Goal, "objective": m.Objective, "sub_objective": m.SubObjective,
    "management_objective": m.ManagementObjective,
}


_REVISION_KINDS = {model: kind for kind, model in REVISION_MODELS.items()}


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
            locked = lock(element)
        except model.DoesNotExist:
            raise NotFoundError(f"No {model._meta.verbose_name} matches the request.") from None
        require_edit(actor, locked)
        strategy = locked if isinstance(locked, m.Strategy) else locked.strategy
        if not in_force(strategy):
            raise TransitionError(f"{strategy} is not in force: edit it directly.", code="not-in-force")
        if not reason.strip():
            raise ValidationError([problem("Say why: a revision needs a reason.", doc_location("reason"))])
        check_version(locked, expected_version)
        clean = clean_changes(model, changes, EDITABLE_FIELDS[model])
        changed = {k: v for k, v in clean.items() if getattr(locked, k) != v}
        if not changed:
            raise ValidationError("The proposal changes nothing.", code="no-change")
        row = m.Revision.objects.create(
            strategy=strategy, kind=kind, element_id=locked.pk, label=_revision_label(locked), changes=changed,
            before={k: getattr(locked, k) for k in changed}, base_version=locked.version, reason=reason,
            proposed_by=actor_user(actor), proposed_by_name=name_of(actor),
        )
        audit.record("revision.propose", actor=actor, obj=row, after={"label": row.label, "fields": sorted(changed)},
                     reason=reason, actor_name=name_of(actor) if is_system(actor) else None)
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
        require_edit(actor, locked, Action.APPROVE)
        check_version(locked, expected_version)
        if locked.status != m.RevisionStatus.PROPOSED:
            raise TransitionError(f"{locked} is already {locked.status}.", code="wrong-state")
        if not is_system(actor) and locked.proposed_by_id == actor.pk:
            raise PermissionDenied("You proposed this revision; another approver must decide on it.",
                                   code="own-proposal")
        if not approve and not reason.strip():
            raise ValidationError([problem("Say why the revision is rejected.", doc_location("reason"))])
        if approve:
            _apply_revision(locked, actor=actor, reason=reason)
        locked.status = m.RevisionStatus.APPROVED if approve else m.RevisionStatus.REJECTED
        locked.decided_by, locked.decided_by_name = actor_user(actor), name_of(actor)
        locked.decided_at, locked.decision_reason = timezone.now(), reason
        locked.version += 1
        locked.save()
        audit.record(f"revision.{'approve' if approve else 'reject'}", actor=actor, obj=locked,
                     before={"status": "proposed"}, after={"status": locked.status, "label": locked.label},
                     reason=reason, actor_name=name_of(actor) if is_system(actor) else None)
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
    clean = clean_changes(model, revision.changes, EDITABLE_FIELDS[model])
    lowered = lower_markings(element, clean, actor=actor, reason=revision.reason)
    for name, value in clean.items():
        setattr(element, name, value)
    element.version += 1
    stamp(element, actor, why[: inputs.CHANGE_REASON_MAX])
    save_row(element)
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
