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


# -- icsplan review open | assess | submit | approve -------------------------------------------------

review_app = typer.Typer(help="Annual and mid-course reviews of a mission's edition in force.", no_args_is_help=True)

_COUNTRY = typer.Argument(..., help="Country of the mission.")
_YEAR = typer.Option(..., "--year", "-y", help="The review's fiscal year, e.g. 2019 (or FY2019).")
_KIND = typer.Option("annual", "--kind", help="annual or mid-course")
_AS = typer.Option(None, "--as", help="Act as this user (their permissions apply); the system actor by default.")


def _actor(username: str | None):
    """The named user, or the system actor (the trusted local operator) when none is named."""
    from django.contrib.auth import get_user_model

    from icsplan.accounts.actors import SYSTEM
    from icsplan.errors import NotFoundError

    if not username:
        return SYSTEM
    user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise NotFoundError(f"No active user named {username!r}.")
    return user


def _year(value: str) -> int:
    text = str(value).strip().upper().removeprefix("FY")
    if not text.isdigit():
        raise InputError(f"{value!r} is not a fiscal year (2019 or FY2019).", code="bad-period")
    return int(text)


def _review(country: str, year: str, kind: str):
    from icsplan.accounts.actors import SYSTEM
    from icsplan.errors import NotFoundError
    from icsplan.reviews import services
    from icsplan.strategies.services import find_mission

    mission = find_mission(country)
    strategy = services.edition_in_force(mission)
    fiscal_year = _year(year)
    row = services.visible_reviews(SYSTEM).filter(strategy=strategy, fiscal_year=fiscal_year, kind=kind).first() \
        if strategy is not None else None
    if row is None:
        raise NotFoundError(f"Mission {mission.country} has no open {kind} review of FY{fiscal_year}; "
                            f"open it with: icsplan review open {mission.country} --year {fiscal_year} --kind {kind}")
    return row


@review_app.command("open")
@handle_errors
def open_(country: str = _COUNTRY, year: str = _YEAR, kind: str = _KIND, as_user: Optional[str] = _AS):
    """Open a review of the edition in force: one assessment per objective and management objective."""
    setup_django()
    from icsplan.reviews import services
    from icsplan.strategies.services import find_mission

    review = services.open_review(find_mission(country), kind=kind, fiscal_year=_year(year), actor=_actor(as_user))
    typer.echo(f"Opened the {review} of Mission {review.strategy.mission.country} (edition "
               f"{review.strategy.edition}): {review.assessments.count()} objectives to rate.")


@review_app.command("assess")
@handle_errors
def assess(
    country: str = _COUNTRY, year: str = _YEAR, kind: str = _KIND,
    objective: str = typer.Option(..., "--objective", "-o",
                                  help="The objective's number (1.2), or M1 for management objective 1."),
    rating: str = typer.Option(..., "--rating", "-r", help="on_track, some_concerns, off_track or not_assessed"),
    narrative: Optional[str] = typer.Option(None, "--narrative", "-n"),
    decisions: Optional[str] = typer.Option(None, "--decisions"),
    as_user: Optional[str] = _AS,
):
    """Record the rating (and narrative, decisions) of one objective in an open review."""
    setup_django()
    from icsplan.errors import NotFoundError
    from icsplan.reviews import services

    review = _review(country, year, kind)
    management = objective.upper().startswith("M")
    number = objective[1:] if management else objective
    row = review.assessments.filter(kind="management_objective" if management else "objective",
                                    number=number).first()
    if row is None:
        numbers = ", ".join(("M" if a.kind == "management_objective" else "") + a.number
                            for a in review.assessments.order_by("position"))
        raise NotFoundError(f"The {review} has no objective {objective} (it has: {numbers}).")
    row = services.record_assessment(row, rating=rating, narrative=narrative, decisions=decisions,
                                     expected_version=row.version, actor=_actor(as_user))
    typer.echo(f"{row}: {row.get_rating_display()}.")


@review_app.command("submit")
@handle_errors
def submit(country: str = _COUNTRY, year: str = _YEAR, kind: str = _KIND, as_user: Optional[str] = _AS):
    """Send a review whose objectives are all rated to the approver."""
    setup_django()
    from icsplan.reviews import services

    review = _review(country, year, kind)
    review = services.submit_review(review, expected_version=review.version, actor=_actor(as_user))
    typer.echo(f"The {review} is {review.get_status_display().lower()}.")


@review_app.command("approve")
@handle_errors
def approve(country: str = _COUNTRY, year: str = _YEAR, kind: str = _KIND,
            reason: str = typer.Option("", "--reason"), as_user: Optional[str] = _AS):
    """Approve a submitted review (never by its submitter): its snapshot is frozen."""
    setup_django()
    from icsplan.reviews import services

    review = _review(country, year, kind)
    review = services.approve_review(review, expected_version=review.version, actor=_actor(as_user), reason=reason)
    typer.echo(f"The {review} is {review.get_status_display().lower()}; its snapshot is frozen.")
