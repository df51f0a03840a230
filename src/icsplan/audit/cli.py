"""``icsplan audit …``: read and export the audit trail (run by the local operator)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from icsplan.clitools import handle_errors, setup_django, write_output

audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True, add_completion=False,
                        pretty_exceptions_enable=False)


@audit_app.command("export")
@handle_errors
def export(
    country: str = typer.Argument(..., help="Country of the mission."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="CSV file to write (default: stdout)."),
):
    """Export a mission's audit trail (events and every recorded change) as CSV."""
    setup_django()
    from icsplan.audit.reader import export_csv
    from icsplan.accounts.services import find_mission

    write_output(export_csv(find_mission(country), user=None), output)
