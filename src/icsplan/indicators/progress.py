"""Reads indicators, targets and approved results of a strategy into the plain figures the
status rules (``status.py``) and the charts (``charts.py``) take — in a constant number of
queries, whatever the size of the strategy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, Prefetch, Q

from icsplan.strategies.models import Strategy

from . import models as m
from .choices import ResultStatus
from .periods import Period, periods_between, sort_key
from .status import Assessment, Series, Status, assess, rollup, score, thresholds
from .validation import strategy_years


def series_of(indicator: m.Indicator | SimpleNamespace, targets, results, disaggregations=()) -> Series:
    """The status inputs of one indicator; only approved results count towards actuals.

    When a period has no approved total but every value of an exhaustive breakdown is approved,
    the actual is their sum (for percents: summed numerators over summed denominators).
    """
    baseline = getattr(indicator, "baseline", None) if _has_baseline(indicator) else None
    series = Series(value_type=indicator.value_type, direction=indicator.direction,
                    cumulative=indicator.cumulative, frequency=indicator.frequency,
                    baseline=baseline.number if baseline is not None else None)
    for t in targets:
        if not t.category:
            series.targets[t.period] = t.number
    approved: defaultdict[str, dict[tuple[str, str], m.Result]] = defaultdict(dict)
    for r in results:
        if r.status == ResultStatus.APPROVED:
            approved[r.period][(r.category, r.category_value)] = r
    for period, rows in approved.items():
        total = rows.get(("", ""))
        if total is not None:
            series.actuals[period] = total.number
            continue
        for d in disaggregations:
            parts: list[Any] = [rows.get((d.category, v)) for v in d.values]  # None checked below
            if not d.exhaustive or any(p is None for p in parts):
                continue
            if indicator.value_type == "percent":
                if all(p.denominator for p in parts):
                    den = sum(p.denominator for p in parts)
                    series.actuals[period] = Decimal(repr(sum(p.numerator for p in parts) * 100 / den))
                    break
            elif all(p.number is not None for p in parts):
                series.actuals[period] = sum((p.number for p in parts), Decimal(0))
                break
    return series


def _has_baseline(indicator) -> bool:
    try:
        return indicator.baseline is not None
    except m.Baseline.DoesNotExist:
        return False


@dataclass
class IndicatorProgress:
    """One indicator with its figures and its status per period."""

    indicator: m.Indicator
    series: Series
    assessments: dict[str, Assessment] = field(default_factory=dict)
    targets: list = field(default_factory=list)
    results: list = field(default_factory=list)

    def status(self, period: str) -> Status:
        return self.assessments[period].status


@dataclass
class ElementProgress:
    """A roll-up row: an objective, management objective or goal with its status per period."""

    kind: str
    number: str
    title: str
    statuses: dict[str, Status] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)
    indicators: list[IndicatorProgress] = field(default_factory=list)

    @property
    def label(self) -> str:
        prefix = {"goal": "Goal", "objective": "Objective", "management_objective": "Mgmt Objective"}[self.kind]
        return f"{prefix} {self.number}"


@dataclass
class StrategyProgress:
    """Status of every indicator, objective and goal of a strategy, for each period."""

    strategy: Strategy
    periods: list[str]
    indicators: list[IndicatorProgress]
    objectives: list[ElementProgress]  # mission objectives, then management objectives
    goals: list[ElementProgress]

    @property
    def sample(self) -> bool:
        return any(p.indicator.sample for p in self.indicators)


def strategy_periods(strategy: Strategy) -> list[str]:
    """The fiscal years a strategy covers, as period ids (the columns of the status matrix)."""
    years = strategy_years(strategy)
    return [p.id for p in periods_between(years[0], years[1], "annual")] if years else []


def indicator_rows(strategy: Strategy, *, audience=None):
    """Indicators of a strategy with baselines, breakdowns, targets and results prefetched, each
    narrowed in the query to what ``audience`` may read (``accounts.redaction.visible``: a user,
    an ``Audience``, or ``None`` for the trusted operator, who reads everything)."""
    return indicator_rows_of([strategy.pk], audience=audience)


def indicator_rows_of(strategy_ids, *, audience=None, statuses_only: bool = False, with_figures: bool = True):
    """``indicator_rows`` for several editions at once (in one query per table).

    ``statuses_only`` reads just what the statuses are computed from (``series_of``): total
    targets, and approved results — a breakdown only for a period without an approved total that
    the audience sees. The bureau dashboard reads its missions so, about a seventh of the rows
    of a strategy reported by sex, age and location; the statuses are the same."""
    targets = m.Target.objects.visible_to(audience)
    results = m.Result.objects.visible_to(audience)
    if statuses_only:
        targets = targets.filter(category="")
        approved = results.filter(status=ResultStatus.APPROVED)
        total = approved.filter(indicator_id=OuterRef("indicator_id"), period=OuterRef("period"), category="")
        results = approved.filter(Q(category="") | ~Exists(total))
        # Only the columns the rules read: no timestamps to parse, no comments to carry.
        figures = ("indicator_id", "strategy_id", "period", "category", "category_value", "value", "number",
                   "numerator", "denominator", "sensitivity")
        targets, results = targets.only(*figures), results.only(*figures, "status")
    prefetch: list[Prefetch[Any, Any, Any]] = [Prefetch("disaggregations", queryset=m.Disaggregation.objects.order_by("position", "pk"))]
    if with_figures:  # without: the caller reads them with ``status_figures_of``
        # Entry order (pk), so a document's lists come back in the order they were written.
        prefetch += [Prefetch("targets", queryset=targets.order_by("pk")),
                     Prefetch("results", queryset=results.order_by("pk"))]
    qs = (m.Indicator.objects.filter(strategy_id__in=list(strategy_ids)).visible_to(audience)
          .select_related("baseline").prefetch_related(*prefetch).order_by("position", "pk"))
    return qs


class Figure(NamedTuple):
    """A target or result as the status rules read it (``status_figures_of``): a plain tuple."""

    period: str
    category: str
    category_value: str
    value: str
    number: Any
    numerator: Any
    denominator: Any
    sensitivity: str
    status: str


FIGURE_COLUMNS = ("period", "category", "category_value", "value", "number", "numerator", "denominator", "sensitivity")


def status_figures_of(strategy_ids, *, audience=None) -> dict[int, tuple[list[Figure], list[Figure]]]:
    """The rows ``indicator_rows_of(statuses_only=True)`` prefetches (total targets, approved
    results, breakdowns only where no approved total), as plain tuples by indicator id: two queries
    and no model instance per row, for pages over many editions (the bureau dashboard reads tens of
    thousands). ``progress_of(figures=...)`` takes them instead of the prefetched rows."""
    ids = list(strategy_ids)
    targets = m.Target.objects.visible_to(audience).filter(strategy_id__in=ids, category="")
    approved = m.Result.objects.visible_to(audience).filter(strategy_id__in=ids, status=ResultStatus.APPROVED)
    total = m.Result.objects.visible_to(audience).filter(
        status=ResultStatus.APPROVED, indicator_id=OuterRef("indicator_id"), period=OuterRef("period"), category="")
    results = approved.filter(Q(category="") | ~Exists(total))
    out: dict[int, tuple[list[Figure], list[Figure]]] = defaultdict(lambda: ([], []))
    for row in targets.order_by("pk").values_list("indicator_id", *FIGURE_COLUMNS):
        out[row[0]][0].append(Figure._make((*row[1:], "")))
    for row in results.order_by("pk").values_list("indicator_id", *FIGURE_COLUMNS, "status"):
        out[row[0]][1].append(Figure._make(row[1:]))
    return out


def strategy_progress(strategy: Strategy, periods: list[str] | None = None, *, audience=None,
                      limits: dict | None = None) -> StrategyProgress:
    """Status of every indicator and element of ``strategy`` for ``periods`` (default: its years).

    Only what ``audience`` may read counts (see ``indicator_rows``): for the public, no SBU
    indicator, target or result and no unapproved result, so no figure is computed from one.
    """
    return progress_of(
        strategy, list(indicator_rows(strategy, audience=audience)),
        goals=list(strategy.goals.order_by("position")),
        objectives=list(strategy.objectives.order_by("position")),
        sub_objectives=list(strategy.sub_objectives.all()),
        management_objectives=list(strategy.management_objectives.order_by("position")),
        periods=periods, limits=limits,
    )


def shared_progress(strategy: Strategy, *, audience=None, stamp: str | None = None) -> StrategyProgress:
    """``strategy_progress`` for ``audience``, computed once per version of the edition's data
    (``stamps.edition_stamp``) and shared by every later request: read it, never change it."""
    from icsplan.accounts.redaction import audience_for

    from icsplan.core.stamps import edition_stamp, remember

    who = audience_for(audience)
    key = ("progress", stamp or edition_stamp(strategy.pk), who, tuple(sorted(thresholds().items())))
    return remember(key, lambda: strategy_progress(strategy, audience=who))


def progress_of(strategy: Strategy, indicators: list, *, goals: list, objectives: list, sub_objectives: list,
                management_objectives: list, periods: list[str] | None = None,
                limits: dict | None = None, figures: dict | None = None) -> StrategyProgress:
    """``strategy_progress`` over rows already loaded (indicators with their targets, results and
    breakdowns prefetched, as ``indicator_rows`` gives them; elements in document order), so a
    page over many editions (the bureau dashboard) loads them all in a constant number of
    queries and applies exactly the same rule. ``figures`` (``status_figures_of``) replaces the
    prefetched targets and results when given."""
    limits = thresholds(limits)
    periods = periods or strategy_periods(strategy)
    items = []
    for indicator in indicators:
        if figures is not None:
            targets, results = (list(rows) for rows in figures.get(indicator.pk, ((), ())))
        else:
            targets, results = list(indicator.targets.all()), list(indicator.results.all())
        series = series_of(indicator, targets, results, list(indicator.disaggregations.all()))
        item = IndicatorProgress(indicator, series, targets=targets, results=results)
        for period in periods:
            item.assessments[period] = assess(series, period, limits)
        items.append(item)
    by_element = defaultdict(list)
    for item in items:
        ind = item.indicator
        for name in ("goal", "objective", "sub_objective", "management_objective"):
            if getattr(ind, f"{name}_id"):
                by_element[(name, getattr(ind, f"{name}_id"))].append(item)
    goal_rows, objective_rows, sub_rows, mo_rows = goals, objectives, sub_objectives, management_objectives
    subs_of = defaultdict(list)
    for sub in sub_rows:
        subs_of[("objective", sub.objective_id) if sub.objective_id else
                ("management_objective", sub.management_objective_id)].extend(by_element[("sub_objective", sub.pk)])

    def element(kind, row) -> ElementProgress:
        own = by_element[(kind, row.pk)] + subs_of[(kind, row.pk)]
        e = ElementProgress(kind, row.number, row.title, indicators=own)
        for period in periods:
            e.scores[period] = score(i.status(period) for i in own)
            e.statuses[period] = rollup([i.status(period) for i in own], limits)
        return e

    objectives = [element("objective", row) for row in objective_rows]
    managements = [element("management_objective", row) for row in mo_rows]
    by_goal = defaultdict(list)
    for objective_row, e in zip(objective_rows, objectives):
        by_goal[objective_row.goal_id].append(e)
    goals = []
    for row in goal_rows:
        own = by_element[("goal", row.pk)]
        g = ElementProgress("goal", row.number, row.title, indicators=own)
        for period in periods:
            parts = [o.scores[period] for o in by_goal[row.pk]] + [i.status(period) for i in own]
            g.scores[period] = score(parts)
            g.statuses[period] = rollup(parts, limits)
        goals.append(g)
    return StrategyProgress(strategy, periods, items, objectives + managements, goals)


def sorted_periods(ids) -> list[str]:
    return sorted(set(ids), key=sort_key)


def period_label(period_id: str) -> str:
    p = Period.parse(period_id)
    return f"{p.id} ({p.start:%b %Y}–{p.end:%b %Y})"
