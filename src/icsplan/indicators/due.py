"""What is due, per person: the reporter's work list and the approver's waiting results.

Built from the reporting calendar (``ReportingDeadline``: a due date per period, set by the
coordinator) and the results workflow. Read only; every queryset goes through the permission
layer and the redaction point (``visible_to``), so a person's list never names an indicator or
a result they may not read.

Extension point: ``WorkList`` gathers one person's items by kind; later kinds (reviews to
complete, revisions awaiting approval) add a field and a collector in ``work_for``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from icsplan.accounts.permissions import can_report, restrict
from icsplan.accounts.redaction import visible

from . import models as m
from .choices import ResultStatus
from .periods import Period, fiscal_year_of, sort_key

#: results in these states count as handed in: they are no longer due
HANDED_IN = (ResultStatus.SUBMITTED, ResultStatus.APPROVED)


@dataclass
class DueItem:
    """One indicator's result for one period that the person still owes (or that came back)."""

    indicator: Any
    period: str
    due_date: dt.date | None
    result: Any = None  # the stored result (a draft, a returned one) or None
    overdue: bool = False

    @property
    def reason(self) -> str:
        """The approver's reason, for a returned result."""
        return getattr(self.result, "return_reason", "") or ""


@dataclass
class WorkList:
    """What waits for one person in one edition."""

    due: list[DueItem] = field(default_factory=list)
    overdue: list[DueItem] = field(default_factory=list)
    returned: list[DueItem] = field(default_factory=list)
    awaiting_approval: list[Any] = field(default_factory=list)
    # Filled by the caller from the apps this one may not import (strategies' revisions, reviews).
    revisions: list[Any] = field(default_factory=list)  # proposed revisions awaiting their decision
    assessments: list[Any] = field(default_factory=list)  # review assessments they are to rate
    reviews: list[Any] = field(default_factory=list)  # submitted reviews awaiting their approval
    action_items: list[Any] = field(default_factory=list)  # review action items of theirs past due

    @property
    def count(self) -> int:
        """How many things wait for the person (the number shown in the header)."""
        return (len(self.due) + len(self.overdue) + len(self.returned) + len(self.awaiting_approval)
                + len(self.revisions) + len(self.assessments) + len(self.reviews) + len(self.action_items))


def deadlines(user, strategy) -> list[m.ReportingDeadline]:
    """The reporting calendar of an edition, by due date."""
    rows = restrict(m.ReportingDeadline.objects.filter(strategy=strategy), user, "view_public")
    return list(rows.order_by("due_date", "period"))


def current_period(today: dt.date) -> str:
    """The fiscal year holding ``today`` (the period reported on by default)."""
    return f"FY{fiscal_year_of(today)}"


def reportable_indicators(user, strategy) -> list[m.Indicator]:
    """The indicators of an edition the person reports on (their assignments for reporters)."""
    rows = visible(restrict(m.Indicator.objects.filter(strategy=strategy), user, "report"), user)
    rows = rows.select_related("strategy__mission", "sub_objective", "objective", "management_objective")
    return [i for i in rows.order_by("position", "pk") if can_report(user, i)]


def work_for(user, strategy, *, today: dt.date | None = None, indicators: list | None = None,
             approver: bool = False) -> WorkList:
    """What waits for ``user`` in ``strategy``: results due or overdue by the calendar, results
    returned to them, and (``approver``) results awaiting their decision."""
    today = today or dt.date.today()
    out = WorkList()
    if getattr(user, "is_authenticated", False) and not user.is_anonymous:
        if indicators is None:
            indicators = reportable_indicators(user, strategy)
        _reporter_items(user, strategy, indicators, today, out)
        if approver:
            rows = restrict(m.Result.objects.filter(strategy=strategy, status=ResultStatus.SUBMITTED), user, "approve")
            rows = visible(rows, user).exclude(submitted_by=user)
            out.awaiting_approval = list(rows.select_related("indicator").order_by("submitted_at", "pk"))
    return out


def _reporter_items(user, strategy, indicators: list, today: dt.date, out: WorkList) -> None:
    if not indicators:
        return
    calendar = {d.period: d.due_date for d in deadlines(user, strategy)}
    current = current_period(today)
    # Periods that have started: their deadline applies; with no calendar, the current year is due.
    periods = [p for p in calendar if Period.parse(p).start <= today] or [current]
    ids = [i.pk for i in indicators]
    # Only what the lists below read: the results of the due periods, and the returned ones.
    rows = m.Result.objects.filter(Q(period__in=periods) | Q(status=ResultStatus.RETURNED), indicator_id__in=ids,
                                   category="")
    results = visible(restrict(rows, user, "view"), user)
    by_key = {(r.indicator_id, r.period): r for r in results}
    # Returned results grouped by indicator once (in the order read), not searched per indicator.
    returned: dict[int, list] = {}
    for row in by_key.values():
        if row.status == ResultStatus.RETURNED:
            returned.setdefault(row.indicator_id, []).append(row)
    ordered = sorted(periods, key=sort_key)
    for indicator in indicators:
        for row in returned.get(indicator.pk, ()):
            out.returned.append(DueItem(indicator, row.period, calendar.get(row.period), row))
        for period in ordered:
            if Period.parse(period).frequency != indicator.frequency:
                continue
            result = by_key.get((indicator.pk, period))
            if result is not None and result.status in HANDED_IN + (ResultStatus.RETURNED,):
                continue  # handed in, or listed as returned above
            due_date = calendar.get(period)
            item = DueItem(indicator, period, due_date, result, overdue=due_date is not None and due_date < today)
            (out.overdue if item.overdue else out.due).append(item)


#: a period is announced as due this many days before its due date
DUE_NOTICE_DAYS = 14


def send_due_notices(*, today: dt.date | None = None) -> int:
    """Tell each reporter what is due soon or overdue (in the app and by e-mail), once per period
    and state while unread. Run daily (``icsplan results notify-due``); the number of notices."""
    from django.urls import NoReverseMatch, reverse

    from icsplan.accounts import notifications
    from icsplan.accounts.models import Membership
    today = today or dt.date.today()
    sent = 0
    soon = today + dt.timedelta(days=DUE_NOTICE_DAYS)
    rows = m.ReportingDeadline.objects.filter(due_date__lte=soon).select_related("strategy__mission")
    strategies = {d.strategy_id: d.strategy for d in rows}
    for strategy in strategies.values():
        if strategy.status != "approved":  # drafts have no reporting yet
            continue
        mission = strategy.mission
        try:
            url = reverse("web:results", args=[mission.slug])
        except NoReverseMatch:
            url = ""
        reporters = Membership.objects.filter(mission=mission, role="reporter", user__is_active=True)
        for membership in reporters.select_related("user"):
            work = work_for(membership.user, strategy, today=today)
            for items, kind in ((work.overdue, "overdue"), (work.due, "due")):
                by_period: dict[str, list[DueItem]] = {}
                for item in items:
                    if item.due_date is not None and item.due_date <= soon:
                        by_period.setdefault(item.period, []).append(item)
                for period, due_items in by_period.items():
                    when = due_items[0].due_date
                    text = (f"{len(due_items)} result(s) of {period} for Mission {mission.country} "
                            + (f"were due on {when:%d %B %Y}." if kind == "overdue" else f"are due on {when:%d %B %Y}."))
                    sent += len(notifications.notify([membership.user], kind, text, url=f"{url}?period={period}",
                                                     mission=mission, key=f"{kind}:{strategy.pk}:{period}"))
    return sent
