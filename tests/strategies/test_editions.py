"""The edition life cycle: draft -> in clearance -> approved -> published -> archived.

Who may take each step, separation of duties, exactly one edition in force per mission (service and
database), drafts for the mission's editors and approvers only, the record of each step, copying
an edition (results stay behind), and the CLI.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from typer.testing import CliRunner

from icsplan.accounts.actors import SYSTEM
from icsplan.cli import app
from icsplan.errors import NotFoundError, PermissionDenied, TransitionError
from icsplan.indicators.models import Indicator, Result, Target
from icsplan.strategies import models as m
from icsplan.strategies import services
from icsplan.web import access
from security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture()
def world(db):
    return build_world()


def _fresh(row):
    return m.Strategy.objects.get(pk=row.pk)


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "reader", "reporter", "analyst"])
def test_everyone_but_editors_and_approvers_stays_on_the_edition_in_force(world, persona):
    from django.contrib.auth.models import AnonymousUser

    user = world.user(persona) or AnonymousUser()
    assert access.strategy_for(user, world.mission) == world.strategy  # 2022, not the 2026 draft
    assert world.draft not in access.strategies_of(user, world.mission)
    with pytest.raises(NotFoundError):
        access.strategy_for(user, world.mission, "2026")


@pytest.mark.parametrize("persona", ["editor", "approver", "admin"])
def test_editors_and_approvers_see_the_draft_but_land_on_the_edition_in_force(world, persona):
    user = world.user(persona)
    assert access.strategy_for(user, world.mission) == world.strategy
    assert access.strategy_for(user, world.mission, "2026") == world.draft


def test_full_cycle_with_who_when_why(world):
    editor, approver = world.user("editor"), world.user("approver")
    with pytest.raises(PermissionDenied):  # approving is not the editor's
        services.submit_edition(world.draft, actor=approver, expected_version=1)
    submitted = services.submit_edition(world.draft, actor=editor, expected_version=1, reason="Ready for the COM")
    assert submitted.status == "in_clearance"
    with pytest.raises(PermissionDenied):
        services.approve_strategy(submitted, actor=editor, expected_version=submitted.version)
    approved = services.approve_strategy(submitted, actor=approver, expected_version=submitted.version,
                                         reason="Signed by the Ambassador")
    assert approved.status == "approved" and approved.approved_date
    old = _fresh(world.strategy)
    assert old.status == "archived"  # approving the new edition archives the old one
    assert services.find_strategy(world.mission.country).pk == approved.pk
    steps = [(t.from_status, t.to_status, t.actor.get_username(), t.reason) for t in approved.transitions.all()]
    assert steps == [("draft", "in_clearance", "t-editor", "Ready for the COM"),
                     ("in_clearance", "approved", "t-approver", "Signed by the Ambassador")]
    archived = old.transitions.get()
    assert (archived.from_status, archived.to_status, archived.actor.get_username()) == (
        "approved", "archived", "t-approver")
    assert "replaced by edition 2026" in archived.reason
    published = services.publish_edition(approved, actor=approver, expected_version=approved.version)
    assert published.status == "published"
    from icsplan.audit.models import AuditEvent

    assert {"strategy.submit", "strategy.approve", "strategy.archive", "strategy.publish"} <= set(
        AuditEvent.objects.values_list("action", flat=True))
    # Once in force, the public sees it; the archived edition is for members only.
    assert access.strategy_for(_anon(), world.mission) == published
    with pytest.raises(NotFoundError):
        access.strategy_for(_anon(), world.mission, "2022")
    assert access.strategy_for(world.user("reader"), world.mission, "2022") == old


def _anon():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_the_proposer_never_approves_their_own_edition(world):
    admin = world.user("admin")  # an admin may both edit and approve
    submitted = services.submit_edition(world.draft, actor=admin, expected_version=1)
    with pytest.raises(PermissionDenied) as refused:
        services.approve_strategy(submitted, actor=admin, expected_version=submitted.version)
    assert refused.value.code == "own-proposal"
    with pytest.raises(PermissionDenied):  # nor returns it
        services.return_edition(submitted, actor=admin, expected_version=submitted.version)
    returned = services.return_edition(submitted, actor=world.user("approver"), expected_version=submitted.version,
                                       reason="Rework objective 1.2")
    assert returned.status == "draft"


def test_steps_out_of_order_are_refused(world):
    approver = world.user("approver")
    with pytest.raises(TransitionError, match="in clearance"):
        services.approve_strategy(world.draft, actor=approver, expected_version=1)
    with pytest.raises(TransitionError):
        services.publish_edition(world.draft, actor=approver, expected_version=1)
    with pytest.raises(TransitionError, match="is approved"):
        services.submit_edition(world.strategy, actor=world.user("editor"), expected_version=world.strategy.version)


def test_the_database_allows_one_edition_in_force_per_mission(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Strategy.objects.filter(pk=world.draft.pk).update(status="published")


def test_importing_an_approved_edition_archives_the_one_in_force(world):
    from security.world import canary_document

    document = canary_document()
    document.edition = "2030"
    new = services.import_strategy(document, mission=world.mission, status="approved", actor=SYSTEM)
    assert new.status == "approved" and _fresh(world.strategy).status == "archived"


def test_copy_brings_the_framework_indicators_and_targets_but_not_results(world):
    editor = world.user("editor")
    with pytest.raises(NotFoundError):  # a reader cannot even see the draft it would make
        services.copy_edition(world.draft, edition="2031", actor=world.user("reader"))
    with pytest.raises(PermissionDenied):
        services.copy_edition(world.strategy, edition="2031", actor=world.user("reader"))
    copy = services.copy_edition(world.strategy, edition="2031", actor=editor, reason="Next ICS cycle")
    assert copy.status == "draft" and copy.mission == world.mission
    assert copy.objectives.count() == world.strategy.objectives.count()
    assert copy.linkages.count() == world.strategy.linkages.count()
    assert Indicator.objects.filter(strategy=copy).count() == Indicator.objects.filter(strategy=world.strategy).count()
    assert Target.objects.filter(indicator__strategy=copy).count() == Target.objects.filter(
        indicator__strategy=world.strategy).count() > 0
    assert Result.objects.filter(indicator__strategy=world.strategy).exists()
    assert not Result.objects.filter(indicator__strategy=copy).exists()
    step = copy.transitions.get()
    assert step.actor == editor and step.reason == "Next ICS cycle"
    assert _fresh(world.strategy).status == "approved"  # the original stays in force


def test_cli_moves_an_edition_along_and_lists_the_steps(world):
    runner = CliRunner()
    country = world.mission.country
    for step in ("submit", "approve", "publish"):
        result = runner.invoke(app, ["edition", step, country, "--edition", "2026", "--reason", f"cli {step}"])
        assert result.exit_code == 0, result.output
    assert _fresh(world.draft).status == "published" and _fresh(world.strategy).status == "archived"
    listed = runner.invoke(app, ["edition", "list", country])
    assert "2026\tpublished" in listed.output and "in_clearance -> approved\tlocal operator\tcli approve" in listed.output
    again = runner.invoke(app, ["edition", "approve", country, "--edition", "2026"])
    assert again.exit_code == 2 and "Traceback" not in again.output
    copied = runner.invoke(app, ["edition", "copy", country, "--to", "2032"])
    assert copied.exit_code == 0, copied.output
    assert m.Strategy.objects.get(mission=world.mission, edition="2032").status == "draft"
