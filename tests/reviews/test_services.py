"""The review services: who may open, assess, submit, return and approve; what a review freezes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import NotFoundError, PermissionDenied, ValidationError
from icsplan.reviews import services as svc
from icsplan.reviews.models import ActionItem, Assessment, Review
from icsplan.strategies import services as strategy_services

SECRET = "Sensitive assessment of the ministry's capacity (SBU narrative)."


def rate_all(review, actor, rating="on_track", **extra):
    for row in review.assessments.order_by("position"):
        svc.record_assessment(row, rating=rating, narrative=f"Narrative {row.number}.",
                              expected_version=row.version, actor=actor, **extra)


def test_open_review_creates_one_assessment_per_objective(mali, people):
    review = svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=people["editor"])
    numbers = list(review.assessments.values_list("kind", "number"))
    expected = [("objective", o.number) for o in mali.objectives.order_by("position")]
    expected += [("management_objective", mo.number) for mo in mali.management_objectives.order_by("position")]
    assert numbers == expected and len(expected) > 5
    assert review.strategy == svc.edition_in_force(mali.mission)
    assert review.history.count() == 1


@pytest.mark.parametrize("role", ["viewer", "reader", "reporter", "approver"])
def test_only_editors_open_reviews(mali, people, role):
    with pytest.raises((PermissionDenied, NotFoundError)):
        svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=people[role])
    # The edition is public: an outsider sees it but may not act on it.
    with pytest.raises(PermissionDenied):
        svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=people["outsider"])
    with pytest.raises(TypeError):
        svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=None)


@pytest.mark.parametrize("kind, year, code", [
    ("yearly", 2019, "invalid"), ("annual", "twenty", "invalid"), ("annual", 1900, "invalid"),
])
def test_open_review_validates(mali, people, kind, year, code):
    with pytest.raises(ValidationError) as err:
        svc.open_review(mali.mission, kind=kind, fiscal_year=year, actor=people["editor"])
    assert err.value.problems[0].code == code


def test_one_review_per_kind_and_year(mali, people):
    svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=people["editor"])
    svc.open_review(mali.mission, kind="mid-course", fiscal_year=2019, actor=people["editor"])
    with pytest.raises(ValidationError) as err:
        svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=people["editor"])
    assert err.value.code == "review-exists"


def test_owner_assesses_own_objective_only(mali, people):
    review = svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=SYSTEM)
    mine = review.assessments.get(kind="objective", number="1.1")
    other = review.assessments.get(kind="objective", number="1.2")
    saved = svc.record_assessment(
        mine, rating="some_concerns", narrative="Slower than planned.", decisions="Re-plan the training.",
        action_items=[{"description": "New training plan", "owner": "POL/ECON", "due_date": "2020-03-31"}],
        expected_version=mine.version, actor=people["reporter"])
    assert saved.rating == "some_concerns" and saved.assessed_by == people["reporter"]
    assert ActionItem.objects.get(assessment=mine).due_date == dt.date(2020, 3, 31)
    with pytest.raises(PermissionDenied):
        svc.record_assessment(other, rating="on_track", expected_version=other.version, actor=people["reporter"])
    with pytest.raises(PermissionDenied):
        svc.record_assessment(other, rating="on_track", expected_version=other.version, actor=people["approver"])
    with pytest.raises(NotFoundError):
        svc.record_assessment(other, rating="on_track", expected_version=other.version, actor=people["viewer"])
    # The coordinator (editor) may assess any objective.
    svc.record_assessment(other, rating="off_track", expected_version=other.version, actor=people["editor"])


@pytest.mark.parametrize("fields, where", [
    ({"rating": "great"}, "rating"),
    ({"rating": "on_track", "action_items": [{"description": "x", "owner": "", "due_date": "2020-01-01"}]},
     "action_items[1].owner"),
    ({"rating": "on_track", "action_items": [{"description": "x", "owner": "POL", "due_date": "soon"}]},
     "action_items[1].due_date"),
    ({"rating": "on_track", "action_items": [{"description": "x", "owner": "POL"}]}, "action_items[1].due_date"),
    ({"rating": "on_track", "narrative": "bad\x00text"}, "narrative"),
    ({"rating": "on_track", "narrative_sensitivity": "secret"}, "narrative_sensitivity"),
])
def test_assessment_validation(mali, people, fields, where):
    review = svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=SYSTEM)
    row = review.assessments.first()
    with pytest.raises(ValidationError) as err:
        svc.record_assessment(row, expected_version=row.version, actor=people["editor"], **fields)
    assert err.value.problems[0].where.field == where
    assert Assessment.objects.get(pk=row.pk).version == row.version


def test_stale_version_conflicts(mali, people):
    from icsplan.errors import ConflictError

    review = svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=SYSTEM)
    row = review.assessments.first()
    svc.record_assessment(row, rating="on_track", expected_version=row.version, actor=people["editor"])
    with pytest.raises(ConflictError):
        svc.record_assessment(row, rating="off_track", expected_version=row.version, actor=people["editor"])


def test_sbu_narrative_is_not_lowered_without_a_reason(mali, people):
    review = svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=SYSTEM)
    row = review.assessments.first()
    row = svc.record_assessment(row, rating="on_track", narrative=SECRET, narrative_sensitivity="sbu",
                                expected_version=row.version, actor=people["editor"])
    # Not mentioning the marking keeps it.
    row = svc.record_assessment(row, rating="off_track", expected_version=row.version, actor=people["editor"])
    assert row.narrative_sensitivity == "sbu"
    with pytest.raises(ValidationError):
        svc.record_assessment(row, rating="off_track", narrative_sensitivity="public",
                              expected_version=row.version, actor=people["editor"])


def test_submit_needs_every_rating_and_an_editor(mali, people):
    review = svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=SYSTEM)
    with pytest.raises(ValidationError) as err:
        svc.submit_review(review, expected_version=review.version, actor=people["editor"])
    assert err.value.code == "review-incomplete"
    rate_all(review, people["editor"])
    review.refresh_from_db()
    with pytest.raises(PermissionDenied):
        svc.submit_review(review, expected_version=review.version, actor=people["approver"])
    review = svc.submit_review(review, expected_version=review.version, actor=people["editor"])
    assert review.status == "submitted"
    row = review.assessments.first()
    with pytest.raises(ValidationError) as closed:
        svc.record_assessment(row, rating="off_track", expected_version=row.version, actor=people["editor"])
    assert closed.value.code == "review-closed"


def test_the_submitter_cannot_approve(mali, people):
    from icsplan.accounts.services import add_membership

    coordinator = people["editor"]
    add_membership(coordinator, "approver", mission=mali.mission, actor=SYSTEM)
    review = svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=coordinator)
    rate_all(review, coordinator)
    review.refresh_from_db()
    review = svc.submit_review(review, expected_version=review.version, actor=coordinator)
    with pytest.raises(PermissionDenied) as err:
        svc.approve_review(review, expected_version=review.version, actor=coordinator)
    assert err.value.code == "own-submission"
    with pytest.raises(PermissionDenied):
        svc.approve_review(review, expected_version=review.version, actor=people["reader"])
    returned = svc.return_review(review, reason="Objective 2.1 needs an action item.",
                                 expected_version=review.version, actor=people["approver"])
    assert returned.status == "open"


def test_public_sees_approved_reviews_only_and_no_sbu(mali, people):
    review = svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=SYSTEM)
    rate_all(review, SYSTEM)
    first = review.assessments.order_by("position").first()
    svc.record_assessment(first, rating="off_track", narrative=SECRET, narrative_sensitivity="sbu",
                          decisions="SBU decision", action_items=[
                              {"description": "Secret item", "owner": "DAO", "due_date": "2020-01-31",
                               "sensitivity": "sbu"},
                              {"description": "Public item", "owner": "PAS", "due_date": "2020-02-28"}],
                          expected_version=Assessment.objects.get(pk=first.pk).version,
                          actor=SYSTEM)
    anonymous = AnonymousUser()
    for who in (anonymous, people["viewer"], people["outsider"]):
        assert not svc.visible_reviews(who).exists()
    review.refresh_from_db()
    review = svc.submit_review(review, expected_version=review.version, actor=SYSTEM)
    assert not svc.visible_reviews(anonymous).exists()
    review = svc.approve_review(review, expected_version=review.version, actor=people["approver"])
    for who in (anonymous, people["viewer"], people["outsider"]):
        content = svc.review_content(svc.get_review(who, review.pk), who)
        assert content.public and content.frozen
        text = repr(content)
        assert SECRET not in text and "SBU decision" not in text and "Secret item" not in text
        assert "Public item" in text
    content = svc.review_content(review, people["reader"])
    assert SECRET in repr(content) and "Secret item" in repr(content)


def test_full_cycle_fy2019_frozen_after_edits(mali, people):
    """Open the FY2019 review, rate every Mali objective, approve it; change the strategy afterwards
    and read the frozen review unchanged."""
    from icsplan.indicators import services as indicator_services
    from icsplan.indicators.models import Indicator

    editor, approver = people["editor"], people["approver"]
    review = svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=editor)
    ratings = ["on_track", "some_concerns", "off_track", "not_assessed"]
    for n, row in enumerate(review.assessments.order_by("position")):
        actor = people["reporter"] if row.number == "1.1" and row.kind == "objective" else editor
        svc.record_assessment(row, rating=ratings[n % 4], narrative=f"FY2019 narrative for {row.number}.",
                              decisions=f"Keep {row.number}.",
                              action_items=[{"description": f"Follow up {row.number}", "owner": "MGMT",
                                             "due_date": dt.date(2020, 6, 30)}],
                              expected_version=row.version, actor=actor)
    review.refresh_from_db()
    live = svc.review_content(review, editor)
    assert all(a.evidence for a in live.assessments if a.kind == "objective")
    assert any(a.evidence["indicators"] for a in live.assessments)
    review = svc.submit_review(review, expected_version=review.version, actor=editor)
    review = svc.approve_review(review, expected_version=review.version, actor=approver)
    before = svc.review_content(Review.objects.get(pk=review.pk), editor)
    objective = mali.objectives.get(number="1.1")
    old_title = objective.title
    # The strategy changes afterwards: a new title, a deleted objective, a new result.
    # The edition is in force: each change is a revision the approver approves.
    retitle = strategy_services.propose_revision(objective, {"title": "A retitled objective"},
                                                 expected_version=objective.version, actor=editor, reason="Clearer")
    strategy_services.approve_revision(retitle, actor=approver, expected_version=retitle.version)
    gone = mali.objectives.get(number="1.2")
    drop = strategy_services.propose_change("objective", "delete", row=gone, expected_version=gone.version,
                                            actor=editor, reason="Merged into 1.1")
    strategy_services.approve_revision(drop, actor=approver, expected_version=drop.version)
    assert not mali.objectives.filter(number="1.2").exists()
    indicator = Indicator.objects.filter(strategy=mali, frequency="annual").order_by("pk").first()
    existing = indicator.results.filter(period="FY2019", category="").first()
    indicator_services.submit_result(indicator, "FY2019", "999999", actor=SYSTEM, reason="Corrected after the review.",
                                     expected_version=existing.version if existing else 0)
    after = svc.review_content(Review.objects.get(pk=review.pk), editor)
    assert after.assessments == before.assessments
    assert [a.number for a in after.assessments][:2] == ["1.1", "1.2"]
    assert after.document is not None
    frozen = next(iter(after.document.iter_objectives()))
    assert frozen.title == old_title
    assert "999999" not in repr(after)
    assert [a.rating for a in after.assessments] == [ratings[n % 4] for n in range(len(after.assessments))]
