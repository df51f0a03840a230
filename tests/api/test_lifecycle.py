"""The edition life cycle and revisions through the API: each step with If-Match, errors as problem+json."""

from __future__ import annotations

import pytest

from .conftest import Api

pytestmark = pytest.mark.django_db


def test_submit_approve_publish_and_the_record(world, api_as):
    editor, approver = api_as("editor"), api_as("approver")
    url = f"strategies/{world.draft.pk}"
    assert api_as("reader").get(url).status_code == 404  # a draft is for editors and approvers
    tag = editor.get(url)["ETag"]
    assert editor.post(f"{url}/submit", {"comment": "Ready"}).status_code == 428
    sent = editor.post(f"{url}/submit", {"comment": "Ready"}, headers={"If-Match": tag})
    assert sent.status_code == 200 and sent.json()["status"] == "in_clearance"
    early = approver.post(f"{url}/publish", {}, headers={"If-Match": sent["ETag"]})
    assert early.status_code == 409 and early["Content-Type"] == "application/problem+json"
    assert early.json()["errors"][0]["code"] == "invalid-transition"
    done = approver.post(f"{url}/approve", {"comment": "Signed"}, headers={"If-Match": sent["ETag"]})
    assert done.status_code == 200 and done.json()["status"] == "approved"
    old = Api().get(f"strategies/{world.strategy.pk}")
    assert old.status_code == 404  # archived: no longer public
    assert api_as("reader").get(f"strategies/{world.strategy.pk}").json()["status"] == "archived"
    steps = Api().get(f"{url}/transitions").json()
    assert [(s["from_status"], s["to_status"], s["by"], s["reason"]) for s in steps] == [
        ("draft", "in_clearance", "t-editor", "Ready"), ("in_clearance", "approved", "t-approver", "Signed")]
    listed = Api().get("strategies", country=world.mission.country).json()["items"]
    assert [s["edition"] for s in listed] == ["2026"]


def test_an_admin_who_submitted_cannot_approve(world, api_as):
    admin = api_as("admin")
    url = f"strategies/{world.draft.pk}"
    sent = admin.post(f"{url}/submit", {}, headers={"If-Match": admin.get(url)["ETag"]})
    refused = admin.post(f"{url}/approve", {}, headers={"If-Match": sent["ETag"]})
    assert refused.status_code == 403 and refused.json()["code"] == "own-proposal"


def test_copy_makes_a_draft(world, api_as):
    made = api_as("editor").post(f"strategies/{world.strategy.pk}/copy", {"edition": "2030"})
    assert made.status_code == 201 and made.json()["status"] == "draft" and made.json()["edition"] == "2030"
    again = api_as("editor").post(f"strategies/{world.strategy.pk}/copy", {"edition": "2030"})
    assert again.status_code == 400 and again.json()["code"] == "edition-exists"


def test_propose_reject_propose_again_and_approve(world, api_as):
    editor, approver = api_as("editor"), api_as("approver")
    sub = world.strategy.sub_objectives.get(number="1.2.1")
    tag = editor.get(f"sub-objectives/{sub.pk}")["ETag"]
    body = {"kind": "sub_objective", "element_id": sub.pk, "changes": {"title": "Sharper"}, "reason": "Review"}
    first = editor.post("revisions", body, headers={"If-Match": tag})
    assert first.status_code == 201, first.content
    assert first.json()["before"] == {"title": sub.title} and first.json()["proposed_by"] == "t-editor"
    assert Api().get(f"revisions/{first.json()['id']}").status_code == 404  # internal
    assert Api().get(f"sub-objectives/{sub.pk}").json()["title"] == sub.title  # public text unchanged
    rejected = approver.post(f"revisions/{first.json()['id']}/reject", {"reason": "Vague"},
                             headers={"If-Match": first["ETag"]})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    second = editor.post("revisions", {**body, "changes": {"title": "Sharper, measurable"}}, headers={"If-Match": tag})
    own = editor.post(f"revisions/{second.json()['id']}/approve", {}, headers={"If-Match": second["ETag"]})
    assert own.status_code == 403
    approved = approver.post(f"revisions/{second.json()['id']}/approve", {"reason": "Agreed"},
                             headers={"If-Match": second["ETag"]})
    assert approved.status_code == 200 and approved.json()["decided_by"] == "t-approver"
    assert Api().get(f"sub-objectives/{sub.pk}").json()["title"] == "Sharper, measurable"
    history = api_as("reader").get(f"strategies/{world.strategy.pk}/revisions").json()
    assert [r["status"] for r in history] == ["approved", "rejected"]
