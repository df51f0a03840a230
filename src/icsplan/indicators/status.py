"""The status rule: on track / at risk / off track / no data, per indicator and period, and
its roll-up to objectives and goals. Pure Python: it takes plain figures, never database rows,
and nothing here is stored — status is always computed from the approved results.

The rule for one indicator in one period
----------------------------------------
1. **No data** when the period has no target or no approved actual (the actual is the
   approved total, or the sum of an exhaustive breakdown whose values are all approved).
2. **Qualitative** indicators are **not rated** (text cannot be measured against a target);
   they are listed, but never counted in a roll-up.
3. **Milestones** (yes/no): on track when the target is met (target "no" is met by any
   answer); off track when a "yes" target was answered "no".
4. **Numbers, percents, currency**: with baseline ``B`` (0 when none), target ``T`` and
   actual ``A``, the target is *met* when ``A`` is at or beyond ``T`` in the better direction
   (``A ≥ T`` when higher is better, ``A ≤ T`` when lower is better) → on track. Otherwise
   progress is ``1 − |T − A| / |T − B|``, the share of the planned change achieved
   (``(A − B)/(T − B)`` when higher is better); when ``T = B`` the shortfall is measured
   against ``|T|`` instead. Progress ≥ ``on_track`` (default 0.90) is on track, ≥ ``at_risk``
   (default 0.70) at risk, below that off track.
5. **Cumulative** indicators report per-period increments; ``A`` and ``T`` are then the running
   totals of approved actuals and targets up to and including the period, and ``B`` is 0 (the
   increments already measure change from the baseline). An earlier period without an approved
   actual adds nothing to the running total, which can only make the status look worse — a
   nudge to report it — while the period itself must have one, or it is no data.
6. A period **longer than the indicator's frequency** (FY2019 for a quarterly indicator) takes
   the status of the latest sub-period with both a target and an approved actual; a shorter one
   (a quarter for an annual indicator) is no data.

Roll-up to an objective and a goal
----------------------------------
Each rated indicator scores 1 (on track), 0.5 (at risk) or 0 (off track); not-rated
(qualitative) and no-data indicators are left out, so they neither lift nor drag the figure.
An objective's score is the mean over its own indicators and those of its sub-objectives; a
goal's score is the mean over its objectives' scores (each objective weighs the same, however
many indicators it has) and its own rated indicators. Score ≥ ``rollup_on_track`` (default
0.75) is on track, ≥ ``rollup_at_risk`` (default 0.5) at risk, else off track; nothing rated is
no data.

Override the defaults in Django settings, e.g.
``ICSPLAN_STATUS_THRESHOLDS = {"on_track": 0.95, "at_risk": 0.8}`` (unnamed keys keep defaults).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from .periods import Period, sort_key

DEFAULT_THRESHOLDS: dict[str, float] = {
    "on_track": 0.90,
    "at_risk": 0.70,
    "rollup_on_track": 0.75,
    "rollup_at_risk": 0.50,
}

SCORES = {"on_track": 1.0, "at_risk": 0.5, "off_track": 0.0}


class Status(str, Enum):
    """A computed status label."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NOT_RATED = "not_rated"  # qualitative indicators

    @property
    def label(self) -> str:
        return {
            "on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
            "no_data": "No data", "not_rated": "Not rated (qualitative)",
        }[self.value]

    @property
    def rated(self) -> bool:
        return self.value in SCORES


def thresholds(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """The thresholds in force: defaults, then Django's ``ICSPLAN_STATUS_THRESHOLDS``, then ``overrides``."""
    from django.conf import settings

    merged = dict(DEFAULT_THRESHOLDS)
    if settings.configured:  # the rule also runs outside the server (scripts, notebooks)
        merged.update(getattr(settings, "ICSPLAN_STATUS_THRESHOLDS", None) or {})
    merged.update(overrides or {})
    return merged


@dataclass
class Series:
    """The figures of one indicator: totals per period id (approved actuals only)."""

    value_type: str = "number"
    direction: str = "increase"
    cumulative: bool = False
    frequency: str = "annual"
    baseline: Decimal | None = None
    targets: dict[str, Decimal | None] = field(default_factory=dict)
    actuals: dict[str, Decimal | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    """The status of an indicator for a period, with the figures that produced it."""

    status: Status
    period: str
    target: Decimal | None = None
    actual: Decimal | None = None
    progress: float | None = None  # share of the planned change achieved, when computed


def _grade(progress: float, limits: Mapping[str, float]) -> Status:
    if progress >= limits["on_track"]:
        return Status.ON_TRACK
    if progress >= limits["at_risk"]:
        return Status.AT_RISK
    return Status.OFF_TRACK


def _running(values: Mapping[str, Decimal | None], frequency: str, upto: Period) -> Decimal:
    total = Decimal(0)
    for pid, value in values.items():
        if value is None:
            continue
        try:
            p = Period.parse(pid)
        except ValueError:
            continue
        if p.frequency == frequency and p.end <= upto.end:
            total += value
    return total


def _numeric(series: Series, period: Period, target: Decimal, actual: Decimal, limits) -> Assessment:
    baseline = series.baseline if series.baseline is not None else Decimal(0)
    if series.cumulative:
        target = _running(series.targets, series.frequency, period)
        actual = _running(series.actuals, series.frequency, period)
        baseline = Decimal(0)
    better_up = series.direction != "decrease"
    if (actual >= target) if better_up else (actual <= target):
        return Assessment(Status.ON_TRACK, period.id, target, actual, 1.0)
    planned = abs(target - baseline) or abs(target)
    shortfall = abs(target - actual)
    progress = 1.0 - float(shortfall / planned) if planned else 0.0
    return Assessment(_grade(progress, limits), period.id, target, actual, progress)


def assess(series: Series, period_id: str, limits: Mapping[str, float] | None = None) -> Assessment:
    """The status of ``series`` for one period (see the module docstring for the rule)."""
    limits = thresholds(limits)
    period = Period.parse(period_id)
    if series.value_type == "qualitative":
        return Assessment(Status.NOT_RATED, period.id)
    if period.frequency != series.frequency:
        inner = [
            pid for pid in series.targets
            if _parses(pid) and Period.parse(pid).frequency == series.frequency
            and Period.parse(pid).within(period)
            and series.targets.get(pid) is not None and series.actuals.get(pid) is not None
        ]
        if not inner or not _coarser(period, series.frequency):
            return Assessment(Status.NO_DATA, period.id)
        latest = max(inner, key=sort_key)
        return assess(series, latest, limits)
    target, actual = series.targets.get(period.id), series.actuals.get(period.id)
    if target is None or actual is None:
        return Assessment(Status.NO_DATA, period.id, target, actual)
    if series.value_type == "milestone":
        met = target == 0 or actual >= 1
        return Assessment(Status.ON_TRACK if met else Status.OFF_TRACK, period.id, target, actual,
                          1.0 if met else 0.0)
    return _numeric(series, period, target, actual, limits)


def _parses(pid: str) -> bool:
    try:
        Period.parse(pid)
    except ValueError:
        return False
    return True


def _coarser(period: Period, frequency: str) -> bool:
    order = {"quarterly": 0, "semiannual": 1, "annual": 2}
    return order[period.frequency] > order[frequency]


def score(statuses: Iterable[Status | float | None]) -> float | None:
    """Mean score of the rated statuses (numbers are taken as scores already); None when none."""
    values = []
    for item in statuses:
        if isinstance(item, Status):
            if item.rated:
                values.append(SCORES[item.value])
        elif item is not None:
            values.append(float(item))
    return sum(values) / len(values) if values else None


def grade_score(value: float | None, limits: Mapping[str, float] | None = None) -> Status:
    """The status of a roll-up score."""
    limits = thresholds(limits)
    if value is None:
        return Status.NO_DATA
    if value >= limits["rollup_on_track"]:
        return Status.ON_TRACK
    if value >= limits["rollup_at_risk"]:
        return Status.AT_RISK
    return Status.OFF_TRACK


def rollup(statuses: Iterable[Status | float | None], limits: Mapping[str, float] | None = None) -> Status:
    """The roll-up status of an element from its indicators' statuses (or its children's scores)."""
    return grade_score(score(statuses), limits)
