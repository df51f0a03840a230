"""Direct edits of an edition's framework: element fields, linkages, risks, new and deleted elements.

Linkages and risks belong to their element and bump the element's version (see ``rows``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from icsplan.accounts import sensitivity as marking
from icsplan.errors import NotFoundError, ValidationError

from .. import models as m
from ..catalogue import split_tag
from .gate import revision_gate
from .fields import EDITABLE_FIELDS, RISK_FIELDS, clean_changes, clean_value, doc_location, lower_markings, problem
from .missions import ensure_framework_catalogue
from .rows import check_version, lock, models_max, require_edit, save_row, stamp


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
            locked = lock(row)
        except model.DoesNotExist:
            raise NotFoundError(f"No {model._meta.verbose_name} matches the request.") from None
        require_edit(actor, locked)
        revision_gate(locked.pk if isinstance(locked, m.Strategy) else locked.strategy_id, str(locked))
        check_version(locked, expected_version)
        clean = clean_changes(model, changes, allowed)
        changed = {k: v for k, v in clean.items() if getattr(locked, k) != v}
        if not changed:
            return locked
        lowered = lower_markings(locked, changed, actor=actor, reason=reason)
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.version += 1
        stamp(locked, actor, reason)
        save_row(locked)
        if lowered:
            marking.record_lowering(locked, actor=actor, fields=lowered, reason=reason)
    return locked


def update_strategy(row: m.Strategy, changes: dict[str, Any], *, expected_version: int, actor, reason: str = ""):
    """``update_element`` for a strategy edition (title, priorities and their marking, status…)."""
    return update_element(row, changes, expected_version=expected_version, actor=actor, reason=reason)


def _element_field(element) -> str:
    for field_name, model in (("goal", m.Goal), ("objective", m.Objective), ("sub_objective", m.SubObjective),
                              ("management_objective", m.ManagementObjective)):
        if isinstance(element, model):
            return field_name
    raise TypeError(f"{type(element).__name__} is not a framework element")


def _bump_element(element, expected_version: int, actor, reason: str, what: str):
    """Lock the element, check its version and bump it (for changes to its linkages and risks)."""
    locked = lock(element)
    require_edit(actor, locked)
    revision_gate(locked.strategy_id, f"{what} of {locked}")
    check_version(locked, expected_version)
    locked.version += 1
    stamp(locked, actor, reason)
    locked.save(update_fields=["version", "updated_at"])
    return locked


def add_linkage(element, tag: str, *, expected_version: int, actor, reason: str = "") -> m.Linkage:
    """Align ``element`` with an item of another framework ("CDCS DO2", "SDG 4")."""
    tag = clean_value(m.Linkage, "title", tag).strip() if isinstance(tag, str) else tag
    if not isinstance(tag, str) or not tag or len(tag) > 100:
        raise ValidationError("A linkage is a tag of 1 to 100 characters, such as 'CDCS DO2'.")
    field_name = _element_field(element)
    with transaction.atomic():
        locked = _bump_element(element, expected_version, actor, reason, "a linkage")
        if m.Linkage.objects.filter(**{field_name: locked}, tag__iexact=tag).exists():
            raise ValidationError(f"{locked} is already linked to {tag}.", code="duplicate-linkage")
        framework_code, code = split_tag(tag)
        frameworks = ensure_framework_catalogue()
        position = (m.Linkage.objects.filter(**{field_name: locked}).aggregate(p=models_max("position"))["p"] or -1) + 1
        link = m.Linkage(strategy_id=locked.strategy_id, position=position, tag=tag, code=code[:80],
                         framework=frameworks.get(framework_code) if framework_code else None, **{field_name: locked})
        stamp(link, actor, reason)
        link.save()
    return link


def remove_linkage(linkage: m.Linkage, *, expected_version: int, actor, reason: str = "") -> None:
    """Remove one linkage; ``expected_version`` is the version of its element."""
    with transaction.atomic():
        _bump_element(linkage.element, expected_version, actor, reason, "a linkage")
        stamp(linkage, actor, reason)
        linkage.delete()


def add_risk(element, fields: dict[str, Any], *, expected_version: int, actor, reason: str = "") -> m.Risk:
    """Add a risk (statement, likelihood, impact, mitigation, owner, sensitivity) to an element."""
    field_name = _element_field(element)
    clean = clean_changes(m.Risk, fields, RISK_FIELDS)
    if not clean.get("statement"):
        raise ValidationError([problem("statement may not be empty.", doc_location("statement"))])
    with transaction.atomic():
        locked = _bump_element(element, expected_version, actor, reason, "a risk")
        position = (m.Risk.objects.filter(**{field_name: locked}).aggregate(p=models_max("position"))["p"] or -1) + 1
        risk = m.Risk(strategy_id=locked.strategy_id, position=position, **{field_name: locked}, **clean)
        stamp(risk, actor, reason)
        risk.save()
    return risk


def update_risk(risk: m.Risk, changes: dict[str, Any], *, expected_version: int, actor, reason: str = "") -> m.Risk:
    """Change a risk; ``expected_version`` is the version of its element."""
    clean = clean_changes(m.Risk, changes, RISK_FIELDS)
    with transaction.atomic():
        _bump_element(risk.element, expected_version, actor, reason, "a risk")
        locked = lock(risk)
        lowered = lower_markings(locked, clean, actor=actor, reason=reason)
        for name, value in clean.items():
            setattr(locked, name, value)
        stamp(locked, actor, reason)
        locked.save()
        if lowered:
            marking.record_lowering(locked, actor=actor, fields=lowered, reason=reason)
    return locked


def remove_risk(risk: m.Risk, *, expected_version: int, actor, reason: str = "") -> None:
    """Remove a risk; ``expected_version`` is the version of its element."""
    with transaction.atomic():
        _bump_element(risk.element, expected_version, actor, reason, "a risk")
        stamp(risk, actor, reason)
        risk.delete()


def _next_position(model, strategy_id: int) -> int:
    return (model.objects.filter(strategy_id=strategy_id).aggregate(p=models_max("position"))["p"] or 0) + 1


def create_objective(goal: m.Goal, fields: dict[str, Any], *, actor, reason: str = "") -> m.Objective:
    """A new objective under ``goal`` (fields: number, title and optional narrative fields)."""
    allowed = EDITABLE_FIELDS[m.Objective]
    clean = clean_changes(m.Objective, fields, allowed)
    for required in ("number", "title"):
        if not clean.get(required):
            raise ValidationError([problem(f"{required} is required.", doc_location(required))])
    with transaction.atomic():
        strategy = lock(goal.strategy)
        require_edit(actor, strategy)
        revision_gate(strategy.pk, "a new objective")
        row = m.Objective(strategy=strategy, goal=goal, position=_next_position(m.Objective, strategy.pk), **clean)
        stamp(row, actor, reason)
        save_row(row)
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
    clean = clean_changes(model, fields, allowed)
    for required in ("number", "title"):
        if not clean.get(required):
            raise ValidationError([problem(f"{required} is required.", doc_location(required))])
    extra: dict[str, Any] = {}
    if model is m.SubObjective:
        if isinstance(parent, m.Objective):
            extra["objective"] = parent
        elif isinstance(parent, m.ManagementObjective):
            extra["management_objective"] = parent
        else:
            raise ValidationError("A sub-objective needs its objective or management objective.")
    with transaction.atomic():
        locked_strategy = lock(strategy)
        require_edit(actor, locked_strategy)
        revision_gate(locked_strategy.pk, f"a new {model._meta.verbose_name}")
        if parent is not None and parent.strategy_id != locked_strategy.pk:
            raise ValidationError("The parent belongs to another edition.")
        row = model(strategy=locked_strategy, position=_next_position(model, locked_strategy.pk), **extra, **clean)
        stamp(row, actor, reason)
        save_row(row)
    return row


def delete_element(row, *, expected_version: int, actor, reason: str = "") -> None:
    """Delete a goal, objective, sub-objective or management objective (and what hangs from it)."""
    if type(row) not in EDITABLE_FIELDS or type(row) is m.Strategy:
        raise TypeError(f"{type(row).__name__} cannot be deleted with delete_element")
    with transaction.atomic():
        try:
            locked = lock(row)
        except type(row).DoesNotExist:
            raise NotFoundError("Not found.") from None
        require_edit(actor, locked)
        revision_gate(locked.strategy_id, f"deleting {locked}")
        check_version(locked, expected_version)
        stamp(locked, actor, reason)
        locked.delete()
