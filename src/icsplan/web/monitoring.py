"""What the dashboard and the strategy browser show about indicators, results and reviews.

A thin adapter over ``indicators.progress`` (status is always computed, never stored) and the
results workflow; every queryset here goes through the permission layer, and SBU indicators and
results are left out for people who may not read SBU. Constant number of queries per page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from icsplan.accounts.permissions import restrict
from icsplan.accounts.redaction import visible

SUBMITTED = "submitted"
#: how many waiting results the dashboard lists (the approval queue has them all, paginated)
AWAITING_SHOWN = 6


@dataclass
class Monitoring:
    """Monitoring facts of one edition, for one person."""

    period: str | None = None  # the period the statuses are shown for
    periods: list = field(default_factory=list)
    element_status: dict = field(default_factory=dict)  # (url kind, pk) -> status key
    indicator_status: dict = field(default_factory=dict)  # indicator code -> status key
    counts: dict = field(default_factory=dict)  # status key -> number of objectives
    off_track: list = field(default_factory=list)
    awaiting_approval: list = field(default_factory=list)  # the oldest few (AWAITING_SHOWN)
    awaiting_count: int = 0  # all of them, counted in SQL
    periods_due: list = field(default_factory=list)
    review: object | None = None
    has_indicators: bool = False
    matrix_available: bool = False
    matrix_alt: str = ""
    # The status matrix as data for its HTML table: (row label, [status key per period in ``periods``]).
    matrix_rows: list = field(default_factory=list)
    matrix_height: int = 360  # CSS px of the matrix <img> at its 640 px width
    sample: bool = False
    indicator_ids: dict = field(default_factory=dict)  # indicator code -> pk
    indicator_alt: dict = field(default_factory=dict)  # indicator code -> chart alt text
    # ``?v=`` of the indicator chart URLs: the edition's version as this audience sees it
    # (``indicators.chart_cache.edition_version``), so the browser may keep the images for good.
    chart_version: str = ""


def _pick_period(progress, requested: str | None) -> str | None:
    """The requested period, else the latest one with an approved actual, else the first."""
    if requested in progress.periods:
        return requested
    for period in reversed(progress.periods):
        if any(item.series.actuals.get(period) is not None for item in progress.indicators):
            return period
    return progress.periods[0] if progress.periods else None


def _key(status) -> str:
    return getattr(status, "value", status) or "no_data"


def awaiting_approval(user, strategy):
    """Submitted results of an edition that the person may see, oldest first (narrowed by
    ``accounts.redaction``: SBU rows for readers of the mission's SBU only)."""
    from icsplan.indicators.models import Result

    rows = restrict(Result.objects.filter(strategy=strategy, status=SUBMITTED), user, "view").visible_to(user)
    return list(rows.select_related("indicator", "submitted_by").order_by("submitted_at", "pk"))


def awaiting_approval_ids(user, strategy) -> list[tuple[int, int, str, str]]:
    """(id, indicator id, period, category) of every submitted result the person may approve,
    oldest first: light enough for a queue of ten thousand rows (the page loads its own rows)."""
    from icsplan.indicators.models import Result

    from icsplan.accounts.redaction import visible

    rows = visible(restrict(Result.objects.filter(strategy=strategy, status=SUBMITTED), user, "approve"), user)
    return list(rows.order_by("submitted_at", "pk").values_list("pk", "indicator_id", "period", "category"))


def awaiting_summary(user, strategy, *, shown: int = AWAITING_SHOWN) -> tuple[int, list]:
    """How many submitted results the person may see, and the oldest ``shown`` of them: a count
    query and a bounded one, however long the queue (a 10,000-row import fills it at once)."""
    from icsplan.indicators.models import Result

    rows = visible(restrict(Result.objects.filter(strategy=strategy, status=SUBMITTED), user, "view"), user)
    first = list(rows.select_related("indicator", "submitted_by").order_by("submitted_at", "pk")[:shown])
    return rows.count(), first


def for_strategy(user, strategy, allowed, period: str | None = None, *, queue: bool = True,
                 indicator_charts: bool = True) -> Monitoring:
    """The monitoring facts of ``strategy`` for ``user``; ``indicator_charts=False`` skips the
    per-indicator chart alt texts for pages that show no indicator chart (the dashboard).

    Everything but the approval queue is a function of the edition's data and of what the person
    may read, so it is computed once per version of the data (``core.stamps``) and shared; the
    queue (whose rows depend on the person's own permissions) is read on every call.
    """
    from icsplan.accounts.redaction import audience_for
    from icsplan.core.stamps import edition_stamp, remember
    from icsplan.indicators.status import thresholds

    who, stamp = audience_for(user), edition_stamp(strategy.pk)
    key = ("monitoring", stamp, who, tuple(sorted(thresholds().items())), period, indicator_charts)
    shared = remember(key, lambda: _facts(strategy, who, stamp, period, indicator_charts))
    facts = replace(shared)  # a copy: the queue figures below are this person's alone
    if facts.period is not None and queue and (allowed.approve or allowed.report):
        facts.awaiting_count, facts.awaiting_approval = awaiting_summary(user, strategy)
    return facts


def _facts(strategy, who, stamp: str, period: str | None, indicator_charts: bool) -> Monitoring:
    from icsplan.indicators.progress import shared_progress
    from icsplan.indicators.status import rollup

    facts = Monitoring()
    progress = shared_progress(strategy, audience=who, stamp=stamp)
    facts.periods = progress.periods
    facts.has_indicators = bool(progress.indicators)
    facts.sample = progress.sample
    facts.period = _pick_period(progress, period)
    facts.indicator_ids = {item.indicator.code: item.indicator.pk for item in progress.indicators}
    if facts.period is None:
        return facts
    p = facts.period
    objective_pks = dict(strategy.objectives.values_list("number", "pk"))
    mo_pks = dict(strategy.management_objectives.values_list("number", "pk"))
    goal_pks = dict(strategy.goals.values_list("number", "pk"))
    for row in progress.goals:
        facts.element_status[("goal", goal_pks.get(row.number))] = _key(row.statuses.get(p))
    counts: Counter = Counter()
    for row in progress.objectives:
        if row.kind == "objective":
            pk, kind = objective_pks.get(row.number), "objective"
        else:
            pk, kind = mo_pks.get(row.number), "management-objective"
        status = _key(row.statuses.get(p))
        facts.element_status[(kind, pk)] = status
        counts[status] += 1
    facts.counts = dict(counts)
    sub_statuses: dict = {}
    for item in progress.indicators:
        assessment = item.assessments.get(p)
        status = _key(assessment.status) if assessment else "no_data"
        facts.indicator_status[item.indicator.code] = status
        if item.indicator.sub_objective_id and assessment:
            sub_statuses.setdefault(item.indicator.sub_objective_id, []).append(assessment.status)
        if status == "off_track" and assessment:  # "off_track" comes from an assessment
            detail = ""
            if assessment.actual is not None and assessment.target is not None:
                detail = f"result {assessment.actual.normalize():f} against target {assessment.target.normalize():f}"
            facts.off_track.append({"pk": item.indicator.pk, "code": item.indicator.code,
                                    "name": item.indicator.name, "period": p, "detail": detail})
    # A sub-objective rolls up all its indicators, by the same rule as objectives.
    for sub_pk, statuses in sub_statuses.items():
        facts.element_status[("sub-objective", sub_pk)] = _key(rollup(statuses))
    # Periods due: periods up to the shown one where targets still wait for a result.
    due = []
    for period in progress.periods:
        missing = [item for item in progress.indicators
                   if any(t.period == period and not t.category for t in item.targets)
                   and not any(r.period == period and not r.category for r in item.results)]
        if missing:
            due.append({"label": period, "detail": f"{len(missing)} indicator{'s' if len(missing) != 1 else ''} without a result"})
    facts.periods_due = due[:3]
    from icsplan.indicators import charts

    facts.matrix_available = facts.has_indicators
    if facts.has_indicators:
        from icsplan.indicators.chart_cache import edition_version

        facts.chart_version = edition_version(stamp, public=who.public_only(strategy.mission_id))
        facts.matrix_alt = charts.status_matrix_alt_text(progress)
        facts.matrix_rows = charts.status_matrix_rows(progress)
        facts.matrix_height = charts.status_matrix_height_px(progress)
        if indicator_charts:
            facts.indicator_alt = {item.indicator.code: charts.indicator_alt_text(charts.indicator_chart_data(item))
                                   for item in progress.indicators}
    return facts
