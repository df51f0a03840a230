"""Fiscal periods and value parsing (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from icsplan.indicators.periods import Period, fiscal_year_of, periods_between, sort_key
from icsplan.indicators.values import check_sum, parse_value


def test_fiscal_year_starts_on_first_october():
    q1 = Period.parse("FY2019Q1")
    assert (q1.start, q1.end) == (dt.date(2018, 10, 1), dt.date(2018, 12, 31))
    assert (Period.parse("FY2019").start, Period.parse("FY2019").end) == (dt.date(2018, 10, 1), dt.date(2019, 9, 30))
    assert Period.parse("fy 2019 h2").id == "FY2019H2"
    assert Period.parse("FY2019H2").start == dt.date(2019, 4, 1)
    assert fiscal_year_of(dt.date(2018, 10, 1)) == 2019 and fiscal_year_of(dt.date(2018, 9, 30)) == 2018


@pytest.mark.parametrize("bad", ["2019", "FY19", "FY2019Q5", "FY2019H3", "", None])
def test_bad_period_ids_are_refused(bad):
    with pytest.raises(ValueError):
        Period.parse(bad)


def test_periods_sort_by_end_and_nest():
    assert sorted(["FY2020", "FY2019", "FY2019Q4", "FY2019Q1"], key=sort_key) == ["FY2019Q1", "FY2019Q4", "FY2019", "FY2020"]
    assert Period.parse("FY2019Q3").within(Period.parse("FY2019"))
    assert not Period.parse("FY2019Q3").within(Period.parse("FY2019H1"))
    assert [p.id for p in periods_between(2019, 2020, "semiannual")] == ["FY2019H1", "FY2019H2", "FY2020H1", "FY2020H2"]


def test_values_are_checked_against_their_type():
    assert parse_value("number", "1,200").number == Decimal(1200)
    assert parse_value("number", 12.0).value == "12"
    assert parse_value("milestone", "Yes").number == 1
    assert parse_value("percent", None, 30, 120).number == Decimal(25)
    assert parse_value("qualitative", "Improving").number is None
    for value_type, raw, kwargs, message in [
        ("number", "many", {}, "expected a number"),
        ("percent", "120", {}, "between 0 and 100"),
        ("percent", None, {"numerator": 5, "denominator": 0}, "denominator must be above 0"),
        ("percent", None, {"numerator": 50, "denominator": 10}, "numerator must be between"),
        ("percent", "80", {"numerator": 1, "denominator": 2}, "does not match"),
        ("milestone", "maybe", {}, "yes or no"),
        ("currency", "-5", {}, "not negative"),
        ("number", "5", {"numerator": 1, "denominator": 2}, "only percent"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_value(value_type, raw, **kwargs)


def test_sum_check_adds_numbers_and_percent_fractions():
    total = parse_value("number", 10)
    check_sum("number", total, {"f": parse_value("number", 4), "m": parse_value("number", 6)})
    with pytest.raises(ValueError, match="adds up to 9"):
        check_sum("number", total, {"f": parse_value("number", 4), "m": parse_value("number", 5)})
    pct = parse_value("percent", None, 30, 100)
    check_sum("percent", pct, {"f": parse_value("percent", None, 10, 40), "m": parse_value("percent", None, 20, 60)})
    with pytest.raises(ValueError, match="denominators"):
        check_sum("percent", pct, {"f": parse_value("percent", None, 10, 40), "m": parse_value("percent", None, 20, 50)})
