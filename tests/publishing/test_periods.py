import datetime as dt

import pytest

from icsplan.publishing.periods import period_bounds, period_sort_key


@pytest.mark.parametrize(
    "period, start, end",
    [
        ("FY2019", dt.date(2018, 10, 1), dt.date(2019, 9, 30)),
        ("FY2019Q1", dt.date(2018, 10, 1), dt.date(2018, 12, 31)),
        ("FY2019Q2", dt.date(2019, 1, 1), dt.date(2019, 3, 31)),
        ("FY2019Q4", dt.date(2019, 7, 1), dt.date(2019, 9, 30)),
        ("FY2019H1", dt.date(2018, 10, 1), dt.date(2019, 3, 31)),
        ("FY2019H2", dt.date(2019, 4, 1), dt.date(2019, 9, 30)),
    ],
)
def test_fiscal_periods(period, start, end):
    assert period_bounds(period) == (start, end)


def test_unknown_period():
    assert period_bounds("2019") is None


def test_order_puts_quarters_before_their_year():
    periods = ["FY2020", "FY2019", "FY2019Q4", "FY2019Q1", "later"]
    assert sorted(periods, key=period_sort_key) == ["FY2019Q1", "FY2019Q4", "FY2019", "FY2020", "later"]
