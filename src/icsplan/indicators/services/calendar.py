"""Period locks and the reporting calendar (due dates) of a strategy."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from icsplan.accounts.roles import Action
from icsplan.errors import ConflictError
from icsplan.strategies.models import Strategy

from .. import models as m
from ..periods import Period
from .common import (
    authorize as _authorize,
)
from .common import (
    invalid as _invalid,
)
from .common import (
    load_context,
    user_or_none,
)
from .common import (
    save as _save,
)
from .common import (
    stamp as _stamp,
)

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
