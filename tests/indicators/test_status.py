"""The status rule: direction, cumulative, missing data, qualitative, milestones, roll-ups."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.test import override_settings

from icsplan.indicators.status import Series, Status, assess, rollup, score


def series(**kwargs) -> Series:
    defaults = dict(baseline=D(40), targets={"FY2020": D(50)}, actuals={})
    defaults.update(kwargs)
    return Series(**defaults)


@pytest.mark.parametrize("actual, expected", [
    (55, Status.ON_TRACK),   # beyond the target
    (50, Status.ON_TRACK),   # at the target
    (49, Status.ON_TRACK),   # 90% of the planned change (40 -> 50)
    (48, Status.AT_RISK),    # 80%
    (46, Status.OFF_TRACK),  # 60%
    (35, Status.OFF_TRACK),  # went the wrong way
])
def test_higher_is_better_measures_progress_from_baseline(actual, expected):
    assert assess(series(actuals={"FY2020": D(actual)}), "FY2020").status == expected


@pytest.mark.parametrize("actual, expected", [
    (18, Status.ON_TRACK), (20, Status.ON_TRACK), (21, Status.ON_TRACK), (22, Status.AT_RISK), (25, Status.OFF_TRACK),
])
def test_lower_is_better_reverses_the_direction(actual, expected):
    s = series(direction="decrease", baseline=D(30), targets={"FY2020": D(20)}, actuals={"FY2020": D(actual)})
    assert assess(s, "FY2020").status == expected


def test_target_equal_to_baseline_measures_shortfall_against_the_target():
    s = series(baseline=D(50), targets={"FY2020": D(50)}, actuals={"FY2020": D(44)})
    assert assess(s, "FY2020").progress == pytest.approx(0.88)  # 1 - 6/50
    assert assess(s, "FY2020").status == Status.AT_RISK


def test_missing_target_or_result_is_no_data():
    assert assess(series(), "FY2020").status == Status.NO_DATA
    assert assess(series(actuals={"FY2021": D(60)}), "FY2021").status == Status.NO_DATA


def test_cumulative_uses_running_totals():
    targets = {"FY2020": D(100), "FY2021": D(100)}
    # 150 in FY2020 then 60 in FY2021: 210 of 200 in total -> on track, though FY2021 alone fell short.
    s = series(cumulative=True, baseline=D(0), targets=targets, actuals={"FY2020": D(150), "FY2021": D(60)})
    assert assess(s, "FY2021").status == Status.ON_TRACK
    same_as_per_period = series(cumulative=False, baseline=D(0), targets=targets,
                                actuals={"FY2020": D(150), "FY2021": D(60)})
    assert assess(same_as_per_period, "FY2021").status == Status.OFF_TRACK
    # A missing earlier period adds nothing: 60 of 200 -> off track; the period itself must report.
    gap = series(cumulative=True, baseline=D(0), targets=targets, actuals={"FY2021": D(60)})
    assert assess(gap, "FY2021").status == Status.OFF_TRACK
    assert assess(gap, "FY2020").status == Status.NO_DATA


def test_cumulative_lower_is_better():
    s = series(cumulative=True, direction="decrease", baseline=None, targets={"FY2020": D(10), "FY2021": D(10)},
               actuals={"FY2020": D(8), "FY2021": D(16)})
    assert assess(s, "FY2020").status == Status.ON_TRACK
    # Running totals 24 against 20: 4 over a planned 20 -> progress 0.8.
    assert assess(s, "FY2021").progress == pytest.approx(0.8)
    assert assess(s, "FY2021").status == Status.AT_RISK


def test_qualitative_is_not_rated_and_does_not_distort_rollups():
    q = series(value_type="qualitative", targets={"FY2020": None}, actuals={"FY2020": None})
    assert assess(q, "FY2020").status == Status.NOT_RATED
    assert rollup([Status.ON_TRACK, Status.NOT_RATED, Status.NOT_RATED]) == Status.ON_TRACK
    assert rollup([Status.NOT_RATED, Status.NO_DATA]) == Status.NO_DATA


def test_milestones():
    yes, no = D(1), D(0)
    assert assess(series(value_type="milestone", targets={"FY2020": yes}, actuals={"FY2020": yes}), "FY2020").status == Status.ON_TRACK
    assert assess(series(value_type="milestone", targets={"FY2020": yes}, actuals={"FY2020": no}), "FY2020").status == Status.OFF_TRACK
    assert assess(series(value_type="milestone", targets={"FY2020": no}, actuals={"FY2020": no}), "FY2020").status == Status.ON_TRACK


def test_a_year_takes_the_latest_assessed_quarter_of_a_quarterly_indicator():
    s = series(frequency="quarterly", baseline=D(0),
               targets={"FY2020Q1": D(10), "FY2020Q2": D(10), "FY2020Q3": D(10)},
               actuals={"FY2020Q1": D(10), "FY2020Q2": D(5)})
    assert assess(s, "FY2020").status == Status.OFF_TRACK and assess(s, "FY2020").period == "FY2020Q2"
    assert assess(series(actuals={"FY2020": D(50)}), "FY2020Q1").status == Status.NO_DATA


def test_rollup_rule():
    assert rollup([Status.ON_TRACK, Status.ON_TRACK, Status.ON_TRACK, Status.OFF_TRACK]) == Status.ON_TRACK  # 0.75
    assert rollup([Status.ON_TRACK, Status.OFF_TRACK]) == Status.AT_RISK  # 0.5
    assert rollup([Status.AT_RISK, Status.OFF_TRACK]) == Status.OFF_TRACK  # 0.25
    assert score([Status.ON_TRACK, Status.NO_DATA, 0.5]) == 0.75


def test_thresholds_come_from_settings():
    s = series(actuals={"FY2020": D(49)})  # 90%
    assert assess(s, "FY2020").status == Status.ON_TRACK
    with override_settings(ICSPLAN_STATUS_THRESHOLDS={"on_track": 0.95}):
        assert assess(s, "FY2020").status == Status.AT_RISK
    assert assess(s, "FY2020", {"at_risk": 0.95, "on_track": 0.99}).status == Status.OFF_TRACK
