"""How a sensitivity marking may change: never lowered by omission, lowered only on purpose.

The rule, for results, targets, indicators, risks and the narrative ``*_sensitivity`` fields of
strategies and framework elements:

* An edit that does not mention the marking keeps the stored one (a form without the field, an
  API call without ``sensitivity``, a spreadsheet without the SBU column or with a blank cell).
* A new row takes the marking given, else ``default`` — for targets and results, their
  indicator's marking, so a value entered under an SBU indicator is SBU itself.
* Raising public → SBU is always allowed to whoever may make the edit.
* Lowering SBU → public is an explicit action: only editors and approvers of the mission (and
  the trusted operator) may do it, it needs a reason, and it is written to the audit trail.

Services call :func:`resolve` before writing and :func:`record_lowering` once the row is saved,
in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from icsplan.core.choices import Sensitivity
from icsplan.core.inputs import check_reason, invalid
from icsplan.errors import PermissionDenied

PUBLIC = Sensitivity.PUBLIC.value
SBU = Sensitivity.SBU.value
MARKINGS = (PUBLIC, SBU)


@dataclass(frozen=True)
class Marking:
    """The marking to store, and whether storing it lowers SBU to public."""

    value: str
    lowered: bool = False


def check_marking(value, *, field: str = "sensitivity") -> str:
    """A marking given by a caller: 'public' or 'sbu' (enum members accepted)."""
    value = getattr(value, "value", value)
    if value not in MARKINGS:
        raise invalid(field, f"{field} must be 'public' or 'sbu'.")
    return value


def may_lower(actor, obj) -> bool:
    """Whether ``actor`` may make SBU text of ``obj``'s mission public: its editors and approvers.

    The named system actor is the trusted operator of the CLI and loaders; ``None`` is refused.
    """
    from .actors import is_system, require_actor

    require_actor(actor)
    if is_system(actor):
        return True
    from .permissions import can
    from .roles import Action

    return can(actor, Action.EDIT, obj) or can(actor, Action.APPROVE, obj)


def resolve(current: str | None, given, *, obj, actor, reason: str = "", default: str = PUBLIC,
            field: str = "sensitivity") -> Marking:
    """The marking to store for an edit.

    ``current`` is the stored marking (None for a new row), ``given`` what the caller sent (None:
    not mentioned). Raises ``ValidationError`` for an unknown marking or a lowering without a
    reason, ``PermissionDenied`` for a lowering by someone who may not.
    """
    if given is None:
        return Marking(current if current is not None else check_marking(default, field=field))
    value = check_marking(given, field=field)
    if current == SBU and value == PUBLIC:
        if not may_lower(actor, obj):
            raise PermissionDenied(f"Only the mission's editors and approvers may make SBU text public ({field}).",
                                   code="lowering-forbidden")
        if not check_reason(reason):
            raise invalid("reason", f"say why {field} is lowered from SBU to public (a reason is required).",
                          code="reason-required")
        return Marking(value, lowered=True)
    return Marking(value)


def record_lowering(obj, *, actor, fields: list[str], reason: str) -> None:
    """Append the audit event of an SBU → public change of ``fields`` of ``obj`` (saved already)."""
    from icsplan.core import audit_trail as audit

    from .actors import is_system

    user = None if is_system(actor) else actor
    audit.record("sensitivity.lower", actor=user, obj=obj, before={f: SBU for f in fields},
                 after={f: PUBLIC for f in fields}, reason=reason,
                 actor_name=None if user is not None else getattr(actor, "name", "local operator"))
