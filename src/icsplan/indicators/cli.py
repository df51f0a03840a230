"""``icsplan results ...``: data-entry templates, import, export, status and charts.

No Django (and only ``icsplan.clitools`` of the CLI, never ``icsplan.cli`` which imports this module): the main CLI imports this module at start-up,
so each command sets Django up and borrows the shared error handling when it runs.
"""

from __future__ import annotations

from functools import wraps
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="Indicator results: Excel/CSV templates, import, export, status, charts.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def _command(fn):
    """Set Django up and print icsplan errors the way every command does (exit 2, no traceback)."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        from icsplan import clitools as cli

        def run():
            cli.setup_django()
            return fn(*args, **kwargs)

        return cli.handle_errors(run)()

    return wrapper


def _say(message: str) -> None:
    from icsplan.clitools import err

    err.print(message, markup=False, highlight=False, soft_wrap=True)


def _write(data: bytes, output: Optional[Path]) -> None:
    from icsplan.clitools import write_output

    write_output(data, output)


@app.command()
@_command
def template(
    country: str = typer.Argument(..., help="Country of the mission."),
    period: str = typer.Option(..., "--period", "-p", help="Fiscal period: FY2019, FY2019H1 or FY2019Q1."),
    output: Path = typer.Option(..., "--output", "-o", help="The workbook to write (.xlsx)."),
    edition: Optional[str] = typer.Option(None, "--edition", help="Edition (default: the newest)."),
):
    """Write a data-entry workbook for one period (one row per indicator × breakdown value)."""
    from icsplan.errors import InputError
    from icsplan.indicators.excel import template_workbook
    from icsplan.indicators.periods import Period
    from icsplan.strategies.services import find_strategy

    if output.suffix.lower() != ".xlsx":
        raise InputError(f"{output.name}: the template is an .xlsx workbook", code="unknown-format")
    try:
        Period.parse(period)
    except ValueError as exc:
        raise InputError(str(exc), code="bad-period") from None
    _write(template_workbook(find_strategy(country, edition), period), output)


@app.command("import")
@_command
def import_(
    file: Path = typer.Argument(..., help="A results workbook (.xlsx) or .csv file."),
    draft: bool = typer.Option(False, "--draft", help="Store new figures as drafts instead of submitting them."),
    decimal_comma: bool | None = typer.Option(
        None, "--decimal-comma/--decimal-point",
        help="How numbers typed as text write their decimals (3,4 or 3.4). By default a ';' CSV has decimal "
             "commas, and a comma that could be either is refused."),
):
    """Import results: every row is checked first; if any is wrong, nothing is written."""
    from icsplan.accounts.actors import SYSTEM
    from icsplan.indicators.excel import import_results

    decimal = None if decimal_comma is None else ("," if decimal_comma else ".")
    report = import_results(file, submit=not draft, actor=SYSTEM, decimal=decimal)
    _say(f"{file.name}: {report}")


@app.command()
@_command
def export(
    country: str = typer.Argument(..., help="Country of the mission."),
    output: Path = typer.Option(..., "--output", "-o", help="The file to write: .xlsx or .csv."),
    edition: Optional[str] = typer.Option(None, "--edition", help="Edition (default: the newest)."),
):
    """Export every target and result of a strategy (re-importing it unchanged changes nothing)."""
    from icsplan.indicators.excel import export_results
    from icsplan.strategies.services import find_strategy

    fmt = output.suffix.lower().lstrip(".")
    _write(export_results(find_strategy(country, edition), fmt), output)


@app.command()
@_command
def status(
    country: str = typer.Argument(..., help="Country of the mission."),
    edition: Optional[str] = typer.Option(None, "--edition", help="Edition (default: the newest)."),
):
    """Print the status of every objective and goal per fiscal year (computed from approved results)."""
    from rich.table import Table

    from icsplan.clitools import out
    from icsplan.indicators.charts import SAMPLE_LABEL
    from icsplan.indicators.progress import strategy_progress
    from icsplan.strategies.services import find_strategy

    progress = strategy_progress(find_strategy(country, edition))
    table = Table(title=f"{progress.strategy} — status" + (f" ({SAMPLE_LABEL})" if progress.sample else ""))
    table.add_column("Element")
    for period in progress.periods:
        table.add_column(period)
    for row in progress.objectives + progress.goals:
        table.add_row(row.label, *(row.statuses[p].label for p in progress.periods))
    out.print(table)


@app.command()
@_command
def chart(
    country: str = typer.Argument(..., help="Country of the mission."),
    output: Path = typer.Option(..., "--output", "-o", help="An .svg or .png file."),
    indicator: Optional[str] = typer.Option(None, "--indicator", "-i", help="An indicator code; default: the status matrix."),
    edition: Optional[str] = typer.Option(None, "--edition", help="Edition (default: the newest)."),
):
    """Draw an indicator's targets vs. results, or the objective-by-period status matrix."""
    from icsplan.errors import InputError, NotFoundError
    from icsplan.indicators import charts
    from icsplan.indicators.progress import strategy_progress
    from icsplan.strategies.services import find_strategy

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in charts.FORMATS:
        raise InputError(f"{output.name}: charts are .svg or .png", code="unknown-format")
    progress = strategy_progress(find_strategy(country, edition))
    if indicator is None:
        _write(charts.status_matrix_chart(progress, fmt), output)
        _say(charts.status_matrix_alt_text(progress))
        return
    item = next((i for i in progress.indicators if i.indicator.code == indicator), None)
    if item is None:
        raise NotFoundError(f"{progress.strategy} has no indicator {indicator!r}")
    data = charts.indicator_chart_data(item)
    _write(charts.indicator_chart(data, fmt), output)
    _say(charts.indicator_alt_text(data))


@app.command()
@_command
def lock(
    country: str = typer.Argument(..., help="Country of the mission."),
    period: str = typer.Argument(..., help="The period to close, e.g. FY2019 or FY2019Q1."),
    edition: Optional[str] = typer.Option(None, "--edition"),
    unlock: bool = typer.Option(False, "--unlock", help="Reopen the period instead."),
):
    """Close (or with --unlock reopen) a reporting period."""
    from icsplan.accounts.actors import SYSTEM
    from icsplan.indicators import services
    from icsplan.strategies.services import find_strategy

    strategy = find_strategy(country, edition)
    if unlock:
        services.unlock_period(strategy, period, actor=SYSTEM)
        _say(f"{period} of {strategy} reopened")
    else:
        services.lock_period(strategy, period, actor=SYSTEM)
        _say(f"{period} of {strategy} locked")


@app.command("notify-due")
@_command
def notify_due():
    """Tell reporters what is due within two weeks or overdue (in the app and by e-mail); run daily."""
    from icsplan.indicators.due import send_due_notices

    count = send_due_notices()
    _say(f"{count} notification(s) sent")
