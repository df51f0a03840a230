"""One sign-in throttle for every way in: the app's sign-in page, the Django admin's, anything else
that calls ``django.contrib.auth.authenticate`` (through :class:`ThrottledModelBackend`), and
API bearer tokens.

Failed attempts are counted in a sliding window (``WINDOW``, in one-minute slots) under three keys:

- the account name and the client address (someone mistyping locks out only that account at that
  address; a successful sign-in clears this count),
- the account name from any address (a guesser spreading over many addresses),
- the client address for any account name or token (password spraying: one guess for many names).

An attempt is refused *before* the password or token is checked once any count reaches its limit,
so the right password does not help a guesser either. The counts live in the cache named
``THROTTLE_CACHE`` (settings.CACHES; a database cache, so every worker process of the server
shares them). A missing cache table is an error, never a silent "no limit".
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import caches

from icsplan.core import context
from icsplan.errors import PermissionDenied

#: the cache alias holding the counts (a database cache in the shipped settings)
THROTTLE_CACHE = "throttle"
#: how long a failure counts
WINDOW = 15 * 60
#: counts are kept per slot of this many seconds; the window slides one slot at a time
SLOT = 60
#: failures allowed within WINDOW per account name and address, per account name, per address
DEFAULT_LIMITS = {"account_address": 5, "account": 20, "address": 30}


class SignInThrottled(PermissionDenied):
    """Too many failed sign-ins: further attempts are refused for a while (HTTP 429)."""

    code = "throttled"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def limits() -> dict[str, int]:
    """The limits in force (``ICSPLAN_SIGNIN_LIMITS`` in settings overrides any of them)."""
    return {**DEFAULT_LIMITS, **getattr(settings, "ICSPLAN_SIGNIN_LIMITS", {})}


def _now() -> float:
    return time.time()


def _digest(value: str) -> str:
    # Hashed: cache keys have a length limit and a character set; account names and addresses do not.
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def _scopes(username: str | None, ip: str | None) -> list[tuple[str, str]]:
    """(limit name, key stem) for every count this attempt belongs to."""
    name = (username or "").strip().casefold()[:150]
    scopes = []
    if name and ip:
        scopes.append(("account_address", f"signin:aa:{_digest(name + chr(0) + ip)}"))
    if name:
        scopes.append(("account", f"signin:a:{_digest(name)}"))
    if ip:
        scopes.append(("address", f"signin:ip:{_digest(ip)}"))
    return scopes


def _slots(now: float) -> range:
    """The slots whose failures still count at ``now``: those that began less than WINDOW ago (so a
    failure counts for WINDOW minus at most one slot)."""
    last = int(now // SLOT)
    return range(last - WINDOW // SLOT + 1, last + 1)


def retry_after(username: str | None, ip: str | None) -> int:
    """Seconds until an attempt for ``username`` from ``ip`` is allowed again (0: now)."""
    now = _now()
    scopes = _scopes(username, ip)
    if not scopes:
        return 0
    slots = _slots(now)
    keys = [f"{stem}:{slot}" for _, stem in scopes for slot in slots]
    counts = caches[THROTTLE_CACHE].get_many(keys)
    allowed = limits()
    wait = 0.0
    for limit_name, stem in scopes:
        per_slot = [(slot, int(counts.get(f"{stem}:{slot}", 0))) for slot in slots]
        remaining = sum(n for _, n in per_slot)
        limit = allowed[limit_name]
        if remaining < limit:
            continue
        # Free again once enough of the oldest slots have left the window.
        for slot, n in per_slot:
            remaining -= n
            if remaining < limit:
                wait = max(wait, slot * SLOT + WINDOW - now)
                break
    return math.ceil(wait) if wait > 0 else 0


def check(username: str | None, ip: str | None, *, request=None) -> None:
    """Raise :class:`SignInThrottled` when ``username`` (or, for tokens, ``None``) may not try
    from ``ip`` now; the refusal joins the audit trail."""
    wait = retry_after(username, ip)
    if not wait:
        return
    from icsplan.core import audit_trail as audit

    name = (username or "").strip()[:150]
    audit.record("auth.login_throttled", actor_name=name or "(API token)", request=request,
                 object_type="auth.user", object_repr=name)
    minutes = max(1, math.ceil(wait / 60))
    raise SignInThrottled(
        f"Too many sign-in attempts; try again in {minutes} minute{'s' if minutes > 1 else ''}.",
        retry_after=wait,
    )


def record_failure(username: str | None, ip: str | None) -> None:
    """Count one failed attempt (a wrong password, an unknown account, a bad token)."""
    now = _now()
    slot = int(now // SLOT)
    cache = caches[THROTTLE_CACHE]
    # Kept a slot longer than the window, so that the oldest counted slot is still there.
    timeout = WINDOW + SLOT
    for _, stem in _scopes(username, ip):
        key = f"{stem}:{slot}"
        # Read, add one, write with an explicit timeout (a backend's incr may reset it). Two workers
        # failing in the same instant may count one failure less; the limit still holds for a run of
        # attempts, since every attempt is checked before the password is.
        cache.set(key, int(cache.get(key, 0)) + 1, timeout)


def record_success(username: str, ip: str | None) -> None:
    """Forget this address's failures for this account: the person has shown the password, so an
    earlier typo no longer counts against them. The per-account and per-address counts stay (one
    known password must not wipe the record of guesses at other accounts)."""
    scopes = [stem for name, stem in _scopes(username, ip) if name == "account_address"]
    if scopes:
        caches[THROTTLE_CACHE].delete_many([f"{stem}:{slot}" for stem in scopes for slot in _slots(_now())])


def address_of(request) -> str | None:
    """The client address of ``request``, or of the request being served (None: the CLI)."""
    if request is not None and hasattr(request, "META"):
        return context.client_ip(request)
    return context.current().ip


class ThrottledModelBackend(ModelBackend):
    """Django's username/password check behind the throttle, for every caller of ``authenticate``
    (the app's sign-in, the admin's, the test client's ``login``).

    Raises :class:`SignInThrottled` (not Django's PermissionDenied, which ``authenticate`` would
    turn into a silent "wrong password"), so each sign-in form can show the wait.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if username is None or password is None:
            return None
        ip = address_of(request)
        check(username, ip, request=request)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username, ip)
        else:
            record_success(username, ip)
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
