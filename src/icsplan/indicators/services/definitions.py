"""Indicators themselves: create, update, delete, baseline and disaggregation categories
(editors). On the edition in force each of these writes passes ``revision_gate`` first."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction

from icsplan.accounts import sensitivity as marking
from icsplan.accounts.roles import Action
from icsplan.core import inputs
from icsplan.errors import InputError, Location, Problem, ValidationError
from icsplan.strategies.services.gate import revision_gate

from .. import models as m
from ..values import parse_value
from .common import (
    CHOICES as _CHOICES,
)
from .common import (
    ELEMENT_FIELD as _ELEMENT_FIELD,
)
from .common import (
    INDICATOR_FIELDS,
)
from .common import (
    INDICATOR_TEXT as _INDICATOR_TEXT,
)
from .common import (
    authorize as _authorize,
)
from .common import (
    check_version as _check_version,
)
from .common import (
    insert as _insert,
)
from .common import (
    invalid as _invalid,
)
from .common import (
    save as _save,
)
from .common import (
    stamp as _stamp,
)

# -- indicators ----------------------------------------------------------------------------------

def _stripped(text: str | None) -> str | None:
    return text.strip() if text is not None else None


def _checked_text(value: Any, *, field: str, max_length: int, required: bool) -> Any:
    """One text field of an indicator, checked and stripped."""
    return _stripped(inputs.check_text(value, field=field, max_length=max_length, required=required))


def _clean_indicator_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise _invalid(f"unknown indicator fields: {', '.join(sorted(unknown))}", code="unknown-field")
    cleaned = dict(fields)
    problems = []
    for name, choices in _CHOICES.items():
        if name in cleaned and cleaned[name] not in choices.values:
            problems.append(Problem(f"{name} must be one of {', '.join(choices.values)}, got {cleaned[name]!r}",
                                    Location(field=name)))
    checks: dict[str, Callable[[Any], Any]] = {
              "sensitivity": lambda v: marking.check_marking(v),
              "code": lambda v: inputs.normalize_identifier(v, field="code", max_length=inputs.INDICATOR_CODE_MAX)}
    for name, limit in _INDICATOR_TEXT.items():
        checks[name] = functools.partial(_checked_text, field=name, max_length=limit, required=name == "name")
    for name, check in checks.items():
        if name in cleaned:
            if name == "name" and cleaned[name] is None:
                cleaned[name] = ""
            try:
                cleaned[name] = check(cleaned[name])
            except ValidationError as exc:
                problems.extend(exc.problems)
    if problems:
        raise ValidationError(problems)
    return cleaned


def create_indicator(element, *, code: str, name: str, actor, **fields) -> m.Indicator:
    """A new indicator on an objective, sub-objective or management objective (or a goal)."""
    owner_field = _ELEMENT_FIELD.get(type(element))
    if owner_field is None:
        raise InputError(f"indicators attach to objectives, sub-objectives or management objectives, not {element!r}")
    cleaned = _clean_indicator_fields({"code": code, "name": name, **fields})
    _authorize(actor, Action.EDIT, element)
    revision_gate(element.strategy_id, f"a new indicator of {element}")
    with transaction.atomic():
        if m.Indicator.objects.filter(strategy_id=element.strategy_id, code=cleaned["code"]).exists():
            raise _invalid(f"the strategy already has an indicator {cleaned['code']}", field="code", code="duplicate")
        if "position" not in cleaned:
            cleaned["position"] = m.Indicator.objects.filter(strategy_id=element.strategy_id).count()
        indicator = m.Indicator(strategy_id=element.strategy_id, **{owner_field: element}, **cleaned)
        return _save(indicator, actor)


def update_indicator(indicator: m.Indicator, changes: Mapping[str, Any], *, expected_version: int, actor,
                     reason: str = "") -> m.Indicator:
    """Change an indicator's definition; refused when it changed since ``expected_version``.

    The value type and frequency cannot change once targets or results exist: their stored
    values and periods were checked against the old ones. Making an SBU indicator public needs
    a ``reason`` and is written to the audit trail (``accounts.sensitivity``).
    """
    cleaned = _clean_indicator_fields(changes)
    reason = inputs.check_reason(reason)
    _authorize(actor, Action.EDIT, indicator)
    revision_gate(indicator.strategy_id, f"indicator {indicator.code}")
    with transaction.atomic():
        current = m.Indicator.objects.select_for_update().get(pk=indicator.pk)
        _check_version(current, expected_version)
        mark = marking.resolve(current.sensitivity, cleaned.get("sensitivity"), obj=current, actor=actor,
                               reason=reason)
        cleaned["sensitivity"] = mark.value
        for name in ("value_type", "frequency"):
            if name in cleaned and cleaned[name] != getattr(current, name) and (
                current.targets.exists() or current.results.exists()
            ):
                raise _invalid(f"{name} cannot change once the indicator has targets or results",
                               field=name, element=current.code)
        if "code" in cleaned and cleaned["code"] != current.code and m.Indicator.objects.filter(
            strategy_id=current.strategy_id, code=cleaned["code"]
        ).exists():
            raise _invalid(f"the strategy already has an indicator {cleaned['code']}", field="code", code="duplicate")
        for name, value in cleaned.items():
            setattr(current, name, value)
        _save(current, actor, reason=reason)
        if mark.lowered:
            marking.record_lowering(current, actor=actor, fields=["sensitivity"], reason=reason)
        return current


def delete_indicator(indicator: m.Indicator, *, expected_version: int, actor) -> None:
    """Delete an indicator with its baseline, breakdowns, targets and results (history keeps them)."""
    _authorize(actor, Action.EDIT, indicator)
    revision_gate(indicator.strategy_id, f"indicator {indicator.code}")
    with transaction.atomic():
        current = m.Indicator.objects.select_for_update().get(pk=indicator.pk)
        _check_version(current, expected_version)
        _stamp(current, actor).delete()


def set_baseline(indicator: m.Indicator, value, *, date=None, note: str | None = None, expected_version: int,
                 actor, reason: str = "") -> m.Baseline:
    """Set (or replace) an indicator's baseline value and date.

    ``expected_version`` is the version of the baseline read (``NEW_ROW`` when there was none).
    """
    _authorize(actor, Action.EDIT, indicator)
    value = inputs.check_text(value, field="baseline", max_length=200, element=indicator.code) \
        if isinstance(value, str) else value
    note = inputs.check_text(note, field="note", max_length=inputs.COMMENT_MAX, element=indicator.code)
    try:
        parsed = parse_value(indicator.value_type, value)
    except ValueError as exc:
        raise _invalid(str(exc), field="baseline", element=indicator.code) from None
    revision_gate(indicator.strategy_id, f"the baseline of indicator {indicator.code}")
    with transaction.atomic():
        baseline = m.Baseline.objects.select_for_update().filter(indicator=indicator).first()
        _check_version(baseline, expected_version)
        new = baseline is None
        if baseline is None:  # new
            baseline = m.Baseline(indicator=indicator)
        baseline.value, baseline.number, baseline.date, baseline.note = parsed.value, parsed.number, date, note
        return (_insert if new else _save)(baseline, actor, reason=reason)


def define_disaggregation(indicator: m.Indicator, category: str, values: Iterable[str], *,
                          exhaustive: bool = True, expected_version: int, actor, reason: str = "") -> m.Disaggregation:
    """Define (or redefine) a breakdown of an indicator: a category and its values.

    ``expected_version`` is the version of the category's breakdown read (``NEW_ROW`` for a new
    category), so a breakdown defined or changed meanwhile is a conflict, not an overwrite.
    """
    _authorize(actor, Action.EDIT, indicator)
    category = inputs.normalize_identifier(str(category or ""), field="category", max_length=60, required=False)
    values = [inputs.normalize_identifier(str(v), field="values", max_length=100, required=False) for v in values]
    values = [v for v in values if v]
    if not category or not values:
        raise _invalid("a breakdown needs a category and at least one value", field="category", element=indicator.code)
    if len(set(values)) != len(values):
        raise _invalid(f"the values of {category} repeat", field="values", element=indicator.code)
    revision_gate(indicator.strategy_id, f"the breakdowns of indicator {indicator.code}")
    with transaction.atomic():
        row = m.Disaggregation.objects.select_for_update().filter(indicator=indicator, category=category).first()
        _check_version(row, expected_version)
        new = row is None
        if row is None:  # new
            row = m.Disaggregation(indicator=indicator, category=category,
                                   position=m.Disaggregation.objects.filter(indicator=indicator).count())
        row.values, row.exhaustive = values, exhaustive
        return (_insert if new else _save)(row, actor, reason=reason)


def remove_disaggregation(disaggregation: m.Disaggregation, *, expected_version: int | None, actor,
                          reason: str = "") -> None:
    """Remove a breakdown of an indicator (as read at ``expected_version``; None is refused); refused while targets
    or results use it."""
    indicator = disaggregation.indicator
    _authorize(actor, Action.EDIT, indicator)
    revision_gate(indicator.strategy_id, f"the breakdowns of indicator {indicator.code}")
    with transaction.atomic():
        current = m.Disaggregation.objects.select_for_update().filter(pk=disaggregation.pk).first()
        _check_version(current, expected_version)
        used = (m.Target.objects.filter(indicator=indicator, category=disaggregation.category).exists()
                or m.Result.objects.filter(indicator=indicator, category=disaggregation.category).exists())
        if used:
            raise _invalid(f"{disaggregation.category} has targets or results; remove them first",
                           field="category", element=indicator.code, code="in-use")
        _stamp(disaggregation, actor, reason).delete()
