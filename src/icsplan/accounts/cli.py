"""``icsplan users …``: people, roles and personal API tokens (run by the local operator)."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from icsplan.accounts.actors import SYSTEM
from icsplan.clitools import err, handle_errors, out, setup_django

users_app = typer.Typer(help="People, roles and API tokens.", no_args_is_help=True, add_completion=False,
                        pretty_exceptions_enable=False)


@users_app.command("add")
@handle_errors
def add(
    name: str = typer.Argument(..., help="User name."),
    role: str = typer.Option(..., "--role", help="viewer, reader, reporter, editor, approver, analyst or admin"),
    mission: Optional[str] = typer.Option(None, "--mission", help="Country of the mission (mission roles)."),
    bureau: Optional[str] = typer.Option(None, "--bureau", help="Bureau code (analysts), e.g. AF."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    update: bool = typer.Option(False, "--update",
                                help="Change an existing person: add the role and, with --password-stdin, "
                                     "replace the password."),
):
    """Add a person with a role; with --update, give an existing person another role or a new password."""
    setup_django()
    from django.contrib.auth import get_user_model

    from icsplan.accounts import services
    from icsplan.errors import InputError

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError("No password on standard input.", code="missing-password")
    user = get_user_model().objects.filter(username__iexact=name).first()
    if user is not None:
        # Silently keeping the old password (or adding a role by accident) surprised operators:
        # changing an existing person is an explicit choice.
        if not update:
            raise InputError(f"A user named {user.get_username()!r} already exists; add --update to change "
                             "their roles or password.", code="user-exists")
        services.add_membership(user, role, mission=mission, bureau=bureau, actor=SYSTEM)
        if password is not None:
            services.set_password(user, password, actor=SYSTEM)
        err.print(f"{user.get_username()}: role {role}{' and new password' if password else ''}", markup=False)
        return
    services.create_user(name, password=password, role=role, mission=mission, bureau=bureau, actor=SYSTEM)
    note = "" if password else " (no password: sign-in disabled until one is set)"
    err.print(f"added {name} as {role}{note}", markup=False)


@users_app.command("list")
@handle_errors
def list_():
    """List people and their roles."""
    setup_django()
    from icsplan.accounts import services

    for row in services.list_users():
        state = "" if row["active"] else " [inactive]"
        out.print(f"{row['username']}{state}\t{', '.join(row['roles']) or '-'}", markup=False, highlight=False)


@users_app.command("token")
@handle_errors
def token(
    name: str = typer.Argument(..., help="User name."),
    scope: str = typer.Option("read", "--scope", help="read or write"),
    mission: Optional[str] = typer.Option(None, "--mission", help="Limit the token to one mission."),
    days: int = typer.Option(90, "--days", help="Days until it expires (1-366)."),
    label: str = typer.Option("", "--name", help="A label for the token."),
):
    """Create a personal API token and print it (once)."""
    setup_django()
    from django.contrib.auth import get_user_model

    from icsplan.accounts import services
    from icsplan.errors import NotFoundError

    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise NotFoundError(f"No user named {name!r}.")
    row, plaintext = services.create_token(user, scope=scope, mission=mission, expires_in_days=days, name=label,
                                           actor=SYSTEM)
    out.print(plaintext, markup=False, highlight=False)
    err.print(f"token {row.prefix}… for {name} ({scope}, expires {row.expires_at:%Y-%m-%d}); "
              "it is shown only now.", markup=False)


@users_app.command("revoke-token")
@handle_errors
def revoke_token(prefix: str = typer.Argument(..., help="The token's prefix (first 12 characters).")):
    """Revoke a personal API token."""
    setup_django()
    from icsplan.accounts import services
    from icsplan.accounts.models import ApiToken
    from icsplan.errors import NotFoundError

    rows = list(ApiToken.objects.filter(prefix=prefix[:12]))
    if len(rows) != 1:
        raise NotFoundError(f"No single token with prefix {prefix!r}.")
    services.revoke_token(rows[0], actor=SYSTEM)
    err.print(f"revoked {rows[0].prefix}…", markup=False)


def _reporter_membership(name: str, country: str):
    from icsplan.accounts.models import Membership
    from icsplan.errors import InputError, NotFoundError
    from icsplan.strategies.services import find_mission

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
    from icsplan.strategies.services import find_mission

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
