"""The baseline and the breakdowns (disaggregation definitions) of an indicator are part of the
approved strategy too: on the edition in force a direct write to them is refused with
``revision-required`` by the service (so by every face: web, API, CLI), and the same change proposed
as a revision, once approved by another approver, goes through the same service. Results keep their
own workflow: the results import still writes them on the edition in force."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import NotFoundError, TransitionError, ValidationError
from icsplan.indicators import excel
from icsplan.indicators import models as im
from icsplan.indicators import services as indicators
from icsplan.strategies import models as m
from icsplan.strategies import services
from icsplan.strategies.services.gate import applying_revision

pytestmark = pytest.mark.django_db


def _indicator(world, strategy=None):
    return im.Indicator.objects.get(strategy=strategy or world.strategy, code="1.1-P")


def _with_breakdown(indicator, category="region"):
    """A breakdown on the edition in force, made as an approved revision would make it."""
    with applying_revision():
        return indicators.define_disaggregation(indicator, category, ["north", "south"], expected_version=0,
                                                actor=SYSTEM)


def _state(indicator):
    baseline = im.Baseline.objects.filter(indicator=indicator).first()
    return (baseline and (baseline.value, baseline.version),
            sorted((d.category, tuple(d.values), d.version) for d in indicator.disaggregations.all()))


def _refused(call):
    with pytest.raises(TransitionError) as refused:
        call()
    assert refused.value.code == "revision-required"
    assert "revision" in refused.value.message


# One test per service, so removing any one gate call fails a test of its own.

@pytest.mark.parametrize("actor_name", ["editor", "system"])
def test_setting_the_baseline_of_the_edition_in_force_is_refused(world, actor_name):
    actor = SYSTEM if actor_name == "system" else world.user(actor_name)
    indicator = _indicator(world)
    before = _state(indicator)
    _refused(lambda: indicators.set_baseline(indicator, "5", expected_version=0, actor=actor))
    assert _state(indicator) == before


@pytest.mark.parametrize("actor_name", ["editor", "system"])
def test_defining_a_breakdown_of_the_edition_in_force_is_refused(world, actor_name):
    actor = SYSTEM if actor_name == "system" else world.user(actor_name)
    indicator = _indicator(world)
    existing = _with_breakdown(indicator)
    before = _state(indicator)
    _refused(lambda: indicators.define_disaggregation(indicator, "sex", ["female", "male"], expected_version=0,
                                                      actor=actor))
    _refused(lambda: indicators.define_disaggregation(indicator, "region", ["east", "west"],
                                                      expected_version=existing.version, actor=actor))
    assert _state(indicator) == before


@pytest.mark.parametrize("actor_name", ["editor", "system"])
def test_removing_a_breakdown_of_the_edition_in_force_is_refused(world, actor_name):
    actor = SYSTEM if actor_name == "system" else world.user(actor_name)
    indicator = _indicator(world)
    existing = _with_breakdown(indicator)
    before = _state(indicator)
    _refused(lambda: indicators.remove_disaggregation(existing, expected_version=existing.version, actor=actor))
    assert _state(indicator) == before


def test_a_draft_baseline_and_breakdown_are_still_written_directly(world):
    indicator = _indicator(world, world.draft)
    editor = world.user("editor")
    assert indicators.set_baseline(indicator, "5", expected_version=0, actor=editor).value == "5"
    row = indicators.define_disaggregation(indicator, "sex", ["female", "male"], expected_version=0, actor=editor)
    indicators.remove_disaggregation(row, expected_version=row.version, actor=editor)
    assert not indicator.disaggregations.exists()


def _approve(world, revision):
    return services.approve_revision(revision, actor=world.user("approver"), expected_version=revision.version,
                                     reason="Agreed")


def test_baseline_and_breakdowns_change_through_an_approved_revision(world):
    editor = world.user("editor")
    indicator = _indicator(world)
    baseline = services.propose_change("baseline", "update", parent=indicator,
                                       changes={"value": "6", "date": "2021-09-30", "note": "survey"},
                                       actor=editor, expected_version=0, reason="Baseline survey done")
    assert not im.Baseline.objects.filter(indicator=indicator).exists()  # nothing until approved
    assert baseline.label == "Baseline of Indicator 1.1-P" and baseline.before == {}
    _approve(world, baseline)
    stored = im.Baseline.objects.get(indicator=indicator)
    assert (stored.value, stored.date, stored.note) == ("6", dt.date(2021, 9, 30), "survey")
    assert "Baseline survey done" in stored.history.first().history_change_reason

    again = services.propose_change("baseline", "update", parent=indicator, changes={"value": "7"}, actor=editor,
                                    expected_version=stored.version, reason="Corrected")
    assert again.before == {"value": "6", "date": "2021-09-30", "note": "survey"}
    _approve(world, again)
    assert im.Baseline.objects.get(indicator=indicator).value == "7"

    defined = services.propose_change("disaggregation", "update", parent=indicator,
                                      changes={"category": "sex", "values": ["female", "male"]},
                                      actor=editor, expected_version=0, reason="Report by sex")
    assert not indicator.disaggregations.exists()
    _approve(world, defined)
    row = indicator.disaggregations.get(category="sex")
    assert row.values == ["female", "male"] and row.exhaustive

    redefined = services.propose_change("disaggregation", "update", parent=indicator,
                                        changes={"category": "sex", "values": ["female", "male", "other"],
                                                 "exhaustive": False},
                                        actor=editor, expected_version=row.version, reason="Third value")
    assert redefined.before == {"category": "sex", "values": ["female", "male"], "exhaustive": True}
    _approve(world, redefined)
    assert indicator.disaggregations.get(category="sex").values == ["female", "male", "other"]

    row.refresh_from_db()
    removed = services.propose_change("disaggregation", "delete", parent=indicator, changes={"category": "sex"},
                                      actor=editor, expected_version=row.version, reason="Not collected")
    assert removed.label == "Breakdown sex of Indicator 1.1-P (removed)"
    assert indicator.disaggregations.exists()
    _approve(world, removed)
    assert not indicator.disaggregations.exists()


def test_a_baseline_or_breakdown_proposal_is_checked_now(world):
    editor = world.user("editor")
    indicator = _indicator(world)
    with pytest.raises(ValidationError):  # a number indicator's baseline must be a number
        services.propose_change("baseline", "update", parent=indicator, changes={"value": "many"}, actor=editor,
                                expected_version=0, reason="Why not")
    with pytest.raises(ValidationError) as bad_date:
        services.propose_change("baseline", "update", parent=indicator, changes={"value": "3", "date": "30/09/2021"},
                                actor=editor, expected_version=0, reason="Why not")
    assert bad_date.value.problems[0].where.field == "date"
    with pytest.raises(ValidationError):  # a breakdown needs values
        services.propose_change("disaggregation", "update", parent=indicator, changes={"category": "sex"},
                                actor=editor, expected_version=0, reason="Why not")
    with pytest.raises(NotFoundError):
        services.propose_change("disaggregation", "delete", parent=indicator, changes={"category": "nothing"},
                                actor=editor, expected_version=0, reason="Why not")
    assert not m.Revision.objects.exists()


def test_web_pages_never_write_the_edition_in_force_directly(world):
    """The web's baseline and breakdown forms propose a revision on the edition in force (see
    tests/web/test_proposed_indicator_parts.py); without the reason a proposal needs, nothing at all
    is written."""
    indicator = _indicator(world)
    existing = _with_breakdown(indicator)
    before = _state(indicator)
    client = Client()
    client.force_login(world.user("editor"))
    args = [world.mission.slug, world.strategy.edition, indicator.pk]
    for url, form, status in (
        (reverse("web:indicator-baseline", args=args), {"b-value": "3", "b-version": "0"}, 422),
        (reverse("web:indicator-breakdowns", args=args),
         {"c-category": "sex", "c-values": "female, male", "c-exhaustive": "on", "c-read": "{}"}, 422),
        (reverse("web:remove-breakdown", args=[*args, existing.pk]), {"version": existing.version}, 302),
    ):
        answer = client.post(url, form, follow=status == 302)
        assert answer.redirect_chain if status == 302 else answer.status_code == status, (url, answer.status_code)
        assert b"Not proposed" in answer.content if status == 302 else b"proposes a revision" in answer.content
    assert _state(indicator) == before
    assert not m.Revision.objects.exists()


def test_the_results_import_still_writes_results_on_the_edition_in_force(world, tmp_path):
    """The bulk import of results is not gated (results keep their own workflow), while the
    baseline beside it stays as approved."""
    indicator = _indicator(world)
    before = _state(indicator)
    rows = [r for r in excel.template_rows(world.strategy, "FY2026") if r["code"] == "1.1-P" and not r["category"]]
    for row in rows:
        row["value"] = "9"
    path = tmp_path / "results.csv"
    path.write_bytes(excel.write_csv(rows))
    report = excel.import_results(path, actor=world.user("editor"))
    assert report.created == 1
    assert im.Result.objects.get(indicator=indicator, period="FY2026", category="").value == "9"
    assert _state(indicator) == before
