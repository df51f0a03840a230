"""Writes: If-Match (428/412), tokens (scope, mission, expiry, revocation) and session CSRF."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from .conftest import Api, token_for

from icsplan.accounts.actors import SYSTEM


def _objective(world, number="1.1"):
    """An objective of the world's draft: drafts are written directly (the edition in force only
    through revisions, see test_in_force_writes_answer_revision_required)."""
    return world.draft.objectives.get(number=number)


def test_in_force_writes_answer_revision_required_and_revisions_carry_them(world, api_as):
    editor, approver = api_as("editor"), api_as("approver")
    objective = world.strategy.objectives.get(number="1.1")
    tag = editor.get(f"objectives/{objective.pk}")["ETag"]
    for refused in (
        editor.patch(f"objectives/{objective.pk}", {"title": "Direct", "reason": "x"}, headers={"If-Match": tag}),
        editor.post("linkages", {"element": {"kind": "objective", "id": objective.pk}, "tag": "SDG 4"},
                    headers={"If-Match": tag}),
    ):
        assert refused.status_code == 409, refused.content
        assert refused.json()["errors"][0]["code"] == "revision-required"
    proposed = editor.post("revisions", {"kind": "linkage", "operation": "create", "parent_kind": "objective",
                                         "parent_id": objective.pk, "changes": {"tag": "SDG 4"},
                                         "expected_version": objective.version, "reason": "Education"})
    assert proposed.status_code == 201, proposed.content
    body = proposed.json()
    assert body["operation"] == "create" and body["label"] == "Linkage SDG 4 of Mission Objective 1.1"
    done = approver.post(f"revisions/{body['id']}/approve", {"reason": "Agreed"}, headers={"If-Match": proposed["ETag"]})
    assert done.status_code == 200, done.content
    assert objective.linkages.filter(tag="SDG 4").exists()


def test_write_needs_if_match_then_rejects_stale(world, api_as):
    api = api_as("editor")
    objective = _objective(world)
    url = f"objectives/{objective.pk}"
    missing = api.patch(url, {"title": "New title"})
    assert missing.status_code == 428 and missing.json()["code"] == "precondition-required"
    tag = api.get(url)["ETag"]
    done = api.patch(url, {"title": "New title", "reason": "clarity"}, headers={"If-Match": tag})
    assert done.status_code == 200, done.content
    assert done.json()["title"] == "New title" and done.json()["version"] == objective.version + 1
    assert done["ETag"] != tag
    stale = api.patch(url, {"title": "Other title"}, headers={"If-Match": tag})
    assert stale.status_code == 412 and stale.json()["code"] == "precondition-failed"
    assert api.patch(url, {"title": "x"}, headers={"If-Match": "*"}).status_code == 428
    again = api.patch(url, {"title": "Third"}, headers={"If-Match": done["ETag"]})
    assert again.status_code == 200


def test_linkage_and_risk_writes_use_the_element_etag(world, api_as):
    api = api_as("editor")
    objective = _objective(world)
    tag = api.get(f"objectives/{objective.pk}")["ETag"]
    created = api.post("linkages", {"element": {"kind": "objective", "id": objective.pk}, "tag": "SDG 4"},
                       headers={"If-Match": tag})
    assert created.status_code == 201, created.content
    assert created.json()["framework"] == "SDG"
    # The element moved on: the old tag is stale now.
    stale = api.post("risks", {"element": {"kind": "objective", "id": objective.pk}, "statement": "Delay."},
                     headers={"If-Match": tag})
    assert stale.status_code == 412
    link_tag = created["ETag"]
    assert api.delete(f"linkages/{created.json()['id']}", headers={"If-Match": link_tag}).status_code == 200


def test_anonymous_and_read_tokens_cannot_write(world, api_as):
    objective = world.strategy.objectives.get(number="1.1")  # public: anonymous callers read it
    url = f"objectives/{objective.pk}"
    tag = Api().get(url)["ETag"]
    anonymous = Api().patch(url, {"title": "x"}, headers={"If-Match": tag})
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Bearer")
    read = api_as("editor", scope="read").patch(url, {"title": "x"}, headers={"If-Match": tag})
    assert read.status_code == 403 and read.json()["code"] == "read-only-token"
    viewer = api_as("viewer").patch(url, {"title": "x"}, headers={"If-Match": tag})
    assert viewer.status_code == 403


def test_mission_token_sees_only_its_mission(world, api_as):
    editor = world.user("admin")
    api = Api(token_for(editor, scope="read", mission=world.mission))
    assert api.get(f"strategies/{world.draft.pk}").status_code == 200
    assert api.get(f"strategies/{world.other_strategy.pk}").status_code in (200, 404)
    other_draft_ids = {s["id"] for s in api.get("strategies").json()["items"]}
    assert world.draft.pk in other_draft_ids
    # SBU of the other mission is not readable through this token.
    tree = api.get(f"strategies/{world.other_strategy.pk}/tree")
    if tree.status_code == 200:
        assert "CANARY" not in tree.content.decode()


def test_bad_expired_and_revoked_tokens_are_401(world):
    from icsplan.accounts.models import ApiToken
    from icsplan.accounts.services import revoke_token

    assert Api("icsp_not-a-token").get("missions").status_code == 401
    bad_scheme = Api().get("missions", headers={"Authorization": "Token abc"})
    assert bad_scheme.status_code == 401 and bad_scheme.json()["code"] == "invalid-token"
    plaintext = token_for(world.user("reader"), scope="read")
    row = ApiToken.objects.get(prefix=plaintext[:12])
    assert Api(plaintext).get("missions").status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Api(plaintext).get("missions").status_code == 401
    plaintext = token_for(world.user("reader"), scope="read")
    revoke_token(ApiToken.objects.get(prefix=plaintext[:12]), actor=SYSTEM)
    assert Api(plaintext).get("missions").status_code == 401


def test_session_writes_need_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("editor"))
    api = Api(client=client)
    objective = _objective(world)
    url = f"objectives/{objective.pk}"
    read = api.get(url)
    assert read.status_code == 200 and read.json()["justification"]  # the session reads SBU too
    refused = api.patch(url, {"title": "By session"}, headers={"If-Match": read["ETag"]})
    assert refused.status_code == 403 and refused.json()["code"] == "csrf-failed"
    client.get("/api/v1/docs")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    done = api.patch(url, {"title": "By session"}, headers={"If-Match": read["ETag"], "X-CSRFToken": csrf})
    assert done.status_code == 200, done.content


def _submitted(world):
    """The world's draft, sent into clearance by the editor (approving takes that first step)."""
    from icsplan.strategies import services

    return services.submit_edition(world.draft, actor=world.user("editor"), expected_version=world.draft.version)


def test_approve_strategy(world, api_as):
    draft = _submitted(world)
    api = api_as("approver")
    tag = api.get(f"strategies/{draft.pk}")["ETag"]
    assert api_as("editor").post(f"strategies/{draft.pk}/approve", {}, headers={"If-Match": tag}).status_code == 403
    done = api.post(f"strategies/{draft.pk}/approve", {"approved_date": "2026-01-15"}, headers={"If-Match": tag})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "approved" and done.json()["approved_date"] == "2026-01-15"


def test_approving_an_approved_edition_is_a_conflict(world, api_as):
    api = api_as("approver")
    url = f"strategies/{world.strategy.pk}"
    tag = api.get(url)["ETag"]
    again = api.post(f"{url}/approve", {"comment": "Again."}, headers={"If-Match": tag})
    assert again.status_code == 409, again.content
    body = again.json()
    assert body["code"] == "conflict" and body["errors"][0]["code"] == "already-approved"
    assert api.get(url)["ETag"] == tag  # nothing changed


def test_approve_keeps_the_comment_as_the_reason(world, api_as):
    from icsplan.strategies.models import Strategy

    _submitted(world)
    api = api_as("approver")
    tag = api.get(f"strategies/{world.draft.pk}")["ETag"]
    done = api.post(f"strategies/{world.draft.pk}/approve", {"comment": "Cleared by the COM."}, headers={"If-Match": tag})
    assert done.status_code == 200, done.content
    latest = Strategy.history.filter(id=world.draft.pk).order_by("-history_date").first()
    assert latest.history_change_reason == "Cleared by the COM."
