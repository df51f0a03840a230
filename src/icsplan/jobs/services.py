"""Start, run and read the jobs that make PDF/DOCX exports and progress reports.

Who may have what is decided here, once, when a job is started and again every time it is read:

- ``start`` takes the caller's strategy row (already narrowed by the caller's permissions) and
  decides the copy through ``accounts.redaction.wants_public_copy``: people who may not read the
  mission's SBU text and unapproved results always get the public copy.
- ``get_for`` finds a job through ``accounts.permissions`` (the edition must be visible to the
  caller) and refuses a full copy to anyone who would be given the public one: a job's token in
  another person's hands gives them nothing they could not ask for themselves. Missing and
  forbidden look the same (``NotFoundError``).

The file is made as the trusted operator with the copy fixed at start (``public``): the full copy
is the same for every reader of the mission, and the public copy is the same for everyone.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.db import transaction
from django.utils import timezone

from icsplan.errors import IcsplanError, InputError, NotFoundError

from .models import ExportJob
from icsplan.core.stamps import edition_stamp

log = logging.getLogger(__name__)


class NotReady(IcsplanError):
    """The file of a job is not there: still being made (``not-ready``) or failed (``job-failed``)."""

    code = "not-ready"
    http_status = 409

#: Formats made off the request path; the others are quick enough to answer at once.
BACKGROUND_EXPORT_FORMATS = ("pdf", "docx")
BACKGROUND_REPORT_FORMATS = ("pdf", "docx")
#: Bump when a renderer changes its output, so that files made by the old code are not served.
RENDER_VERSION = "1"


def _require_actor(actor) -> None:
    if actor is None:
        raise TypeError("jobs.services needs an explicit actor (accounts.actors.SYSTEM for the CLI)")


def _real_user(actor):
    return actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None


def job_key(strategy_row, *, kind: str, fmt: str, period: str, public: bool) -> str:
    """The cache key of one output of ``strategy_row`` as its data is now."""
    import hashlib

    text = "\x1f".join([RENDER_VERSION, kind, fmt, period, "public" if public else "full", str(strategy_row.pk),
                        edition_stamp(strategy_row.pk)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:48]


def start(actor, strategy_row, *, kind: str, fmt: str, period: str = "", public: bool = False,
          requested_public: bool | None = None) -> ExportJob:
    """The job making ``kind``/``fmt`` of ``strategy_row`` for ``actor``: a finished one when the
    same output of the same data was made before (served without recomputing), one already under
    way for it, or a new one queued now.

    ``strategy_row`` must come from the caller's permission-narrowed lookup. ``public`` asks for the
    public copy; those who may not read SBU get it whatever they ask.
    """
    from icsplan.accounts.actors import SYSTEM
    from icsplan.accounts.permissions import Action, can
    from icsplan.accounts.redaction import wants_public_copy

    _require_actor(actor)
    who = None if actor is SYSTEM else actor
    kind, fmt, period = _checked(strategy_row, kind, fmt, period)
    public = wants_public_copy(who, strategy_row, public)
    # The check ``document_for`` makes, without loading the document: the click must answer at once.
    if who is not None and not can(who, Action.VIEW_PUBLIC, strategy_row):
        raise NotFoundError("No strategy matches the request.")
    key = job_key(strategy_row, kind=kind, fmt=fmt, period=period, public=public)
    existing = (ExportJob.objects.filter(key=key).exclude(state=ExportJob.FAILED)
                .order_by("-created_at").first())
    if existing is not None and not _abandoned(existing):
        return existing
    job = ExportJob.objects.create(
        token=secrets.token_urlsafe(24), kind=kind, strategy=strategy_row, mission_id=strategy_row.mission_id,
        fmt=fmt, period=period, public=public, key=key, requested_by=_real_user(who),
    )
    _enqueue(job)
    _housekeeping()
    job.refresh_from_db()
    return job


def _housekeeping() -> None:
    from .purge import maybe_purge

    maybe_purge()  # a new job is queued: old ones may go (at most every quarter of an hour)


def _abandoned(job: ExportJob) -> bool:
    """Whether an unfinished job has waited past ``ICSPLAN_EXPORT_JOB_TIMEOUT`` (no worker running,
    or one that died while making it): it is marked failed, and the caller starts a new one."""
    from django.conf import settings

    if job.finished:
        return False
    limit = dt.timedelta(seconds=settings.ICSPLAN_EXPORT_JOB_TIMEOUT)
    if timezone.now() - job.created_at < limit:
        return False
    minutes = max(1, settings.ICSPLAN_EXPORT_JOB_TIMEOUT // 60)
    _fail(job, f"The file was not made within {minutes} minutes (is `icsplan worker` running?). "
               "Asking again starts a new attempt.")
    return True


def _checked(strategy_row, kind: str, fmt: str, period: str) -> tuple[str, str, str]:
    fmt = (fmt or "").strip().lower()
    if kind == ExportJob.KIND_EXPORT:
        if fmt not in BACKGROUND_EXPORT_FORMATS:
            raise InputError(f"Unknown background export format {fmt!r}; use {', '.join(BACKGROUND_EXPORT_FORMATS)}.",
                             code="unknown-format")
        return kind, fmt, ""
    if kind == ExportJob.KIND_REPORT:
        from icsplan.publishing.report import report_format, report_period

        if fmt not in BACKGROUND_REPORT_FORMATS:
            report_format(fmt)  # names the known formats when it is none of them
            raise InputError(f"The {fmt} report is answered at once; use {', '.join(BACKGROUND_REPORT_FORMATS)}.",
                             code="unknown-format")
        if not period:
            raise InputError("A progress report needs a period (FY2021, FY2021H1, FY2021Q2).", code="bad-period")
        return kind, fmt, report_period(period, strategy_row)
    raise InputError(f"Unknown job kind {kind!r}; use export or report.", code="invalid-input")


def _enqueue(job: ExportJob) -> None:
    from .tasks import make_file

    # In the same transaction as the job's row: the database backend's queue row commits (or rolls
    # back) with it, so a worker never sees a task without its job. Under the immediate backend the
    # file is made here, before the request answers.
    make_file.enqueue(job.pk)


def run(job_id: int) -> None:
    """Make the file of job ``job_id`` (the task's body). Never raises for a failed render: the
    failure is stored as a sentence the progress page shows."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("strategy__mission").filter(pk=job_id).first()
        if job is None or job.state != ExportJob.QUEUED:
            return  # deleted, or another worker took it
        job.state = ExportJob.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["state", "started_at"])
    try:
        data, filename, media_type = _render(job)
    except IcsplanError as exc:
        _fail(job, f"The file could not be made: {exc.message}")
        return
    except Exception:
        log.exception("background %s %s of strategy %s failed", job.kind, job.fmt, job.strategy_id)
        _fail(job, "The file could not be made because of an internal error. It has been logged; "
                   "try again later or tell your administrator.")
        return
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.DONE, data=data, size=len(data), filename=filename[:255], media_type=media_type,
            finished_at=timezone.now(), error="")
        # Older files of the same output are for data that has changed since: never served again.
        (ExportJob.objects.filter(strategy_id=job.strategy_id, kind=job.kind, fmt=job.fmt, period=job.period,
                                  public=job.public).exclude(key=job.key).filter(state__in=[ExportJob.DONE,
                                                                                            ExportJob.FAILED])
         .delete())


def export_file(strategy_row, *, fmt: str, public: bool) -> tuple[bytes, str, str]:
    """(data, filename, media type) of the PDF/DOCX export of ``strategy_row`` made at once, for a
    caller that answers with the file itself (the API's export route).

    Shares the jobs' cache: the finished job of the same output of the same data (``job_key``: the
    format, the copy and the edition's stamp) is served without rendering; otherwise the file is
    made now, as the trusted operator with the copy fixed (as ``run`` makes it), and kept as a
    finished job for the next caller, here or on the web. ``strategy_row`` must come from the
    caller's permission-narrowed lookup and ``public`` from ``wants_public_copy``.
    """
    kind = ExportJob.KIND_EXPORT
    kind, fmt, period = _checked(strategy_row, kind, fmt, "")
    key = job_key(strategy_row, kind=kind, fmt=fmt, period=period, public=public)
    done = (ExportJob.objects.filter(key=key, state=ExportJob.DONE).order_by("-finished_at")
            .values_list("data", "filename", "media_type").first())
    if done is not None:
        return bytes(done[0]), done[1], done[2]
    job = ExportJob(token=secrets.token_urlsafe(24), kind=kind, strategy=strategy_row,
                    mission_id=strategy_row.mission_id, fmt=fmt, period=period, public=public, key=key)
    data, filename, media_type = _render(job)
    now = timezone.now()
    with transaction.atomic():
        job.state, job.data, job.size, job.filename, job.media_type = ExportJob.DONE, data, len(data), filename[:255], media_type
        job.started_at = job.finished_at = now
        job.save()
        # As ``run`` does: files of the same output made from older data are never served again.
        (ExportJob.objects.filter(strategy_id=job.strategy_id, kind=kind, fmt=fmt, period=period, public=public)
         .exclude(key=key).filter(state__in=[ExportJob.DONE, ExportJob.FAILED]).delete())
    return data, filename, media_type


def _fail(job: ExportJob, message: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.FAILED, error=message, finished_at=timezone.now())


def _render(job: ExportJob) -> tuple[bytes, str, str]:
    strategy = job.strategy
    if job.kind == ExportJob.KIND_REPORT:
        from icsplan.publishing.report import render_report, report_filename, report_format

        data = render_report(strategy, period=job.period, fmt=job.fmt, public=job.public, user=None)
        return (data, report_filename(strategy, job.period, job.fmt, public=job.public),
                report_format(job.fmt).media_type)
    from icsplan.accounts.redaction import document_for
    from icsplan.publishing import get_renderer

    renderer = get_renderer(job.fmt)
    document = document_for(None, strategy, public=job.public)
    return renderer.render(document, public=job.public), renderer.filename(document, public=job.public), \
        renderer.media_type


def get_for(who, token: str) -> ExportJob:
    """The job ``token`` as ``who`` may read it; ``NotFoundError`` when it is not theirs to read."""
    from icsplan.accounts.actors import SYSTEM
    from icsplan.accounts.permissions import Action, get_restricted
    from icsplan.accounts.redaction import wants_public_copy

    _require_actor(who)
    user = None if who is SYSTEM else who
    missing = NotFoundError("No export job matches the request.", code="not-found")
    if not token or len(token) > 64:
        raise missing
    qs = ExportJob.objects.select_related("strategy__mission").defer("data")
    try:
        job = qs.get(token=token) if user is None else get_restricted(qs, user, Action.VIEW_PUBLIC, token=token)
    except ExportJob.DoesNotExist:
        raise missing from None
    # A full copy only for those who would be given one themselves.
    if not job.public and wants_public_copy(user, job.strategy):
        raise missing
    return job


def file_of(who, job: ExportJob) -> bytes:
    """The finished file of ``job`` (read with ``get_for``); records SBU copies in the audit trail."""
    from icsplan.accounts.actors import SYSTEM
    from icsplan.audit.services import record_export

    if job.state == ExportJob.FAILED:
        raise NotReady(job.error or "The file could not be made.", code="job-failed")
    if job.state != ExportJob.DONE:
        raise NotReady("The file is still being made; ask again in a few seconds.", code="not-ready")
    data = bytes(ExportJob.objects.filter(pk=job.pk).values_list("data", flat=True).get())
    user = None if who is SYSTEM else who
    if user is not None and getattr(user, "is_authenticated", False) and not job.public:
        record_export(user, job.strategy, job.fmt if job.kind == ExportJob.KIND_EXPORT else f"report-{job.fmt}",
                      False)
    return data


__all__ = ["NotReady", "BACKGROUND_EXPORT_FORMATS", "BACKGROUND_REPORT_FORMATS", "export_file", "file_of", "get_for", "job_key", "run", "start"]
