"""Export jobs: PDF/DOCX exports of an edition and progress reports made off the request path.

``POST /export-jobs`` starts a job (or finds the one already made for the data as it is now:
answered 200 with ``state: done``, the file cached until the edition or its results change);
``GET /export-jobs/{id}`` tells its state; ``GET /export-jobs/{id}/file`` answers the file once
``state`` is ``done`` (409 ``not-ready`` before, 409 ``job-failed`` with the reason after a
failure). Callers who may not read the mission's SBU text and unapproved results always get the
public-release copy; a job's id gives nothing to anyone who could not start the same job.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Path, Router, Schema
from ninja.responses import Status
from typing_extensions import Annotated

from icsplan.jobs import services as jobs
from icsplan.jobs.models import ExportJob
from icsplan.strategies import models as sm

from ..access import Access
from ..api import finish_read
from ..schemas import MAX_ID

router = Router(tags=["exports"])

JobId = Annotated[str, Path(..., min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class JobIn(Schema):
    strategy: int = Field(..., ge=1, le=MAX_ID, description="The edition (strategy id)")
    kind: Literal["export", "report"] = Field("export", description="`export`: the edition as a document; "
                                                                     "`report`: its progress report for `period`")
    format: Literal["pdf", "docx"] = Field(..., description="The file format")
    period: str | None = Field(None, max_length=12, description="For a report: FY2021, FY2021H1 or FY2021Q2")
    public: bool = Field(False, description="The public-release copy: nothing marked SBU, no unapproved result "
                                            "(always so for those who may not read the mission's SBU)")


class JobSchema(Schema):
    id: str = Field(..., description="Opaque; the job's URLs carry it")
    kind: str
    format: str
    period: str | None
    strategy: int
    public: bool
    state: Literal["queued", "running", "done", "failed"]
    error: str | None = Field(None, description="Why the file could not be made (state `failed`)")
    filename: str | None
    media_type: str | None
    size: int | None = Field(None, description="Bytes of the finished file")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    status_url: str
    file_url: str


def _job_dict(job: ExportJob) -> dict:
    done = job.state == ExportJob.DONE
    return {
        "id": job.token, "kind": job.kind, "format": job.fmt, "period": job.period or None,
        "strategy": job.strategy_id, "public": job.public, "state": job.state,
        "error": job.error or None, "filename": job.filename if done else None,
        "media_type": job.media_type if done else None, "size": job.size if done else None,
        "created_at": job.created_at, "finished_at": job.finished_at,
        "status_url": reverse("api-v1:export-job", kwargs={"job_id": job.token}),
        "file_url": reverse("api-v1:export-job-file", kwargs={"job_id": job.token}),
    }


@router.post("", response={200: JobSchema, 202: JobSchema}, summary="Start an export job",
             description="Starts making a PDF/DOCX export of an edition (`kind: export`) or its progress report "
                         "(`kind: report`, with `period`). Answers 202 while the file is being made and 200 when "
                         "the same file was made already for the data as it is now (served again without "
                         "recomputing). Poll `status_url` until `state` is `done`, then get `file_url`.")
def start_export_job(request: HttpRequest, payload: JobIn, response: HttpResponse):
    access = Access(request)
    row = access.get(sm.Strategy.objects.select_related("mission__bureau"), pk=payload.strategy)
    job = jobs.start(access.user, row, kind=payload.kind, fmt=payload.format, period=payload.period or "",
                     public=payload.public)
    response["Location"] = reverse("api-v1:export-job", kwargs={"job_id": job.token})
    return Status(200 if job.state == ExportJob.DONE else 202, _job_dict(job))


@router.get("/{job_id}", response=JobSchema, summary="Get an export job", url_name="export-job",
            description="The state of a job; 404 for a job the caller could not have started.")
def get_export_job(request: HttpRequest, job_id: JobId, response: HttpResponse):
    access = Access(request)
    job = jobs.get_for(access.user, job_id)
    response["Cache-Control"] = "private, no-store"
    return _job_dict(job)


@router.get("/{job_id}/file", summary="Get the file of an export job", response={200: None},
            url_name="export-job-file",
            openapi_extra={"responses": {"200": {"description": "The finished file", "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                    "schema": {"type": "string", "format": "binary"}}}}}},
            description="The finished file; 409 (`not-ready`) while it is being made, 409 (`job-failed`) "
                        "when it could not be made.")
def get_export_job_file(request: HttpRequest, job_id: JobId):
    access = Access(request)
    job = jobs.get_for(access.user, job_id)
    data = jobs.file_of(access.user, job)
    response = HttpResponse(data, content_type=job.media_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "private, no-store"
    return finish_read(request, response)
