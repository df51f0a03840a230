"""The Mali sample indicators (sample data, labelled as such)."""

from __future__ import annotations

from collections import Counter

import pytest

from icsplan.indicators import models as m
from icsplan.indicators.progress import strategy_progress
from icsplan.indicators.status import Status

pytestmark = pytest.mark.django_db


def test_every_mali_objective_has_two_to_four_sample_indicators(mali_strategy):
    elements = list(mali_strategy.objectives.all()) + list(mali_strategy.management_objectives.all())
    assert len(elements) == 10
    for element in elements:
        indicators = list(element.indicators.all())
        assert 2 <= len(indicators) <= 4, element
        assert all(i.sample for i in indicators)
        assert all("Sample data" in i.definition and "Sample data" in i.data_source for i in indicators)
    assert m.Target.objects.filter(strategy=mali_strategy, period="FY2019").exists()
    assert m.Result.objects.filter(strategy=mali_strategy, period="FY2022").exists()
    assert m.Baseline.objects.filter(indicator__strategy=mali_strategy).count() >= 25


def test_sample_data_mixes_statuses(mali_strategy):
    progress = strategy_progress(mali_strategy)
    assert progress.periods == ["FY2019", "FY2020", "FY2021", "FY2022"]
    assert progress.sample
    seen = Counter(a.status for i in progress.indicators for a in i.assessments.values())
    assert seen[Status.ON_TRACK] and seen[Status.OFF_TRACK] and seen[Status.AT_RISK] and seen[Status.NO_DATA]
    assert seen[Status.NOT_RATED]  # the qualitative ones
    objective_statuses = {s for o in progress.objectives for s in o.statuses.values()}
    assert {Status.ON_TRACK, Status.OFF_TRACK} <= objective_statuses
    # Some results are still in clearance, one was returned with a reason.
    assert m.Result.objects.filter(strategy=mali_strategy, status="returned").exclude(return_reason="").exists()
    assert m.Result.objects.filter(strategy=mali_strategy, status="submitted").exists()


def test_demo_stage_is_registered():
    from icsplan.demo import demo_stages
    from icsplan.indicators.demo import demo_stage
    from icsplan.strategies.services import IMPORT_STAGES, LOAD_STAGES
    from icsplan.indicators.document import import_stage, load_stage

    assert demo_stage in demo_stages() and import_stage in IMPORT_STAGES and load_stage in LOAD_STAGES


def test_build_demo_with_the_parser_loads_sample_indicators():
    from icsplan.demo import build_demo

    row = build_demo()
    for objective in row.objectives.all():
        assert 2 <= objective.indicators.count() <= 4
