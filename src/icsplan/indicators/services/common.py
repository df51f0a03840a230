"""What every indicator write shares: permission checks, version checks, stamping and saving,
the validation context of a strategy. Public here so the sibling modules share one copy."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from icsplan.accounts.actors import is_system, require_actor
from icsplan.accounts.permissions import require
from icsplan.accounts.roles import Action
from icsplan.core import inputs
from icsplan.errors import ConflictError, Location, Problem, ValidationError
from icsplan.strategies.models import (
    Goal,
    ManagementObjective,
    Objective,
    Strategy,
    SubObjective,
)

from .. import models as m
from ..choices import Direction, Frequency, ValueType
from ..periods import Period
from ..validation import Context, EntryProblem, strategy_years
from ..values import Parsed

ELEMENT_FIELD = {Goal: "goal", Objective: "objective", SubObjective: "sub_objective",
                  ManagementObjective: "management_objective"}

# Fields of an indicator a person may set; the rest (strategy, element, version) are managed here.
INDICATOR_FIELDS = (
    "code", "name", "definition", "unit", "value_type", "direction", "cumulative", "data_source",
    "collection_method", "frequency", "responsible", "standard_code", "sensitivity", "sample", "position",
)
CHOICES = {"value_type": ValueType, "direction": Direction, "frequency": Frequency}
#: Length limits of the indicator's text fields (its columns'; free text gets one generous limit).
INDICATOR_TEXT = {"name": 5_000, "definition": 20_000, "unit": 100, "data_source": 20_000,
                   "collection_method": 20_000, "responsible": 100, "standard_code": 60}
#: The ``expected_version`` of a row the caller believes does not exist yet (versions start at 1).
NEW_ROW = 0


# -- helpers -------------------------------------------------------------------------------------

def authorize(actor, action: Action, obj) -> None:
    """Check ``actor`` may take ``action`` on ``obj``; the system actor may, ``None`` is refused."""
    require_actor(actor)
    if not is_system(actor):
        require(actor, action, obj)


def stamp(obj, actor, reason: str = ""):
    # simple_history reads _history_user; the web's request middleware covers views anyway.
    if actor is not None and getattr(actor, "pk", None):
        obj._history_user = actor
    if reason:
        obj._change_reason = reason
    return obj


def user_or_none(actor):
    """The user behind ``actor`` for foreign keys (submitted_by…): None for the system actor."""
    return actor if actor is not None and not is_system(actor) and getattr(actor, "pk", None) else None


def _expected(expected_version) -> int:
    # Mandatory on every path: a caller that cannot say which version it read would overwrite
    # whatever is stored.
    if expected_version is None or isinstance(expected_version, bool):
        raise inputs.invalid("version", "the version you read is required (0 for a new entry); reload and retry.",
                             code="version-required")
    try:
        return int(expected_version)
    except (TypeError, ValueError):
        raise inputs.invalid("version", "the version must be a whole number.", code="version-required") from None


def check_version(obj, expected_version: int | None) -> None:
    """Refuse a write based on another version than the stored one (``obj`` None: no row yet)."""
    expected = _expected(expected_version)
    current = 0 if obj is None else obj.version
    if current != expected:
        what = "it was deleted meanwhile" if obj is None else f"version {obj.version}, yours {expected}"
        raise ConflictError(
            f"{obj if obj is not None else 'This entry'} changed since you read it ({what}); reload and retry.",
            current_version=current, given_version=expected,
        )


def insert(obj, actor, reason: str = ""):
    """Save a new row; a row stored meanwhile by another request (unique constraint) is a
    conflict with the version the caller read (none), not a server error."""
    try:
        with transaction.atomic():  # a savepoint: PostgreSQL's transaction stays usable
            return save(obj, actor, reason=reason)
    except IntegrityError:
        raise ConflictError(f"{obj} was entered by someone else meanwhile; reload and retry.",
                            current_version=1, given_version=NEW_ROW) from None


def save(obj, actor, *, bump: bool = True, reason: str = ""):
    if bump and obj.pk is not None:
        obj.version += 1
    stamp(obj, actor, reason).save()
    return obj


def invalid(message: str, *, field: str | None = None, element: str | None = None, code: str = "invalid"):
    return ValidationError([Problem(message, Location(field=field, element=element), code=code)])


def entry_error(exc: EntryProblem, indicator) -> ValidationError:
    return invalid(exc.message, field=exc.field, element=indicator.code)


def load_context(strategy: Strategy) -> Context:
    """Everything validation needs about a strategy, in two queries."""
    context = Context(strategy=strategy, years=strategy_years(strategy))
    for period in m.PeriodLock.objects.filter(strategy=strategy).values_list("period", flat=True):
        context.locks.append(Period.parse(period))
    for d in m.Disaggregation.objects.filter(indicator__strategy=strategy).order_by("position", "pk"):
        context.disaggregations.setdefault(d.indicator_id, {})[d.category] = (list(d.values), d.exhaustive)
    return context


def refuse_locked(context: Context, period: Period, indicator) -> None:
    lock = context.locked(period)
    if lock is not None:
        raise invalid(f"{period.id} is locked (period {lock.id} is closed); its results can no longer change",
                       field="period", element=indicator.code, code="locked")


def parsed_of(row) -> Parsed:
    return Parsed(row.value, row.number, row.numerator, row.denominator)
