"""Fiscal reporting periods ("FY2019", "FY2019Q1", "FY2019H1") as calendar dates.

The U.S. government fiscal year starts on 1 October of the previous calendar year:
FY2019 = 2018-10-01..2019-09-30 and FY2019Q1 = 2018-10-01..2018-12-31.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_PERIOD = re.compile(r"^FY\s*(\d{4})\s*(?:(Q)([1-4])|(H)([12]))?$", re.IGNORECASE)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def period_bounds(period: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of a fiscal period id, or None when the id is not understood."""
    match = _PERIOD.match(period.strip())
    if not match:
        return None
    fiscal_year = int(match.group(1))
    if match.group(2):
        offset, length = (int(match.group(3)) - 1) * 3, 3
    elif match.group(4):
        offset, length = (int(match.group(5)) - 1) * 6, 6
    else:
        offset, length = 0, 12
    start_year, start_month = _add_months(fiscal_year - 1, 10, offset)
    end_year, end_month = _add_months(start_year, start_month, length - 1)
    last_day = calendar.monthrange(end_year, end_month)[1]
    return dt.date(start_year, start_month, 1), dt.date(end_year, end_month, last_day)


def period_sort_key(period: str) -> tuple:
    """Order periods by start date, whole years after their quarters; unknown ids last."""
    bounds = period_bounds(period)
    if bounds is None:
        return (1, dt.date.max, 0, period)
    # Same end date (FY2019Q4 and FY2019): the shorter period, which starts later, comes first.
    return (0, bounds[1], -bounds[0].toordinal(), period)
