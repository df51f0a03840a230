"""``icsplan users assign|unassign|assignments``: what each reporter reports on.

These commands belong to the ``users`` group (``accounts.cli``) but look targets up in an edition
(objectives, sub-objectives, indicators), so they live here, above the accounts app, and add
themselves to the group: accounts never imports the strategy app. No Django at import time.
"""

from __future__ import annotations

from typing import Optional

import typer

from icsplan.accounts.actors import SYSTEM
from icsplan.accounts.cli import users_app
from icsplan.clitools import err, handle_errors, out, setup_django


def _reporter_membership(name: str, country: str):
    from icsplan.accounts.models import Membership
    from icsplan.errors import InputError, NotFoundError
    from icsplan.accounts.services import find_mission

    mission = find_mission(country)
    membership = Membership.objects.filter(user__username__iexact=name, mission=mission, role="reporter").first()
    if membership is None:
        if not Membership.objects.filter(user__username__iexact=name).exists():
            raise NotFoundError(f"No user named {name!r}.")
        raise InputError(f"{name} is not a reporter of Mission {mission.country}; give the role first with "
                         f"`icsplan users add {name} --role reporter --mission {mission.country} --update`.",
                         code="not-a-reporter")
    return membership


def _assignment_target(country: str, edition: Optional[str], objective: Optional[str],
                       sub_objective: Optional[str], management_objective: Optional[str],
                       indicator: Optional[str], section: Optional[str]) -> dict:
    """The keyword arguments of ``services.assign_reporter`` for the one target named on the
    command line, looked up in the edition (default: the one in force)."""
    from icsplan.errors import InputError, NotFoundError
    from icsplan.strategies.services import find_strategy

    given = {k: v for k, v in {"objective": objective, "sub_objective": sub_objective,
                               "management_objective": management_objective, "indicator": indicator,
                               "section": section}.items() if v}
    if len(given) != 1:
        raise InputError("Name exactly one of --objective, --sub-objective, --management-objective, --indicator "
                         "or --section.")
    ((kind, value),) = given.items()
    if kind == "section":
        return {"responsible_section": value}
    strategy = find_strategy(country, edition)
    # Through the strategy's related managers: accounts does not import the indicators app.
    rows = {"objective": strategy.objectives.filter(number=value),
            "sub_objective": strategy.sub_objectives.filter(number=value),
            "management_objective": strategy.management_objectives.filter(number=value),
            "indicator": strategy.indicators.filter(code__iexact=value)}[kind]
    row = rows.first()
    if row is None:
        label = kind.replace("_", " ")
        raise NotFoundError(f"Edition {strategy.edition} of Mission {strategy.mission.country} has no {label} "
                            f"{value!r}.")
    return {kind: row}


_TARGET_OPTIONS = {
    "objective": typer.Option(None, "--objective", help="An objective number, e.g. 1.1 (covers its sub-objectives)."),
    "sub_objective": typer.Option(None, "--sub-objective", help="A sub-objective number, e.g. 1.1.2."),
    "management_objective": typer.Option(None, "--management-objective", help="A management objective number."),
    "indicator": typer.Option(None, "--indicator", help="One indicator's code, e.g. 3.1-A (that indicator only)."),
    "section": typer.Option(None, "--section", help="Every indicator of a section or agency, e.g. POL/ECON."),
}


@users_app.command("assign")
@handle_errors
def assign(
    name: str = typer.Argument(..., help="The reporter's user name."),
    mission: str = typer.Option(..., "--mission", help="Country of the mission."),
    edition: Optional[str] = typer.Option(None, "--edition", help="Edition (default: the one in force)."),
    objective: Optional[str] = _TARGET_OPTIONS["objective"],
    sub_objective: Optional[str] = _TARGET_OPTIONS["sub_objective"],
    management_objective: Optional[str] = _TARGET_OPTIONS["management_objective"],
    indicator: Optional[str] = _TARGET_OPTIONS["indicator"],
    section: Optional[str] = _TARGET_OPTIONS["section"],
):
    """Let a reporter report on an objective, sub-objective, management objective, one indicator or a section."""
    setup_django()
    from icsplan.accounts import services

    membership = _reporter_membership(name, mission)
    target = _assignment_target(mission, edition, objective, sub_objective, management_objective, indicator, section)
    row = services.assign_reporter(membership, actor=SYSTEM, **target)
    err.print(f"{membership.user.get_username()} now reports on {_describe(row)}", markup=False)


@users_app.command("unassign")
@handle_errors
def unassign(
    name: str = typer.Argument(..., help="The reporter's user name."),
    mission: str = typer.Option(..., "--mission", help="Country of the mission."),
    edition: Optional[str] = typer.Option(None, "--edition", help="Edition (default: the one in force)."),
    objective: Optional[str] = _TARGET_OPTIONS["objective"],
    sub_objective: Optional[str] = _TARGET_OPTIONS["sub_objective"],
    management_objective: Optional[str] = _TARGET_OPTIONS["management_objective"],
    indicator: Optional[str] = _TARGET_OPTIONS["indicator"],
    section: Optional[str] = _TARGET_OPTIONS["section"],
):
    """Withdraw one assignment of a reporter (named as for `assign`)."""
    setup_django()
    from icsplan.accounts import services
    from icsplan.errors import NotFoundError

    membership = _reporter_membership(name, mission)
    target = _assignment_target(mission, edition, objective, sub_objective, management_objective, indicator, section)
    lookup = ({"responsible_section__iexact": target["responsible_section"].strip()} if "responsible_section" in target
              else target)
    row = membership.assignments.filter(**lookup).first()
    if row is None:
        raise NotFoundError(f"{membership.user.get_username()} has no such assignment.")
    what = _describe(row)
    services.remove_assignment(row, actor=SYSTEM)
    err.print(f"{membership.user.get_username()} no longer reports on {what}", markup=False)


@users_app.command("assignments")
@handle_errors
def assignments(mission: str = typer.Argument(..., help="Country of the mission.")):
    """List what each reporter of a mission reports on, one assignment a line."""
    setup_django()
    from icsplan.accounts.models import ReporterAssignment
    from icsplan.accounts.services import find_mission

    rows = ReporterAssignment.objects.filter(membership__mission=find_mission(mission)).select_related(
        "membership__user", "objective", "sub_objective", "management_objective", "indicator")
    for row in rows.order_by("membership__user__username", "pk"):
        out.print(f"{row.membership.user.get_username()}\t{_describe(row)}", markup=False, highlight=False)


def _describe(row) -> str:
    if row.responsible_section:
        return f"section {row.responsible_section}"
    if row.indicator_id:
        return f"indicator {row.indicator.code}"
    if row.sub_objective_id:
        return f"sub-objective {row.sub_objective.number}"
    if row.management_objective_id:
        return f"management objective {row.management_objective.number}"
    return f"objective {row.objective.number}"
