"""The checks every target or result goes through, whichever way it arrives (a single edit, a
spreadsheet row, a JSON document). They work on a ``Context`` read once per strategy, so a bulk
import validates 10,000 rows with the same handful of queries as one row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .periods import FREQUENCY_KINDS, Period
from .values import Parsed, check_sum, parse_value


class EntryProblem(Exception):
    """A problem with one field of an entry; ``field`` names it (period, category, value...)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def strategy_years(strategy) -> tuple[int, int] | None:
    """The fiscal years a strategy covers.

    The stored ``fiscal_year_start``/``fiscal_year_end`` when known; otherwise, for an edition
    labelled with a year Y (the year the strategy was approved), the four fiscal years after it,
    FY(Y+1)–FY(Y+4), which is the span of an ICS. None when neither is known (no range check).
    """
    start, end = getattr(strategy, "fiscal_year_start", None), getattr(strategy, "fiscal_year_end", None)
    if start and end:
        return int(start), int(end)
    label = str(getattr(strategy, "edition", "") or "")
    if label.isdigit() and len(label) == 4:
        year = int(label)
        return (int(start) if start else year + 1), (int(end) if end else year + 4)
    return None


@dataclass
class Context:
    """What validation needs to know about one strategy."""

    strategy: object
    years: tuple[int, int] | None
    locks: list[Period] = field(default_factory=list)
    # indicator id -> {category: (values, exhaustive)}
    disaggregations: dict[int, dict[str, tuple[list[str], bool]]] = field(default_factory=dict)

    def locked(self, period: Period) -> Period | None:
        """The lock that freezes ``period`` (a lock of an overlapping period), if any."""
        for lock in self.locks:
            if lock.overlaps(period):
                return lock
        return None


def check_period(context: Context, indicator, text) -> Period:
    """The period of an entry, checked against the strategy's years and the indicator's frequency."""
    try:
        period = Period.parse(text)
    except ValueError as exc:
        raise EntryProblem("period", str(exc)) from None
    if context.years and not (context.years[0] <= period.fiscal_year <= context.years[1]):
        raise EntryProblem(
            "period", f"{period.id} is outside the strategy (FY{context.years[0]}–FY{context.years[1]})"
        )
    if period.frequency != indicator.frequency:
        kind, _ = FREQUENCY_KINDS[indicator.frequency]
        example = f"FY{period.fiscal_year}{kind}{'1' if kind else ''}"
        raise EntryProblem(
            "period", f"indicator {indicator.code} reports {indicator.frequency}; use a period like {example}"
        )
    return period


def check_category(context: Context, indicator, category, category_value) -> tuple[str, str]:
    """The (category, value) of an entry: ("", "") for the total, else a defined breakdown."""
    category = str(category or "").strip()
    category_value = str(category_value or "").strip()
    if not category and not category_value:
        return "", ""
    defined = context.disaggregations.get(indicator.pk, {})
    if category not in defined:
        known = ", ".join(defined) or "none"
        raise EntryProblem("category", f"indicator {indicator.code} has no breakdown {category!r} (defined: {known})")
    values, _ = defined[category]
    if category_value not in values:
        raise EntryProblem(
            "category_value", f"{category_value!r} is not a value of {category} ({', '.join(values)})"
        )
    return category, category_value


def check_value(indicator, raw, numerator=None, denominator=None) -> Parsed:
    try:
        return parse_value(indicator.value_type, raw, numerator, denominator)
    except ValueError as exc:
        raise EntryProblem(getattr(exc, "field", "value"), f"{indicator.code}: {exc}") from None


def sum_problems(context: Context, indicator, entries: dict[tuple[str, str], Parsed]) -> list[str]:
    """Messages for each exhaustive breakdown of one period that does not add up to the total.

    ``entries`` maps (category, category value) to the values of one indicator and period,
    with ("", "") for the total.
    """
    total = entries.get(("", ""))
    if total is None:
        return []
    messages = []
    for category, (values, exhaustive) in context.disaggregations.get(indicator.pk, {}).items():
        if not exhaustive:
            continue
        parts = {v: entries[(category, v)] for v in values if (category, v) in entries}
        if len(parts) != len(values):
            continue  # not complete yet
        try:
            check_sum(indicator.value_type, total, parts)
        except ValueError as exc:
            messages.append(f"{indicator.code} by {category}: {exc}")
    return messages
