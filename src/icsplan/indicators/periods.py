"""U.S. government fiscal reporting periods.

The fiscal year starts on 1 October of the previous calendar year: FY2019 runs from
2018-10-01 to 2019-09-30, FY2019Q1 is October–December 2018 and FY2019H1 is October 2018 –
March 2019. Period ids are ``FY2019`` (annual), ``FY2019H1``/``FY2019H2`` (semi-annual) and
``FY2019Q1``..``FY2019Q4`` (quarterly). Pure Python, no Django.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

_PERIOD = re.compile(r"^\s*FY\s*(\d{4})\s*(?:([QH])\s*([1-4]))?\s*$", re.IGNORECASE)

# Frequency -> (kind letter, periods per year). The kind letter is "" for whole years.
FREQUENCY_KINDS = {"annual": ("", 1), "semiannual": ("H", 2), "quarterly": ("Q", 4)}
_MONTHS = {"": 12, "H": 6, "Q": 3}


@dataclass(frozen=True)
class Period:
    """One fiscal reporting period; sort with ``sort_key`` (by end date, shorter periods first)."""

    fiscal_year: int
    kind: str = ""  # "", "H" or "Q"
    number: int = 1

    @classmethod
    def parse(cls, text: str) -> "Period":
        """``Period`` from an id such as "FY2019Q1"; ``ValueError`` when it is not one."""
        if cls is Period:
            # A dashboard over fifty missions parses the same few dozen ids a hundred thousand
            # times; periods are immutable, so one parse per id is shared.
            return _parse_id(str(text or ""))
        return cls._parse(str(text or ""))

    @classmethod
    def _parse(cls, text: str) -> "Period":
        match = _PERIOD.match(text)
        if not match:
            raise ValueError(f"{text!r} is not a fiscal period (use FY2019, FY2019H1 or FY2019Q1)")
        year, kind, number = int(match.group(1)), (match.group(2) or "").upper(), int(match.group(3) or 1)
        if kind == "H" and number > 2:
            raise ValueError(f"{text!r}: a fiscal year has two halves, H1 and H2")
        return cls(year, kind, number)

    @property
    def id(self) -> str:
        return f"FY{self.fiscal_year}{self.kind}{self.number if self.kind else ''}"

    def __str__(self) -> str:
        return self.id

    @property
    def frequency(self) -> str:
        return {"": "annual", "H": "semiannual", "Q": "quarterly"}[self.kind]

    @cached_property
    def start(self) -> dt.date:
        months = (self.number - 1) * _MONTHS[self.kind]
        index = (self.fiscal_year - 1) * 12 + 9 + months  # October of the previous year
        return dt.date(index // 12, index % 12 + 1, 1)

    @cached_property
    def end(self) -> dt.date:
        index = self.start.year * 12 + self.start.month - 1 + _MONTHS[self.kind] - 1
        year, month = index // 12, index % 12 + 1
        return dt.date(year, month, calendar.monthrange(year, month)[1])

    def sort_key(self) -> tuple:
        return (self.end, -self.start.toordinal())

    def within(self, other: "Period") -> bool:
        """Whether this period lies inside ``other`` (a period lies inside itself)."""
        return other.start <= self.start and self.end <= other.end

    def overlaps(self, other: "Period") -> bool:
        return self.start <= other.end and other.start <= self.end


def parse_period(text: str) -> Period:
    return Period.parse(text)


def normalize(text: str) -> str:
    """The canonical id of a period as typed ("fy 2019 q1" -> "FY2019Q1")."""
    return Period.parse(text).id


def sort_key(period_id: str) -> tuple:
    """Sort key for period ids; ids that do not parse go last."""
    try:
        return (0, *Period.parse(period_id).sort_key())
    except ValueError:
        return (1, dt.date.max, 0)


def periods_of_year(fiscal_year: int, frequency: str) -> list[Period]:
    """The reporting periods of one fiscal year for a frequency."""
    kind, count = FREQUENCY_KINDS[frequency]
    return [Period(fiscal_year, kind, n) for n in range(1, count + 1)]


def periods_between(first_year: int, last_year: int, frequency: str) -> list[Period]:
    """Every reporting period of a frequency from FY``first_year`` to FY``last_year``."""
    return [p for year in range(first_year, last_year + 1) for p in periods_of_year(year, frequency)]


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year a calendar date falls in (1 October starts the next one)."""
    return day.year + 1 if day.month >= 10 else day.year


@lru_cache(maxsize=4096)
def _parse_id(text: str) -> Period:
    return Period._parse(text)
