"""Results workbook imports recorded as jobs: big ones run off the request path.

``POST /import-jobs`` (multipart: the workbook and the mission) checks the file as every import
does and imports it as the caller, all rows or none, through ``icsplan.jobs.imports`` (the web's
path too). A workbook under ``ICSPLAN_IMPORT_BACKGROUND_BYTES`` is imported within the request
and answered 200 with the finished job; a bigger one is queued and answered 202 Accepted with the
job to poll (``GET /import-jobs/{id}``, also in ``Location``) until ``state`` is ``done`` or
``failed`` (then ``error`` is one sentence naming the file, sheet, row and column). A job is
readable by whoever started it and by those who may read the mission's data.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Form, Path, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from typing_extensions import Annotated

from icsplan.accounts.models import Mission
from icsplan.accounts.roles import Action
from icsplan.imports import services as imports
from icsplan.imports.uploads import read_upload
from icsplan.jobs import imports as background
from icsplan.jobs.models import ImportJob

from ..access import Access
from ..auth import WRITE_AUTH
from ..schemas import MAX_ID
from ..writes import write

router = Router(tags=["imports"])

ImportJobId = Annotated[str, Path(..., min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class ImportJobSchema(Schema):
    id: str = Field(..., description="Opaque; the job's URL carries it")
    kind: Literal["results", "strategy"] = Field(..., description="A results workbook, or the confirmation of a "
                                                                  "staged strategy document (`POST /imports/{id}/confirm`)")
    mission: int
    source_name: str
    size: int = Field(..., description="Bytes of the uploaded workbook; of a strategy document, its parsed form")
    state: Literal["queued", "running", "done", "failed"]
    summary: str | None = Field(None, description="What the import recorded (state `done`)")
    strategy: int | None = Field(None, description="The edition a strategy document became (state `done`)")
    error: str | None = Field(None, description="Why nothing was saved, naming the place (state `failed`)")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    status_url: str


def job_url(job: ImportJob) -> str:
    """Where a client polls the job."""
    return reverse("api-v1:import-job", kwargs={"job_id": job.token})


def job_dict(job: ImportJob) -> dict:
    return {
        "id": job.token, "kind": job.kind, "mission": job.mission_id, "source_name": job.source_name,
        "size": job.size, "state": job.state, "summary": job.summary or None, "strategy": job.strategy_id,
        "error": job.error or None, "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at, "status_url": job_url(job),
    }


@router.post("", response={200: ImportJobSchema, 202: ImportJobSchema}, auth=WRITE_AUTH,
             summary="Import a results workbook",
             description="Imports a results workbook (.xlsx, or .csv with the same columns) for `mission`, as the "
                         "caller: every row is checked, then all are written or none. A workbook under the "
                         "server's background threshold is imported at once (200, the finished job); a bigger "
                         "one answers 202 Accepted with the job, whose `status_url` (also `Location`) is polled "
                         "until `state` is `done` or `failed`. A refused workbook is a job in state `failed` "
                         "whose `error` names the file, sheet, row and column.")
def start_import_job(request: HttpRequest, response: HttpResponse, file: File[UploadedFile],
                     mission: int = Form(..., ge=1, le=MAX_ID, description="The mission (id)")):
    def change(access: Access, row: Mission, _version) -> ImportJob:
        name = file.name or "upload"
        upload = imports.check_results_upload(name, read_upload(file))
        return background.start(access.user, row, upload.name, upload.data,
                                background=background.in_background(len(upload.data)))

    job = write(request, response, load=lambda access: access.get(Mission.objects.all(), pk=mission),
                action=Action.REPORT, if_match=None, change=change, present=lambda access, job: job)
    response["Location"] = job_url(job)
    return Status(200 if job.finished else 202, job_dict(job))


@router.get("/{job_id}", response=ImportJobSchema, summary="Get an import job", url_name="import-job",
            description="The state of an import job; 404 unless the caller started it or may read the mission's "
                        "data.")
def get_import_job(request: HttpRequest, job_id: ImportJobId, response: HttpResponse):
    access = Access(request)
    job = background.get_for(access.user, job_id)
    response["Cache-Control"] = "private, no-store"
    return job_dict(job)
