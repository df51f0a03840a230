"""Big strategy documents confirmed through the API run as import jobs (icsplan.jobs.documents):
202 Accepted with the job to poll; small ones stay 201 in the request (the web's rule, one place);
the job imports as the caller, checks If-Match again when it runs, and is invisible to other
missions' people."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from icsplan.jobs import imports as background
from icsplan.jobs.models import ImportJob
from icsplan.strategies.models import Strategy
from icsplan.strategies.services import load_strategy

from .conftest import Api, token_for

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture()
def big(settings):
    settings.ICSPLAN_IMPORT_BACKGROUND_BYTES = 1  # every document counts as big


def _preview(world, api: Api, edition: str) -> int:
    document = load_strategy(world.draft).to_json().encode()
    response = api.client.post("/api/v1/imports", {"file": SimpleUploadedFile("testland.json", document),
                                                   "edition": edition},
                               HTTP_AUTHORIZATION=f"Bearer {api.token}")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_big_document_answers_202_with_the_job_that_imports_it(world, big):
    editor = Api(token_for(world.user("editor")))
    pid = _preview(world, editor, "2031")
    accepted = editor.post(f"imports/{pid}/confirm", {})
    assert accepted.status_code == 202, accepted.content
    body = accepted.json()
    assert body["kind"] == "strategy" and body["mission"] == world.mission.pk
    assert accepted["Location"] == body["status_url"] == f"/api/v1/import-jobs/{body['id']}"
    polled = editor.get(body["status_url"].removeprefix("/api/v1/"))
    assert polled.status_code == 200 and polled["Cache-Control"].startswith("private")
    job = polled.json()
    assert job["state"] == "done", job  # the immediate backend (SQLite) ran it within the request
    created = Strategy.objects.get(mission=world.mission, edition="2031")
    assert job["strategy"] == created.pk and "Edition 2031" in job["summary"]
    assert ImportJob.objects.get(token=body["id"]).requested_by == world.user("editor")
    # The upload is used up.
    again = editor.post(f"imports/{pid}/confirm", {})
    assert again.status_code == 400 and again.json()["code"] == "already-confirmed"


def test_a_small_document_is_imported_within_the_request(world):
    editor = Api(token_for(world.user("editor")))
    pid = _preview(world, editor, "2032")
    confirmed = editor.post(f"imports/{pid}/confirm", {})
    assert confirmed.status_code == 201 and confirmed.json()["edition"] == "2032"
    assert not ImportJob.objects.exists() and "ETag" in confirmed


def test_a_queued_job_is_polled_until_a_worker_runs_it(world, big, settings):
    settings.TASKS = DUMMY
    editor = Api(token_for(world.user("editor")))
    pid = _preview(world, editor, "2033")
    body = editor.post(f"imports/{pid}/confirm", {}).json()
    assert body["state"] == "queued" and not Strategy.objects.filter(edition="2033").exists()
    # Confirming again while it waits answers the same job, not a second import.
    assert editor.post(f"imports/{pid}/confirm", {}).json()["id"] == body["id"]
    background.run(ImportJob.objects.get(token=body["id"]).pk)  # what the worker does
    done = editor.get(f"import-jobs/{body['id']}").json()
    assert done["state"] == "done" and Strategy.objects.filter(edition="2033").exists()


def test_the_job_checks_if_match_again_when_it_runs(world, big, settings):
    settings.TASKS = DUMMY
    editor = Api(token_for(world.user("editor")))
    pid = _preview(world, editor, world.draft.edition)
    assert editor.post(f"imports/{pid}/confirm", {"replace": True}).status_code == 428
    tag = editor.get(f"strategies/{world.draft.pk}")["ETag"]
    body = editor.post(f"imports/{pid}/confirm", {"replace": True}, headers={"If-Match": tag}).json()
    # Someone saves the edition while the job waits: the job refuses to overwrite it.
    Strategy.objects.filter(pk=world.draft.pk).update(version=world.draft.version + 1)
    background.run(ImportJob.objects.get(token=body["id"]).pk)
    failed = editor.get(f"import-jobs/{body['id']}").json()
    assert failed["state"] == "failed" and "changed after the import was asked for" in failed["error"]
    assert failed["strategy"] is None and Strategy.objects.filter(pk=world.draft.pk).exists()


def test_only_editors_confirm_and_other_missions_never_see_the_job(world, big):
    editor = Api(token_for(world.user("editor")))
    pid = _preview(world, editor, "2034")
    # The preview is the editor's own: anyone else (an approver, a reporter, another mission) finds nothing.
    for persona in ("reporter", "approver", "other_member"):
        assert Api(token_for(world.user(persona))).post(f"imports/{pid}/confirm", {}).status_code == 404
    job_id = editor.post(f"imports/{pid}/confirm", {}).json()["id"]
    for persona in ("other_member", "other_analyst", "viewer"):
        response = Api(token_for(world.user(persona))).get(f"import-jobs/{job_id}")
        assert response.status_code == 404, persona
    assert Api(token_for(world.user("reader"))).get(f"import-jobs/{job_id}").status_code == 200
    assert Api().get(f"import-jobs/{job_id}").status_code in (401, 404)


def test_the_web_follows_the_same_rule(world, big):
    client = Client()
    client.force_login(world.user("editor"))
    document = load_strategy(world.draft).to_json().encode()
    slug = world.mission.slug
    staged = client.post(reverse("web:import", args=[slug]), {"file": SimpleUploadedFile("t.json", document)})
    assert staged.status_code == 302, staged.content[:500]
    confirmed = client.post(staged["Location"], {"edition": "2035"})
    job = ImportJob.objects.get(kind=ImportJob.KIND_STRATEGY)
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("web:import-job", args=[slug, job.token])
    page = client.get(confirmed["Location"]).content.decode()
    assert "Edition 2035" in page and reverse("web:strategy", args=[slug, "2035"]) in page


def test_the_openapi_schema_documents_both_answers(world):
    schema = Client().get("/api/v1/openapi.json").json()
    confirm = next(op["post"] for path, op in schema["paths"].items() if path.endswith("/confirm") and "post" in op)
    assert {"201", "202"} <= set(confirm["responses"])
