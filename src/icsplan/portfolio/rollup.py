"""Standard indicator roll-up: totals by bureau and fiscal year where missions report the same
standard indicator code in the same unit. The rules are in ``docs/rollup.md``; in short:

* Indicators are grouped by (standard code, unit without case, value type, bureau, fiscal year).
  Only the edition in force of each mission counts, only approved results count, and only what the
  actor may read (``restrict`` for editions, ``accounts.redaction`` for indicators and results).
* **Numbers and currency, not cumulative** (levels): a mission's value for a year is its annual
  result, or else the result of the latest sub-period of the year; missions' values are summed.
* **Cumulative** (per-period increments): a mission's value for a year is the sum of its increments
  in the year; missions' values are summed, and ``running_total`` adds every earlier year.
* **Percentages**: weighted by their denominators — Σ numerators / Σ denominators × 100; a result
  without both numerator and denominator cannot be weighted and is left out (``excluded``). With
  no weightable result the group has no total.
* **Milestones**: the number of missions that answered yes. **Qualitative**: never combined.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from icsplan.accounts.actors import is_system, require_actor
from icsplan.accounts.permissions import restrict
from icsplan.accounts.roles import Action
from icsplan.indicators.choices import ResultStatus, ValueType
from icsplan.indicators.models import Indicator, Result
from icsplan.indicators.periods import Period, sort_key
from icsplan.strategies import models as sm
from icsplan.strategies.services import current_editions

YES = {"yes", "y", "true", "1", "met", "done", "achieved"}


@dataclass
class RollupRow:
    """One standard indicator, unit, bureau and fiscal year across missions."""

    standard_code: str
    unit: str
    value_type: str
    bureau: str | None
    fiscal_year: int
    method: str  # "sum", "sum of increments", "weighted percent", "yes count", "not combined"
    missions: int
    total: Decimal | None
    running_total: Decimal | None = None
    excluded: int = 0  # results that could not be combined (a percent without its denominator)


def _year_value(indicator: Indicator, results: list[Result]) -> dict[int, tuple[Decimal | None, float, float, int]]:
    """fiscal year -> (value, numerator sum, denominator sum, results left out) for one indicator."""
    by_year: dict[int, list[tuple[Period, Result]]] = defaultdict(list)
    for result in results:
        try:
            period = Period.parse(result.period)
        except ValueError:
            continue
        by_year[period.fiscal_year].append((period, result))
    out: dict[int, tuple[Decimal | None, float, float, int]] = {}
    for year, rows in by_year.items():
        rows.sort(key=lambda pr: sort_key(pr[0].id))
        annual = [r for p, r in rows if not p.kind]
        if indicator.value_type == ValueType.PERCENT:
            chosen = annual[-1:] or [rows[-1][1]]
            weighted = [r for r in chosen if r.numerator is not None and r.denominator]
            out[year] = (None, sum(float(r.numerator or 0) for r in weighted),
                         sum(float(r.denominator or 0) for r in weighted), len(chosen) - len(weighted))
        elif indicator.value_type == ValueType.MILESTONE:
            chosen_row = (annual or [rows[-1][1]])[-1]
            out[year] = (Decimal(1) if (chosen_row.value or "").strip().casefold() in YES else Decimal(0), 0, 0, 0)
        elif indicator.cumulative:
            # Increments: the annual figure when reported, else the sum of the sub-periods.
            parts = annual[-1:] or [r for _p, r in rows]
            numbers = [r.number for r in parts if r.number is not None]
            out[year] = (sum(numbers, Decimal(0)) if numbers else None, 0, 0, 0)
        else:
            chosen_row = (annual or [rows[-1][1]])[-1]
            out[year] = (chosen_row.number, 0, 0, 0)
    return out


def _method(value_type: str, cumulative: bool) -> str:
    if value_type == ValueType.PERCENT:
        return "weighted percent"
    if value_type == ValueType.MILESTONE:
        return "yes count"
    if value_type == ValueType.QUALITATIVE:
        return "not combined"
    return "sum of increments" if cumulative else "sum"


def rollup(*, actor, bureau: str | None = None, standard_code: str | None = None) -> list[RollupRow]:
    """Totals of standard indicators by bureau and fiscal year over the editions in force."""
    require_actor(actor)
    audience = None if is_system(actor) else actor
    editions = sm.Strategy.objects.select_related("mission__bureau")
    if bureau:
        editions = editions.filter(mission__bureau__code__iexact=bureau)
    if not is_system(actor):
        editions = restrict(editions, actor, Action.VIEW_PUBLIC)
    current = {s.pk: s for s in current_editions(editions).values()}
    indicators = Indicator.objects.filter(strategy_id__in=current).exclude(standard_code__isnull=True) \
        .exclude(standard_code="").visible_to(audience)
    if standard_code:
        indicators = indicators.filter(standard_code__iexact=standard_code)
    indicator_rows = list(indicators)
    results: dict[int, list[Result]] = defaultdict(list)
    approved = ResultStatus.APPROVED.value
    for result in Result.objects.filter(indicator__in=indicator_rows, status=approved, category="") \
            .visible_to(audience).order_by("pk"):
        results[result.indicator_id].append(result)

    # (code, unit, type, cumulative, bureau) -> year -> [per-mission (value, num, den, excluded)]
    groups: dict[tuple, dict[int, list[tuple[Decimal | None, float, float, int]]]] = defaultdict(
        lambda: defaultdict(list))
    labels: dict[tuple, tuple[str, str]] = {}
    for indicator in indicator_rows:
        mission = current[indicator.strategy_id].mission
        code, unit = (indicator.standard_code or "").strip(), (indicator.unit or "").strip()
        key = (code.casefold(), unit.casefold(), indicator.value_type, bool(indicator.cumulative),
               mission.bureau.code if mission.bureau else None)
        labels.setdefault(key, (code, unit))
        for year, value in _year_value(indicator, results[indicator.pk]).items():
            groups[key][year].append(value)

    out: list[RollupRow] = []
    for key, years in groups.items():
        _code, _unit, value_type, cumulative, bureau_code = key
        code, unit = labels[key]
        method = _method(value_type, cumulative)
        running = Decimal(0)
        for year in sorted(years):
            values = years[year]
            total: Decimal | None = None
            excluded = sum(v[3] for v in values)
            if method == "weighted percent":
                numerator, denominator = sum(v[1] for v in values), sum(v[2] for v in values)
                total = (Decimal(str(numerator)) / Decimal(str(denominator)) * 100).quantize(Decimal("0.01")) \
                    if denominator else None
            elif method != "not combined":
                numbers = [v[0] for v in values if v[0] is not None]
                excluded += len(values) - len(numbers)
                total = sum(numbers, Decimal(0)) if numbers else None
            row = RollupRow(code, unit, value_type, bureau_code, year, method, len(values), total, excluded=excluded)
            if cumulative and total is not None:
                running += total
                row.running_total = running
            out.append(row)
    return sorted(out, key=lambda r: (r.standard_code, r.unit, r.bureau or "~", r.fiscal_year))
