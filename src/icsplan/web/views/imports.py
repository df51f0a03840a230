"""Import: upload a strategy document → preview of the parsed structure and the linter's findings →
confirm to create the edition. The views are thin: checks, reader limits, the lint gate and the
permission are ``icsplan.imports.services``, as for the API and the CLI."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from icsplan.errors import IcsplanError, NotFoundError
from icsplan.imports import services as imports
from icsplan.imports.models import StagedImport
from icsplan.imports.uploads import read_upload
from icsplan.jobs import documents
from icsplan.jobs import imports as background
from icsplan.ingest.uploads import human_size
from icsplan.web import access, uploads
from icsplan.web.errors import page

from .common import mission_context
from .jobs import POLL_SECONDS


class UploadForm(forms.Form):
    file = forms.FileField(label="Strategy document")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = imports.limits()
        self.fields["file"].help_text = (
            f"Word (.docx) or PDF up to {human_size(limits.max_bytes)}; text, Markdown (.txt, .md) or icsplan JSON "
            f"up to {human_size(limits.max_text_bytes)}.")


def _message(exc: IcsplanError, name: str) -> str:
    """The error's sentence, naming the file once."""
    return exc.message if name in exc.message else f"{name}: {exc.message}"


class ConfirmForm(forms.Form):
    edition = forms.CharField(label="Edition label", max_length=20, help_text="Usually the year: 2018, 2022.")
    replace = forms.BooleanField(label="Replace an existing edition with the same label", required=False)


def _summary(document) -> dict:
    objectives = list(document.iter_objectives())
    subs = sum(len(o.sub_objectives) for o in objectives) + sum(len(m.sub_objectives) for m in document.management_objectives)
    return {"goals": len(document.goals), "objectives": len(objectives), "sub_objectives": subs,
            "management": len(document.management_objectives),
            "linkages": sum(len(el.linkages) for _k, el in document.iter_elements()),
            "risks": sum(len(el.risks) for _k, el in document.iter_elements())}


@page
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    mission = access.mission_for(request.user, slug, "edit")
    editions = access.strategies_of(request.user, mission)
    context = mission_context(request, mission, editions[0] if editions else None, tab="import")
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                row = imports.stage_strategy(request.user, upload.name, read_upload(upload), mission=mission)
            except IcsplanError as exc:
                form.add_error("file", _message(exc, upload.name))
            else:
                uploads.remember(request, row)
                return redirect("web:import-preview", mission.slug, row.token)
    context["form"] = form
    return render(request, "web/import.html", context, status=422 if form.errors else 200)


@page
def import_preview(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    mission = access.mission_for(request.user, slug, "edit")
    editions = access.strategies_of(request.user, mission)
    context = mission_context(request, mission, editions[0] if editions else None, tab="import")
    try:
        pending = uploads.fetch(request, mission, token, StagedImport.KIND_STRATEGY)
    except IcsplanError as exc:
        messages.error(request, exc.message)
        return redirect("web:import", mission.slug)
    if request.method == "POST" and request.POST.get("cancel"):
        uploads.forget(request, pending)
        messages.info(request, f"Import of {pending.name} cancelled; nothing was saved.")
        return redirect("web:import", mission.slug)
    document = imports.document_of(pending)
    findings = pending.findings
    errors = [f for f in findings if f.get("severity") == "error"]
    suggested = document.edition or (str(document.approved_date.year) if document.approved_date else "")
    form = ConfirmForm(initial={"edition": suggested})
    status = 200
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if form.is_valid() and documents.confirm_in_background(pending):
            # A big document: a task imports it (same service, same person, whole or not at all),
            # and the person gets its progress page at once; the staged row stays for the task.
            try:
                job = background.start_document(request.user, pending, edition=form.cleaned_data["edition"],
                                                 replace=form.cleaned_data["replace"])
            except IcsplanError as exc:
                form.add_error(None, exc.message)
            else:
                uploads.forget(request, pending, delete=False)
                return redirect("web:import-job", mission.slug, job.token)
        elif form.is_valid():
            try:
                row = imports.confirm_strategy(request.user, pending, edition=form.cleaned_data["edition"],
                                               replace=form.cleaned_data["replace"])
            except IcsplanError as exc:
                form.add_error("edition" if exc.code == "edition-exists" else None, exc.message)
            else:
                uploads.forget(request, pending)
                messages.success(request, f"Edition {row.edition} of Mission {mission.country} created from {pending.name}.")
                return redirect("web:strategy", mission.slug, row.edition)
        status = 422
    context.update({
        "pending": pending, "doc": document, "findings": findings, "errors": errors, "form": form,
        "summary": _summary(document), "other_country": document.mission.country.lower() != mission.country.lower(),
    })
    return render(request, "web/import_preview.html", context, status=status)


# -- results workbooks ---------------------------------------------------------------------------

class _Preview(Exception):
    """Raised to roll back a trial import after reading its report."""

    def __init__(self, report):
        super().__init__("preview")
        self.report = report


class ResultsUploadForm(forms.Form):
    file = forms.FileField(label="Results workbook",
                           help_text="The icsplan results workbook (.xlsx) or a CSV with the same columns.")


def _trial(pending, user):
    """Run the import in a transaction that is always rolled back: (report, problems)."""
    from django.db import transaction

    from icsplan.errors import ValidationError
    from icsplan.indicators.excel import import_results

    try:
        with transaction.atomic():
            report = import_results(pending.name, actor=user, data=bytes(pending.data), file_label=pending.name)
            raise _Preview(report)
    except _Preview as preview:
        return preview.report, []
    except ValidationError as exc:
        return None, [str(p) for p in exc.problems]
    except IcsplanError as exc:
        return None, [str(exc)]


@page
def import_results_upload(request: HttpRequest, slug: str) -> HttpResponse:
    mission = access.mission_for(request.user, slug, "report")
    form = ResultsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            row = imports.stage_results(request.user, mission, upload.name, read_upload(upload))
        except IcsplanError as exc:
            messages.error(request, _message(exc, upload.name))
        else:
            uploads.remember(request, row)
            return redirect("web:import-results-preview", mission.slug, row.token)
    elif request.method == "POST":
        messages.error(request, "Choose a results workbook to upload.")
    return redirect("web:results", mission.slug)


@page
def import_results_preview(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    mission = access.mission_for(request.user, slug, "report")
    editions = access.strategies_of(request.user, mission)
    try:
        pending = uploads.fetch(request, mission, token, StagedImport.KIND_RESULTS)
    except IcsplanError as exc:
        messages.error(request, exc.message)
        return redirect("web:results", mission.slug)
    if request.method == "POST":
        if request.POST.get("cancel"):
            uploads.forget(request, pending)
            messages.info(request, f"Import of {pending.name} cancelled; nothing was saved.")
            return redirect("web:results", mission.slug)
        if background.in_background(len(pending.data)):
            # A big workbook: a task imports it (same service, same person, all or nothing) and
            # the person gets its progress page at once.
            job = background.start(request.user, mission, pending.name, bytes(pending.data))
            uploads.forget(request, pending)
            return redirect("web:import-job", mission.slug, job.token)
        from icsplan.indicators.excel import import_results

        try:
            report = import_results(pending.name, actor=request.user, data=bytes(pending.data), file_label=pending.name)
        except IcsplanError as exc:
            messages.error(request, f"Nothing was saved: {exc}")
        else:
            uploads.forget(request, pending)
            messages.success(request, f"{pending.name}: {report}.")
            return redirect("web:results", mission.slug)
    big = background.in_background(len(pending.data))
    # A big workbook is checked row by row by its import task, not here: a trial import would cost
    # this request as much as the import itself.
    report, problems = (None, []) if big else _trial(pending, request.user)
    context = mission_context(request, mission, editions[0] if editions else None, tab="results")
    context.update({"pending": pending, "report": report, "problems": problems, "big": big,
                    "size": human_size(len(pending.data))})
    return render(request, "web/results_preview.html", context)


@page
def import_job(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The progress page of a big results import or strategy document import; what it recorded,
    or why nothing was saved.
    Checked on every read: the person who started it, or those who may read the mission's data."""
    mission = access.mission_for(request.user, slug)
    job = background.get_for(request.user, token)
    if job.mission_id != mission.pk:
        raise NotFoundError("No import job matches the request.", code="not-found")
    editions = access.strategies_of(request.user, mission)
    document = job.kind == job.KIND_STRATEGY
    context = mission_context(request, mission, editions[0] if editions else None,
                              tab="import" if document else "results")
    context.update({"job": job, "document": document, "poll_seconds": POLL_SECONDS, "size": human_size(job.size)})
    template = "web/partials/import_job_status.html" if request.headers.get("HX-Request") == "true" \
        else "web/import_job.html"
    response = render(request, template, context)
    response["Cache-Control"] = "private, no-store"
    return response
