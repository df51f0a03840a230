"""Shared steps of every write service: lock the row, check the version the client read, stamp
history with the actor and reason, save with integrity errors turned into user-facing messages.

Every edit takes the version the client read (``expected_version``). The row is locked
(``select_for_update``) inside one transaction, its version compared and bumped, so two people
saving the same element never silently overwrite each other: the second gets ConflictError with
both versions. ``actor`` is required: ``accounts.actors.SYSTEM`` is the trusted local operator (CLI),
``None`` is refused (fail closed); anyone else is checked against the permission layer.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from icsplan.accounts.actors import is_system
from icsplan.core import inputs
from icsplan.errors import ConflictError, ValidationError


def require_edit(actor, obj, action: str = "edit") -> None:
    from icsplan.accounts.actors import is_system, require_actor
    from icsplan.accounts.permissions import require

    require_actor(actor)
    if is_system(actor):
        return

    require(actor, action, obj)


def check_version(locked, expected_version: int) -> None:
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


def stamp(row, actor, reason: str) -> None:
    if actor is not None and getattr(actor, "pk", None):
        row._history_user = actor
    # Checked against the one limit (the history column's), so history keeps the reason whole.
    row._change_reason = inputs.check_reason(reason) or None


def lock(row):
    return type(row).objects.select_for_update().get(pk=row.pk)


def save_row(row, *, update_fields=None) -> None:
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


def actor_user(actor):
    return actor if getattr(actor, "pk", None) and not is_system(actor) else None


def name_of(actor) -> str:
    return str(actor) if is_system(actor) else actor.get_username()


def models_max(name: str):
    from django.db.models import Max

    return Max(name)
