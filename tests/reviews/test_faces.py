"""The reviews through the CLI, the API and the web pages: the same services, the same answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from typer.testing import CliRunner

from icsplan.accounts.actors import SYSTEM
from icsplan.cli import app
from icsplan.reviews import services as svc
from tests.api.conftest import Api, token_for

MALI_2022 = Path(__file__).resolve().parent / "data" / "mali-2022.json"
SECRET = "ZQREVIEWsbuNarrative"


@pytest.fixture()
def mali_2022(mali):
    from icsplan import document as doc
    from icsplan.strategies import services

    document = doc.Strategy.from_json(MALI_2022.read_text(encoding="utf-8"))
    return services.import_strategy(document, mission=mali.mission, edition="2022", status="draft", actor=SYSTEM)


def test_cli_compare_formats(mali_2022):
    runner = CliRunner()
    result = runner.invoke(app, ["compare", "Mali", "--from", "2018", "--to", "2022"])
    assert result.exit_code == 0, result.output
    assert "Mission Objective 2.1, 2.2 → 2.1: merged" in result.output
    assert "Mission Objective 3.2 → —: dropped" in result.output
    data = json.loads(runner.invoke(app, ["compare", "Mali", "--from", "2018", "--to", "2022", "-f", "json"]).output)
    assert data["summary"]["split"] == 1
    page = runner.invoke(app, ["compare", "Mali", "--from", "2018", "--to", "2022", "--format", "html"]).output
    assert page.startswith("<!DOCTYPE html>") and "<del>" in page


def test_cli_compare_errors_are_one_line(mali_2022):
    runner = CliRunner()
    result = runner.invoke(app, ["compare", "Mali", "--from", "2018", "--to", "1999"])
    assert result.exit_code == 2 and "Traceback" not in result.output and "1999" in result.output
    result = runner.invoke(app, ["compare", "Mali", "--from", "2018", "--to", "2022", "-f", "pdf"])
    assert result.exit_code == 2
    # The public copies: the draft 2022 edition is not public.
    result = runner.invoke(app, ["compare", "Mali", "--from", "2018", "--to", "2022", "--public"])
    assert result.exit_code == 2


def test_api_compare_respects_visibility(mali_2022, people):
    mission = mali_2022.mission.pk
    public = Api().get("reviews/compare", **{"mission": mission, "from": "2018", "to": "2022"})
    assert public.status_code == 404 and public["Content-Type"].startswith("application/problem+json")
    # The 2022 edition is a draft: its mission's editors and approvers see it, its readers do not.
    reader = Api(token_for(people["reader"], scope="read"))
    assert reader.get("reviews/compare", **{"mission": mission, "from": "2018", "to": "2022"}).status_code == 404
    editor = Api(token_for(people["editor"], scope="read"))
    answer = editor.get("reviews/compare", **{"mission": mission, "from": "2018", "to": "2022"})
    assert answer.status_code == 200
    assert answer.json()["summary"]["merged"] == 1


def test_api_full_review_cycle(mali, people):
    editor = Api(token_for(people["editor"]))
    approver = Api(token_for(people["approver"]))
    opened = editor.post("reviews", {"mission": mali.mission.pk, "kind": "annual", "fiscal_year": 2019})
    assert opened.status_code == 201, opened.content
    review = opened.json()
    first = review["assessments"][0]
    assert first["evidence"]["indicators"], "the evidence is pulled in"
    # If-Match is required on writes.
    missing = editor.put(f"reviews/assessments/{first['id']}", {"rating": "on_track"})
    assert missing.status_code == 428
    for a in review["assessments"]:
        etag = editor.get(f"reviews/assessments/{a['id']}")["ETag"]
        body = {"rating": "off_track", "narrative": SECRET if a is first else "Fine.",
                "narrative_sensitivity": "sbu" if a is first else "public",
                "action_items": [{"description": "Act", "owner": "POL", "due_date": "2020-01-31"}]}
        saved = editor.put(f"reviews/assessments/{a['id']}", body, headers={"If-Match": etag})
        assert saved.status_code == 200, saved.content
    bad = editor.put(f"reviews/assessments/{first['id']}", {"rating": "great"},
                     headers={"If-Match": editor.get(f"reviews/assessments/{first['id']}")["ETag"]})
    assert bad.status_code == 422
    etag = editor.get(f"reviews/{review['id']}")["ETag"]
    assert editor.post(f"reviews/{review['id']}/submit", headers={"If-Match": etag}).status_code == 200
    # The public does not see the review until it is approved.
    assert Api().get(f"reviews/{review['id']}").status_code == 404
    etag = approver.get(f"reviews/{review['id']}")["ETag"]
    approved = approver.post(f"reviews/{review['id']}/approve", {}, headers={"If-Match": etag})
    assert approved.status_code == 200, approved.content
    assert approved.json()["frozen"] is True
    public = Api().get(f"reviews/{review['id']}")
    assert public.status_code == 200 and SECRET.encode() not in public.content
    assert public.json()["assessments"][0]["narrative"] is None
    assert SECRET.encode() in Api(token_for(people["reader"], scope="read")).get(f"reviews/{review['id']}").content


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_web_review_cycle(mali, people):
    slug = mali.mission.slug
    editor = _client(people["editor"])
    response = editor.post(f"/missions/{slug}/reviews/", {"kind": "annual", "fiscal_year": 2019})
    assert response.status_code == 302
    review = svc.visible_reviews(people["editor"]).get()
    page = editor.get(response["Location"])
    assert page.status_code == 200 and b"Evidence (FY2019)" in page.content and b"Assess this objective" in page.content
    reporter = _client(people["reporter"])
    mine = review.assessments.get(kind="objective", number="1.1")
    form = {f"a{mine.pk}-version": mine.version, f"a{mine.pk}-rating": "some_concerns",
            f"a{mine.pk}-narrative": SECRET, f"a{mine.pk}-narrative_sensitivity": "sbu",
            f"a{mine.pk}-decisions": "", f"a{mine.pk}-action_items": "Retrain | POL/ECON | 2020-03-31",
            f"a{mine.pk}-action_items_sensitivity": "public", f"a{mine.pk}-reason": ""}
    assert reporter.post(f"/missions/{slug}/reviews/assessments/{mine.pk}/", form).status_code == 302
    mine.refresh_from_db()
    assert mine.rating == "some_concerns" and mine.action_items.get().owner == "POL/ECON"
    # The reporter's page offers the form for their objective only.
    assert reporter.get(f"/missions/{slug}/reviews/{review.pk}/").content.count(b"Assess this objective") == 1
    assert _client().get(f"/missions/{slug}/reviews/{review.pk}/").status_code == 302  # sign in
    assert _client(people["viewer"]).get(f"/missions/{slug}/reviews/{review.pk}/").status_code == 404


def test_web_compare_page(mali_2022, people):
    slug = mali_2022.mission.slug
    page = _client(people["editor"]).get(f"/missions/{slug}/compare/?from=2018&to=2022")
    assert page.status_code == 200 and b"merged" in page.content and b"<del>" in page.content
    # The public sees the approved 2018 edition only.
    assert _client().get(f"/missions/{slug}/compare/?from=2018&to=2022").status_code == 302
    assert _client(people["viewer"]).get(f"/missions/{slug}/compare/?from=2018&to=2022").status_code == 404
