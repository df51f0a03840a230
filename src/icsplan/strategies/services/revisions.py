"""Revisions of the edition in force.

Once an edition is in force, every change to it is a proposal with a reason: an element's wording
(``propose_revision``), or any change in ``CHANGES`` (``propose_change``): creating or deleting an
element, adding or removing a linkage, adding, changing or removing a risk, and (registered by the
indicators app) creating, changing or deleting an indicator and setting a target. An approver other
than the proposer approves it (the change is applied then, in the same transaction, through the
same write service a direct edit uses) or rejects it (nothing changes). Results keep their own
workflow. The rule itself lives in ``gate``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from icsplan.accounts import sensitivity as marking
from icsplan.accounts.actors import is_system
from icsplan.accounts.roles import Action
from icsplan.core import inputs
from icsplan.errors import InputError, NotFoundError, PermissionDenied, TransitionError, ValidationError

from .. import models as m
from .gate import applying_revision
from .fields import RISK_FIELDS, EDITABLE_FIELDS, clean_changes, doc_location, lower_markings, problem
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
            if locked.operation == "update" and locked.kind in REVISION_MODELS:
                _apply_revision(locked, actor=actor, reason=reason)
            else:
                _apply_change(locked, reason=reason)
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
    element = model.objects.select_for_update().filter(pk=revision.element_id or 0).first()
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
    """The row a revision changes (None when it was deleted since, or is still to be created)."""
    model = KIND_MODELS.get(revision.kind)
    if model is None or revision.element_id is None:
        return None
    return model.objects.filter(pk=revision.element_id).first()


def revisions_awaiting(user, strategy: m.Strategy) -> list[m.Revision]:
    """The proposed revisions of ``strategy`` that wait for ``user``'s decision: an approver of the
    mission, and never their own proposals."""
    from icsplan.accounts.permissions import can

    if not getattr(user, "is_authenticated", False) or not can(user, Action.APPROVE, strategy.mission):
        return []
    rows = m.Revision.objects.filter(strategy=strategy, status=m.RevisionStatus.PROPOSED).exclude(proposed_by=user)
    return list(rows.order_by("created_at", "pk"))


# -- any change to the edition in force ------------------------------------------------------------

#: revision kind -> model of the rows it names (element_id, parent_id); the indicators app adds its own.
KIND_MODELS: dict[str, Any] = {**REVISION_MODELS, "linkage": m.Linkage, "risk": m.Risk}


@dataclass(frozen=True)
class Change:
    """How one kind of change is tried, described and applied.

    Each callable takes ``(row, parent, changes)``: the row changed or deleted (None for a
    creation), the row it hangs from (None when unused) and the proposed fields. ``apply`` also
    takes ``actor``, ``expected_version`` and ``reason`` and calls the ordinary write service.
    ``base_version`` is the version that service checks (the element's for linkages and risks).
    """

    apply: Callable[..., Any]
    base_version: Callable[[Any, Any, dict[str, Any]], int]
    label: Callable[[Any, Any, dict[str, Any]], str]
    before: Callable[[Any, Any, dict[str, Any]], dict[str, Any]] = lambda row, parent, changes: {}
    needs_row: bool = True
    needs_parent: bool = False


#: (kind, operation) -> Change. ``operation`` is "update", "create" or "delete".
CHANGES: dict[tuple[str, str], Change] = {}


def register_change(kind: str, operation: str, change: Change, *, model: Any = None) -> None:
    """Let a kind of change be proposed (apps plug in their own rows, as the indicators app does)."""
    CHANGES[(kind, operation)] = change
    if model is not None:
        KIND_MODELS[kind] = model


class _DryRun(Exception):
    """Raised to roll back the savepoint in which a proposal is tried."""


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _strategy_id_of(row) -> int:
    return row.pk if isinstance(row, m.Strategy) else row.strategy_id


def propose_change(kind: str, operation: str, *, row=None, parent=None, changes: dict[str, Any] | None = None,
                   actor, expected_version: int, reason: str) -> m.Revision:
    """Propose any registered change to the edition in force (see ``CHANGES``).

    The change is tried at once, as ``actor``, through the same write service a direct edit uses,
    in a savepoint that is rolled back: so it is refused now for exactly the reasons the edit would
    be (permission, version, field values), and nothing changes until an approver approves it.
    """
    from icsplan.accounts.actors import require_actor
    from icsplan.audit import services as audit

    require_actor(actor)
    spec = CHANGES.get((kind, operation))
    if spec is None:
        known = ", ".join(f"{k} {o}" for k, o in sorted(CHANGES))
        raise InputError(f"A revision cannot {operation} a {kind} (it can: {known}).", code="invalid-choice")
    if spec.needs_row and row is None:
        raise InputError(f"Name the {kind} to {operation}.", code="invalid-choice")
    if spec.needs_parent and parent is None:
        raise InputError(f"Name what the new {kind} belongs to.", code="invalid-choice")
    changes = dict(changes or {})
    reason = inputs.check_reason(reason or "") or ""
    anchor = row if row is not None else parent
    with transaction.atomic():
        strategy = m.Strategy.objects.select_for_update().get(pk=_strategy_id_of(anchor))
        require_edit(actor, anchor)
        if not in_force(strategy):
            raise TransitionError(f"{strategy} is not in force: edit it directly.", code="not-in-force")
        if not reason.strip():
            raise ValidationError([problem("Say why: a revision needs a reason.", doc_location("reason"))])
        base = spec.base_version(row, parent, changes)
        before = _json_safe(spec.before(row, parent, changes))
        if operation == "update" and changes and all(before.get(k) == v for k, v in _json_safe(changes).items()):
            raise ValidationError("The proposal changes nothing.", code="no-change")
        try:
            with transaction.atomic(), applying_revision():
                spec.apply(row, parent, changes, actor=actor, expected_version=expected_version, reason=reason)
                raise _DryRun
        except _DryRun:
            pass
        revision = m.Revision.objects.create(
            strategy=strategy, kind=kind, operation=operation, element_id=getattr(row, "pk", None),
            parent_kind=_kind_of(parent) if parent is not None else "", parent_id=getattr(parent, "pk", None),
            label=spec.label(row, parent, changes)[:100], changes=_json_safe(changes), before=before,
            base_version=base, reason=reason, proposed_by=actor_user(actor), proposed_by_name=name_of(actor),
        )
        audit.record("revision.propose", actor=actor, obj=revision,
                     after={"label": revision.label, "operation": operation, "fields": sorted(changes)},
                     reason=reason, actor_name=name_of(actor) if is_system(actor) else None)
    return revision


def _kind_of(row) -> str:
    for kind, model in KIND_MODELS.items():
        if type(row) is model:
            return kind
    raise TypeError(f"{type(row).__name__} cannot take part in a revision")


def _apply_change(revision: m.Revision, *, reason: str) -> None:
    """Apply an approved revision of any registered kind, through its ordinary write service.

    The approval is the authority here (the approver was checked by ``_decide``), so the service
    runs as the system actor inside ``applying_revision``; history names the revision, its proposer
    and both reasons, and the revision itself keeps both names."""
    from icsplan.accounts.actors import SYSTEM

    spec = CHANGES[(revision.kind, revision.operation)]
    row = parent = None
    if revision.element_id is not None:
        row = KIND_MODELS[revision.kind].objects.filter(pk=revision.element_id).first()
        if row is None:
            raise NotFoundError(f"{revision.label} no longer exists.")
    if revision.parent_id is not None:
        parent = KIND_MODELS[revision.parent_kind].objects.filter(pk=revision.parent_id).first()
        if parent is None:
            raise NotFoundError(f"What {revision.label} belongs to no longer exists.")
    changes = dict(revision.changes)
    if spec.base_version(row, parent, changes) != revision.base_version:
        raise TransitionError(f"{revision.label} changed after this revision was proposed; propose it again "
                              "against the current text.", code="revision-stale")
    why = f"revision {revision.pk} proposed by {revision.proposed_by_name}: {revision.reason}"
    with applying_revision():
        spec.apply(row, parent, changes, actor=SYSTEM, expected_version=revision.base_version,
                   reason=why[: inputs.CHANGE_REASON_MAX])


# The framework's own changes. Linkages and risks are checked against their element's version.

def _element_of(row):
    return row.element


def _fields_of(row, names) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _creation(model) -> Change:
    from . import edits

    def apply(row, parent, changes, *, expected_version, **kw):
        strategy = parent if isinstance(parent, m.Strategy) else parent.strategy
        return edits.create_element(model, changes, strategy=strategy,
                                    parent=None if isinstance(parent, m.Strategy) else parent, **kw)

    return Change(apply=apply, base_version=lambda row, parent, changes: 0,
                  label=lambda row, parent, changes: f"New {model.kind_label} {changes.get('number', '')}",
                  needs_row=False, needs_parent=True)


def _deletion(names) -> Change:
    from . import edits

    return Change(apply=lambda row, parent, changes, **kw: edits.delete_element(row, **kw),
                  base_version=lambda row, parent, changes: row.version,
                  label=lambda row, parent, changes: f"{_revision_label(row)} (deleted)",
                  before=lambda row, parent, changes: _fields_of(row, sorted(names)))


def _register_framework_changes() -> None:
    from . import edits

    for kind, model in REVISION_MODELS.items():
        names = EDITABLE_FIELDS[model]
        register_change(kind, "update", Change(
            apply=lambda row, parent, changes, **kw: edits.update_element(row, changes, **kw),
            base_version=lambda row, parent, changes: row.version,
            label=lambda row, parent, changes: _revision_label(row),
            before=lambda row, parent, changes: {k: getattr(row, k) for k in changes if hasattr(row, k)},
        ))
        if model is m.Strategy:
            continue
        register_change(kind, "create", _creation(model))
        register_change(kind, "delete", _deletion(names))
    register_change("linkage", "create", Change(
        apply=lambda row, parent, changes, **kw: edits.add_linkage(parent, changes.get("tag"), **kw),
        base_version=lambda row, parent, changes: parent.version,
        label=lambda row, parent, changes: f"Linkage {changes.get('tag', '')} of {_revision_label(parent)}",
        needs_row=False, needs_parent=True,
    ))
    register_change("linkage", "delete", Change(
        apply=lambda row, parent, changes, **kw: edits.remove_linkage(row, **kw),
        base_version=lambda row, parent, changes: _element_of(row).version,
        label=lambda row, parent, changes: f"Linkage {row.tag} of {_revision_label(_element_of(row))} (removed)",
        before=lambda row, parent, changes: {"tag": row.tag},
    ))
    register_change("risk", "create", Change(
        apply=lambda row, parent, changes, **kw: edits.add_risk(parent, changes, **kw),
        base_version=lambda row, parent, changes: parent.version,
        label=lambda row, parent, changes: f"New risk of {_revision_label(parent)}",
        needs_row=False, needs_parent=True,
    ))
    register_change("risk", "update", Change(
        apply=lambda row, parent, changes, **kw: edits.update_risk(row, changes, **kw),
        base_version=lambda row, parent, changes: _element_of(row).version,
        label=lambda row, parent, changes: f"Risk of {_revision_label(_element_of(row))}",
        before=lambda row, parent, changes: {k: getattr(row, k) for k in changes if hasattr(row, k)},
    ))
    register_change("risk", "delete", Change(
        apply=lambda row, parent, changes, **kw: edits.remove_risk(row, **kw),
        base_version=lambda row, parent, changes: _element_of(row).version,
        label=lambda row, parent, changes: f"Risk of {_revision_label(_element_of(row))} (removed)",
        before=lambda row, parent, changes: _fields_of(row, sorted(RISK_FIELDS)),
    ))


_register_framework_changes()
