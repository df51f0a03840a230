"""Every change to indicators, targets and results goes through these functions.

Each one checks permissions, validates, writes and records history in one transaction, and
raises icsplan errors (``ValidationError`` with every problem, ``ConflictError`` on a stale
``expected_version``, ``NotFoundError``/``PermissionDenied`` from the permission layer). Views,
the API, the importers and the CLI all call them, so every rule about an input lives here (or in
``validation``/``values``/``icsplan.core.inputs``), never only in a form or a schema.

Every write takes the version the caller read, ``expected_version``; for a row that does not
exist yet that is ``NEW_ROW`` (0), so of two people entering the same first result one wins and
the other gets ``ConflictError``, never a silent overwrite. A marking that is not given keeps the
stored one (``accounts.sensitivity``); approvers never decide their own submissions.

``actor`` is the user doing the change, a keyword every function requires: the named
``accounts.actors.SYSTEM`` is the trusted local operator (the CLI, the demo loader, tests) and
skips the permission checks; ``None`` is refused, so a forgotten actor fails closed.

Roles: reporters report results, approvers approve or return them (never their own
submissions) and lock periods, editors edit indicators, baselines, breakdowns and targets.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from icsplan.accounts import sensitivity as marking
from icsplan.accounts.actors import is_system, require_actor
from icsplan.accounts.permissions import require
from icsplan.accounts.roles import Action
from icsplan.core import inputs
from icsplan.errors import ConflictError, InputError, Location, PermissionDenied, Problem, ValidationError
from icsplan.strategies.services.gate import revision_gate
from icsplan.strategies.models import Goal, ManagementObjective, Objective, Strategy, SubObjective

from . import models as m

from .choices import Direction, Frequency, ResultStatus, ValueType
from .periods import Period
from .validation import (
    Context,
    EntryProblem,
    check_category,
    check_period,
    check_value,
    strategy_years,
    sum_problems,
)
from .values import Parsed, parse_value

_ELEMENT_FIELD = {Goal: "goal", Objective: "objective", SubObjective: "sub_objective",
                  ManagementObjective: "management_objective"}

# Fields of an indicator a person may set; the rest (strategy, element, version) are managed here.
INDICATOR_FIELDS = (
    "code", "name", "definition", "unit", "value_type", "direction", "cumulative", "data_source",
    "collection_method", "frequency", "responsible", "standard_code", "sensitivity", "sample", "position",
)
_CHOICES = {"value_type": ValueType, "direction": Direction, "frequency": Frequency}
#: Length limits of the indicator's text fields (its columns'; free text gets one generous limit).
_INDICATOR_TEXT = {"name": 5_000, "definition": 20_000, "unit": 100, "data_source": 20_000,
                   "collection_method": 20_000, "responsible": 100, "standard_code": 60}
#: The ``expected_version`` of a row the caller believes does not exist yet (versions start at 1).
NEW_ROW = 0


# -- helpers -------------------------------------------------------------------------------------

def _authorize(actor, action: Action, obj) -> None:
    """Check ``actor`` may take ``action`` on ``obj``; the system actor may, ``None`` is refused."""
    require_actor(actor)
    if not is_system(actor):
        require(actor, action, obj)


def _stamp(obj, actor, reason: str = ""):
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


def _check_version(obj, expected_version: int | None) -> None:
    """Refuse a write based on another version than the stored one (``obj`` None: no row yet)."""
    expected = _expected(expected_version)
    current = 0 if obj is None else obj.version
    if current != expected:
        what = "it was deleted meanwhile" if obj is None else f"version {obj.version}, yours {expected}"
        raise ConflictError(
            f"{obj if obj is not None else 'This entry'} changed since you read it ({what}); reload and retry.",
            current_version=current, given_version=expected,
        )


def _insert(obj, actor, reason: str = ""):
    """Save a new row; a row stored meanwhile by another request (unique constraint) is a
    conflict with the version the caller read (none), not a server error."""
    try:
        with transaction.atomic():  # a savepoint: PostgreSQL's transaction stays usable
            return _save(obj, actor, reason=reason)
    except IntegrityError:
        raise ConflictError(f"{obj} was entered by someone else meanwhile; reload and retry.",
                            current_version=1, given_version=NEW_ROW) from None


def _save(obj, actor, *, bump: bool = True, reason: str = ""):
    if bump and obj.pk is not None:
        obj.version += 1
    _stamp(obj, actor, reason).save()
    return obj


def _invalid(message: str, *, field: str | None = None, element: str | None = None, code: str = "invalid"):
    return ValidationError([Problem(message, Location(field=field, element=element), code=code)])


def _entry_error(exc: EntryProblem, indicator) -> ValidationError:
    return _invalid(exc.message, field=exc.field, element=indicator.code)


def load_context(strategy: Strategy) -> Context:
    """Everything validation needs about a strategy, in two queries."""
    context = Context(strategy=strategy, years=strategy_years(strategy))
    for period in m.PeriodLock.objects.filter(strategy=strategy).values_list("period", flat=True):
        context.locks.append(Period.parse(period))
    for d in m.Disaggregation.objects.filter(indicator__strategy=strategy).order_by("position", "pk"):
        context.disaggregations.setdefault(d.indicator_id, {})[d.category] = (list(d.values), d.exhaustive)
    return context


def _refuse_locked(context: Context, period: Period, indicator) -> None:
    lock = context.locked(period)
    if lock is not None:
        raise _invalid(f"{period.id} is locked (period {lock.id} is closed); its results can no longer change",
                       field="period", element=indicator.code, code="locked")


def parsed_of(row) -> Parsed:
    return Parsed(row.value, row.number, row.numerator, row.denominator)


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
                 actor) -> m.Baseline:
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
    with transaction.atomic():
        baseline = m.Baseline.objects.select_for_update().filter(indicator=indicator).first()
        _check_version(baseline, expected_version)
        new = baseline is None
        if baseline is None:  # new
            baseline = m.Baseline(indicator=indicator)
        baseline.value, baseline.number, baseline.date, baseline.note = parsed.value, parsed.number, date, note
        return (_insert if new else _save)(baseline, actor)


def define_disaggregation(indicator: m.Indicator, category: str, values: Iterable[str], *,
                          exhaustive: bool = True, expected_version: int, actor) -> m.Disaggregation:
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
    with transaction.atomic():
        row = m.Disaggregation.objects.select_for_update().filter(indicator=indicator, category=category).first()
        _check_version(row, expected_version)
        new = row is None
        if row is None:  # new
            row = m.Disaggregation(indicator=indicator, category=category,
                                   position=m.Disaggregation.objects.filter(indicator=indicator).count())
        row.values, row.exhaustive = values, exhaustive
        return (_insert if new else _save)(row, actor)


def remove_disaggregation(disaggregation: m.Disaggregation, *, expected_version: int | None, actor) -> None:
    """Remove a breakdown of an indicator (as read at ``expected_version``; None is refused); refused while targets
    or results use it."""
    indicator = disaggregation.indicator
    _authorize(actor, Action.EDIT, indicator)
    with transaction.atomic():
        current = m.Disaggregation.objects.select_for_update().filter(pk=disaggregation.pk).first()
        _check_version(current, expected_version)
        used = (m.Target.objects.filter(indicator=indicator, category=disaggregation.category).exists()
                or m.Result.objects.filter(indicator=indicator, category=disaggregation.category).exists())
        if used:
            raise _invalid(f"{disaggregation.category} has targets or results; remove them first",
                           field="category", element=indicator.code, code="in-use")
        _stamp(disaggregation, actor).delete()


# -- targets and results -------------------------------------------------------------------------

def _prepare(indicator: m.Indicator, period, category, category_value, value, numerator, denominator):
    context = load_context(indicator.strategy)
    try:
        p = check_period(context, indicator, period)
        key = check_category(context, indicator, category, category_value)
        parsed = check_value(indicator, value, numerator, denominator)
    except EntryProblem as exc:
        raise _entry_error(exc, indicator) from None
    return context, p, key, parsed


def _check_sums(context: Context, indicator, model, period: Period) -> None:
    entries = {(r.category, r.category_value): parsed_of(r)
               for r in model.objects.filter(indicator=indicator, period=period.id)}
    messages = sum_problems(context, indicator, entries)
    if messages:
        raise ValidationError([Problem(msg, Location(field="value", element=indicator.code), code="sum")
                               for msg in messages])


def clean_entry_text(indicator, *, value=None, comment=None, evidence_url=None) -> tuple[Any, str | None, str | None]:
    """The free-text parts of a target or result entry, checked: (value, comment, evidence link).

    A value given as text is limited to its column and refused with control characters; the
    comment likewise; the evidence link must be an http(s) address. Raises ``ValidationError``
    naming the field (and the indicator). The single edits and the bulk importer both use it.
    """
    element = getattr(indicator, "code", None)
    problems: list[Problem] = []
    checked: list[Any] = [value, comment, evidence_url]
    checks = [
        lambda v: inputs.check_text(v, field="value", max_length=inputs.VALUE_MAX, element=element)
        if isinstance(v, str) else v,
        lambda v: inputs.check_text(v, field="comment", max_length=inputs.COMMENT_MAX, element=element) or None,
        lambda v: inputs.check_url(v, field="evidence_url", element=element),
    ]
    for i, check in enumerate(checks):
        try:
            checked[i] = check(checked[i])
        except ValidationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationError(problems)
    return checked[0], checked[1], checked[2]


def default_marking(indicator) -> str:
    """The marking of a new target or result given none: its indicator's (SBU stays SBU)."""
    return marking.SBU if getattr(indicator, "sensitivity", None) == marking.SBU else marking.PUBLIC


def set_target(indicator: m.Indicator, period: str, value, *, numerator=None, denominator=None,
               category: str | None = None, category_value: str | None = None, comment: str | None = None,
               sensitivity: str | None = None, reason: str = "", expected_version: int, actor) -> m.Target:
    """Set the target of an indicator for a period (and, optionally, one breakdown value).

    ``expected_version`` is the version of the target read (``NEW_ROW`` when there was none);
    ``sensitivity`` None keeps the stored marking (a new target takes its indicator's); lowering
    SBU to public needs a ``reason``.
    """
    _authorize(actor, Action.EDIT, indicator)
    revision_gate(indicator.strategy_id, f"the targets of indicator {indicator.code}")
    value, comment, _ = clean_entry_text(indicator, value=value, comment=comment)
    reason = inputs.check_reason(reason)
    with transaction.atomic():
        context, p, (cat, cat_value), parsed = _prepare(indicator, period, category, category_value,
                                                        value, numerator, denominator)
        target = (m.Target.objects.select_for_update()
                  .filter(indicator=indicator, period=p.id, category=cat, category_value=cat_value).first())
        _check_version(target, expected_version)
        mark = marking.resolve(target.sensitivity if target else None, sensitivity, obj=indicator, actor=actor,
                               reason=reason, default=default_marking(indicator))
        new = target is None
        if target is None:  # new
            target = m.Target(strategy_id=indicator.strategy_id, indicator=indicator, period=p.id,
                              category=cat, category_value=cat_value)
        target.value, target.number = parsed.value, parsed.number
        target.numerator, target.denominator = parsed.numerator, parsed.denominator
        target.comment, target.sensitivity = comment, mark.value
        (_insert if new else _save)(target, actor, reason=reason)
        if mark.lowered:
            marking.record_lowering(target, actor=actor, fields=["sensitivity"], reason=reason)
        _check_sums(context, indicator, m.Target, p)
        return target


def set_targets(indicator: m.Indicator, values: Mapping[str, Any], *,
                expected_versions: Mapping[str, int | None], actor) -> list[m.Target]:
    """Set the total targets of several periods of one indicator at once: all of them, or none.

    ``values`` maps period ids to values; a blank value (None or "") removes that period's
    target. Every row is checked before anything is written, through the same rules as
    ``set_target``; the ``ValidationError`` lists the problems of every refused row, each with
    ``field`` set to the period id as given. ``expected_versions`` maps period ids to the version
    of the target the person read (None or ``NEW_ROW`` when there was none): a target changed,
    created or removed meanwhile raises ``ConflictError``. New targets take their indicator's
    marking, existing ones keep theirs. Returns the targets written (removed ones excluded).
    """
    _authorize(actor, Action.EDIT, indicator)
    revision_gate(indicator.strategy_id, f"the targets of indicator {indicator.code}")
    with transaction.atomic():
        context = load_context(indicator.strategy)
        existing = {t.period: t for t in m.Target.objects.select_for_update()
                    .filter(indicator=indicator, category="", category_value="")}
        problems: list[Problem] = []
        checked: list[tuple[str, Period, Parsed | None]] = []
        for given, value in values.items():
            where = Location(field=str(given), element=indicator.code)
            try:
                p = check_period(context, indicator, given)
                blank = value is None or (isinstance(value, str) and not value.strip())
                if not blank:
                    clean_entry_text(indicator, value=value)
                parsed = None if blank else check_value(indicator, value)
            except EntryProblem as exc:
                problems.append(Problem(exc.message, where))
                continue
            except ValidationError as exc:
                problems.extend(Problem(pr.message, where, code=pr.code) for pr in exc.problems)
                continue
            checked.append((str(given), p, parsed))
        if problems:
            raise ValidationError(problems)
        written: list[m.Target] = []
        for given, p, parsed in checked:
            target = existing.get(p.id)
            expected = expected_versions.get(given)
            _check_version(target, NEW_ROW if expected is None else expected)
            if parsed is None:
                if target is not None:
                    _stamp(target, actor).delete()
                continue
            new = target is None
            if target is None:  # new
                target = m.Target(strategy_id=indicator.strategy_id, indicator=indicator, period=p.id,
                                  sensitivity=default_marking(indicator))
            target.value, target.number = parsed.value, parsed.number
            target.numerator, target.denominator = parsed.numerator, parsed.denominator
            written.append((_insert if new else _save)(target, actor))
        for given, p, parsed in checked:
            try:
                _check_sums(context, indicator, m.Target, p)
            except ValidationError as exc:
                raise ValidationError([Problem(pr.message, Location(field=given, element=indicator.code), code=pr.code)
                                       for pr in exc.problems]) from None
        return written


def _write_result(indicator, period, value, *, numerator, denominator, category, category_value, comment,
                  evidence_url, sensitivity, reason, expected_version, actor, status: str,
                  check_sums: bool = True) -> m.Result:
    _authorize(actor, Action.REPORT, indicator)
    value, comment, evidence_url = clean_entry_text(indicator, value=value, comment=comment,
                                                    evidence_url=evidence_url)
    reason = inputs.check_reason(reason)
    if (value is None or not str(value).strip()) and numerator is None and denominator is None:
        # An empty entry used to replace the stored figure with nothing; there is no "blank" result.
        raise _invalid("enter a value: an empty result is not saved", field="value", element=indicator.code,
                       code="value-required")
    with transaction.atomic():
        context, p, (cat, cat_value), parsed = _prepare(indicator, period, category, category_value,
                                                        value, numerator, denominator)
        _refuse_locked(context, p, indicator)
        result = (m.Result.objects.select_for_update()
                  .filter(indicator=indicator, period=p.id, category=cat, category_value=cat_value).first())
        _check_version(result, expected_version)
        if result is not None and result.status == ResultStatus.APPROVED and not reason:
            # An approved figure already counts (and may be public): replacing it is a decision
            # the approver must be able to read the reason for.
            raise _invalid(f"{indicator.code} {p.id} is already approved; give a reason to change it",
                           field="reason", element=indicator.code, code="reason-required")
        mark = marking.resolve(result.sensitivity if result else None, sensitivity, obj=indicator, actor=actor,
                               reason=reason, default=default_marking(indicator))
        new = result is None
        if result is None:  # new
            result = m.Result(strategy_id=indicator.strategy_id, indicator=indicator, period=p.id,
                              category=cat, category_value=cat_value)
        result.value, result.number = parsed.value, parsed.number
        result.numerator, result.denominator = parsed.numerator, parsed.denominator
        result.comment, result.evidence_url, result.sensitivity = comment, evidence_url, mark.value
        # Any change sends the result back through clearance: an approved figure that is edited
        # no longer counts until it is approved again.
        result.status, result.return_reason = status, ""
        result.decided_by = result.decided_at = None
        if status == ResultStatus.SUBMITTED:
            result.submitted_by, result.submitted_at = user_or_none(actor), timezone.now()
        (_insert if new else _save)(result, actor, reason=reason)
        if mark.lowered:
            marking.record_lowering(result, actor=actor, fields=["sensitivity"], reason=reason)
        if check_sums:
            _check_sums(context, indicator, m.Result, p)
        if status == ResultStatus.SUBMITTED:
            _tell_approvers(indicator.strategy)
        return result


def _url(name: str, *args) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a deployment without the web pages
        return ""


def _tell_approvers(strategy: Strategy) -> None:
    """Results await approval: one unread notice per approver and edition, not one per result."""
    from icsplan.accounts import notifications

    mission = strategy.mission
    notifications.notify(notifications.approvers_of(mission), "awaiting",
                         f"Results of Mission {mission.country} await your approval.",
                         url=_url("web:approvals", mission.slug), mission=mission, key=f"awaiting:{strategy.pk}")


def _tell_reporter(result: m.Result) -> None:
    """A result was returned: its reporter reads why."""
    from icsplan.accounts import notifications

    mission = result.strategy.mission
    if result.submitted_by_id is None:
        return
    notifications.notify([result.submitted_by], "returned",
                         f"{result.indicator.code} {result.period} was returned: {result.return_reason}",
                         url=_url("web:results", mission.slug) + f"?period={result.period}", mission=mission)


def save_result(indicator: m.Indicator, period: str, value, *, numerator=None, denominator=None,
                category: str | None = None, category_value: str | None = None, comment: str | None = None,
                evidence_url: str | None = None, sensitivity: str | None = None, reason: str = "",
                expected_version: int, actor) -> m.Result:
    """Record a result as a draft (not yet sent for approval).

    ``expected_version`` is the version of the result read (``NEW_ROW`` when there was none);
    ``sensitivity`` None keeps the stored marking (a new result takes its indicator's); lowering
    SBU to public needs a ``reason`` and an editor or approver.
    """
    return _write_result(indicator, period, value, numerator=numerator, denominator=denominator,
                         category=category, category_value=category_value, comment=comment,
                         evidence_url=evidence_url, sensitivity=sensitivity, reason=reason,
                         expected_version=expected_version, actor=actor, status=ResultStatus.DRAFT)


def submit_result(indicator: m.Indicator, period: str, value, *, numerator=None, denominator=None,
                  category: str | None = None, category_value: str | None = None, comment: str | None = None,
                  evidence_url: str | None = None, sensitivity: str | None = None, reason: str = "",
                  expected_version: int, actor) -> m.Result:
    """Record a result and send it for approval (status ``submitted``); arguments as ``save_result``."""
    return _write_result(indicator, period, value, numerator=numerator, denominator=denominator,
                         category=category, category_value=category_value, comment=comment,
                         evidence_url=evidence_url, sensitivity=sensitivity, reason=reason,
                         expected_version=expected_version, actor=actor, status=ResultStatus.SUBMITTED)


def save_with_breakdowns(indicator: m.Indicator, period: str, value, *, breakdowns: Mapping[tuple[str, str], tuple[Any, int]],
                         expected_version: int, numerator=None, denominator=None, comment: str | None = None,
                         evidence_url: str | None = None, reason: str = "", submit: bool = True,
                         actor) -> m.Result:
    """A result and its breakdown values (e.g. by sex) entered together: all written or none.

    ``breakdowns`` maps (category, value) to (the entered figure, the version read; ``NEW_ROW``
    for a first entry); empty figures are left out. The sums of exhaustive breakdowns are checked
    once, after every figure is written, so changing a total and its parts together is possible.
    """
    status = ResultStatus.SUBMITTED if submit else ResultStatus.DRAFT
    with transaction.atomic():
        total = _write_result(indicator, period, value, numerator=numerator, denominator=denominator,
                              category=None, category_value=None, comment=comment, evidence_url=evidence_url,
                              sensitivity=None, reason=reason, expected_version=expected_version, actor=actor,
                              status=status, check_sums=False)
        for (category, category_value), (figure, version) in breakdowns.items():
            if figure is None or not str(figure).strip():
                continue
            _write_result(indicator, period, figure, numerator=None, denominator=None, category=category,
                          category_value=category_value, comment=None, evidence_url=None, sensitivity=None,
                          reason=reason, expected_version=version, actor=actor, status=status, check_sums=False)
        _check_sums(load_context(indicator.strategy), indicator, m.Result, Period.parse(total.period))
    return total


def refuse_own_submission(result, actor) -> None:
    """Separation of duties: nobody approves or returns a result they submitted themselves."""
    user = user_or_none(actor)
    if user is not None and result.submitted_by_id is not None and result.submitted_by_id == user.pk:
        raise PermissionDenied("You submitted this result; another approver must approve or return it.",
                               code="own-submission")


def _decide(result: m.Result, *, actor, expected_version: int, status: str, reason: str = "") -> m.Result:
    _authorize(actor, Action.APPROVE, result)
    with transaction.atomic():
        current = m.Result.objects.select_for_update().select_related("indicator", "strategy").get(pk=result.pk)
        _check_version(current, expected_version)
        if current.status != ResultStatus.SUBMITTED:
            raise InputError(f"only a submitted result can be {status}; this one is {current.status}",
                             code="wrong-state")
        refuse_own_submission(current, actor)
        _refuse_locked(load_context(current.strategy), Period.parse(current.period), current.indicator)
        current.status, current.return_reason = status, reason
        current.decided_by, current.decided_at = user_or_none(actor), timezone.now()
        return _save(current, actor)


def approve_result(result: m.Result, *, actor, expected_version: int) -> m.Result:
    """Approve a submitted result: from now on it counts towards the period's actual.

    Refused (``PermissionDenied``) when the approver submitted it, and on a stale version."""
    return _decide(result, actor=actor, expected_version=expected_version, status=ResultStatus.APPROVED)


def return_result(result: m.Result, reason: str, *, actor, expected_version: int) -> m.Result:
    """Send a submitted result back to its reporter with a reason (not one's own submission)."""
    reason = inputs.check_text(reason, field="reason", max_length=inputs.RETURN_REASON_MAX) or ""
    reason = reason.strip()
    if not reason:
        raise _invalid("say why the result is returned: the reporter reads the reason to correct it",
                       field="reason", code="reason-required")
    returned = _decide(result, actor=actor, expected_version=expected_version, status=ResultStatus.RETURNED,
                       reason=reason)
    _tell_reporter(returned)
    return returned


# -- period locks --------------------------------------------------------------------------------

def lock_period(strategy: Strategy, period: str, *, reason: str = "", actor) -> m.PeriodLock:
    """Close a reporting period: its results (and those of overlapping periods) can no longer change."""
    _authorize(actor, Action.APPROVE, strategy)
    try:
        p = Period.parse(period)
    except ValueError as exc:
        raise _invalid(str(exc), field="period") from None
    with transaction.atomic():
        existing = m.PeriodLock.objects.filter(strategy=strategy, period=p.id).first()
        if existing is not None:
            return existing
        lock = m.PeriodLock(strategy=strategy, period=p.id, reason=reason, locked_by=user_or_none(actor))
        try:
            return _save(lock, actor, bump=False)
        except IntegrityError as exc:  # a concurrent lock of the same period
            raise ConflictError(f"{p.id} was locked meanwhile") from exc


def unlock_period(strategy: Strategy, period: str, *, actor) -> None:
    """Reopen a reporting period (the lock's history stays)."""
    _authorize(actor, Action.APPROVE, strategy)
    with transaction.atomic():
        for lock in m.PeriodLock.objects.filter(strategy=strategy, period=Period.parse(period).id):
            _stamp(lock, actor).delete()


def is_locked(strategy: Strategy, period: str) -> bool:
    return load_context(strategy).locked(Period.parse(period)) is not None


# -- reporting calendar --------------------------------------------------------------------------

def set_due_date(strategy: Strategy, period: str, due_date, *, actor) -> m.ReportingDeadline:
    """Set (or move) the date by which ``period``'s results are due: the coordinator's (editors')
    reporting calendar. The date must fall after the period starts."""
    import datetime as dt

    _authorize(actor, Action.EDIT, strategy)
    try:
        p = Period.parse(period)
    except ValueError as exc:
        raise _invalid(str(exc), field="period") from None
    if not isinstance(due_date, dt.date):
        try:
            due_date = dt.date.fromisoformat(str(due_date or "").strip())
        except ValueError:
            raise _invalid("give the due date as a date, e.g. 2019-10-31", field="due_date",
                           code="invalid-date") from None
    if due_date < p.start:
        raise _invalid(f"the due date of {p.id} cannot fall before the period starts ({p.start:%Y-%m-%d})",
                       field="due_date", code="invalid-date")
    with transaction.atomic():
        row = m.ReportingDeadline.objects.select_for_update().filter(strategy=strategy, period=p.id).first()
        if row is None:
            row = m.ReportingDeadline(strategy=strategy, period=p.id, due_date=due_date)
        row.due_date, row.set_by = due_date, user_or_none(actor)
        # The calendar's history (who moved which date, when) is its history table.
        _stamp(row, actor).save()
        return row


def approve_results(decisions: Iterable[tuple[m.Result, int]], *, actor) -> list[m.Result]:
    """Approve a batch of submitted results, all or nothing.

    ``decisions`` pairs each result with the version the approver saw. Each goes through
    ``approve_result`` (the same checks as a single approval); if any is refused, none is approved
    and the ``ValidationError`` names every refused result with its reason, one sentence each.
    """
    decisions = list(decisions)
    if not decisions:
        raise _invalid("select at least one result to approve", field="selection", code="nothing-selected")
    problems: list[Problem] = []
    approved: list[m.Result] = []
    with transaction.atomic():
        for result, version in decisions:
            label = f"{result.indicator.code} {result.period}" + (
                f" ({result.category}: {result.category_value})" if result.category else "")
            try:
                with transaction.atomic():  # a savepoint: the next result is still tried on PostgreSQL
                    approved.append(approve_result(result, actor=actor, expected_version=version))
            except ConflictError:
                problems.append(Problem(f"{label} changed since the queue was shown; reload it",
                                        Location(element=result.indicator.code), code="conflict"))
            except ValidationError as exc:
                problems += [Problem(f"{label}: {p.message}", p.where, code=p.code) for p in exc.problems]
            except (InputError, PermissionDenied) as exc:
                problems.append(Problem(f"{label}: {exc.message}", Location(element=result.indicator.code),
                                        code=exc.code))
        if problems:
            # Roll back the approvals made so far: a batch is approved whole or not at all.
            transaction.set_rollback(True)
    if problems:
        raise ValidationError(problems, code="batch-refused")
    return approved
