"""Purging finished jobs, expired staged uploads and old task results (icsplan.jobs.purge): what
is older than its retention goes, the rest stays; operator work only; `icsplan purge` prints what
it deleted; queueing a job purges at most once per interval."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.core.cache import cache
from django.utils import timezone
from typer.testing import CliRunner

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import PermissionDenied
from icsplan.imports.models import StagedImport
from icsplan.jobs import purge as purging
from icsplan.jobs.models import ExportJob, ImportJob


def _export(world, *, age_days: float, state=ExportJob.DONE) -> ExportJob:
    job = ExportJob.objects.create(token=secrets.token_urlsafe(12), kind=ExportJob.KIND_EXPORT, strategy=world.strategy,
                                   mission=world.mission, fmt="pdf", public=True, key=secrets.token_hex(8),
                                   state=state, data=b"%PDF")
    when = timezone.now() - dt.timedelta(days=age_days)
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=when, finished_at=when if state in (ExportJob.DONE, ExportJob.FAILED) else None)
    return job


def _import(world, *, age_days: float, state=ImportJob.DONE) -> ImportJob:
    job = ImportJob.objects.create(token=secrets.token_urlsafe(12), mission=world.mission,
                                   requested_by=world.user("reporter"), source_name="r.csv", state=state)
    when = timezone.now() - dt.timedelta(days=age_days)
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=when, finished_at=when if state in (ImportJob.DONE, ImportJob.FAILED) else None)
    return job


def _staged(world, *, age_hours: float) -> StagedImport:
    row = StagedImport.objects.create(token=secrets.token_urlsafe(12), user=world.user("reporter"),
                                      mission=world.mission, kind=StagedImport.KIND_RESULTS, source_name="r.csv",
                                      file_kind="csv", data=b"x")
    StagedImport.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(hours=age_hours))
    return row


@pytest.fixture()
def retention(settings):
    settings.ICSPLAN_JOB_RETENTION_DAYS = 7
    settings.ICSPLAN_IMPORT_EXPIRY_HOURS = 24


def test_purge_deletes_what_is_past_its_retention_and_keeps_the_rest(world, retention):
    old_export, new_export = _export(world, age_days=8), _export(world, age_days=6)
    old_failed_export = _export(world, age_days=30, state=ExportJob.FAILED)
    stuck_export = _export(world, age_days=9, state=ExportJob.QUEUED)  # never finished: given up long ago
    waiting_export = _export(world, age_days=0.01, state=ExportJob.QUEUED)
    old_import, new_import = _import(world, age_days=10), _import(world, age_days=1)
    running_import = _import(world, age_days=0.01, state=ImportJob.RUNNING)
    expired, fresh = _staged(world, age_hours=25), _staged(world, age_hours=2)

    report = purging.purge(actor=SYSTEM)

    assert (report.export_jobs, report.import_jobs, report.staged_uploads) == (3, 1, 1)
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {new_export.pk, waiting_export.pk}
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {new_import.pk, running_import.pk}
    assert set(StagedImport.objects.values_list("pk", flat=True)) == {fresh.pk}
    assert not ExportJob.objects.filter(pk__in=[old_export.pk, old_failed_export.pk, stuck_export.pk]).exists()
    assert not ImportJob.objects.filter(pk=old_import.pk).exists()
    assert not StagedImport.objects.filter(pk=expired.pk).exists()
    assert "3 export job(s), 1 import job(s), 1 staged upload(s)" in str(report)
    # Nothing left to do: a second run deletes nothing.
    assert purging.purge(actor=SYSTEM) == purging.PurgeReport()


def test_the_retention_comes_from_settings(world, settings):
    settings.ICSPLAN_JOB_RETENTION_DAYS = 30
    kept = _export(world, age_days=8)
    assert purging.purge(actor=SYSTEM).export_jobs == 0 and ExportJob.objects.filter(pk=kept.pk).exists()
    settings.ICSPLAN_JOB_RETENTION_DAYS = 5
    assert purging.purge(actor=SYSTEM).export_jobs == 1


def test_purge_is_operator_work(world, retention):
    _export(world, age_days=8)
    with pytest.raises(PermissionDenied):
        purging.purge(actor=world.user("admin"))  # even an administrator: it is the operator's
    with pytest.raises(TypeError):
        purging.purge(actor=None)
    assert ExportJob.objects.count() == 1


def test_old_finished_task_results_are_purged(world, retention):
    from django_tasks_db.models import DBTaskResult

    from icsplan.jobs.tasks import make_file

    fields = dict(task_path=make_file.module_path, args_kwargs={"args": [1], "kwargs": {}}, queue_name="default",
                  backend_name="default", priority=0, run_after=None)
    old = DBTaskResult.objects.create(status="SUCCESSFUL", finished_at=timezone.now() - dt.timedelta(days=8),
                                      **fields)
    new = DBTaskResult.objects.create(status="SUCCESSFUL", finished_at=timezone.now() - dt.timedelta(days=1),
                                      **fields)
    waiting = DBTaskResult.objects.create(status="READY", **fields)
    assert purging.purge(actor=SYSTEM).task_results == 1
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {new.pk, waiting.pk}
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()


def test_icsplan_purge_prints_what_it_deleted(world, retention):
    from icsplan.cli import app

    _export(world, age_days=8)
    _staged(world, age_hours=30)
    result = CliRunner().invoke(app, ["purge"])
    assert result.exit_code == 0, result.output
    assert "1 export job(s), 0 import job(s), 1 staged upload(s)" in result.output
    assert "kept 7 days" in result.output
    assert not ExportJob.objects.exists()


def test_queueing_a_job_purges_at_most_once_per_interval(world, retention):
    from icsplan.jobs import imports as background

    cache.delete(purging._LAST_RUN_KEY)
    old = _import(world, age_days=10)
    reporter = world.user("reporter")
    background.start(reporter, world.mission, "r.csv", b"not a workbook", background=False)
    assert not ImportJob.objects.filter(pk=old.pk).exists()
    # Within the interval another new job leaves the old ones for the next run.
    older = _import(world, age_days=10)
    background.start(reporter, world.mission, "r.csv", b"not a workbook", background=False)
    assert ImportJob.objects.filter(pk=older.pk).exists()
    cache.delete(purging._LAST_RUN_KEY)
