"""Which fields of which rows may be edited, and how each value is checked and normalised.

A ``*_sensitivity`` change from SBU to public needs a reason and is audited
(``accounts.sensitivity``); a ``reason`` is limited to what history keeps.
"""

from __future__ import annotations

import re
from typing import Any

from icsplan import document as doc
from icsplan.accounts import sensitivity as marking
from icsplan.core import inputs
from icsplan.errors import ValidationError

from .. import models as m


MAX_TITLE = inputs.TITLE_MAX


MAX_TEXT = inputs.TEXT_MAX


_NUMBER = re.compile(r"^[0-9A-Za-z]{1,5}(\.[0-9A-Za-z]{1,5}){0,4}$")


_SENSITIVITIES = {marking.value for marking in doc.Sensitivity}


_ELEMENT_COMMON = {"number", "title", "framework_title", "linkages_text", "linkages_text_sensitivity"}


EDITABLE_FIELDS: dict[type, frozenset[str]] = {
    m.Goal: frozenset(_ELEMENT_COMMON | {"description", "description_sensitivity"}),
    m.Objective: frozenset(_ELEMENT_COMMON | {"justification", "justification_sensitivity"}),
    m.ManagementObjective: frozenset(_ELEMENT_COMMON | {"justification", "justification_sensitivity"}),
    m.SubObjective: frozenset(_ELEMENT_COMMON | {"justification", "justification_sensitivity"}),
    m.Strategy: frozenset({"title", "priorities", "priorities_sensitivity", "classification", "fiscal_year_start",
                           "fiscal_year_end"}),
}


RISK_FIELDS = frozenset({"statement", "likelihood", "impact", "mitigation", "owner", "sensitivity", "in_narrative"})


_REQUIRED_TEXT = {"title", "number", "statement"}


def clean_value(model, name: str, value: Any) -> Any:
    """One field value checked and normalised; raises ValidationError naming the field."""
    where = doc_location(name)

    def bad(message: str):
        return ValidationError([problem(message, where)])

    if name.endswith("sensitivity") or name == "sensitivity":
        value = getattr(value, "value", value)
        if not isinstance(value, str) or value not in _SENSITIVITIES:  # a list is unhashable
            raise bad(f"{name} must be 'public' or 'sbu'.")
        return value
    if name in ("fiscal_year_start", "fiscal_year_end"):
        if value in (None, ""):
            return None
        try:
            year = int(value)
        except (TypeError, ValueError):
            raise bad(f"{name} must be a year.") from None
        if not 1990 <= year <= 2100:
            raise bad(f"{name} must be a year between 1990 and 2100.")
        return year
    if name == "in_narrative":
        if not isinstance(value, bool):
            raise bad("in_narrative must be true or false.")
        return value
    if name in ("likelihood", "impact"):
        if value in (None, ""):
            return None
        if value not in m.RiskLevel.values:
            raise bad(f"{name} must be one of {', '.join(m.RiskLevel.values)}.")
        return value
    if name == "status":
        if value not in (m.StrategyStatus.DRAFT, m.StrategyStatus.ARCHIVED):
            raise bad("status may be set to draft or archived here; approving an edition is a separate step.")
        return str(value)
    # Text fields.
    if value is None:
        if name in _REQUIRED_TEXT:
            raise bad(f"{name} may not be empty.")
        return None
    if not isinstance(value, str):
        raise bad(f"{name} must be text.")
    inputs.check_text(value, field=name)  # NUL and other control characters
    limit = MAX_TITLE if name in ("title", "framework_title", "statement", "owner", "classification") else MAX_TEXT
    if name == "number":
        # Compared for uniqueness: look-alike and invisible characters must not make a second "1.1".
        value = inputs.normalize_identifier(value, field="number", max_length=20)
        if not _NUMBER.match(value):
            raise bad("number must look like 1, 1.2 or 1.2.3.")
        return value
    if name in ("owner",):
        limit = 100
    if name == "classification":
        limit = 100
    if name == "title" and model is m.Strategy:
        limit = 300
    if len(value) > limit:
        raise bad(f"{name} is too long ({len(value):,} characters; at most {limit:,}).")
    if name in _REQUIRED_TEXT and not value.strip():
        raise bad(f"{name} may not be empty.")
    return value


def doc_location(name: str):
    from icsplan.errors import Location

    return Location(field=name)


def problem(message: str, where):
    from icsplan.errors import Problem

    return Problem(message, where, code="invalid-field")


def clean_changes(model, changes: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(changes, dict) or not changes:
        raise ValidationError("No changes were given.")
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(
            [problem(f"{name} cannot be edited here (editable: {', '.join(sorted(allowed))}).", doc_location(name))
             for name in unknown]
        )
    return {name: clean_value(model, name, value) for name, value in changes.items()}


def lower_markings(locked, clean: dict[str, Any], *, actor, reason: str) -> list[str]:
    """The ``*_sensitivity`` fields an edit lowers from SBU to public, after checking that the
    actor may and gave a reason (``accounts.sensitivity``)."""
    lowered = []
    for name, value in clean.items():
        if name == "sensitivity" or name.endswith("_sensitivity"):
            if marking.resolve(getattr(locked, name), value, obj=locked, actor=actor, reason=reason,
                               field=name).lowered:
                lowered.append(name)
    return lowered
