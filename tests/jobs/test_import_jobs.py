"""Big results imports off the request path (icsplan.jobs.imports): above the size threshold the
confirmation queues a task and answers its progress page; the task imports as the person who
confirmed, all rows or none; a refusal is one sentence naming the place; the page is checked on
every read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from icsplan.indicators import models as m
from icsplan.jobs.models import ImportJob
from security.matrix import _results_csv
from icsplan.web.uploads import SESSION_KEY

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _upload(client, world, data: bytes, name="results.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("web:import-results", args=[world.mission.slug]),
                           {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302 and "/import/results/" in response["Location"], response
    return response["Location"]


def _results(world) -> list:
    return list(m.Result.objects.filter(strategy=world.strategy, indicator__code="1.1-P", period="FY2026")
                .values_list("value", flat=True))


def _confirm(client, preview_url):
    response = client.post(preview_url)
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


@pytest.fixture()
def big(settings):
    settings.ICSPLAN_IMPORT_BACKGROUND_BYTES = 1  # every workbook counts as big


def test_big_import_answers_a_progress_page_and_imports_all_rows(world, big):
    client = _client(world.user("reporter"))
    preview_url = _upload(client, world, _results_csv(world, "7"))
    preview = client.get(preview_url)
    assert b"A large workbook" in preview.content and b"nothing can be imported" not in preview.content
    assert not _results(world)  # the preview of a big workbook runs no trial import
    job_url = _confirm(client, preview_url)
    job = ImportJob.objects.get()
    assert job_url == reverse("web:import-job", args=[world.mission.slug, job.token])
    assert job.state == ImportJob.DONE and job.requested_by == world.user("reporter") and job.data == b""
    assert _results(world) and set(_results(world)) == {"7"}
    page = client.get(job_url)
    assert page.status_code == 200 and b"Imported" in page.content and job.summary.encode() in page.content
    assert "no-store" in page["Cache-Control"]
    # The staged upload is used up: confirming again finds nothing.
    assert not client.session.get(SESSION_KEY)


def test_small_import_stays_in_the_request(world):
    client = _client(world.user("reporter"))
    preview_url = _upload(client, world, _results_csv(world, "5"))
    location = _confirm(client, preview_url)
    assert location == reverse("web:results", args=[world.mission.slug])
    assert not ImportJob.objects.exists() and set(_results(world)) == {"5"}


def test_a_refused_workbook_saves_nothing_and_says_where_in_one_sentence(world, big):
    client = _client(world.user("reporter"))
    data = _results_csv(world, "7").decode().splitlines()
    data[1] = data[1].replace(",7,", ",seven,", 1)  # the first data row's value
    assert "seven" in data[1]
    preview_url = _upload(client, world, ("\n".join(data) + "\n").encode())
    page = client.get(_confirm(client, preview_url))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.FAILED and not _results(world)
    assert job.error.startswith("Nothing was saved: results.csv") and "row 2" in job.error and "value" in job.error
    assert job.error.count(". ") == 0 and job.error.endswith(".")  # one sentence
    assert b"Nothing was imported" in page.content and b"Traceback" not in page.content


def test_an_internal_error_is_a_sentence_not_a_traceback(world, big, monkeypatch):
    import icsplan.indicators.excel as excel

    def boom(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(excel, "import_results", boom)
    client = _client(world.user("reporter"))
    page = client.get(_confirm(client, _upload(client, world, _results_csv(world))))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.FAILED and "internal error" in job.error
    assert b"secret detail" not in page.content


def test_the_job_page_is_for_its_starter_and_the_missions_readers_only(world, big):
    starter = _client(world.user("reporter"))
    job_url = _confirm(starter, _upload(starter, world, _results_csv(world)))
    assert _client(world.user("reader")).get(job_url).status_code == 200
    assert _client(world.user("admin")).get(job_url).status_code == 200
    for persona in ("viewer", "other_member", "other_analyst"):
        assert _client(world.user(persona)).get(job_url).status_code == 404, persona
    anonymous = _client().get(job_url)
    assert anonymous.status_code in (302, 404) and b"Imported" not in anonymous.content
    # The token under another mission's address finds nothing either.
    token = job_url.rstrip("/").rsplit("/", 1)[-1]
    other = reverse("web:import-job", args=[world.other_mission.slug, token])
    assert _client(world.user("admin")).get(other).status_code == 404
    assert _client(world.user("reader")).get(reverse("web:import-job", args=[world.mission.slug, "x" * 32])
                                             ).status_code == 404


def test_a_waiting_job_polls_with_htmx_and_refreshes_without_javascript(world, big, settings):
    settings.TASKS = DUMMY
    client = _client(world.user("reporter"))
    job_url = _confirm(client, _upload(client, world, _results_csv(world)))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.QUEUED and not _results(world)
    html = client.get(job_url).content.decode()
    assert '<noscript><meta http-equiv="refresh"' in html and f'hx-get="{job_url}"' in html
    assert "Check again" in html
    partial = client.get(job_url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith("<section") and "<html" not in partial


def test_a_job_nobody_runs_is_given_up(world, big, settings):
    import datetime as dt

    settings.TASKS = DUMMY
    client = _client(world.user("reporter"))
    job_url = _confirm(client, _upload(client, world, _results_csv(world)))
    ImportJob.objects.update(created_at=ImportJob.objects.get().created_at - dt.timedelta(days=1))
    page = client.get(job_url)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.FAILED and "icsplan worker" in job.error and b"Nothing was imported" in page.content
    from icsplan.jobs.imports import run

    run(job.pk)  # a worker coming later leaves it alone
    assert not _results(world)


def test_a_job_whose_worker_died_is_given_up(world, big, settings):
    import datetime as dt

    settings.TASKS = DUMMY
    client = _client(world.user("reporter"))
    job_url = _confirm(client, _upload(client, world, _results_csv(world)))
    started = ImportJob.objects.get().created_at - dt.timedelta(hours=2)
    ImportJob.objects.update(state=ImportJob.RUNNING, started_at=started)
    client.get(job_url)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.FAILED and "did not finish" in job.error and job.error.endswith(".")


# -- the database backend and `icsplan worker` (PostgreSQL) ---------------------------------------

@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (the queue of a multi-user install)")
@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_and_the_worker_imports(settings):
    from django_tasks_db.models import DBTaskResult
    from typer.testing import CliRunner

    from icsplan.cli import app
    from security.world import build_world

    world = build_world()
    settings.TASKS = DATABASE
    settings.ICSPLAN_TASKS_BACKEND = "database"
    settings.ICSPLAN_IMPORT_BACKGROUND_BYTES = 1
    client = _client(world.user("reporter"))
    job_url = _confirm(client, _upload(client, world, _results_csv(world, "9")))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.QUEUED and not _results(world)
    assert b"Waiting its turn" in client.get(job_url).content
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    result = CliRunner().invoke(app, ["worker", "--once", "--interval", "0"])
    assert result.exit_code == 0, result.output
    job.refresh_from_db()
    assert job.state == ImportJob.DONE, job.error
    assert set(_results(world)) == {"9"}
    assert b"Imported" in client.get(job_url).content


# -- the API ---------------------------------------------------------------------------------------

def _api_start(client, world, data: bytes, name="results.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/api/v1/import-jobs", {"mission": world.mission.pk, "file": SimpleUploadedFile(name, data)})


def test_api_small_import_answers_the_finished_job(world):
    client = _client(world.user("reporter"))
    response = _api_start(client, world, _results_csv(world, "4"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "done" and "1 result" in body["summary"] and set(_results(world)) == {"4"}
    assert response["Location"] == body["status_url"]
    assert client.get(body["status_url"]).json()["state"] == "done"


def test_api_big_import_is_accepted_and_polled(world, big, settings):
    settings.TASKS = DUMMY
    client = _client(world.user("reporter"))
    response = _api_start(client, world, _results_csv(world, "6"))
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["state"] == "queued" and response["Location"] == job["status_url"] and not _results(world)
    from icsplan.jobs.imports import run

    run(ImportJob.objects.get(token=job["id"]).pk)  # what the worker does
    polled = client.get(job["status_url"])
    assert polled.status_code == 200 and polled.json()["state"] == "done" and set(_results(world)) == {"6"}
    assert "no-store" in polled["Cache-Control"]
    for persona in ("viewer", "other_member"):
        assert _client(world.user(persona)).get(job["status_url"]).status_code == 404
    assert _client().get(job["status_url"]).status_code == 404


def test_api_refused_workbook_is_a_failed_job_with_one_sentence(world, big):
    client = _client(world.user("reporter"))
    data = _results_csv(world, "7").decode().replace(",7,", ",seven,", 1).encode()
    job = _api_start(client, world, data).json()
    assert job["state"] == "failed" and "row 2" in job["error"] and not _results(world)


def test_api_import_needs_the_reporting_right(world):
    assert _api_start(_client(world.user("reader")), world, _results_csv(world)).status_code == 403
    # Testland's published edition is public: others see the mission, and are refused the write.
    assert _api_start(_client(world.user("other_member")), world, _results_csv(world)).status_code == 403
    assert _api_start(_client(), world, _results_csv(world)).status_code == 401
    assert not ImportJob.objects.exists()


def test_api_import_jobs_are_in_the_openapi_document(world):
    schema = _client().get("/api/v1/openapi.json").json()
    assert "/api/v1/import-jobs" in schema["paths"] and "/api/v1/import-jobs/{job_id}" in schema["paths"]
    assert "202" in schema["paths"]["/api/v1/import-jobs"]["post"]["responses"]
