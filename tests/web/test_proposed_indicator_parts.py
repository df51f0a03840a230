"""On the edition in force the web forms of an indicator's definition, its targets, its baseline
and its breakdowns propose a revision (with a required reason) through ``propose_change``, as the
API's ``POST /api/revisions`` does: nothing changes until an approver other than the proposer
approves it on the revisions page, and the approval applies it. Drafts are still edited directly.
Plain form posts: no JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from icsplan.accounts.actors import SYSTEM
from icsplan.indicators import models as im
from icsplan.indicators import services as indicators
from icsplan.strategies import models as m
from icsplan.strategies.services.gate import applying_revision

pytestmark = pytest.mark.django_db


def _client(world, persona: str) -> Client:
    client = Client()
    client.force_login(world.user(persona))
    return client


def _indicator(world, strategy=None):
    return im.Indicator.objects.get(strategy=strategy or world.strategy, code="1.1-P")


def _url(world, name: str, indicator, *extra) -> str:
    return reverse(name, args=[world.mission.slug, indicator.strategy.edition, indicator.pk, *extra])


def _definition_form(indicator, **changes) -> dict:
    form = {"d-version": indicator.version, "d-code": indicator.code, "d-name": indicator.name,
            "d-definition": indicator.definition or "", "d-unit": indicator.unit or "",
            "d-value_type": indicator.value_type, "d-direction": indicator.direction,
            "d-frequency": indicator.frequency, "d-data_source": indicator.data_source or "",
            "d-collection_method": indicator.collection_method or "", "d-responsible": indicator.responsible or "",
            "d-standard_code": indicator.standard_code or "", "d-sensitivity": indicator.sensitivity}
    if indicator.cumulative:
        form["d-cumulative"] = "on"
    form.update(changes)
    return form


def _revisions_page(world, persona: str = "editor") -> str:
    page = reverse("web:revisions", args=[world.mission.slug, world.strategy.edition])
    return _client(world, persona).get(page).content.decode()


def _decide(world, persona: str, revision, action: str = "approve", follow: bool = False):
    page = reverse("web:revisions", args=[world.mission.slug, world.strategy.edition])
    revision.refresh_from_db()
    answer = _client(world, persona).post(page, {"revision": revision.pk, "version": revision.version,
                                                 "action": action, "reason": "Agreed"}, follow=follow)
    revision.refresh_from_db()
    return answer


def _approved_by_another(world, revision, proposer: str = "editor") -> None:
    """The proposer cannot approve (an editor may not approve at all; an admin, who may, is refused
    their own proposal); the approver can, and the change is applied."""
    if proposer == "admin":
        refused = _decide(world, proposer, revision, follow=True)
        assert refused.status_code == 200 and b"another approver must decide" in refused.content
    else:
        assert _decide(world, proposer, revision).status_code == 404
    assert revision.status == "proposed"
    assert _decide(world, "approver", revision).status_code == 302
    assert revision.status == "approved", revision.status


def _proposed(answer) -> m.Revision:
    assert answer.status_code == 302, answer.status_code
    assert "/revisions/" in answer["Location"]
    revision = m.Revision.objects.get()
    assert answer["Location"].endswith(f"#revision-{revision.pk}")
    assert revision.status == "proposed" and revision.proposed_by_name
    return revision


def test_the_indicator_page_of_the_edition_in_force_says_its_forms_propose(world):
    indicator = _indicator(world)
    page = _client(world, "editor").get(_url(world, "web:edit-indicator", indicator)).content.decode()
    assert 'id="proposing-note"' in page
    for button in ("Propose this definition", "Propose these targets", "Propose this baseline",
                   "Propose this breakdown"):
        assert button in page, button
    assert 'name="t-reason"' in page and 'name="b-reason"' in page and 'name="c-reason"' in page


def test_a_definition_change_is_proposed_then_applied_on_approval(world):
    indicator = _indicator(world)
    editor = _client(world, "admin")  # an approver too: still not of their own proposal
    url = _url(world, "web:edit-indicator", indicator)
    form = _definition_form(indicator, **{"d-name": "Journalists trained in fact-checking"})
    without_reason = editor.post(url, form)
    assert without_reason.status_code == 422 and not m.Revision.objects.exists()
    revision = _proposed(editor.post(url, {**form, "d-reason": "Sharper wording"}))
    assert (revision.kind, revision.operation) == ("indicator", "update")
    assert revision.changes == {"name": "Journalists trained in fact-checking"}  # only what changed
    indicator.refresh_from_db()
    assert indicator.name == "Public indicator 1.1"  # not yet
    page = _revisions_page(world)
    assert "Sharper wording" in page and "fact-checking</ins>" in page
    _approved_by_another(world, revision, "admin")
    indicator.refresh_from_db()
    assert indicator.name == "Journalists trained in fact-checking"


def test_a_definition_that_changes_nothing_or_is_stale_is_not_proposed(world):
    indicator = _indicator(world)
    editor = _client(world, "editor")
    url = _url(world, "web:edit-indicator", indicator)
    same = editor.post(url, {**_definition_form(indicator), "d-reason": "No change"})
    assert same.status_code == 422 and b"changes nothing" in same.content
    stale = editor.post(url, _definition_form(indicator, **{"d-version": indicator.version - 1, "d-name": "Other",
                                                            "d-reason": "Late"}))
    assert stale.status_code == 409 and not m.Revision.objects.exists()


def test_targets_are_proposed_one_revision_per_period_then_applied(world):
    indicator = _indicator(world)
    fy2023 = im.Target.objects.get(indicator=indicator, period="FY2023", category="")
    editor = _client(world, "editor")
    url = _url(world, "web:indicator-targets", indicator)
    form = {"t-FY2023": "12", "t-v-FY2023": fy2023.version, "t-FY2025": "15", "t-v-FY2025": ""}
    assert editor.post(url, form).status_code == 422 and not m.Revision.objects.exists()  # reason required
    answer = editor.post(url, {**form, "t-reason": "Mid-course review"})
    assert answer.status_code == 302 and "/revisions/" in answer["Location"]
    revisions = {r.changes["period"]: r for r in m.Revision.objects.all()}
    assert set(revisions) == {"FY2023", "FY2025"}
    assert {r.kind for r in revisions.values()} == {"target"}
    assert revisions["FY2023"].before == {"period": "FY2023", "value": "10"}
    assert not im.Target.objects.filter(indicator=indicator, period="FY2025").exists()  # not yet
    fy2023.refresh_from_db()
    assert fy2023.value == "10"
    page = _revisions_page(world)
    assert "<del>10</del>" in page and "<ins>12</ins>" in page
    for revision in revisions.values():
        _approved_by_another(world, revision)
    fy2023.refresh_from_db()
    assert fy2023.value == "12"
    assert im.Target.objects.get(indicator=indicator, period="FY2025", category="").value == "15"


def test_a_target_proposal_is_all_or_nothing_and_cannot_remove_a_target(world):
    indicator = _indicator(world)
    fy2023 = im.Target.objects.get(indicator=indicator, period="FY2023", category="")
    url = _url(world, "web:indicator-targets", indicator)
    answer = _client(world, "editor").post(url, {"t-FY2023": "", "t-v-FY2023": fy2023.version, "t-FY2025": "15",
                                                 "t-v-FY2025": "", "t-reason": "Drop FY2023"})
    assert answer.status_code == 422 and b"cannot remove" in answer.content
    bad = _client(world, "editor").post(url, {"t-FY2025": "lots", "t-v-FY2025": "", "t-FY2026": "3",
                                              "t-v-FY2026": "", "t-reason": "Typo"})
    assert bad.status_code == 422 and bad.content.count(b'class="row-error"') == 1  # next to FY2025 only
    assert not m.Revision.objects.exists()
    assert im.Target.objects.filter(indicator=indicator, category="").count() == 2


def test_a_baseline_is_proposed_then_applied_on_approval(world):
    indicator = _indicator(world)
    editor = _client(world, "admin")
    url = _url(world, "web:indicator-baseline", indicator)
    form = {"b-value": "7", "b-date": "2021-09-30", "b-note": "From the 2021 survey", "b-version": 0}
    assert editor.post(url, form).status_code == 422 and not m.Revision.objects.exists()
    revision = _proposed(editor.post(url, {**form, "b-reason": "Baseline measured"}))
    assert (revision.kind, revision.operation) == ("baseline", "update")
    assert not im.Baseline.objects.filter(indicator=indicator).exists()  # not yet
    assert "<ins>From the 2021 survey</ins>" in _revisions_page(world)
    _approved_by_another(world, revision, "admin")
    baseline = im.Baseline.objects.get(indicator=indicator)
    assert (baseline.value, baseline.date) == ("7", dt.date(2021, 9, 30))


def test_a_breakdown_is_proposed_then_defined_on_approval(world):
    indicator = _indicator(world)
    editor = _client(world, "editor")
    url = _url(world, "web:indicator-breakdowns", indicator)
    form = {"c-category": "sex", "c-values": "female, male", "c-exhaustive": "on", "c-read": "{}"}
    assert editor.post(url, form).status_code == 422 and not m.Revision.objects.exists()
    revision = _proposed(editor.post(url, {**form, "c-reason": "Report by sex"}))
    assert (revision.kind, revision.operation) == ("disaggregation", "update")
    assert revision.changes == {"category": "sex", "values": ["female", "male"], "exhaustive": True}
    assert not indicator.disaggregations.exists()  # not yet
    assert "<ins>female, male</ins>" in _revisions_page(world)
    _approved_by_another(world, revision)
    row = indicator.disaggregations.get()
    assert (row.category, row.values, row.exhaustive) == ("sex", ["female", "male"], True)


def test_removing_a_breakdown_is_proposed_then_applied_on_approval(world):
    indicator = _indicator(world)
    with applying_revision():  # a breakdown of the edition in force, as an approved revision makes it
        existing = indicators.define_disaggregation(indicator, "region", ["north", "south"], expected_version=0,
                                                    actor=SYSTEM)
    editor = _client(world, "editor")
    page = editor.get(_url(world, "web:edit-indicator", indicator)).content.decode()
    assert f'id="breakdown-reason-{existing.pk}"' in page and "Propose removing" in page
    url = _url(world, "web:remove-breakdown", indicator, existing.pk)
    without_reason = editor.post(url, {"version": existing.version})
    assert without_reason.status_code == 302 and not m.Revision.objects.exists()
    revision = _proposed(editor.post(url, {"version": existing.version, "reason": "Not collected any more"}))
    assert (revision.kind, revision.operation, revision.changes) == ("disaggregation", "delete", {"category": "region"})
    assert indicator.disaggregations.filter(pk=existing.pk).exists()  # not yet
    assert "<del>north, south</del>" in _revisions_page(world)
    _approved_by_another(world, revision)
    assert not indicator.disaggregations.filter(pk=existing.pk).exists()


@pytest.mark.parametrize("persona", ["viewer", "reader", "reporter", "approver"])
def test_people_who_may_not_edit_get_the_same_answer_as_before(world, persona):
    indicator = _indicator(world)
    with applying_revision():
        existing = indicators.define_disaggregation(indicator, "region", ["north", "south"], expected_version=0,
                                                    actor=SYSTEM)
    client = _client(world, persona)
    posts = (
        ("web:edit-indicator", (), _definition_form(indicator, **{"d-name": "Other", "d-reason": "Why not"})),
        ("web:indicator-targets", (), {"t-FY2025": "15", "t-v-FY2025": "", "t-reason": "Why not"}),
        ("web:indicator-baseline", (), {"b-value": "7", "b-version": 0, "b-reason": "Why not"}),
        ("web:indicator-breakdowns", (), {"c-category": "sex", "c-values": "female, male", "c-read": "{}",
                                          "c-reason": "Why not"}),
        ("web:remove-breakdown", (existing.pk,), {"version": existing.version, "reason": "Why not"}),
    )
    for name, extra, form in posts:
        answer = client.post(_url(world, name, indicator, *extra), form)
        assert answer.status_code == 404, (name, answer.status_code)
    assert not m.Revision.objects.exists()


def test_a_draft_is_still_edited_directly(world):
    indicator = _indicator(world, world.draft)
    editor = _client(world, "editor")
    page = editor.get(_url(world, "web:edit-indicator", indicator)).content.decode()
    assert 'id="proposing-note"' not in page and "Save targets" in page
    answer = editor.post(_url(world, "web:indicator-baseline", indicator), {"b-value": "7", "b-version": 0})
    assert answer.status_code == 302 and "/revisions/" not in answer["Location"]
    answer = editor.post(_url(world, "web:indicator-targets", indicator), {"t-FY2025": "15", "t-v-FY2025": ""})
    assert answer.status_code == 302 and "/revisions/" not in answer["Location"]
    assert im.Baseline.objects.get(indicator=indicator).value == "7"
    assert im.Target.objects.get(indicator=indicator, period="FY2025", category="").value == "15"
    assert not m.Revision.objects.exists()


def test_a_stale_target_is_not_proposed_and_the_page_shows_both_figures(world):
    indicator = _indicator(world)
    fy2023 = im.Target.objects.get(indicator=indicator, period="FY2023", category="")
    url = _url(world, "web:indicator-targets", indicator)
    answer = _client(world, "editor").post(url, {"t-FY2023": "12", "t-v-FY2023": fy2023.version - 1,
                                                 "t-reason": "Raised"})
    assert answer.status_code == 409 and b"Targets not saved" in answer.content
    assert b"Propose these targets" in answer.content  # the form still proposes, with its reason
    assert not m.Revision.objects.exists()
    fy2023.refresh_from_db()
    assert fy2023.value == "10"
