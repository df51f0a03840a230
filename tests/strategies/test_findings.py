"""Findings of a stored edition: the linter on any edition (service, API, page, CLI), each finding
with its place and both wordings; accepting a wording clears the finding."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from typer.testing import CliRunner

from icsplan.accounts.actors import SYSTEM
from icsplan.cli import app
from icsplan.strategies import models as m
from icsplan.strategies import services
from security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture()
def world(db):
    return build_world()


def _two_wordings(strategy):
    objective = strategy.objectives.get(number="1.2")
    changes = {"framework_title": "Framework wording of 1.2"}
    if not services.in_force(strategy):
        return services.update_element(objective, changes, expected_version=objective.version, actor=SYSTEM)
    # The edition in force changes through an approved revision (the operator may propose and approve).
    revision = services.propose_revision(objective, changes, expected_version=objective.version, actor=SYSTEM,
                                         reason="Second wording for the test")
    services.approve_revision(revision, actor=SYSTEM, expected_version=revision.version)
    return m.Objective.objects.get(pk=objective.pk)


def _mismatches(strategy, actor=SYSTEM):
    return [f for f in services.edition_findings(strategy, actor=actor) if f["code"] == "framework-title-mismatch"]


def test_a_stored_edition_has_findings_with_place_and_both_texts(world):
    objective = _two_wordings(world.draft)
    [finding] = [f for f in _mismatches(world.draft) if f["element"] == "1.2"]
    assert finding["kind"] == "objective" and finding["element_id"] == objective.pk
    assert finding["framework_text"] == "Framework wording of 1.2" and finding["body_text"] == objective.title


def test_accepting_the_framework_wording_clears_the_finding_on_a_draft(world):
    objective = _two_wordings(world.draft)
    services.accept_framework_wording(objective, actor=world.user("editor"), expected_version=objective.version)
    saved = m.Objective.objects.get(pk=objective.pk)
    assert saved.title == "Framework wording of 1.2" and saved.framework_title is None
    assert not [f for f in _mismatches(world.draft) if f["element"] == "1.2"]


def test_on_the_edition_in_force_accepting_is_a_revision(world):
    objective = _two_wordings(world.strategy)
    revision = services.accept_framework_wording(objective, actor=world.user("editor"),
                                                 expected_version=objective.version, keep="body")
    assert isinstance(revision, m.Revision) and revision.changes == {"framework_title": None}
    assert [f for f in _mismatches(world.strategy) if f["element"] == "1.2"]  # not until approved
    services.approve_revision(revision, actor=world.user("approver"), expected_version=revision.version)
    assert not [f for f in _mismatches(world.strategy) if f["element"] == "1.2"]


def test_page_api_and_cli(world, tmp_path):
    _two_wordings(world.draft)
    client = Client()
    client.force_login(world.user("editor"))
    page = client.get(f"/missions/{world.mission.slug}/strategy/2026/findings/")
    assert page.status_code == 200 and b"Framework wording of 1.2" in page.content and b"<ins>" in page.content
    assert b"Accept the framework wording" in page.content
    api = client.get(f"/api/v1/strategies/{world.draft.pk}/findings")
    assert api.status_code == 200 and any(f["framework_text"] == "Framework wording of 1.2" for f in api.json())
    assert Client().get(f"/api/v1/strategies/{world.draft.pk}/findings").status_code == 404  # a draft
    result = CliRunner().invoke(app, ["lint", world.mission.country, "--edition", "2026", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert any(f["framework_text"] == "Framework wording of 1.2" for f in json.loads(result.output))
    text = CliRunner().invoke(app, ["lint", world.mission.country, "--edition", "2026"])
    assert "framework: Framework wording of 1.2" in text.output
    missing = CliRunner().invoke(app, ["lint", "Nowhereland"])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
