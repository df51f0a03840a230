"""Exports and progress reports made off the request path (icsplan.jobs): the progress page, the
cached file and its invalidation, failures, who may fetch a job's file, and the API."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from icsplan.accounts.actors import SYSTEM
from icsplan.jobs import services as jobs
from icsplan.jobs.models import ExportJob
from security.world import canary_prefix

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _export_url(world, fmt="docx", edition="2022"):
    return reverse("web:export-download", args=[world.mission.slug, edition, fmt])


def _follow_to_job(client, url) -> tuple[ExportJob, object]:
    start = client.get(url)
    assert start.status_code == 302, start.content[:500]
    token = start["Location"].rstrip("/").rsplit("/", 1)[-1]
    page = client.get(start["Location"])
    return ExportJob.objects.get(token=token), page


# -- the immediate backend (embedded SQLite default) ---------------------------------------------

def test_download_answers_a_progress_page_that_turns_into_the_file(world):
    client = _client(world.user("reader"))
    job, page = _follow_to_job(client, _export_url(world))
    assert page.status_code == 200 and job.state == ExportJob.DONE and not job.public
    file_url = reverse("web:export-job-file", args=[world.mission.slug, "2022", job.token])
    html = page.content.decode()
    assert f'http-equiv="refresh" content="0;url={file_url}"' in html
    assert f'href="{file_url}"' in html and "Your file is ready" in html
    got = client.get(file_url)
    assert got.status_code == 200 and got["Content-Disposition"].endswith('.docx"')
    assert got["Cache-Control"] == "private, no-store"
    assert canary_prefix("Testland") in _docx_text(got.content)  # the full copy for a reader


def test_progress_report_pdf_runs_as_a_job(world):
    client = _client(world.user("reader"))
    url = reverse("web:progress-report", args=[world.mission.slug, "2022"]) + "?period=FY2023&format=pdf&public=1"
    job, page = _follow_to_job(client, url)
    assert job.kind == "report" and job.period == "FY2023" and job.public and job.state == ExportJob.DONE
    data = client.get(reverse("web:export-job-file", args=[world.mission.slug, "2022", job.token])).content
    assert data[:4] == b"%PDF" and "progress-FY2023-public.pdf" in job.filename
    # The quick formats still answer at once.
    html = client.get(url.replace("format=pdf", "format=html"))
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")


def test_worker_has_nothing_to_do_with_the_immediate_backend(settings):
    from typer.testing import CliRunner

    from icsplan.cli import app

    settings.ICSPLAN_TASKS_BACKEND = "immediate"
    result = CliRunner().invoke(app, ["worker", "--once"])
    assert result.exit_code == 0 and "nothing to do" in result.output


def test_cli_export_stays_synchronous(world, tmp_path):
    from typer.testing import CliRunner

    from icsplan.cli import app

    out = tmp_path / "ics.docx"
    result = CliRunner().invoke(app, ["export", "Testland", "--edition", "2022", "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK" and not ExportJob.objects.exists()


# -- the cache: same data, same file; changed data, new file -------------------------------------

def test_finished_file_is_served_again_without_recomputing(world, monkeypatch):
    calls = []
    real = jobs._render
    monkeypatch.setattr(jobs, "_render", lambda job: calls.append(job.pk) or real(job))
    reader = world.user("reader")
    first = jobs.start(reader, world.strategy, kind="export", fmt="docx")
    again = jobs.start(world.user("approver"), world.strategy, kind="export", fmt="docx")
    assert again.pk == first.pk and len(calls) == 1
    # The public copy is another file.
    public = jobs.start(reader, world.strategy, kind="export", fmt="docx", public=True)
    assert public.pk != first.pk and len(calls) == 2


def test_a_change_to_the_edition_or_its_results_makes_a_new_file(world, monkeypatch):
    from icsplan.indicators.models import Result
    from icsplan.strategies import services
    from icsplan.strategies.services.gate import applying_revision

    reader = world.user("reader")
    first = jobs.start(reader, world.strategy, kind="report", fmt="docx", period="FY2023")
    objective = world.strategy.objectives.get(number="1.1")
    with applying_revision():  # as an approved revision applies it
        services.update_element(objective, {"title": "A new title"}, expected_version=objective.version, actor=SYSTEM)
    second = jobs.start(reader, world.strategy, kind="report", fmt="docx", period="FY2023")
    assert second.pk != first.pk and second.key != first.key and second.state == ExportJob.DONE
    assert "A new title" in _docx_text(jobs.file_of(reader, second))
    assert not ExportJob.objects.filter(pk=first.pk).exists()  # the stale file is gone
    # A result changed (here: deleted) behind the services' back still changes the key.
    Result.objects.filter(strategy=world.strategy).first().delete()
    third = jobs.start(reader, world.strategy, kind="report", fmt="docx", period="FY2023")
    assert third.key != second.key


# -- failures --------------------------------------------------------------------------------------

def test_a_failure_shows_a_sentence_never_a_traceback(world, monkeypatch):
    def boom(job):
        raise RuntimeError("Traceback (most recent call last): secret internals")

    monkeypatch.setattr(jobs, "_render", boom)
    client = _client(world.user("reader"))
    job, page = _follow_to_job(client, _export_url(world, "pdf"))
    html = page.content.decode()
    assert job.state == ExportJob.FAILED and page.status_code == 200
    assert "could not be made" in html and "Traceback" not in html and "secret internals" not in html
    assert "http-equiv" not in html  # no refresh loop on a failed job
    api = client.get(reverse("api-v1:export-job-file", kwargs={"job_id": job.token}))
    assert api.status_code == 409 and api.json()["code"] == "job-failed"
    # Asking again starts a new job rather than serving the failure forever.
    monkeypatch.undo()
    again = jobs.start(world.user("reader"), world.strategy, kind="export", fmt="pdf")
    assert again.pk != job.pk and again.state == ExportJob.DONE


# -- the progress page while the file is being made ----------------------------------------------

def test_progress_page_works_without_javascript_and_polls_with_htmx(world, settings):
    settings.TASKS = DUMMY  # nothing runs the task: the job stays queued
    client = _client(world.user("reader"))
    job, page = _follow_to_job(client, _export_url(world, "pdf"))
    html = page.content.decode()
    page_url = reverse("web:export-job", args=[world.mission.slug, "2022", job.token])
    assert job.state == ExportJob.QUEUED and page.status_code == 200
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', html)
    assert f'<a href="{page_url}">Check again</a>' in html
    assert f'hx-get="{page_url}"' in html and 'hx-trigger="every' in html
    assert "<progress" in html and "Preparing" in html
    file_url = reverse("web:export-job-file", args=[world.mission.slug, "2022", job.token])
    assert client.get(file_url)["Location"] == page_url  # not ready: back to the progress page
    # htmx's poll gets the status block only; once done, the page is reloaded to start the download.
    poll = client.get(page_url, HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and b"<html" not in poll.content and b'id="job-status"' in poll.content
    jobs.run(job.pk)
    done = client.get(page_url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and b"Your file is ready" in done.content


def test_a_job_nobody_makes_is_given_up_and_asked_again(world, settings):
    import datetime as dt

    settings.TASKS = DUMMY
    reader = world.user("reader")
    lost = jobs.start(reader, world.strategy, kind="export", fmt="docx")
    assert jobs.start(reader, world.strategy, kind="export", fmt="docx").pk == lost.pk  # still waiting
    ExportJob.objects.filter(pk=lost.pk).update(created_at=lost.created_at - dt.timedelta(hours=1))
    fresh = jobs.start(reader, world.strategy, kind="export", fmt="docx")
    lost.refresh_from_db()
    assert fresh.pk != lost.pk and lost.state == ExportJob.FAILED and "icsplan worker" in lost.error


# -- who may fetch a job's file --------------------------------------------------------------------

def test_those_who_may_not_read_sbu_get_the_public_copy(world):
    viewer = _client(world.user("viewer"))
    job, _page = _follow_to_job(viewer, _export_url(world) + "?public=0")
    assert job.public
    text = _docx_text(viewer.get(reverse("web:export-job-file", args=[world.mission.slug, "2022", job.token])).content)
    assert canary_prefix("Testland") not in text and "Objective 1.1 title" in text


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "other_member", "other_analyst"])
def test_a_full_copy_token_opens_nothing_for_others(world, persona):
    full = jobs.start(world.user("reader"), world.strategy, kind="export", fmt="docx")
    assert not full.public
    client = _client(world.user(persona))
    page = reverse("web:export-job", args=[world.mission.slug, "2022", full.token])
    file_url = reverse("web:export-job-file", args=[world.mission.slug, "2022", full.token])
    for url in (page, file_url):
        response = client.get(url)
        assert response.status_code in (302, 404) and canary_prefix("Testland").encode() not in response.content
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
    for url in (reverse("api-v1:export-job", kwargs={"job_id": full.token}),
                reverse("api-v1:export-job-file", kwargs={"job_id": full.token})):
        assert client.get(url).status_code == 404
    # Under another mission's URL the job is not found either.
    other = reverse("web:export-job", args=[world.other_mission.slug, "2022", full.token])
    assert _client(world.user("admin")).get(other).status_code == 404


def test_a_draft_editions_job_is_for_its_insiders_only(world):
    job = jobs.start(world.user("editor"), world.draft, kind="export", fmt="docx", public=True)
    url = reverse("api-v1:export-job", kwargs={"job_id": job.token})
    assert _client(world.user("editor")).get(url).status_code == 200
    for persona in ("anonymous", "viewer", "reader", "other_member"):
        assert _client(world.user(persona)).get(url).status_code == 404, persona


def test_public_copy_is_shared_and_a_guessed_id_finds_nothing(world):
    job = jobs.start(world.user("viewer"), world.strategy, kind="export", fmt="docx", public=True)
    assert _client(world.user("other_member")).get(
        reverse("api-v1:export-job", kwargs={"job_id": job.token})).status_code == 200
    assert len(job.token) >= 32
    for guess in ("1", str(job.pk), job.token[:-1] + ("A" if job.token[-1] != "A" else "B")):
        assert _client(world.user("admin")).get(f"/api/v1/export-jobs/{guess}").status_code in (404, 422)


# -- the API ---------------------------------------------------------------------------------------

def test_api_start_poll_and_fetch(world):
    from icsplan.audit.models import AuditEvent

    client = _client(world.user("reader"))
    body = {"strategy": world.strategy.pk, "kind": "report", "format": "docx", "period": "FY2023"}
    first = client.post("/api/v1/export-jobs", json.dumps(body), content_type="application/json")
    assert first.status_code in (200, 202), first.content
    job = first.json()
    assert job["state"] == "done" and job["public"] is False and first["Location"] == job["status_url"]
    assert client.get(job["status_url"]).json()["state"] == "done"
    before = AuditEvent.objects.count()
    got = client.get(job["file_url"])
    assert got.status_code == 200 and got.content[:2] == b"PK"
    assert AuditEvent.objects.count() == before + 1  # an SBU copy leaves a trace
    again = client.post("/api/v1/export-jobs", json.dumps(body), content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == job["id"]  # cached


def test_api_refuses_what_it_cannot_make(world):
    client = _client(world.user("reader"))
    post = lambda body: client.post("/api/v1/export-jobs", json.dumps(body), content_type="application/json")  # noqa: E731
    assert post({"strategy": world.strategy.pk, "format": "xlsx"}).status_code == 422
    no_period = post({"strategy": world.strategy.pk, "kind": "report", "format": "pdf"})
    assert no_period.status_code == 400 and no_period.json()["code"] == "bad-period"
    bad = post({"strategy": world.strategy.pk, "kind": "report", "format": "pdf", "period": "FY1990"})
    assert bad.status_code == 400
    assert post({"strategy": world.other_mission.pk + 10_000, "format": "pdf"}).status_code == 404


def test_api_jobs_are_in_the_openapi_document(world):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "post" in schema["paths"]["/api/v1/export-jobs"]
    assert "get" in schema["paths"]["/api/v1/export-jobs/{job_id}"]
    content = schema["paths"]["/api/v1/export-jobs/{job_id}/file"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in content


def test_anonymous_api_gets_the_public_copy(world):
    body = {"strategy": world.strategy.pk, "format": "docx", "public": False}
    response = Client().post("/api/v1/export-jobs", json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 202) and response.json()["public"] is True
    data = Client().get(response.json()["file_url"]).content
    assert canary_prefix("Testland") not in _docx_text(data)


# -- the database backend and `icsplan worker` (PostgreSQL) ---------------------------------------

@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (the queue of a multi-user install)")
@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_and_the_worker_makes_the_file(settings):
    from django_tasks_db.models import DBTaskResult
    from typer.testing import CliRunner

    from icsplan.cli import app

    from security.world import build_world

    world = build_world()
    settings.TASKS = DATABASE
    settings.ICSPLAN_TASKS_BACKEND = "database"
    client = _client(world.user("reader"))
    job, page = _follow_to_job(client, _export_url(world, "docx"))
    assert job.state == ExportJob.QUEUED and b"Preparing" in page.content
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    result = CliRunner().invoke(app, ["worker", "--once", "--interval", "0"])
    assert result.exit_code == 0, result.output
    job.refresh_from_db()
    assert job.state == ExportJob.DONE, job.error
    page = client.get(reverse("web:export-job", args=[world.mission.slug, "2022", job.token]))
    assert b"Your file is ready" in page.content
    data = client.get(reverse("web:export-job-file", args=[world.mission.slug, "2022", job.token])).content
    assert canary_prefix("Testland") in _docx_text(data)


# -- the API's export route answers with the file: the same cache --------------------------------

def _api_export(world, persona, fmt="docx", query=""):
    client = _client(world.user(persona))
    response = client.get(f"/api/v1/exports/strategies/{world.strategy.pk}/{fmt}{query}")
    assert response.status_code == 200, response.content[:300]
    return response


def test_api_export_is_rendered_once_per_copy_and_shared_with_the_web(world, monkeypatch):
    """Two readers of the mission get one rendering of the full copy; the public (anonymous, and a
    viewer asking for the full copy) is another file that never holds SBU; the web's download then
    finds the same finished file."""
    calls = []
    real = jobs._render
    monkeypatch.setattr(jobs, "_render", lambda job: calls.append((job.fmt, job.public)) or real(job))
    full = _api_export(world, "reader", query="?public=false")
    assert _api_export(world, "approver", query="?public=false").content == full.content
    assert calls == [("docx", False)]
    assert canary_prefix("Testland") in _docx_text(full.content)
    public = _api_export(world, "anonymous")
    assert _api_export(world, "viewer", query="?public=false").content == public.content
    assert calls == [("docx", False), ("docx", True)]
    assert canary_prefix("Testland") not in _docx_text(public.content)
    assert 'filename="' in public["Content-Disposition"]
    # The web's download of the full copy is the file the API made.
    job, _page = _follow_to_job(_client(world.user("editor")), _export_url(world))
    assert job.state == ExportJob.DONE and not job.public and len(calls) == 2
    assert jobs.file_of(world.user("editor"), job) == full.content


def test_api_export_is_made_again_after_each_kind_of_change(world, monkeypatch):
    """Every service that changes what the file shows moves the edition's stamp, so the next
    request renders again (and the stale file is dropped): the framework, indicators, results."""
    from icsplan.indicators import services as indicators
    from icsplan.indicators.models import Indicator
    from icsplan.strategies import services
    from icsplan.strategies.services.gate import applying_revision

    calls = []
    real = jobs._render
    monkeypatch.setattr(jobs, "_render", lambda job: calls.append(job.key) or real(job))
    _api_export(world, "reader")
    objective = world.strategy.objectives.get(number="1.1")
    indicator = Indicator.objects.get(strategy=world.strategy, code="1.1-P")
    changes = [
        lambda: services.update_element(objective, {"title": "A new title"}, expected_version=objective.version,
                                        actor=SYSTEM),
        lambda: indicators.set_baseline(indicator, "3", expected_version=0, actor=SYSTEM),
        lambda: indicators.lock_period(world.strategy, "FY2023Q1", reason="closed", actor=SYSTEM),
    ]
    for number, change in enumerate(changes, start=2):
        with applying_revision():  # as an approved revision applies it to the edition in force
            change()
        body = _api_export(world, "reader").content
        assert len(calls) == number and len(set(calls)) == number
        assert ExportJob.objects.filter(strategy=world.strategy, fmt="docx", public=False).count() == 1
    assert "A new title" in _docx_text(body)
