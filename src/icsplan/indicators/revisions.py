"""Indicators and targets of the edition in force change through revisions, like its framework.

Registered with ``strategies.services.register_change`` when the app is ready (the strategy app
knows nothing of indicators): creating, changing or deleting an indicator, setting a target or the
baseline, and defining or removing a breakdown (disaggregation) can be proposed, and an approved
proposal is applied through the same service a direct edit uses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from icsplan.errors import Location, NotFoundError, Problem, ValidationError

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


_BASELINE_FIELDS = ("value", "date", "note")


def _baseline_of(indicator):
    return m.Baseline.objects.filter(indicator=indicator).first()


def _baseline_before(indicator) -> dict[str, Any]:
    row = _baseline_of(indicator)
    if row is None:
        return {}
    return {"value": row.value, "date": row.date.isoformat() if row.date else None, "note": row.note}


def _date_of(value, indicator):
    """A proposal's baseline date: a date, an ISO ``YYYY-MM-DD`` text, or nothing."""
    if value in (None, "") or isinstance(value, dt.date):
        return value or None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError([Problem(f"the baseline date must be YYYY-MM-DD, got {value!r}",
                                       Location(field="date", element=indicator.code))]) from None


def _set_baseline(row, parent, changes, *, actor, expected_version, reason):
    from . import services

    unknown = set(changes) - set(_BASELINE_FIELDS)
    if unknown:
        raise ValidationError([Problem(f"a baseline has no field {', '.join(sorted(unknown))}",
                                       Location(field=sorted(unknown)[0], element=parent.code), code="unknown-field")])
    return services.set_baseline(parent, changes.get("value"), date=_date_of(changes.get("date"), parent),
                                 note=changes.get("note"), expected_version=expected_version, actor=actor,
                                 reason=reason)


def _breakdown_of(indicator, changes: dict[str, Any]):
    return m.Disaggregation.objects.filter(indicator=indicator, category=str(changes.get("category") or "")).first()


def _define_breakdown(row, parent, changes, *, actor, expected_version, reason):
    from . import services

    values = changes.get("values") or []
    if isinstance(values, str):
        values = [v.strip() for v in values.split(",")]
    return services.define_disaggregation(parent, changes.get("category") or "", values,
                                          exhaustive=bool(changes.get("exhaustive", True)),
                                          expected_version=expected_version, actor=actor, reason=reason)


def _remove_breakdown(row, parent, changes, *, actor, expected_version, reason):
    from . import services

    breakdown = _breakdown_of(parent, changes)
    if breakdown is None:
        raise NotFoundError(f"{_indicator_label(parent)} has no breakdown {changes.get('category', '')!r}.")
    return services.remove_disaggregation(breakdown, expected_version=expected_version, actor=actor, reason=reason)


def _breakdown_before(indicator, changes: dict[str, Any]) -> dict[str, Any]:
    row = _breakdown_of(indicator, changes)
    return {"category": row.category, "values": list(row.values), "exhaustive": row.exhaustive} if row else {}


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
    # The baseline and the breakdowns hang from their indicator (the parent); a breakdown is named by
    # its category in ``changes``.
    register_change("baseline", "update", Change(
        apply=_set_baseline,
        base_version=lambda row, parent, changes: getattr(_baseline_of(parent), "version", 0),
        label=lambda row, parent, changes: f"Baseline of {_indicator_label(parent)}",
        before=lambda row, parent, changes: _baseline_before(parent),
        needs_row=False, needs_parent=True,
    ))
    register_change("disaggregation", "update", Change(
        apply=_define_breakdown,
        base_version=lambda row, parent, changes: getattr(_breakdown_of(parent, changes), "version", 0),
        label=lambda row, parent, changes: f"Breakdown {changes.get('category', '')} of {_indicator_label(parent)}",
        before=lambda row, parent, changes: _breakdown_before(parent, changes),
        needs_row=False, needs_parent=True,
    ))
    register_change("disaggregation", "delete", Change(
        apply=_remove_breakdown,
        base_version=lambda row, parent, changes: getattr(_breakdown_of(parent, changes), "version", 0),
        label=lambda row, parent, changes: (f"Breakdown {changes.get('category', '')} of {_indicator_label(parent)} "
                                            "(removed)"),
        before=lambda row, parent, changes: _breakdown_before(parent, changes),
        needs_row=False, needs_parent=True,
    ))
