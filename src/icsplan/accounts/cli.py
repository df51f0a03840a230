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
