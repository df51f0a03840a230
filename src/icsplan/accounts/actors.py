"""The system actor: who acts when nobody signed in does (the operator's CLI commands, demo loads).

Services take an explicit ``actor``; ``None`` is never taken to mean "trusted". A command run by
the operator on the server passes :data:`SYSTEM`, which passes every permission check it reaches
and records no user in history. Nothing reachable from the web or the API can produce it.
"""

from __future__ import annotations


class SystemActor:
    """The trusted local operator. A singleton; compare with ``is SYSTEM``."""

    pk = None
    id = None
    username = "system"
    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    is_anonymous = False

    def __repr__(self) -> str:
        return "SYSTEM"

    __str__ = __repr__


SYSTEM = SystemActor()


def is_system(actor: object) -> bool:
    """Whether ``actor`` is the system actor (not a user)."""
    return actor is SYSTEM
