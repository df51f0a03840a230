"""Purge what long work leaves behind: finished jobs, expired staged uploads, finished task results.

Kept for ``settings.ICSPLAN_JOB_RETENTION_DAYS`` after they finished:

- ``ExportJob`` rows (a finished one is also the cached file: a later request for the same output
  and the same data makes it again, once), and ``ImportJob`` rows (what an import recorded, or
  why it failed: its progress page answers "not found" once purged). A job that never finished is
  purged once it is that old too: after ``ICSPLAN_EXPORT_JOB_TIMEOUT`` it is given up anyway.
- the queue's finished task results (``django_tasks_db``: one row per task run on PostgreSQL).

Staged uploads (previews) go once they expire (``ICSPLAN_IMPORT_EXPIRY_HOURS``): they can no longer
be confirmed.

Run by ``icsplan purge`` (cron, or by hand) and opportunistically whenever a new job is queued
(``maybe_purge``), so that an install nobody maintains does not grow without bound either.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from .models import ExportJob, ImportJob

log = logging.getLogger(__name__)

__all__ = ["PurgeReport", "maybe_purge", "purge", "retention"]

#: the opportunistic purge runs at most this often (seconds), whatever the number of jobs queued
OPPORTUNISTIC_EVERY = 15 * 60
_LAST_RUN_KEY = "icsplan:jobs:last-purge"


@dataclasses.dataclass(frozen=True)
class PurgeReport:
    """How many rows of each kind were deleted."""

    export_jobs: int = 0
    import_jobs: int = 0
    staged_uploads: int = 0
    task_results: int = 0

    def __str__(self) -> str:
        return (f"{self.export_jobs} export job(s), {self.import_jobs} import job(s), "
                f"{self.staged_uploads} staged upload(s), {self.task_results} task result(s) deleted")


def retention() -> dt.timedelta:
    """How long finished jobs are kept (``settings.ICSPLAN_JOB_RETENTION_DAYS``)."""
    return dt.timedelta(days=settings.ICSPLAN_JOB_RETENTION_DAYS)


def _old(cutoff) -> Q:
    """Finished before ``cutoff``, or (never finished) created before it."""
    return Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)


def purge(*, actor, now: dt.datetime | None = None) -> PurgeReport:
    """Delete the finished jobs older than the retention, the expired staged uploads and the
    finished task results older than the retention. Operator work: ``actor`` is
    ``accounts.actors.SYSTEM``."""
    from icsplan.accounts.actors import is_system, require_actor
    from icsplan.errors import PermissionDenied
    from icsplan.imports.services import purge_expired

    require_actor(actor)
    if not is_system(actor):
        raise PermissionDenied("Purging jobs is operator work (icsplan purge).", code="forbidden")
    now = now or timezone.now()
    cutoff = now - retention()
    exports, _ = ExportJob.objects.filter(_old(cutoff)).delete()
    imports, _ = ImportJob.objects.filter(_old(cutoff)).delete()
    staged = purge_expired(now=now)
    return PurgeReport(export_jobs=exports, import_jobs=imports, staged_uploads=staged,
                       task_results=_purge_task_results(cutoff))


def _purge_task_results(cutoff) -> int:
    from django_tasks_db.models import DBTaskResult

    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


def maybe_purge() -> None:
    """Purge now if no purge ran in the last ``OPPORTUNISTIC_EVERY`` seconds (called when a job is
    queued). Never fails the caller: a purge that cannot run now runs next time."""
    from icsplan.accounts.actors import SYSTEM

    # cache.add is atomic: of the requests that come at once, one purges.
    if not cache.add(_LAST_RUN_KEY, True, timeout=OPPORTUNISTIC_EVERY):
        return
    try:
        report = purge(actor=SYSTEM)
    except Exception:  # noqa: BLE001 - housekeeping must not fail the export or import asked for
        log.exception("opportunistic purge failed")
        return
    if any(dataclasses.astuple(report)):
        log.info("purged: %s", report)
