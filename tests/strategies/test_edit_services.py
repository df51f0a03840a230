"""Edit services: field validation, permissions, optimistic concurrency, history with reasons."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from icsplan.accounts.actors import SYSTEM
from icsplan.accounts.services import add_membership
from icsplan.errors import ConflictError, InputError, NotFoundError, PermissionDenied, TransitionError, ValidationError
from icsplan.strategies import models as m
from icsplan.strategies import services

from .factories import sample_document

pytestmark = pytest.mark.django_db


@pytest.fixture()
def row():
    return services.import_strategy(sample_document(), actor=SYSTEM)


def _person(name, role, mission):
    user = get_user_model().objects.create(username=name)
    add_membership(user, role, mission=mission, actor=SYSTEM)
    return get_user_model().objects.get(pk=user.pk)


def test_update_bumps_version_and_records_history_with_reason(row):
    editor = _person("ed", "editor", row.mission)
    objective = row.objectives.get(number="1.1")
    saved = services.update_element(objective, {"title": "New title", "justification_sensitivity": "sbu"},
                                    expected_version=1, actor=editor, reason="Review 2023")
    assert saved.version == 2 and saved.title == "New title" and saved.justification_sensitivity == "sbu"
    latest = objective.history.first()
    assert latest.history_user == editor and latest.history_change_reason == "Review 2023"
    assert latest.title == "New title"


def test_second_client_with_stale_version_gets_conflict(row):
    objective = row.objectives.get(number="1.1")
    first = m.Objective.objects.get(pk=objective.pk)
    second = m.Objective.objects.get(pk=objective.pk)
    services.update_element(first, {"title": "Client A"}, expected_version=first.version, actor=SYSTEM)
    with pytest.raises(ConflictError) as info:
        services.update_element(second, {"title": "Client B"}, expected_version=second.version, actor=SYSTEM)
    assert info.value.current_version == 2 and info.value.given_version == 1
    assert "version 1" in str(info.value) and "version 2" in str(info.value)
    assert m.Objective.objects.get(pk=objective.pk).title == "Client A"


def test_unknown_and_invalid_fields_are_refused(row):
    goal = row.goals.get(number="1")
    with pytest.raises(ValidationError, match="cannot be edited"):
        services.update_element(goal, {"strategy_id": 5}, expected_version=1, actor=SYSTEM)
    with pytest.raises(ValidationError, match="cannot be edited"):
        services.update_element(goal, {"version": 99}, expected_version=1, actor=SYSTEM)
    for bad in ({"title": ""}, {"title": "x" * 10_000}, {"description_sensitivity": "secret"},
                {"number": "1; DROP TABLE strategies_goal"}, {"title": "nul\x00byte"}, {"title": 12}):
        with pytest.raises(InputError):
            services.update_element(goal, bad, expected_version=1, actor=SYSTEM)
    assert m.Goal.objects.get(pk=goal.pk).version == 1


def test_duplicate_number_is_refused_cleanly(row):
    objective = row.objectives.get(number="1.2")
    with pytest.raises(ValidationError, match="already used"):
        services.update_element(objective, {"number": "1.1"}, expected_version=1, actor=SYSTEM)


def test_edit_needs_the_edit_action(row):
    objective = row.objectives.get(number="1.1")
    with pytest.raises(NotFoundError):  # a draft is for the mission's editors and approvers only
        services.update_element(objective, {"title": "x"}, expected_version=1,
                                actor=_person("rd", "reader", row.mission))
    with pytest.raises(NotFoundError):  # a draft of another mission is invisible
        other = services.import_strategy(sample_document("Otherland"), actor=SYSTEM)
        services.update_element(objective, {"title": "x"}, expected_version=1,
                                actor=_person("oe", "editor", other.mission))
    with pytest.raises(NotFoundError):
        services.update_element(objective, {"title": "x"}, expected_version=1,
                                actor=_person("rp", "reporter", row.mission))
    with pytest.raises(PermissionDenied):
        services.update_element(objective, {"title": "x"}, expected_version=1,
                                actor=_person("ap", "approver", row.mission))


def test_approve_needs_approve_and_is_versioned(row):
    editor = _person("ed", "editor", row.mission)
    approver = _person("ap", "approver", row.mission)
    with pytest.raises(TransitionError, match="in clearance"):  # a draft is submitted first
        services.approve_strategy(row, actor=approver, expected_version=1)
    row = services.submit_edition(row, actor=editor, expected_version=1, reason="Ready for the COM")
    with pytest.raises(PermissionDenied):
        services.approve_strategy(row, actor=editor, expected_version=2)
    with pytest.raises(ConflictError):
        services.approve_strategy(row, actor=approver, expected_version=7)
    approved = services.approve_strategy(row, actor=approver, expected_version=2, reason="COM signed")
    assert approved.status == "approved" and approved.version == 3 and approved.approved_date
    from icsplan.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="strategy.approve")
    assert event.actor == approver and event.mission == row.mission and event.reason == "COM signed"
    with pytest.raises(TransitionError, match="is approved"):
        services.approve_strategy(approved, actor=approver, expected_version=3)


def test_strategy_fields_and_status(row):
    saved = services.update_strategy(row, {"priorities": "New", "priorities_sensitivity": "sbu"},
                                     expected_version=1, actor=SYSTEM)
    assert saved.version == 2
    with pytest.raises(ValidationError, match="cannot be edited here"):  # the life cycle has its own services
        services.update_strategy(saved, {"status": "approved"}, expected_version=2, actor=SYSTEM)


def test_linkages_and_risks_bump_the_element_version(row):
    objective = row.objectives.get(number="1.2")
    link = services.add_linkage(objective, "SDG 5", expected_version=1, actor=SYSTEM)
    assert link.framework.code == "SDG" and link.objective_id == objective.pk
    with pytest.raises(ConflictError):
        services.add_linkage(objective, "SDG 6", expected_version=1, actor=SYSTEM)
    with pytest.raises(ValidationError, match="already linked"):
        services.add_linkage(objective, "sdg 5", expected_version=2, actor=SYSTEM)
    risk = services.add_risk(objective, {"statement": "Elections slip.", "likelihood": "high", "sensitivity": "sbu"},
                             expected_version=2, actor=SYSTEM)
    risk = services.update_risk(risk, {"mitigation": "Plan B."}, expected_version=3, actor=SYSTEM)
    assert risk.mitigation == "Plan B."
    with pytest.raises(InputError):
        services.update_risk(risk, {"likelihood": "extreme"}, expected_version=4, actor=SYSTEM)
    services.remove_risk(risk, expected_version=4, actor=SYSTEM)
    services.remove_linkage(link, expected_version=5, actor=SYSTEM)
    assert m.Objective.objects.get(pk=objective.pk).version == 6
    assert not m.Risk.objects.filter(pk=risk.pk).exists()


def test_create_and_delete_elements(row):
    editor = _person("ed", "editor", row.mission)
    goal = row.goals.get(number="1")
    objective = services.create_objective(goal, {"number": "1.3", "title": "Third"}, actor=editor)
    sub = services.create_element(m.SubObjective, {"number": "1.3.1", "title": "Sub"}, strategy=row,
                                  parent=objective, actor=editor)
    assert sub.objective_id == objective.pk
    with pytest.raises(ValidationError, match="already used"):
        services.create_objective(goal, {"number": "1.3", "title": "Again"}, actor=editor)
    with pytest.raises(ConflictError):
        services.delete_element(objective, expected_version=9, actor=editor)
    services.delete_element(objective, expected_version=1, actor=editor, reason="merged into 1.1")
    assert not m.Objective.objects.filter(pk=objective.pk).exists()
    record = m.Objective.history.filter(id=objective.pk, history_type="-").get()
    assert record.history_user == editor and record.history_change_reason == "merged into 1.1"


def test_a_sensitivity_that_is_not_text_is_a_validation_error():
    # Found by the hostile-input fuzzer: a JSON list reached `in frozenset(...)` and raised TypeError.
    from icsplan.errors import ValidationError
    from icsplan.strategies.services.fields import clean_value

    with pytest.raises(ValidationError, match="must be 'public' or"):
        clean_value(None, "sensitivity", ["public"])
