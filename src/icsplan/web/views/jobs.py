"""The progress page of a background export or report, and its finished file.

"Download" answers at once with this page; the file is made by a task (``icsplan.jobs``). Without
JavaScript the page refreshes itself (a ``<noscript>`` meta refresh, and a "Check again" link);
with JavaScript htmx polls the status block. When the file is ready the page starts the download
and keeps a link to it. Both URLs check the person's access on every request: a job's token in
another person's hands opens nothing they could not ask for themselves.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from icsplan.errors import NotFoundError
from icsplan.jobs import services as jobs
from icsplan.jobs.models import ExportJob
from icsplan.web import access
from icsplan.web.errors import page

from .common import mission_context

#: Seconds between two checks of an unfinished job (meta refresh and htmx polling).
POLL_SECONDS = 2


def start_job(request: HttpRequest, strategy, *, kind: str, fmt: str, period: str = "",
              public: bool = False) -> HttpResponse:
    """Start (or find) the job and send the person to its progress page."""
    job = jobs.start(request.user, strategy, kind=kind, fmt=fmt, period=period, public=public)
    return redirect(reverse("web:export-job", args=[strategy.mission.slug, strategy.edition, job.token]))


def _job_in(request: HttpRequest, slug: str, edition: str, token: str) -> tuple[object, object, ExportJob]:
    mission = access.mission_for(request.user, slug)
    strategy = access.strategy_for(request.user, mission, edition)
    job = jobs.get_for(request.user, token)
    if job.strategy_id != strategy.pk:
        raise NotFoundError("No export job matches the request.")
    return mission, strategy, job


@page
def export_job(request: HttpRequest, slug: str, edition: str, token: str) -> HttpResponse:
    mission, strategy, job = _job_in(request, slug, edition, token)
    file_url = reverse("web:export-job-file", args=[slug, edition, token])
    context = mission_context(request, mission, strategy, tab="exports")
    context.update({"job": job, "file_url": file_url, "poll_seconds": POLL_SECONDS,
                    "what": _what(job), "size_kb": max(1, round(job.size / 1024)) if job.size else 0})
    if request.headers.get("HX-Request") == "true":
        response = render(request, "web/partials/export_job_status.html", context)
        if job.state == ExportJob.DONE:
            # The whole page again: it starts the download and shows the link.
            response["HX-Refresh"] = "true"
    else:
        response = render(request, "web/export_job.html", context, status=200)
    response["Cache-Control"] = "private, no-store"
    return response


@page
def export_job_file(request: HttpRequest, slug: str, edition: str, token: str) -> HttpResponse:
    _mission, _strategy, job = _job_in(request, slug, edition, token)
    if job.state != ExportJob.DONE:
        return redirect(reverse("web:export-job", args=[slug, edition, token]))
    data = jobs.file_of(request.user, job)
    response = HttpResponse(data, content_type=job.media_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _what(job: ExportJob) -> str:
    fmt = job.fmt.upper()
    copy = "public-release" if job.public else "full (SBU included)"
    if job.kind == ExportJob.KIND_REPORT:
        return f"the {copy} progress report for {job.period} as {fmt}"
    return f"the {copy} {fmt} export of the edition"
