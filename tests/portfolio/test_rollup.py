"""Standard indicator roll-up: sums only where valid, percentages weighted by denominators,
cumulative increments, by bureau and fiscal year; only approved results the actor may read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from icsplan.accounts.actors import SYSTEM
from icsplan.portfolio.rollup import rollup

from tests.security.world import canary_document

pytestmark = pytest.mark.django_db


def _strategy(country, bureau="AF"):
    from icsplan.strategies import services

    return services.import_strategy(canary_document(country, bureau), status="approved", actor=SYSTEM)


def _indicator(strategy, code, **fields):
    from icsplan.indicators import services

    objective = strategy.objectives.get(number="1.1")
    from icsplan.strategies.services import applying_revision

    with applying_revision():  # as an approved revision applies it (the edition is in force)
        return services.create_indicator(objective, code=code, name=f"Indicator {code}", actor=SYSTEM, **fields)


def _result(indicator, period, value, approve=True, **fields):
    from icsplan.indicators import services

    result = services.submit_result(indicator, period, value, expected_version=0, actor=SYSTEM, **fields)
    if approve:
        services.approve_result(result, actor=SYSTEM, expected_version=result.version)
    return result


@pytest.fixture()
def missions(db):
    return {c: _strategy(c, b) for c, b in (("Mali", "AF"), ("Niger", "AF"), ("Laos", "EAP"))}


def _row(rows, code, bureau, year):
    return next(r for r in rows if r.standard_code == code and r.bureau == bureau and r.fiscal_year == year)


def test_levels_are_summed_per_bureau_and_year(missions):
    for country, value in (("Mali", "10"), ("Niger", "5"), ("Laos", "7")):
        indicator = _indicator(missions[country], "S-1", standard_code="PS.1-1", unit="people")
        _result(indicator, "FY2023", value)
    _result(_indicator(missions["Niger"], "S-1b", standard_code="PS.1-1", unit="people"), "FY2023", "99",
            approve=False)  # submitted, not approved: never counted
    rows = rollup(actor=SYSTEM)
    af = _row(rows, "PS.1-1", "AF", 2023)
    assert (af.method, af.total, af.missions) == ("sum", Decimal("15"), 2)
    assert _row(rows, "PS.1-1", "EAP", 2023).total == Decimal("7")


def test_different_units_are_never_added(missions):
    _result(_indicator(missions["Mali"], "U-1", standard_code="EG.3", unit="USD"), "FY2023", "100")
    _result(_indicator(missions["Niger"], "U-1", standard_code="EG.3", unit="hectares"), "FY2023", "3")
    rows = [r for r in rollup(actor=SYSTEM, bureau="AF") if r.standard_code == "EG.3"]
    assert sorted((r.unit, r.total) for r in rows) == [("USD", Decimal("100")), ("hectares", Decimal("3"))]


def test_percentages_are_weighted_by_their_denominators(missions):
    mali = _indicator(missions["Mali"], "P-1", standard_code="HL.9", unit="%", value_type="percent")
    niger = _indicator(missions["Niger"], "P-1", standard_code="HL.9", unit="%", value_type="percent")
    _result(mali, "FY2024", "50", numerator=50, denominator=100)
    _result(niger, "FY2024", "10", numerator=90, denominator=900)
    row = _row(rollup(actor=SYSTEM), "HL.9", "AF", 2024)
    # (50 + 90) / (100 + 900) = 14 %, not the mean of 50 % and 10 %.
    assert (row.method, row.total, row.excluded) == ("weighted percent", Decimal("14.00"), 0)


def test_a_percent_without_its_denominator_is_left_out(missions):
    mali = _indicator(missions["Mali"], "P-2", standard_code="HL.8", unit="%", value_type="percent")
    niger = _indicator(missions["Niger"], "P-2", standard_code="HL.8", unit="%", value_type="percent")
    _result(mali, "FY2024", "40", numerator=4, denominator=10)
    _result(niger, "FY2024", "90")
    row = _row(rollup(actor=SYSTEM), "HL.8", "AF", 2024)
    assert (row.total, row.excluded) == (Decimal("40.00"), 1)


def test_cumulative_indicators_add_increments_and_carry_a_running_total(missions):
    for country in ("Mali", "Niger"):
        indicator = _indicator(missions[country], "C-1", standard_code="DR.1", unit="people", cumulative=True,
                               frequency="quarterly")
        _result(indicator, "FY2023Q1", "2")
        _result(indicator, "FY2023Q2", "3")
        _result(indicator, "FY2024Q1", "1")
    rows = rollup(actor=SYSTEM)
    first, second = _row(rows, "DR.1", "AF", 2023), _row(rows, "DR.1", "AF", 2024)
    assert (first.method, first.total, first.running_total) == ("sum of increments", Decimal("10"), Decimal("10"))
    assert (second.total, second.running_total) == (Decimal("2"), Decimal("12"))


def test_a_level_reported_quarterly_takes_the_latest_quarter_not_the_sum(missions):
    indicator = _indicator(missions["Mali"], "L-1", standard_code="ES.1", unit="schools", frequency="quarterly")
    _result(indicator, "FY2023Q1", "20")
    _result(indicator, "FY2023Q3", "25")
    assert _row(rollup(actor=SYSTEM), "ES.1", "AF", 2023).total == Decimal("25")


def test_sbu_indicators_count_only_for_their_readers(missions):
    from django.contrib.auth.models import AnonymousUser

    indicator = _indicator(missions["Mali"], "S-9", standard_code="PS.9", unit="people", sensitivity="sbu")
    _result(indicator, "FY2023", "8")
    assert [r.total for r in rollup(actor=SYSTEM) if r.standard_code == "PS.9"] == [Decimal("8")]
    assert [r for r in rollup(actor=AnonymousUser()) if r.standard_code == "PS.9"] == []
    with pytest.raises(TypeError):
        rollup(actor=None)


def test_the_api(missions):
    import json

    from django.test import Client

    _result(_indicator(missions["Mali"], "A-1", standard_code="PS.2", unit="people"), "FY2023", "4")
    rows = json.loads(Client().get("/api/v1/portfolio/rollup", {"bureau": "AF", "standard_code": "ps.2"}).content)
    assert [(r["bureau"], r["fiscal_year"], r["total"], r["method"]) for r in rows] == [("AF", 2023, 4.0, "sum")]
