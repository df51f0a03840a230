"""On the edition in force the web's add and delete forms for objectives, sub-objectives and
indicators propose a revision (with a required reason) instead of writing: the revisions page shows
it as a redline, and only an approver other than the proposer makes it happen. No JavaScript: plain
form posts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from icsplan.indicators import models as im
from icsplan.strategies import models as m

pytestmark = pytest.mark.django_db


def _client(world, persona: str) -> Client:
    client = Client()
    client.force_login(world.user(persona))
    return client


def _approve_on_the_page(world, revision) -> None:
    page = reverse("web:revisions", args=[world.mission.slug, world.strategy.edition])
    answer = _client(world, "approver").post(page, {"revision": revision.pk, "version": revision.version,
                                                    "action": "approve", "reason": "Agreed"})
    assert answer.status_code == 302
    revision.refresh_from_db()
    assert revision.status == "approved", revision.status


def _revisions_page(world) -> str:
    page = reverse("web:revisions", args=[world.mission.slug, world.strategy.edition])
    return _client(world, "editor").get(page).content.decode()


def test_adding_a_sub_objective_to_the_edition_in_force_is_proposed_then_approved(world):
    editor = _client(world, "editor")
    objective = world.strategy.objectives.get(number="1.1")
    url = reverse("web:add-child", args=[world.mission.slug, world.strategy.edition, "objective", objective.pk])
    form_page = editor.get(url).content.decode()
    assert 'id="proposing-note"' in form_page and "Propose adding this sub-objective" in form_page
    form = {"number": "1.1.7", "title": "Reach rural radio listeners", "framework_title": "", "narrative": "",
            "narrative_sensitivity": "public", "linkages_text": "", "linkages_text_sensitivity": "public"}
    without_reason = editor.post(url, form)
    assert without_reason.status_code == 422 and not m.Revision.objects.exists()
    answer = editor.post(url, {**form, "reason": "Mid-course review"})
    assert answer.status_code == 302 and "/revisions/" in answer["Location"]
    assert not m.SubObjective.objects.filter(strategy=world.strategy, number="1.1.7").exists()  # not yet
    revision = m.Revision.objects.get()
    assert (revision.kind, revision.operation, revision.label) == ("sub_objective", "create", "New Sub-Objective 1.1.7")
    assert "<ins>Reach rural radio listeners</ins>" in _revisions_page(world)
    admin = _client(world, "admin")  # the proposer is the editor: an approver decides
    assert b"Approve revision" in admin.get(reverse("web:revisions", args=[world.mission.slug,
                                                                          world.strategy.edition])).content
    _approve_on_the_page(world, revision)
    added = m.SubObjective.objects.get(strategy=world.strategy, number="1.1.7")
    assert added.objective_id == objective.pk and added.title == "Reach rural radio listeners"


def test_deleting_an_objective_of_the_edition_in_force_is_proposed_then_approved(world):
    editor = _client(world, "editor")
    objective = world.strategy.objectives.get(number="2.1")
    url = reverse("web:delete-element", args=[world.mission.slug, world.strategy.edition, "objective", objective.pk])
    confirm = editor.get(url).content.decode()
    assert "Propose deleting mission objective 2.1" in confirm and 'name="reason"' in confirm
    refused = editor.post(url, {"version": objective.version, "reason": ""})  # a proposal needs a reason
    assert refused.status_code == 302 and not m.Revision.objects.exists()
    answer = editor.post(url, {"version": objective.version, "reason": "Merged into 1.1"})
    assert answer.status_code == 302 and "/revisions/" in answer["Location"]
    assert m.Objective.objects.filter(pk=objective.pk).exists()
    revision = m.Revision.objects.get()
    assert (revision.operation, revision.label) == ("delete", "Mission Objective 2.1 (deleted)")
    assert f"<del>{objective.title}</del>" in _revisions_page(world)
    _approve_on_the_page(world, revision)
    assert not m.Objective.objects.filter(pk=objective.pk).exists()


def test_a_stale_deletion_is_not_proposed(world):
    objective = world.strategy.objectives.get(number="2.1")
    url = reverse("web:delete-element", args=[world.mission.slug, world.strategy.edition, "objective", objective.pk])
    answer = _client(world, "editor").post(url, {"version": objective.version - 1, "reason": "Merged"})
    assert answer.status_code == 409 and not m.Revision.objects.exists()


def test_adding_and_deleting_an_indicator_of_the_edition_in_force_are_proposed(world):
    editor = _client(world, "editor")
    objective = world.strategy.objectives.get(number="1.2")
    url = reverse("web:add-indicator", args=[world.mission.slug, world.strategy.edition, "objective", objective.pk])
    assert "Propose this indicator" in editor.get(url).content.decode()
    form = {"d-code": "1.2-M", "d-name": "Journalists trained", "d-definition": "", "d-unit": "people",
            "d-value_type": "number", "d-direction": "increase", "d-frequency": "annual", "d-data_source": "",
            "d-collection_method": "", "d-responsible": "PAS", "d-standard_code": "", "d-sensitivity": "public"}
    assert editor.post(url, form).status_code == 422  # the reason is required when proposing
    answer = editor.post(url, {**form, "d-reason": "A measure for 1.2"})
    assert answer.status_code == 302 and "/revisions/" in answer["Location"]
    assert not im.Indicator.objects.filter(strategy=world.strategy, code="1.2-M").exists()
    created = m.Revision.objects.get()
    assert created.label == "New indicator 1.2-M of Mission Objective 1.2"
    assert "<ins>Journalists trained</ins>" in _revisions_page(world)
    _approve_on_the_page(world, created)
    indicator = im.Indicator.objects.get(strategy=world.strategy, code="1.2-M")
    assert indicator.objective_id == objective.pk

    url = reverse("web:delete-indicator", args=[world.mission.slug, world.strategy.edition, indicator.pk])
    assert "Propose deleting indicator 1.2-M" in editor.get(url).content.decode()
    answer = editor.post(url, {"version": indicator.version, "reason": "Duplicate of 1.2-P"})
    assert answer.status_code == 302 and "/revisions/" in answer["Location"]
    assert im.Indicator.objects.filter(pk=indicator.pk).exists()
    deleted = m.Revision.objects.get(operation="delete")
    assert "<del>Journalists trained</del>" in _revisions_page(world)
    _approve_on_the_page(world, deleted)
    assert not im.Indicator.objects.filter(pk=indicator.pk).exists()
