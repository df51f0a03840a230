"""The services: indicators, targets, the results workflow, locks, sums, permissions, versions."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from icsplan.accounts.actors import SYSTEM
from icsplan.accounts.models import Membership, ReporterAssignment
from icsplan.errors import ConflictError, InputError, PermissionDenied, TransitionError, ValidationError
from icsplan.indicators import models as m
from icsplan.indicators import services as svc
from icsplan.indicators.progress import strategy_progress
from icsplan.indicators.status import Status

from .conftest import approve

pytestmark = pytest.mark.django_db


def user_with(role, mission, name=None, objective=None):
    user = get_user_model().objects.create_user(name or role)
    membership = Membership.objects.create(user=user, role=role, mission=mission)
    if objective is not None:
        ReporterAssignment.objects.create(membership=membership, objective=objective)
    return user


def status_of(strategy, code, period):
    progress = strategy_progress(strategy)
    return next(i for i in progress.indicators if i.indicator.code == code).status(period)


def test_workflow_draft_submitted_returned_resubmitted_approved(trainees, strategy):
    draft = svc.save_result(trainees, "FY2022", 80, expected_version=0, actor=SYSTEM)
    assert draft.status == "draft"
    submitted = svc.submit_result(trainees, "FY2022", 90, comment="Q4 rosters", evidence_url="https://example.org/r",
                                  expected_version=draft.version, actor=SYSTEM)
    assert submitted.status == "submitted" and submitted.version == draft.version + 1
    with pytest.raises(ValidationError, match="say why"):
        svc.return_result(submitted, "  ", expected_version=submitted.version, actor=SYSTEM)
    returned = svc.return_result(submitted, "Attach the roster", expected_version=submitted.version, actor=SYSTEM)
    assert returned.status == "returned" and returned.return_reason == "Attach the roster"
    with pytest.raises(InputError, match="only a submitted result"):
        svc.approve_result(returned, expected_version=returned.version, actor=SYSTEM)
    again = svc.submit_result(trainees, "FY2022", 95, expected_version=returned.version, actor=SYSTEM)
    assert again.return_reason == ""
    approved = svc.approve_result(again, expected_version=again.version, actor=SYSTEM)
    assert approved.status == "approved" and approved.decided_at is not None
    # Every step is in the history, newest first.
    assert [h.status for h in approved.history.all()] == ["approved", "submitted", "returned", "submitted", "draft"]


def test_only_approved_results_count(trainees, strategy):
    result = svc.submit_result(trainees, "FY2022", 100, expected_version=0, actor=SYSTEM)
    assert status_of(strategy, "T-1", "FY2022") == Status.NO_DATA
    result = svc.approve_result(result, expected_version=result.version, actor=SYSTEM)
    assert status_of(strategy, "T-1", "FY2022") == Status.ON_TRACK
    # Editing an approved figure needs a reason, and sends it back through clearance: it stops counting.
    with pytest.raises(ValidationError, match="already approved; give a reason"):
        svc.submit_result(trainees, "FY2022", 10, expected_version=result.version, actor=SYSTEM)
    svc.submit_result(trainees, "FY2022", 10, expected_version=result.version, reason="Survey corrected.",
                      actor=SYSTEM)
    assert status_of(strategy, "T-1", "FY2022") == Status.NO_DATA


def test_approved_breakdown_stands_in_for_a_missing_total(trainees, strategy):
    approve(trainees, "FY2022", 60, category="sex", category_value="female")
    assert status_of(strategy, "T-1", "FY2022") == Status.NO_DATA  # incomplete breakdown
    approve(trainees, "FY2022", 35, category="sex", category_value="male")
    progress = strategy_progress(strategy)
    assert progress.indicators[0].series.actuals["FY2022"] == 95


def test_locked_periods_refuse_changes(trainees, strategy):
    result = svc.submit_result(trainees, "FY2022", 90, expected_version=0, actor=SYSTEM)
    svc.lock_period(strategy, "FY2022", reason="FY2022 closed", actor=SYSTEM)
    assert svc.is_locked(strategy, "FY2022")
    with pytest.raises(ValidationError, match="locked") as info:
        svc.submit_result(trainees, "FY2022", 91, expected_version=result.version, actor=SYSTEM)
    assert info.value.problems[0].code == "locked"
    with pytest.raises(ValidationError, match="locked"):
        svc.approve_result(result, expected_version=result.version, actor=SYSTEM)
    assert m.Result.objects.get(pk=result.pk).value == "90"
    svc.unlock_period(strategy, "FY2022", actor=SYSTEM)
    svc.approve_result(result, expected_version=result.version, actor=SYSTEM)
    assert m.PeriodLock.history.count() == 2  # locked, then unlocked


def test_a_locked_quarter_freezes_its_year(strategy, objective):
    quarterly = svc.create_indicator(objective, code="Q-1", name="Quarterly", frequency="quarterly", actor=SYSTEM)
    svc.lock_period(strategy, "FY2023", actor=SYSTEM)
    with pytest.raises(ValidationError, match="locked"):
        svc.submit_result(quarterly, "FY2023Q2", 4, expected_version=0, actor=SYSTEM)
    svc.submit_result(quarterly, "FY2024Q1", 4, expected_version=0, actor=SYSTEM)


def test_entries_are_validated(trainees, literacy):
    cases = [
        (dict(indicator=trainees, period="FY2019", value=5), "outside the strategy"),
        (dict(indicator=trainees, period="FY2023Q1", value=5), "reports annual"),
        (dict(indicator=trainees, period="FY2023", value="lots"), "expected a number"),
        (dict(indicator=literacy, period="FY2023", value=130), "between 0 and 100"),
        (dict(indicator=trainees, period="FY2023", value=5, category="age", category_value="15-24"), "no breakdown"),
        (dict(indicator=trainees, period="FY2023", value=5, category="sex", category_value="other"), "not a value"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            svc.submit_result(kwargs.pop("indicator"), kwargs.pop("period"), kwargs.pop("value"), expected_version=0, actor=SYSTEM,
                              **kwargs)
    assert m.Result.objects.count() == 0


def test_breakdowns_must_add_up_for_results_and_targets(trainees):
    svc.submit_result(trainees, "FY2023", 10, expected_version=0, actor=SYSTEM)
    svc.submit_result(trainees, "FY2023", 4, category="sex", category_value="female", expected_version=0, actor=SYSTEM)
    with pytest.raises(ValidationError, match="adds up to 9, not the total 10"):
        svc.submit_result(trainees, "FY2023", 5, category="sex", category_value="male", expected_version=0,
                          actor=SYSTEM)
    assert not m.Result.objects.filter(category_value="male").exists()  # rolled back
    svc.submit_result(trainees, "FY2023", 6, category="sex", category_value="male", expected_version=0, actor=SYSTEM)
    svc.set_target(trainees, "FY2023", 60, category="sex", category_value="female", expected_version=0, actor=SYSTEM)
    with pytest.raises(ValidationError, match="adds up"):
        svc.set_target(trainees, "FY2023", 30, category="sex", category_value="male", expected_version=0, actor=SYSTEM)


def test_non_exhaustive_breakdowns_are_not_summed(trainees):
    svc.define_disaggregation(trainees, "disability", ["with disability"], exhaustive=False, expected_version=0,
                              actor=SYSTEM)
    svc.submit_result(trainees, "FY2023", 10, expected_version=0, actor=SYSTEM)
    part = svc.submit_result(trainees, "FY2023", 3, category="disability", category_value="with disability",
                             expected_version=0, actor=SYSTEM)
    # A part that is not exhaustive need not add up: a breakdown larger than its share is kept as given.
    svc.submit_result(trainees, "FY2023", 12, category="disability", category_value="with disability",
                      expected_version=part.version, actor=SYSTEM)
    rows = {(r.category, r.category_value): r.number for r in trainees.results.filter(period="FY2023")}
    assert rows == {("", ""): 10, ("disability", "with disability"): 12}


def test_update_indicator_checks_version_and_records_history(trainees):
    updated = svc.update_indicator(trainees, {"name": "People trained (all sectors)"}, expected_version=1, actor=SYSTEM)
    assert updated.version == 2
    with pytest.raises(ConflictError):
        svc.update_indicator(trainees, {"name": "stale"}, expected_version=1, actor=SYSTEM)
    with pytest.raises(ValidationError, match="cannot change once"):
        svc.update_indicator(trainees, {"value_type": "percent"}, expected_version=2, actor=SYSTEM)
    with pytest.raises(ValidationError, match="direction must be one of"):
        svc.update_indicator(trainees, {"direction": "sideways"}, expected_version=2, actor=SYSTEM)
    assert trainees.history.count() == 2


def test_duplicate_codes_and_bad_elements_are_refused(trainees, objective, strategy):
    with pytest.raises(ValidationError, match="already has an indicator T-1"):
        svc.create_indicator(objective, code="T-1", name="again", actor=SYSTEM)
    with pytest.raises(InputError):
        svc.create_indicator(strategy, code="X", name="on a strategy", actor=SYSTEM)
    sub = strategy.sub_objectives.first()
    assert svc.create_indicator(sub, code="S-1", name="On a sub-objective", actor=SYSTEM).sub_objective == sub


def _in_force(strategy, indicator):
    """Bring the draft edition into force (reporters and readers work on the edition in force; a
    draft is for editors and approvers) and return the indicator read again."""
    from icsplan.strategies import services as strategies

    submitted = strategies.submit_edition(strategy, actor=SYSTEM, expected_version=strategy.version)
    strategies.approve_strategy(submitted, actor=SYSTEM, expected_version=submitted.version)
    return m.Indicator.objects.get(pk=indicator.pk)


def test_roles_plug_in(trainees, strategy, objective):
    trainees = _in_force(strategy, trainees)
    mission = strategy.mission
    reporter, approver = user_with("reporter", mission, objective=objective), user_with("approver", mission)
    unassigned = user_with("reporter", mission, "unassigned", objective=strategy.objectives.get(number="2.1"))
    with pytest.raises(PermissionDenied):  # reporters report on their assigned objectives only
        svc.submit_result(trainees, "FY2022", 100, expected_version=0, actor=unassigned)
    editor, reader = user_with("editor", mission), user_with("reader", mission)
    result = svc.submit_result(trainees, "FY2022", 100, expected_version=0, actor=reporter)
    assert result.submitted_by == reporter and result.history.first().history_user == reporter
    with pytest.raises(PermissionDenied):
        svc.approve_result(result, expected_version=result.version, actor=reporter)
    with pytest.raises(PermissionDenied):
        svc.submit_result(trainees, "FY2022", 100, expected_version=result.version, actor=reader)
    with pytest.raises(PermissionDenied):
        svc.set_target(trainees, "FY2023", 1, expected_version=1, actor=reporter)
    with pytest.raises(TransitionError) as in_force:  # the edition is in force: a target changes by revision
        svc.set_target(trainees, "FY2023", 120, expected_version=1, actor=editor)
    assert in_force.value.code == "revision-required"
    approved = svc.approve_result(result, expected_version=result.version, actor=approver)
    assert approved.decided_by == approver
    with pytest.raises(PermissionDenied):
        svc.lock_period(strategy, "FY2022", actor=editor)
    outsider = get_user_model().objects.create_user("outsider")
    with pytest.raises(PermissionDenied):  # the edition in force is public, not open to outsiders' results
        svc.submit_result(trainees, "FY2022", 1, expected_version=result.version, actor=outsider)


def test_restrict_narrows_indicator_querysets(trainees, strategy):
    from icsplan.accounts.permissions import restrict

    trainees = _in_force(strategy, trainees)
    reader = user_with("reader", strategy.mission)
    outsider = get_user_model().objects.create_user("outsider")
    approve(trainees, "FY2022", 100)
    for model in (m.Indicator, m.Target, m.Result, m.Baseline, m.Disaggregation):
        assert restrict(model.objects.all(), reader, "view").exists()
        assert not restrict(model.objects.all(), outsider, "view").exists()


def test_sbu_indicators_and_results_are_left_out_of_public_progress(trainees, literacy, strategy):
    from icsplan.accounts.redaction import PUBLIC_AUDIENCE

    svc.update_indicator(literacy, {"sensitivity": "sbu"}, expected_version=literacy.version, actor=SYSTEM)
    approve(trainees, "FY2022", 100, sensitivity="sbu")
    public = strategy_progress(strategy, audience=PUBLIC_AUDIENCE)
    assert [i.indicator.code for i in public.indicators] == ["T-1"]
    assert public.indicators[0].results == []
    assert m.Result.objects.get().is_sbu
