"""The ``icsplan`` command.

Every command turns icsplan's own errors into one clear line on stderr and exit status 2;
an unexpected failure prints one line too (exit status 1), never a traceback.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import typer

from icsplan.clitools import err, handle_errors, out, setup_django, write_output  # noqa: F401 (re-exported)
from icsplan.errors import IcsplanError

app = typer.Typer(
    help="icsplan: author, monitor, review and publish Integrated Country Strategies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
DEMO_TEXT = Path(__file__).resolve().parent / "demo" / "mali-2018.txt"


# -- documents without a database ------------------------------------------------------------------

@app.command()
@handle_errors
def parse(
    file: Path = typer.Argument(..., help="An ICS as text, Markdown, DOCX or PDF."),
    format: str = typer.Option("json", "--format", "-f", help="json or md"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
):
    """Parse an ICS document and print its canonical form (no database is touched)."""
    from icsplan.ingest import parse_file

    result = parse_file(file)
    if format == "json":
        write_output(result.strategy.to_json(), output)
    elif format in ("md", "markdown"):
        from icsplan.publishing import get_renderer

        write_output(get_renderer("md").render(result.strategy), output)
    else:
        raise IcsplanError(f"unknown format {format!r}; use json or md", code="unknown-format")


@app.command()
@handle_errors
def lint(
    file: Path = typer.Argument(..., help="An ICS as text, Markdown, DOCX or PDF, or the country of a stored edition."),
    format: str = typer.Option("text", "--format", "-f", help="text or json"),
    edition: Optional[str] = typer.Option(None, "--edition", help="A stored edition (default: the one in force)."),
):
    """Check an ICS document or a stored edition for structural problems; exit 1 when any finding is an error."""
    if format not in ("text", "json"):
        raise IcsplanError(f"unknown format {format!r}; use text or json", code="unknown-format")
    if edition is not None or not file.exists():
        # Not a file: the country of a stored edition.
        setup_django()
        from icsplan.accounts.actors import SYSTEM
        from icsplan.strategies import services

        row = services.find_strategy(str(file), edition)
        items = services.edition_findings(row, actor=SYSTEM)
        where = f"{row.mission.country} {row.edition}"
    else:
        from icsplan.ingest import lint_strategy, parse_file

        items = [f.as_dict() for f in lint_strategy(parse_file(file))]
        where = str(file)
    if format == "json":
        write_output(json.dumps(items, indent=2, ensure_ascii=False, default=str), None)
    else:
        for f in items:
            line = f"{where}:{f['line']}" if f.get("line") else where
            out.print(f"{line}: {f['severity']}: [{f['code']}] {f['element']}: {f['message']}", markup=False,
                      highlight=False)
            if f.get("framework_text") is not None:
                out.print(f"    framework: {f['framework_text']}\n    body:      {f['body_text']}", markup=False,
                          highlight=False)
        counts = {s: sum(1 for f in items if f["severity"] == s) for s in ("error", "warning", "info")}
        out.print(f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes", markup=False)
    if any(f["severity"] == "error" for f in items):
        raise typer.Exit(1)


@app.command()
@handle_errors
def schema():
    """Print the JSON Schema of the canonical strategy document."""
    from icsplan.document import json_schema

    write_output(json.dumps(json_schema(), indent=2), None)


# -- database ----------------------------------------------------------------------------------------

@app.command()
@handle_errors
def migrate():
    """Create or update the database tables."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    err.print("database is up to date", markup=False)


@app.command("import")
@handle_errors
def import_(
    file: Path = typer.Argument(..., help="An ICS as JSON, text, Markdown, DOCX or PDF."),
    mission: Optional[str] = typer.Option(None, "--mission", "-m", help="Country of the mission (default: from the document)."),
    edition: Optional[str] = typer.Option(None, "--edition", help="Edition label (default: from the document, or its approval year)."),
    replace: bool = typer.Option(False, "--replace", help="Replace an existing draft edition with the same label."),
    replace_approved: bool = typer.Option(
        False, "--replace-approved",
        help="With --replace: replace the edition even when it is approved (deletes its results and approvals)."),
    bureau: Optional[str] = typer.Option(None, "--bureau", help="The mission's regional bureau (AF, EAP, EUR, NEA, SCA, WHA)."),
    post: Optional[str] = typer.Option(None, "--post", help='The mission\'s post, e.g. "Embassy Bamako".'),
    region: Optional[str] = typer.Option(None, "--region", help='The mission\'s region within its bureau, e.g. "Sahel".'),
):
    """Import a document as a new edition of a mission's strategy (all or nothing).

    The operator's command acts as the system actor, through the same pipeline as the web pages and
    the API: the same reader limits, and a document with a linter error is refused."""
    setup_django()
    from icsplan.accounts.actors import SYSTEM
    from icsplan.imports import services as imports
    from icsplan.ingest.pipeline import read_bytes_of
    from icsplan.strategies import services

    from django.db import transaction

    name, data = read_bytes_of(file, imports.limits())
    metadata = {"post": post, "bureau": bureau, "region": region}
    with transaction.atomic():  # the mission's metadata is set with the import, or neither is
        mission_row = services.get_or_create_mission(mission, **metadata) if mission else None
        row = imports.import_file(SYSTEM, name, data, mission=mission_row, edition=edition, replace=replace,
                                  replace_approved=replace_approved)
        if mission_row is None and any(metadata.values()):
            services.get_or_create_mission(row.mission.country, **metadata)
    err.print(f"imported {row} ({row.goals.count()} goals, {row.objectives.count()} objectives)", markup=False)


@app.command()
@handle_errors
def export(
    country: str = typer.Argument(..., help="Country of the mission."),
    edition: Optional[str] = typer.Option(None, "--edition", help="Edition (default: the newest)."),
    format: str = typer.Option("json", "--format", "-f", help="json, md, or any other installed format"),
    public: bool = typer.Option(False, "--public", help="Leave out everything marked SBU."),
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
):
    """Export an edition of a mission's strategy."""
    setup_django()
    from icsplan.publishing import get_renderer
    from icsplan.strategies import services

    from icsplan.audit.services import record_export

    renderer = get_renderer(format)
    row = services.find_strategy(country, edition)
    document = services.load_strategy(row)
    write_output(renderer.render(document, public=public), output)
    record_export(None, row, format, public)  # an export with SBU text joins the audit trail


@app.command()
@handle_errors
def report(
    country: str = typer.Argument(..., help="Country of the mission."),
    period: str = typer.Option(..., "--period", "-p", help="Reporting period: FY2021, FY2021H1 or FY2021Q3."),
    format: str = typer.Option("pdf", "--format", "-f", help="pdf, docx or html"),
    public: bool = typer.Option(False, "--public", help="Leave out every SBU narrative, indicator and result."),
    edition: Optional[str] = typer.Option(None, "--edition", help="Edition (default: the newest)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
):
    """Write the progress report of a strategy for one fiscal period."""
    from icsplan.publishing.report import render_report, report_format, report_period

    report_format(format)  # a bad format or period is refused before Django starts
    report_period(period)
    setup_django()
    from icsplan.audit.services import record_export
    from icsplan.strategies import services

    row = services.find_strategy(country, edition)
    data = render_report(row, period=period, fmt=format, public=public)
    write_output(data, output)
    record_export(None, row, f"report-{format}", public)  # a report with SBU figures joins the audit trail


def load_demo(*, quiet: bool = False) -> bool:
    """Migrate and load the Mali demo unless it is already there. Returns True when loaded now."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from icsplan.strategies.models import Strategy

    if Strategy.objects.filter(mission__country="Mali", edition="2018").exists():
        return False
    from icsplan.demo import build_demo

    build_demo()
    return True


@app.command()
@handle_errors
def demo():
    """Create the database and load the Mali demo strategy (once)."""
    setup_django()
    loaded = load_demo()
    from icsplan.core.assets import collect_if_stale

    # Collect the assets now, so that ``serve`` right after starts at once.
    collect_if_stale()
    err.print("Mali demo loaded" if loaded else "Mali demo already loaded", markup=False)
    from icsplan.accounts.demo import DEMO_USERS, demo_password

    # The accounts were only in the README: say them where the operator is looking.
    err.print(f"Demo accounts (password {demo_password()!r}): "
              + ", ".join(f"{name} ({role})" for name, role, _ in DEMO_USERS), markup=False, highlight=False)


@app.command()
@handle_errors
def synth(
    missions: int = typer.Option(200, "--missions", help="How many synthetic missions to write."),
    seed: int = typer.Option(0, "--seed", help="The same seed writes the same strategies."),
):
    """Write synthetic missions (marked synthetic everywhere) for benchmarks and load tests."""
    import time

    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from icsplan.accounts.actors import SYSTEM
    from icsplan.portfolio.synth import synthesize

    start = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % 20 == 0 or done == total:
            err.print(f"{done}/{total} synthetic missions written", markup=False)

    summary = synthesize(missions, seed=seed, actor=SYSTEM, progress=progress)
    err.print(f"wrote {summary.missions} synthetic missions: {summary.objectives} objectives, "
              f"{summary.indicators} indicators, {summary.targets} targets, {summary.results} result values "
              f"in {time.perf_counter() - start:.1f} s", markup=False)


@app.command()
@handle_errors
def embeddings():
    """Compute the sentence embeddings of objectives whose text changed (the embeddings extra)."""
    setup_django()
    from icsplan.errors import InputError
    from icsplan.portfolio import embeddings as vectors

    if not vectors.enabled():
        raise InputError("The sentence-embedding extra is not installed (pip install 'icsplan[embeddings]', "
                         "torch first) or is switched off (ICSPLAN_EMBEDDINGS=off).", code="extra-missing")

    def progress(done: int, total: int) -> None:
        err.print(f"{done}/{total} objective embeddings computed", markup=False)

    computed = vectors.embed_stale(progress=progress)
    out.print(f"{computed} objective embeddings computed ({vectors.MODEL_NAME}); the others were current.",
              markup=False)


@app.command()
@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    workers: int = typer.Option(1, "--workers", help="Worker processes."),
    threads: int = typer.Option(4, "--threads", help="Blocking threads per worker."),
):
    """Serve the web app and API with a production server (granian, WSGI)."""
    from granian import Granian
    from granian.constants import Interfaces

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icsplan.config.settings")
    setup_django()
    from icsplan.core.assets import collect_if_stale

    # Hashed, compressed copies of the assets: served with far-future cache headers.
    collect_if_stale()
    err.print(f"icsplan is serving on http://{host}:{port}/", markup=False)
    Granian(
        "icsplan.config.wsgi:application", address=host, port=port, interface=Interfaces.WSGI,
        workers=workers, blocking_threads=threads, log_access=False,
    ).serve()


@app.command()
@handle_errors
def worker(
    once: bool = typer.Option(False, "--once", help="Make what is queued now, then stop."),
    interval: float = typer.Option(1.0, "--interval", help="Seconds between looks at an empty queue."),
):
    """Make queued PDF/DOCX exports and progress reports and run big results imports (PostgreSQL
    installs; run beside `serve`)."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if settings.ICSPLAN_TASKS_BACKEND != "database":
        err.print("nothing to do: on this install (SQLite, or ICSPLAN_TASKS_BACKEND=immediate) exports and imports "
                  "are run by the web server itself", markup=False)
        raise typer.Exit(0)
    err.print("icsplan worker: making queued exports and reports, running queued imports" + (" (once)" if once else ""), markup=False)
    args = ["--interval", str(interval), "--no-reload"] + (["--batch", "--no-startup-delay"] if once else [])
    call_command("db_worker", *args, verbosity=0)


@app.command()
@handle_errors
def purge():
    """Delete finished export and import jobs older than ICSPLAN_JOB_RETENTION_DAYS, expired staged
    uploads and the task queue's old finished results (also done when a new job is queued)."""
    setup_django()
    from django.conf import settings

    from icsplan.accounts.actors import SYSTEM
    from icsplan.jobs.purge import purge as purge_jobs

    report = purge_jobs(actor=SYSTEM)
    out.print(f"{report} (jobs are kept {settings.ICSPLAN_JOB_RETENTION_DAYS} days after they finish, uploads "
              f"{settings.ICSPLAN_IMPORT_EXPIRY_HOURS} hours).", markup=False)


# Sub-commands live beside the code they drive; they import only icsplan.clitools, so the
# order of imports does not matter to them.
from icsplan.accounts.cli import users_app  # noqa: E402
from icsplan.audit.cli import audit_app  # noqa: E402
from icsplan.indicators.cli import app as results_app  # noqa: E402
from icsplan.reviews.cli import compare as compare_command  # noqa: E402
from icsplan.reviews.cli import review_app  # noqa: E402
from icsplan.reviews.cli import review_report as review_report_command  # noqa: E402
from icsplan.strategies.cli import edition_app  # noqa: E402
from icsplan.strategies import assignments_cli  # noqa: E402,F401 (adds users assign/unassign/assignments)

app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(results_app, name="results")
app.command("compare")(compare_command)
app.command("review-report")(review_report_command)
app.add_typer(review_app, name="review")
app.add_typer(edition_app, name="edition")


def main() -> None:
    app()
