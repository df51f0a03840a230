"""The background task (django-tasks): the queue holds only the job's id; the row holds the rest."""

from __future__ import annotations

from django_tasks import task


@task()
def make_file(job_id: int) -> None:
    """Make the file of one export job (``jobs.services.run``)."""
    from .services import run

    run(job_id)


@task()
def import_workbook(job_id: int) -> None:
    """Import the results workbook of one import job (``jobs.imports.run``)."""
    from .imports import run

    run(job_id)
