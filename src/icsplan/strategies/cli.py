"""``icsplan edition …``: move an edition along its life cycle, copy it, list the editions.

Run by the local operator at the machine (the system actor): the steps are recorded under that
name. Separation of duties applies to people signed in to the web UI and the API.
"""

from __future__ import annotations

from typing import Optional

import typer

from icsplan.clitools import err, handle_errors, setup_django

edition_app = typer.Typer(help="Editions of a mission's strategy and their life cycle.", no_args_is_help=True,
                          add_completion=False, pretty_exceptions_enable=False)

_COUNTRY = typer.Argument(..., help="Country of the mission.")
_EDITION = typer.Option(..., "--edition", help="Edition label, usually its year.")
_REASON = typer.Option("", "--reason", help="Why (kept in the edition's record and the audit trail).")


def _step(service_name: str, country: str, edition: str, reason: str) -> None:
    setup_django()
    from icsplan.accounts.actors import SYSTEM
    from icsplan.strategies import services

    row = services.find_strategy(country, edition)
    row = getattr(services, service_name)(row, actor=SYSTEM, expected_version=row.version, reason=reason)
    err.print(f"{row}: {row.get_status_display().lower()}", markup=False)


@edition_app.command("submit")
@handle_errors
def submit(country: str = _COUNTRY, edition: str = _EDITION, reason: str = _REASON):
    """Send a draft edition into clearance."""
    _step("submit_edition", country, edition, reason)


@edition_app.command("return")
@handle_errors
def return_(country: str = _COUNTRY, edition: str = _EDITION, reason: str = _REASON):
    """Send an edition in clearance back to draft."""
    _step("return_edition", country, edition, reason)


@edition_app.command("approve")
@handle_errors
def approve(country: str = _COUNTRY, edition: str = _EDITION, reason: str = _REASON):
    """Approve an edition in clearance: it comes into force, the one before is archived."""
    _step("approve_strategy", country, edition, reason)


@edition_app.command("publish")
@handle_errors
def publish(country: str = _COUNTRY, edition: str = _EDITION, reason: str = _REASON):
    """Publish the approved edition for public release."""
    _step("publish_edition", country, edition, reason)


@edition_app.command("archive")
@handle_errors
def archive(country: str = _COUNTRY, edition: str = _EDITION, reason: str = _REASON):
    """Take the edition in force out of force."""
    _step("archive_edition", country, edition, reason)


@edition_app.command("copy")
@handle_errors
def copy(
    country: str = _COUNTRY,
    to: str = typer.Option(..., "--to", help="Label of the new draft edition."),
    source: Optional[str] = typer.Option(None, "--from", help="Edition to copy (default: the one in force)."),
    reason: str = _REASON,
):
    """Start a new draft edition as a copy of another (results stay with their edition)."""
    setup_django()
    from icsplan.accounts.actors import SYSTEM
    from icsplan.strategies import services

    row = services.copy_edition(services.find_strategy(country, source), edition=to, actor=SYSTEM, reason=reason)
    err.print(f"{row}: draft copied from edition {source or 'in force'}", markup=False)


@edition_app.command("list")
@handle_errors
def list_(country: str = _COUNTRY):
    """The mission's editions with their status and life-cycle steps."""
    setup_django()
    from icsplan.strategies import models as m
    from icsplan.strategies import services

    mission = services.find_mission(country)
    for row in m.Strategy.objects.filter(mission=mission).order_by("-edition"):
        typer.echo(f"{row.edition}\t{row.status}")
        for step in row.transitions.select_related("actor").order_by("at", "pk"):
            who = step.actor.get_username() if step.actor else step.actor_name
            typer.echo(f"\t{step.at:%Y-%m-%d %H:%M}\t{step.from_status} -> {step.to_status}\t{who}\t{step.reason}")
