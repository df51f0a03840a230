"""Big imports off the request path: start, run and read an ``ImportJob`` (a results workbook, or
the confirmation of a staged strategy document: ``jobs.documents``).

A workbook at or above ``settings.ICSPLAN_IMPORT_BACKGROUND_BYTES`` is imported by a task
(``tasks.import_workbook``) through the same django-tasks backend as the exports: at once on
the embedded SQLite default, by ``icsplan worker`` on PostgreSQL. Smaller ones stay in the request,
so the common case answers at once. Either way the import is ``indicators.excel.import_results``,
as the person who confirmed it, all rows or none.

Who may read a job is decided on every read (``get_for``): the person who started it, and the
people who may read that mission's data (``Action.VIEW``). Missing and forbidden look the same
(``NotFoundError``).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from icsplan.errors import IcsplanError, InputError, NotFoundError, ValidationError

from .documents import run_document, staged_size
from .models import ImportJob
from .purge import maybe_purge
from .rules import in_background

log = logging.getLogger(__name__)

__all__ = ["failure_sentence", "get_for", "in_background", "run", "start", "start_document"]


def start(actor, mission, name: str, data: bytes, *, background: bool = True, submit: bool = True) -> ImportJob:
    """The import of the results workbook ``data`` (already checked: ``imports.services``) for
    ``mission`` as ``actor``, recorded as a job: queued as a task (``background``), or run here at
    once. Under the immediate backend a queued import has also run when this returns."""
    from icsplan.accounts.actors import require_actor
    from icsplan.accounts.permissions import Action, require

    require_actor(actor)
    if not (getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None)):
        raise InputError("A recorded import is started by a signed-in person; the CLI imports at once.",
                         code="invalid-input")
    require(actor, Action.REPORT, mission)
    with transaction.atomic():
        job = ImportJob.objects.create(
            token=secrets.token_urlsafe(24), mission=mission, requested_by=actor, source_name=name[:255],
            data=bytes(data), size=len(data), submit=submit)
        if background:
            _enqueue(job)
    if not background:
        run(job.pk)
    maybe_purge()  # a new job: old ones may go (at most every quarter of an hour)
    job.refresh_from_db()
    return job


def _enqueue(job: ImportJob) -> None:
    from .tasks import import_workbook

    # In the job's transaction: the database backend's queue row commits with it.
    import_workbook.enqueue(job.pk)


def start_document(actor, row, *, edition: str | None = None, replace: bool = False,
                   expected_version: int | None = None) -> ImportJob:
    """Queue the confirmation of the staged document ``row`` (``actor``'s own, as
    ``imports.services.get_staged`` gave it) and answer its job; under the immediate backend the
    import has run when this returns. A job already under way for the same upload is answered
    again instead of a second one."""
    from icsplan.accounts.actors import require_actor
    from icsplan.imports.services import edition_label_of, refuse_unconfirmable
    from icsplan.strategies.services import require_import

    require_actor(actor)
    if row.mission_id is None:
        raise InputError("A document that creates its mission is imported at once.", code="invalid-input")
    require_import(actor, row.mission)
    refuse_unconfirmable(row)
    with transaction.atomic():
        under_way = ImportJob.objects.filter(staged=row, state__in=[ImportJob.QUEUED, ImportJob.RUNNING]).first()
        if under_way is not None:
            return under_way
        job = ImportJob.objects.create(
            token=secrets.token_urlsafe(24), mission_id=row.mission_id, requested_by=actor,
            source_name=row.source_name[:255], size=staged_size(row), kind=ImportJob.KIND_STRATEGY, staged=row,
            edition=edition_label_of(row, edition), replace=replace, expected_version=expected_version)
        _enqueue(job)
    maybe_purge()
    job.refresh_from_db()
    return job


def failure_sentence(exc: IcsplanError) -> str:
    """One sentence for a refused import: the first problem with its place, and how many more."""
    if isinstance(exc, ValidationError) and exc.problems:
        first, more = exc.problems[0], len(exc.problems) - 1
        tail = f" ({more} more problem{'s' if more != 1 else ''} in the file; correct them and upload it again)" \
            if more else " (correct it and upload the file again)"
        return f"Nothing was saved: {str(first).rstrip('.')}{tail}."
    return f"Nothing was saved: {str(exc).rstrip('.')}."


def run(job_id: int) -> None:
    """Import the workbook or the staged strategy document of job ``job_id`` (the task's body).
    Never raises for a refused file: the reason is stored as the sentence the job page shows."""
    from icsplan.indicators.excel import import_results

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != ImportJob.QUEUED:
            return  # deleted, given up, or another worker took it
        job.state = ImportJob.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["state", "started_at"])
    user = job.requested_by
    if user is None or not user.is_active:
        _finish(job, error="Nothing was saved: the account that started the import is no longer active.")
        return
    strategy = None
    try:
        with transaction.atomic():
            if job.kind == ImportJob.KIND_STRATEGY:
                summary, strategy = run_document(job, user)
            else:
                report = import_results(job.source_name, actor=user, data=bytes(job.data),
                                        file_label=job.source_name, submit=job.submit)
                summary = f"{job.source_name}: {report}."
    except IcsplanError as exc:
        _finish(job, error=failure_sentence(exc))
        return
    except Exception:
        log.exception("background import %s of %s failed", job.pk, job.source_name)
        _finish(job, error="Nothing was saved because of an internal error. It has been logged; try again later "
                           "or tell your administrator.")
        return
    _finish(job, summary=summary, strategy=strategy)


def _finish(job: ImportJob, *, summary: str = "", error: str = "", strategy=None) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.FAILED if error else ImportJob.DONE, summary=summary, error=error,
        finished_at=timezone.now(), data=b"", strategy=strategy)


def _given_up(job: ImportJob) -> ImportJob:
    """A job still waiting, or still running, ``ICSPLAN_EXPORT_JOB_TIMEOUT`` after it was queued or
    started (no worker running, or one that died: its transaction rolled back) is failed, so that
    its page stops polling; a worker that comes later leaves a failed job alone."""
    limit = dt.timedelta(seconds=settings.ICSPLAN_EXPORT_JOB_TIMEOUT)
    since = job.created_at if job.state == ImportJob.QUEUED else job.started_at
    if job.finished or since is None or timezone.now() - since < limit:
        return job
    minutes = max(1, settings.ICSPLAN_EXPORT_JOB_TIMEOUT // 60)
    what = "did not start" if job.state == ImportJob.QUEUED else "did not finish"
    error = (f"Nothing was saved: the import {what} within {minutes} minutes (is `icsplan worker` running?); "
             "upload the file again.")
    if ImportJob.objects.filter(pk=job.pk, state=job.state).update(
            state=ImportJob.FAILED, error=error, finished_at=timezone.now(), data=b""):
        job.state, job.error = ImportJob.FAILED, error
    return job


def get_for(who, token: str) -> ImportJob:
    """The import job ``token`` as ``who`` may read it: theirs, or of a mission whose data they may
    read. ``NotFoundError`` otherwise."""
    from icsplan.accounts.actors import is_system
    from icsplan.accounts.permissions import Action, can

    missing = NotFoundError("No import job matches the request.", code="not-found")
    if not token or len(token) > 64:
        raise missing
    job = ImportJob.objects.select_related("mission").defer("data").filter(token=token).first()
    if job is None:
        raise missing
    if not is_system(who):
        mine = getattr(who, "pk", None) is not None and job.requested_by_id == who.pk
        if not mine and not (getattr(who, "is_authenticated", False) and can(who, Action.VIEW, job.mission)):
            raise missing
    return _given_up(job)
