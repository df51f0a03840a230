"""``icsplan compare`` and ``icsplan review-report``: the reviews app from the command line.

No Django at import time (the main CLI imports this module at start-up); each command sets
Django up when it runs and uses the shared error handling (one line on stderr, exit status 2).
The CLI is the trusted local operator: it reads everything unless ``--public`` is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from icsplan.clitools import handle_errors, setup_django, write_output
from icsplan.errors import InputError

FORMATS = ("text", "json", "html")


@handle_errors
def compare(
    country: str = typer.Argument(..., help="Country of the mission."),
    old: str = typer.Option(..., "--from", help="The earlier edition, e.g. 2018."),
    new: str = typer.Option(..., "--to", help="The later edition, e.g. 2022."),
    format: str = typer.Option("text", "--format", "-f", help="text, json or html"),
    public: bool = typer.Option(False, "--public", help="Compare the public copies (no SBU)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
):
    """Compare two editions: goals and objectives kept, reworded, renumbered, merged, split, added
    or dropped; linkages and indicators."""
    if format not in FORMATS:
        raise InputError(f"Unknown format {format!r}; use one of: {', '.join(FORMATS)}.", code="unknown-format")
    setup_django()
    from icsplan.accounts.actors import SYSTEM
    from icsplan.document.compare import RENDERERS
    from icsplan.reviews import services
    from icsplan.strategies.services import find_mission

    mission = find_mission(country)
    comparison = services.compare_editions(mission, old, new, who=SYSTEM, public=public)
    write_output(RENDERERS[format](comparison), output)


@handle_errors
def review_report(
    country: str = typer.Argument(..., help="Country of the mission."),
    fiscal_year: int = typer.Option(..., "--fiscal-year", "-y", help="The review's fiscal year, e.g. 2019."),
    kind: str = typer.Option("annual", "--kind", help="annual or mid-course"),
    format: str = typer.Option("pdf", "--format", "-f", help="pdf, docx or html"),
    public: bool = typer.Option(False, "--public", help="The public version (no SBU)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
):
    """Write the report of a review of the mission's edition in force."""
    from icsplan.publishing.report import report_format

    report_format(format)  # a bad format is refused before Django starts
    setup_django()
    from icsplan.accounts.actors import SYSTEM
    from icsplan.errors import NotFoundError
    from icsplan.reviews import services
    from icsplan.reviews.report import render_review_report
    from icsplan.strategies.services import find_mission

    mission = find_mission(country)
    row = services.visible_reviews(SYSTEM).filter(strategy__mission=mission, fiscal_year=fiscal_year,
                                                  kind=kind).order_by("-strategy__edition").first()
    if row is None:
        raise NotFoundError(f"Mission {mission.country} has no {kind} review of FY{fiscal_year}.")
    write_output(render_review_report(row, who=SYSTEM, fmt=format, public=public), output)
