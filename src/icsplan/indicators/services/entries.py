"""Targets and results: entering them (reporters, editors), submitting, approving and returning
them (approvers, never their own submissions), and the notifications they send."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from icsplan.accounts import sensitivity as marking
from icsplan.accounts.roles import Action
from icsplan.core import inputs
from icsplan.errors import (
    InputError,
    Location,
    PermissionDenied,
    Problem,
    ValidationError,
)
from icsplan.strategies.models import Strategy
from icsplan.strategies.services.gate import revision_gate

from .. import models as m
from ..choices import ResultStatus
from ..periods import Period
from ..validation import (
    Context,
    EntryProblem,
    check_category,
    check_period,
    check_value,
    sum_problems,
)
from ..values import Parsed
from .common import (
    NEW_ROW,
    load_context,
    parsed_of,
    user_or_none,
)
from .common import (
    authorize as _authorize,
)
from .common import (
    check_version as _check_version,
)
from .common import (
    entry_error as _entry_error,
)
from .common import (
    insert as _insert,
)
from .common import (
    invalid as _invalid,
)
from .common import (
    refuse_locked as _refuse_locked,
)
from .common import (
    save as _save,
)
from .common import (
    stamp as _stamp,
)

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


def propose_targets(indicator: m.Indicator, values: Mapping[str, Any], *,
                    expected_versions: Mapping[str, int | None], actor, reason: str) -> list:
    """On the edition in force, propose the total targets of several periods: one revision per
    period (``target`` ``update``, through ``strategies.services.propose_change``), all or none.

    ``values`` and ``expected_versions`` are those ``set_targets`` takes. A revision sets a
    target, it cannot remove one, so a blank value is refused. Each row's problems are reported
    with ``field`` set to its period id. Returns the revisions proposed, in the order given.
    """
    from icsplan.strategies.services import propose_change

    problems: list[Problem] = []
    proposed = []
    with transaction.atomic():
        for given, value in values.items():
            where = Location(field=str(given), element=indicator.code)
            if value is None or (isinstance(value, str) and not value.strip()):
                problems.append(Problem("a revision sets a target, it cannot remove one: give a figure", where))
                continue
            expected = expected_versions.get(given)
            try:
                proposed.append(propose_change(
                    "target", "update", parent=indicator, changes={"period": str(given), "value": value},
                    expected_version=NEW_ROW if expected is None else expected, actor=actor, reason=reason))
            except ValidationError as exc:
                problems.extend(Problem(pr.message, where, code=pr.code) for pr in exc.problems)
        if problems:
            raise ValidationError(problems)  # rolls back the revisions proposed for the other rows
    return proposed


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
