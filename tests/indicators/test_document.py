"""Indicators in the canonical JSON: a strategy with monitoring data round-trips losslessly."""

from __future__ import annotations

import datetime as dt

import pytest

from icsplan.accounts.actors import SYSTEM
from icsplan import document as doc
from icsplan.errors import ValidationError
from icsplan.indicators import models as m
from icsplan.strategies import models as sm
from icsplan.strategies import services
from tests.strategies.factories import sample_document

pytestmark = pytest.mark.django_db


def document_with_indicators() -> doc.Strategy:
    document = sample_document()
    objective = document.goals[0].objectives[0]
    objective.indicators = [
        doc.Indicator(
            code="1.1-A", name="People trained", definition="Trained by U.S. programs", unit="people",
            cumulative=True, data_source="rosters", collection_method="partner reports", responsible="USAID",
            standard_code="SDG 4.c.1", baseline=doc.Baseline(value="0", date=dt.date(2021, 9, 30), note="none yet"),
            disaggregations=[doc.Disaggregation(category="sex", values=["female", "male"])],
            targets=[doc.PeriodValue(period="FY2023", value="1,000"),
                     doc.PeriodValue(period="FY2023", value="500", category="sex", category_value="female"),
                     doc.PeriodValue(period="FY2023", value="500", category="sex", category_value="male")],
            results=[doc.PeriodValue(period="FY2023", value="1,050", status="approved", comment="ok",
                                     evidence_url="https://example.org/rosters"),
                     doc.PeriodValue(period="FY2024", value="80", status="returned", return_reason="check rosters",
                                     sensitivity=doc.Sensitivity.SBU)],
        ),
        doc.Indicator(code="1.1-B", name="Share reading", value_type="percent", frequency="quarterly",
                      sensitivity=doc.Sensitivity.SBU, sample=True,
                      targets=[doc.PeriodValue(period="FY2023Q1", value="45")],
                      results=[doc.PeriodValue(period="FY2023Q1", numerator=40, denominator=100, status="submitted")]),
    ]
    document.goals[0].objectives[0].sub_objectives[0].indicators = [
        doc.Indicator(code="1.1.1-A", name="Law adopted", value_type="milestone", baseline=doc.Baseline(),
                      targets=[doc.PeriodValue(period="FY2024", value="yes")],
                      results=[doc.PeriodValue(period="FY2024", value="no", status="draft")])]
    document.management_objectives[0].indicators = [
        doc.Indicator(code="M1-A", name="Narrative", value_type="qualitative", direction="decrease",
                      results=[doc.PeriodValue(period="FY2023", value="Improving", status="approved")])]
    return document


def test_round_trip_with_indicators_is_lossless():
    original = document_with_indicators()
    row = services.import_strategy(original, actor=SYSTEM)
    loaded = services.load_strategy(row)
    assert loaded.to_json() == original.to_json()
    assert loaded == original
    assert m.Indicator.objects.filter(strategy=row).count() == 4
    assert m.Result.history.count() == m.Result.objects.count() == 5


def test_load_with_indicators_uses_a_constant_number_of_queries(django_assert_max_num_queries):
    row = services.import_strategy(document_with_indicators(), actor=SYSTEM)
    with django_assert_max_num_queries(20):
        services.load_strategy(row)


def test_invalid_indicators_refuse_the_whole_import():
    bad = document_with_indicators()
    ind = bad.goals[0].objectives[0].indicators[0]
    ind.targets[1].value = "400"  # breakdown no longer adds up
    ind.results.append(doc.PeriodValue(period="FY2040", value="1", status="approved"))
    bad.goals[1].objectives[0].indicators = [doc.Indicator(code="1.1-A", name="duplicate code")]
    with pytest.raises(ValidationError) as info:
        services.import_strategy(bad, actor=SYSTEM)
    messages = " | ".join(str(p) for p in info.value.problems)
    assert "adds up to 900" in messages and "FY2040 is outside" in messages and "used twice" in messages
    assert "element 1.1 indicators[0]" in messages
    assert sm.Strategy.objects.count() == 0 and m.Indicator.objects.count() == 0


def test_the_hand_built_document_without_indicators_still_round_trips():
    original = sample_document()
    assert services.load_strategy(services.import_strategy(original, actor=SYSTEM)) == original
