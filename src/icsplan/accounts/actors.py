"""Who is acting: a person (a user), or the named system actor for trusted operator commands.

Services take ``actor`` as a keyword with no default. A user is checked against the permission
layer; ``SYSTEM`` — the operator at the machine running the CLI, the demo loader, a migration —
skips the checks on purpose and says so by name. ``None`` is refused: a caller that forgot to
say who acts must fail closed, not run with every permission.
"""

from __future__ import annotations


class SystemActor:
    """The trusted local operator: not a user, no permission checks, named in audit records."""

    is_system = True
    is_authenticated = False
    is_active = True
    is_superuser = False
    pk = None
    id = None

    def __init__(self, name: str = "local operator"):
        self.name = name

    def get_username(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"SystemActor({self.name!r})"

    def __str__(self) -> str:
        return self.name


#: The one system actor of trusted operator commands (CLI, demo loader).
SYSTEM = SystemActor()


def is_system(actor) -> bool:
    """Whether ``actor`` is the trusted operator (and the permission checks are skipped)."""
    return isinstance(actor, SystemActor)


def require_actor(actor) -> None:
    """Refuse a missing actor: services never default to the trusted operator."""
    if actor is None:
        raise TypeError("actor is required: pass the signed-in user, or accounts.actors.SYSTEM for a trusted "
                        "operator command")
