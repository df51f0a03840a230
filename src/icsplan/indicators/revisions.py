"""Indicators and targets of the edition in force change through revisions, like its framework.

Registered with ``strategies.services.register_change`` when the app is ready (the strategy app
knows nothing of indicators): creating, changing or deleting an indicator and setting a target can
be proposed, and an approved proposal is applied through the same service a direct edit uses.
"""

from __future__ import annotations

from typing import Any

from . import models as m


def _indicator_label(indicator) -> str:
    return f"Indicator {indicator.code}"


def _element_label(element) -> str:
    return f"{element.kind_label} {element.number}"


_TARGET_ARGS = ("numerator", "denominator", "category", "category_value", "comment", "sensitivity")


def _target_of(indicator, changes: dict[str, Any]):
    return m.Target.objects.filter(indicator=indicator, period=str(changes.get("period", "")),
                                   category=changes.get("category") or "",
                                   category_value=changes.get("category_value") or "").first()


def _set_target(row, parent, changes, *, actor, expected_version, reason):
    from . import services

    extra = {k: changes[k] for k in _TARGET_ARGS if k in changes}
    return services.set_target(parent, changes.get("period", ""), changes.get("value"), expected_version=expected_version,
                               actor=actor, reason=reason, **extra)


def _create_indicator(row, parent, changes, *, actor, expected_version, reason):
    from . import services

    fields = dict(changes)
    return services.create_indicator(parent, code=fields.pop("code", ""), name=fields.pop("name", ""), actor=actor,
                                     **fields)


def _update_indicator(row, parent, changes, *, actor, expected_version, reason):
    from . import services

    return services.update_indicator(row, changes, expected_version=expected_version, actor=actor, reason=reason)


def _delete_indicator(row, parent, changes, *, actor, expected_version, reason):
    from . import services

    return services.delete_indicator(row, expected_version=expected_version, actor=actor)


def register() -> None:
    from icsplan.strategies.services import Change, register_change

    register_change("indicator", "create", Change(
        apply=_create_indicator, base_version=lambda row, parent, changes: 0,
        label=lambda row, parent, changes: f"New indicator {changes.get('code', '')} of {_element_label(parent)}",
        needs_row=False, needs_parent=True,
    ), model=m.Indicator)
    register_change("indicator", "update", Change(
        apply=_update_indicator, base_version=lambda row, parent, changes: row.version,
        label=lambda row, parent, changes: _indicator_label(row),
        before=lambda row, parent, changes: {k: getattr(row, k) for k in changes if hasattr(row, k)},
    ))
    register_change("indicator", "delete", Change(
        apply=_delete_indicator, base_version=lambda row, parent, changes: row.version,
        label=lambda row, parent, changes: f"{_indicator_label(row)} (deleted)",
        before=lambda row, parent, changes: {"code": row.code, "name": row.name},
    ))
    register_change("target", "update", Change(
        apply=_set_target,
        base_version=lambda row, parent, changes: getattr(_target_of(parent, changes), "version", 0),
        label=lambda row, parent, changes: f"Target {changes.get('period', '')} of {_indicator_label(parent)}",
        before=lambda row, parent, changes: ({"period": t.period, "value": t.value} if (t := _target_of(parent, changes))
                                             else {}),
        needs_row=False, needs_parent=True,
    ), model=m.Target)
