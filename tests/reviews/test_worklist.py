"""What waits for each person (issue 10, item 7): revisions awaiting an approver's decision, the
review assessments a person is to rate, submitted reviews awaiting approval, and their action items
past due — in the service and on the dashboard's "Waiting for you" list."""

from __future__ import annotations

import datetime as dt

import pytest

from icsplan.reviews import services as svc
from icsplan.strategies import services as strategy_services


def test_revisions_wait_for_approvers_but_never_for_their_proposer(mali, people):
    objective = mali.objectives.get(number="1.1")
    revision = strategy_services.propose_revision(objective, {"title": "Sharper"}, expected_version=objective.version,
                                                  actor=people["editor"], reason="Annual review")
    assert strategy_services.revisions_awaiting(people["approver"], mali) == [revision]
    assert strategy_services.revisions_awaiting(people["editor"], mali) == []  # cannot decide
    strategy_services.approve_revision(revision, actor=people["approver"], expected_version=revision.version)
    assert strategy_services.revisions_awaiting(people["approver2"], mali) == []  # decided


def test_assessments_to_rate_reviews_to_approve_and_action_items_past_due(mali, people):
    review = svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=people["editor"])
    reporter = people["reporter"]
    mine = svc.work_for(reporter, mali)
    # The reporter owns objective 1.1 only: that is the one assessment waiting for them.
    assert [a.number for a in mine["assessments"]] == ["1.1"]
    own = mine["assessments"][0]
    svc.record_assessment(own, rating="some_concerns", narrative="Slower than planned.",
                          action_items=[{"description": "Meet the ministry", "owner": "mali-reporter",
                                         "due_date": "2020-01-31"}],
                          expected_version=own.version, actor=reporter)
    later = svc.work_for(reporter, mali, today=dt.date(2020, 3, 1))
    assert later["assessments"] == []
    assert [i.description for i in later["action_items"]] == ["Meet the ministry"]
    assert svc.work_for(reporter, mali, today=dt.date(2020, 1, 31))["action_items"] == []  # not past due yet
    assert svc.work_for(people["approver"], mali, today=dt.date(2020, 3, 1))["action_items"] == []  # not theirs

    for row in review.assessments.filter(rating=""):
        svc.record_assessment(row, rating="on_track", expected_version=row.version, actor=people["editor"])
    review.refresh_from_db()
    svc.submit_review(review, expected_version=review.version, actor=people["editor"])
    assert svc.work_for(people["approver"], mali)["reviews"] == [review]
    assert svc.work_for(people["editor"], mali)["reviews"] == []


@pytest.mark.django_db
def test_the_dashboard_lists_them(mali, people, client):
    objective = mali.objectives.get(number="1.1")
    strategy_services.propose_revision(objective, {"title": "Sharper"}, expected_version=objective.version,
                                       actor=people["editor"], reason="Annual review")
    svc.open_review(mali.mission, kind="annual", fiscal_year=2019, actor=people["editor"])
    client.force_login(people["approver"])
    page = client.get(f"/missions/{mali.mission.slug}/").content.decode()
    assert "1 revision awaiting your decision" in page
    client.force_login(people["reporter"])
    page = client.get(f"/missions/{mali.mission.slug}/").content.decode()
    assert "Rate Objective 1.1 in the Annual review FY2019" in page
