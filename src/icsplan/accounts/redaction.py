"""The one place that decides how much of a strategy a person may read.

Every output path — pages, the API, exports, search, history — asks ``document_for`` for the
canonical document, never ``load_strategy`` directly, so SBU text is removed in one place for
everyone who may not read it. ``redact_history_diff`` does the same for before/after diffs.
"""

from __future__ import annotations

from typing import Any, Iterable

from icsplan.errors import NotFoundError

from .permissions import can, can_view_sbu
from .roles import Action

SBU = "sbu"
WITHHELD = "(withheld: SBU)"


def document_for(user, strategy_row):
    """The canonical document of ``strategy_row`` as ``user`` may read it.

    ``user=None`` is the trusted local operator (the CLI) and gets everything.
    Raises ``NotFoundError`` when the user may not even read its public copy; returns the public
    copy (every SBU narrative, risk, section, indicator, target and result removed) when the user
    may read public text only.
    """
    from icsplan.publishing.redaction import public_copy
    from icsplan.strategies.services import load_strategy

    if user is not None and not can(user, Action.VIEW_PUBLIC, strategy_row):
        raise NotFoundError("No strategy matches the request.")
    document = load_strategy(strategy_row)
    if user is None or can_view_sbu(user, strategy_row.mission):
        return document
    return public_copy(document)


def is_public_copy_for(user, strategy_row) -> bool:
    """Whether ``document_for`` gives ``user`` the public copy (for labels such as "public release")."""
    return user is not None and not can_view_sbu(user, strategy_row.mission)


# Fields whose text is governed by another field's sensitivity marking.
_GOVERNED = {
    "priorities": "priorities_sensitivity",
    "description": "description_sensitivity",
    "justification": "justification_sensitivity",
    "linkages_text": "linkages_text_sensitivity",
}
# Rows whose whole content is governed by their own ``sensitivity`` (risks, sections, indicators,
# targets, results): every field but the bookkeeping ones is withheld.
_BOOKKEEPING = {"id", "pk", "version", "position", "created_at", "updated_at", "sensitivity"}


def _is_sbu(value: Any) -> bool:
    return str(getattr(value, "value", value) or "").lower() == SBU


def redact_snapshot(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    """A copy of one before/after snapshot of a row with SBU text replaced by a marker."""
    if snapshot is None:
        return None
    out = dict(snapshot)
    for text_field, marking in _GOVERNED.items():
        if text_field in out and _is_sbu(out.get(marking)):
            out[text_field] = WITHHELD
    if _is_sbu(out.get("sensitivity")):
        for key in list(out):
            if key not in _BOOKKEEPING and not key.endswith("_id"):
                out[key] = WITHHELD
    return out


def redact_history_diff(
    user,
    mission,
    changes: Iterable[dict[str, Any]] | dict[str, Any],
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
):
    """Hide SBU values in history diffs from people who may not read SBU text of ``mission``.

    ``changes`` is either one diff or a list of them; a diff is a dict with ``field``, ``old``
    and ``new`` (the shape simple-history's ``diff_against`` gives), or a dict with ``before`` and
    ``after`` snapshots. A field is SBU when either side of the change marked it SBU (a change
    from SBU to public still hides the old text, and the reverse hides the new one).
    ``before``/``after`` are the full snapshots of the row, used to find the governing markings
    when the diff itself does not include them.
    """
    single = isinstance(changes, dict)
    items = [changes] if isinstance(changes, dict) else list(changes)
    if user is None or can_view_sbu(user, mission):
        return items[0] if single else items
    before = before or {}
    after = after or {}
    redacted = []
    for change in items:
        if "before" in change or "after" in change:
            new = dict(change)
            new["before"] = redact_snapshot(change.get("before"))
            new["after"] = redact_snapshot(change.get("after"))
            redacted.append(new)
            continue
        new = dict(change)
        field = change.get("field", "")
        marking = _GOVERNED.get(field)
        old_sbu = _is_sbu(before.get(marking)) if marking else _is_sbu(before.get("sensitivity"))
        new_sbu = _is_sbu(after.get(marking)) if marking else _is_sbu(after.get("sensitivity"))
        if (marking is None and field in _BOOKKEEPING) or field.endswith("_id") or field.endswith("_sensitivity"):
            redacted.append(new)
            continue
        if old_sbu:
            new["old"] = WITHHELD
        if new_sbu:
            new["new"] = WITHHELD
        redacted.append(new)
    return redacted[0] if single else redacted
