"""Every change to the edition in force is a revision (issue 10, item 2): the write services refuse
a direct write to an element, linkage, risk, indicator or target of an approved or published
edition with ``revision-required``; the same change proposed, then approved by another approver,
goes through the same service. Drafts are still edited directly."""

from __future__ import annotations

import pytest

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import PermissionDenied, TransitionError, ValidationError
from icsplan.indicators import models as im
from icsplan.indicators import services as indicators
from icsplan.strategies import models as m
from icsplan.strategies import services
from security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture()
def world(db):
    return build_world()


def _objective(world):
    return world.strategy.objectives.get(number="1.1")


def _refused(call):
    with pytest.raises(TransitionError) as refused:
        call()
    assert refused.value.code == "revision-required"
    assert "revision" in refused.value.message


def test_every_write_service_refuses_the_edition_in_force(world):
    editor = world.user("editor")
    objective = _objective(world)
    goal = objective.goal
    linkage = m.Linkage.objects.filter(objective=objective).first()
    risk = m.Risk.objects.filter(objective=objective).first()
    indicator = im.Indicator.objects.get(strategy=world.strategy, code="1.1-P")
    before = (objective.version, objective.title, m.Linkage.objects.count(), m.Risk.objects.count(),
              im.Indicator.objects.count(), im.Target.objects.count())
    v = objective.version
    for actor in (editor, SYSTEM):  # not even the trusted operator writes around the approver
        _refused(lambda: services.update_element(objective, {"title": "Direct"}, expected_version=v, actor=actor))
        _refused(lambda: services.update_strategy(world.strategy, {"title": "Direct"},
                                                  expected_version=world.strategy.version, actor=actor))
        _refused(lambda: services.create_objective(goal, {"number": "1.9", "title": "New"}, actor=actor))
        _refused(lambda: services.create_element(m.SubObjective, {"number": "1.1.9", "title": "New"},
                                                 strategy=world.strategy, parent=objective, actor=actor))
        _refused(lambda: services.delete_element(objective, expected_version=v, actor=actor))
        _refused(lambda: services.add_linkage(objective, "SDG 4", expected_version=v, actor=actor))
        _refused(lambda: services.remove_linkage(linkage, expected_version=v, actor=actor))
        _refused(lambda: services.add_risk(objective, {"statement": "New risk"}, expected_version=v, actor=actor))
        _refused(lambda: services.update_risk(risk, {"owner": "DCM"}, expected_version=v, actor=actor))
        _refused(lambda: services.remove_risk(risk, expected_version=v, actor=actor))
        _refused(lambda: indicators.create_indicator(objective, code="1.1-N", name="New", actor=actor))
        _refused(lambda: indicators.update_indicator(indicator, {"name": "Direct"},
                                                     expected_version=indicator.version, actor=actor))
        _refused(lambda: indicators.delete_indicator(indicator, expected_version=indicator.version, actor=actor))
        _refused(lambda: indicators.set_target(indicator, "FY2025", "12", expected_version=0, actor=actor))
        _refused(lambda: indicators.set_targets(indicator, {"FY2025": "12"}, expected_versions={}, actor=actor))
    objective.refresh_from_db()
    assert before == (objective.version, objective.title, m.Linkage.objects.count(), m.Risk.objects.count(),
                      im.Indicator.objects.count(), im.Target.objects.count())


def test_a_draft_is_still_edited_directly(world):
    draft = services.copy_edition(world.strategy, edition="2030", actor=SYSTEM)
    objective = draft.objectives.get(number="1.1")
    saved = services.update_element(objective, {"title": "Direct on a draft"}, expected_version=objective.version,
                                    actor=world.user("editor"))
    assert saved.title == "Direct on a draft"
    link = services.add_linkage(saved, "SDG 4", expected_version=saved.version, actor=world.user("editor"))
    assert link.strategy_id == draft.pk
    indicator = im.Indicator.objects.get(strategy=draft, code="1.1-P")
    target = indicators.set_target(indicator, "FY2025", "12", expected_version=0, actor=world.user("editor"))
    assert target.value == "12"


def _approve(world, revision):
    return services.approve_revision(revision, actor=world.user("approver"), expected_version=revision.version,
                                     reason="Agreed")


def test_linkage_risk_and_elements_go_through_proposal_and_approval(world):
    editor = world.user("editor")
    objective = _objective(world)
    link = services.propose_change("linkage", "create", parent=objective, changes={"tag": "SDG 4"}, actor=editor,
                                   expected_version=objective.version, reason="Education aligns")
    assert not m.Linkage.objects.filter(objective=objective, tag="SDG 4").exists()  # nothing yet
    assert link.label == "Linkage SDG 4 of Mission Objective 1.1" and link.before == {}
    _approve(world, link)
    added = m.Linkage.objects.get(objective=objective, tag="SDG 4")
    assert "Education aligns" in added.history.first().history_change_reason

    objective.refresh_from_db()
    risk = m.Risk.objects.filter(objective=objective).first()
    change = services.propose_change("risk", "update", row=risk, changes={"owner": "DCM"}, actor=editor,
                                     expected_version=objective.version, reason="New owner")
    assert change.before == {"owner": risk.owner} and change.changes == {"owner": "DCM"}
    _approve(world, change)
    assert m.Risk.objects.get(pk=risk.pk).owner == "DCM"

    goal = objective.goal
    new = services.propose_change("objective", "create", parent=goal, changes={"number": "1.9", "title": "Added"},
                                  actor=editor, expected_version=0, reason="A new line of effort")
    _approve(world, new)
    added_objective = m.Objective.objects.get(strategy=world.strategy, number="1.9")
    gone = services.propose_change("objective", "delete", row=added_objective, actor=editor,
                                   expected_version=added_objective.version, reason="Merged back")
    assert gone.before["title"] == "Added"
    _approve(world, gone)
    assert not m.Objective.objects.filter(pk=added_objective.pk).exists()


def test_indicators_and_targets_go_through_proposal_and_approval(world):
    editor = world.user("editor")
    indicator = im.Indicator.objects.get(strategy=world.strategy, code="1.1-P")
    target = services.propose_change("target", "update", parent=indicator, changes={"period": "FY2023", "value": "12"},
                                     actor=editor, expected_version=im.Target.objects.get(
                                         indicator=indicator, period="FY2023", category="").version,
                                     reason="Raised after the review")
    assert target.before == {"period": "FY2023", "value": "10"}
    _approve(world, target)
    assert im.Target.objects.get(indicator=indicator, period="FY2023", category="").value == "12"

    renamed = services.propose_change("indicator", "update", row=indicator, changes={"name": "Clearer name"},
                                      actor=editor, expected_version=indicator.version, reason="Clarity")
    _approve(world, renamed)
    assert im.Indicator.objects.get(pk=indicator.pk).name == "Clearer name"


def test_a_proposal_is_checked_now_as_the_edit_would_be(world):
    editor, reader = world.user("editor"), world.user("reader")
    objective = _objective(world)
    with pytest.raises(ValidationError):  # an empty statement is refused by add_risk itself
        services.propose_change("risk", "create", parent=objective, changes={"statement": ""}, actor=editor,
                                expected_version=objective.version, reason="Why not")
    with pytest.raises(PermissionDenied):
        services.propose_change("linkage", "create", parent=objective, changes={"tag": "SDG 4"}, actor=reader,
                                expected_version=objective.version, reason="Not mine to propose")
    assert not m.Revision.objects.exists()


def test_the_proposer_never_approves_and_a_stale_proposal_is_refused(world):
    editor, admin = world.user("editor"), world.user("admin")
    objective = _objective(world)
    mine = services.propose_change("linkage", "create", parent=objective, changes={"tag": "SDG 5"}, actor=admin,
                                   expected_version=objective.version, reason="Gender")
    with pytest.raises(PermissionDenied):
        services.approve_revision(mine, actor=admin, expected_version=mine.version)
    other = services.propose_change("linkage", "create", parent=objective, changes={"tag": "SDG 6"}, actor=editor,
                                    expected_version=objective.version, reason="Water")
    _approve(world, mine)  # the element's version moves on: the second proposal is stale
    with pytest.raises(TransitionError) as stale:
        _approve(world, other)
    assert stale.value.code == "revision-stale"
    assert not m.Linkage.objects.filter(objective=objective, tag="SDG 6").exists()
