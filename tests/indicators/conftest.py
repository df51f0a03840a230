"""Fixtures of the indicator tests: a small strategy with indicators of every kind."""

from __future__ import annotations

import datetime as dt

import pytest

from icsplan.accounts.actors import SYSTEM
from icsplan.indicators import services as svc
from icsplan.strategies import services as strategy_services
from tests.strategies.factories import sample_document


@pytest.fixture()
def strategy(db):
    """A hand-built strategy (FY2022–FY2026, no indicators yet)."""
    return strategy_services.import_strategy(sample_document(), actor=SYSTEM)


@pytest.fixture()
def objective(strategy):
    return strategy.objectives.get(number="1.1")


@pytest.fixture()
def trainees(objective):
    """A cumulative annual number indicator with a sex breakdown, baseline 0."""
    ind = svc.create_indicator(objective, code="T-1", name="People trained", unit="people", cumulative=True,
                               actor=SYSTEM)
    svc.set_baseline(ind, "0", date=dt.date(2021, 9, 30), expected_version=0, actor=SYSTEM)
    svc.define_disaggregation(ind, "sex", ["female", "male"], expected_version=0, actor=SYSTEM)
    for year, target in ((2022, 100), (2023, 100), (2024, 100)):
        svc.set_target(ind, f"FY{year}", target, expected_version=0, actor=SYSTEM)
    return ind


@pytest.fixture()
def literacy(objective):
    """A per-period percent indicator, baseline 40."""
    ind = svc.create_indicator(objective, code="P-1", name="Pupils reading", unit="percent", value_type="percent",
                               actor=SYSTEM)
    svc.set_baseline(ind, "40", expected_version=0, actor=SYSTEM)
    for year, target in ((2022, 50), (2023, 60)):
        svc.set_target(ind, f"FY{year}", target, expected_version=0, actor=SYSTEM)
    return ind


def approve(indicator, period, value, **kwargs):
    """Submit and approve a result (trusted operator)."""
    kwargs.setdefault("expected_version", 0)
    result = svc.submit_result(indicator, period, value, actor=SYSTEM, **kwargs)
    return svc.approve_result(result, expected_version=result.version, actor=SYSTEM)


def _mali_skeleton(truth: dict):
    """A Mali-shaped document from the hand-made truth file (goals, objectives, management
    objective), so demo tests do not depend on the parser."""
    from icsplan import document as doc

    goals = []
    for g in truth["mission_goals"]:
        objectives = [doc.Objective(number=o["number"], title=o["title"])
                      for o in truth["mission_objectives"] if str(o["goal"]) == str(g["number"])]
        goals.append(doc.Goal(number=str(g["number"]), title=g["title"], objectives=objectives))
    management = [doc.ManagementObjective(number=str(mo["number"]), title=mo["title"])
                  for mo in truth["management_objectives"]]
    return doc.Strategy(mission=doc.Mission(country="Mali", post="Embassy Bamako", bureau="AF"), edition="2018",
                        goals=goals, management_objectives=management)


@pytest.fixture()
def mali_strategy(db, mali_truth):
    """The Mali strategy (edition 2018) with the demo's sample indicators."""
    from icsplan.indicators.demo import demo_stage

    row = strategy_services.import_strategy(_mali_skeleton(mali_truth), edition="2018", status="approved", actor=SYSTEM)
    demo_stage(row)
    return row
