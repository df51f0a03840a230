"""Revisions of the edition in force: proposed with a reason, decided by another approver, applied
only when approved; the history names both people and keeps both reasons."""

from __future__ import annotations

import pytest

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import PermissionDenied, TransitionError, ValidationError
from icsplan.strategies import models as m
from icsplan.strategies import services
from security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture()
def world(db):
    return build_world()


def _sub(world):
    return world.strategy.sub_objectives.get(number="1.2.1")


def test_propose_reject_propose_again_and_approve_a_sub_objective(world):
    editor, approver = world.user("editor"), world.user("approver")
    sub = _sub(world)
    old_title = sub.title
    first = services.propose_revision(sub, {"title": "Sharper wording"}, expected_version=sub.version, actor=editor,
                                      reason="Annual review")
    assert first.status == "proposed" and first.before == {"title": old_title}
    assert m.SubObjective.objects.get(pk=sub.pk).title == old_title  # nothing changes yet
    with pytest.raises(ValidationError):  # a rejection says why
        services.reject_revision(first, actor=approver, expected_version=first.version, reason="")
    rejected = services.reject_revision(first, actor=approver, expected_version=first.version, reason="Too vague")
    assert rejected.status == "rejected" and rejected.decided_by == approver
    assert m.SubObjective.objects.get(pk=sub.pk).title == old_title
    with pytest.raises(TransitionError):
        services.approve_revision(rejected, actor=approver, expected_version=rejected.version)

    second = services.propose_revision(sub, {"title": "Sharper, measurable wording"}, expected_version=sub.version,
                                       actor=editor, reason="Annual review, second try")
    approved = services.approve_revision(second, actor=approver, expected_version=second.version, reason="Agreed")
    assert approved.status == "approved" and approved.decided_by_name == "t-approver"
    saved = m.SubObjective.objects.get(pk=sub.pk)
    assert saved.title == "Sharper, measurable wording" and saved.version == sub.version + 1
    last = saved.history.first()
    assert last.history_user == approver and "t-editor" in last.history_change_reason
    assert "Annual review, second try" in last.history_change_reason


def test_the_proposer_never_decides_their_own_revision(world):
    admin = world.user("admin")
    objective = world.strategy.objectives.get(number="1.2")
    revision = services.propose_revision(objective, {"title": "New"}, expected_version=objective.version,
                                         actor=admin, reason="Mine")
    for decide in (services.approve_revision, services.reject_revision):
        with pytest.raises(PermissionDenied) as refused:
            decide(revision, actor=admin, expected_version=revision.version, reason="no")
        assert refused.value.code == "own-proposal"


def test_who_may_propose_and_decide(world):
    objective = world.strategy.objectives.get(number="1.2")
    with pytest.raises(PermissionDenied):
        services.propose_revision(objective, {"title": "x"}, expected_version=objective.version,
                                  actor=world.user("reader"), reason="r")
    with pytest.raises(PermissionDenied):  # the edition in force is public: seen, not editable
        services.propose_revision(objective, {"title": "x"}, expected_version=objective.version,
                                  actor=world.user("other_member"), reason="r")
    revision = services.propose_revision(objective, {"title": "x"}, expected_version=objective.version,
                                         actor=world.user("editor"), reason="r")
    with pytest.raises(PermissionDenied):
        services.approve_revision(revision, actor=world.user("editor"), expected_version=revision.version)


def test_proposals_are_validated_like_edits_and_need_a_reason(world):
    editor = world.user("editor")
    objective = world.strategy.objectives.get(number="1.2")
    with pytest.raises(ValidationError):
        services.propose_revision(objective, {"title": "x"}, expected_version=objective.version, actor=editor,
                                  reason="  ")
    with pytest.raises(ValidationError):
        services.propose_revision(objective, {"title": ""}, expected_version=objective.version, actor=editor,
                                  reason="r")
    with pytest.raises(ValidationError):  # changes nothing
        services.propose_revision(objective, {"title": objective.title}, expected_version=objective.version,
                                  actor=editor, reason="r")
    draft_objective = world.draft.objectives.get(number="1.2")
    with pytest.raises(TransitionError):  # a draft is edited directly
        services.propose_revision(draft_objective, {"title": "x"}, expected_version=draft_objective.version,
                                  actor=editor, reason="r")


def test_a_revision_made_stale_by_another_change_is_refused(world):
    objective = world.strategy.objectives.get(number="1.2")
    revision = services.propose_revision(objective, {"title": "Proposed"}, expected_version=objective.version,
                                         actor=world.user("editor"), reason="r")
    other = services.propose_revision(objective, {"title": "Changed by another revision"},
                                      expected_version=objective.version, actor=SYSTEM, reason="r2")
    services.approve_revision(other, actor=world.user("approver"), expected_version=other.version)
    with pytest.raises(TransitionError, match="propose it again"):
        services.approve_revision(revision, actor=world.user("approver"), expected_version=revision.version)
    assert m.Revision.objects.get(pk=revision.pk).status == "proposed"
