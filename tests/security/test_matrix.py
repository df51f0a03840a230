"""The authorization matrix and the SBU canary, over every page and API operation.

One world is built per test and every cell is requested in one pass (fast on two CI cores);
mismatches are collected and reported together.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.test import Client

from . import matrix
from .routes import Route, all_routes, url_for
from .world import CANARY_PREFIX, OTHER_SBU_READERS, PERSONAS, SBU_READERS, canary_prefix

pytestmark = pytest.mark.django_db


def _client(world, persona) -> Client:
    client = Client(REMOTE_ADDR="10.9.9.9")
    user = world.user(persona)
    if user is not None:
        client.force_login(user)
    return client


def _routes_by_key() -> dict[tuple[str, str], Route]:
    return {(r.method, r.name): r for r in all_routes()}


def _cells():
    """(key, route, expectations) for every matrix entry that is exercised."""
    routes = _routes_by_key()
    for key, expected in matrix.MATRIX.items():
        method, name = key[0], key[1]
        route = routes.get((method, name))
        yield key, route, expected


def _args(world, key) -> dict:
    name = key[1]
    factory = matrix.ARGS.get((name, key[2])) if len(key) > 2 else matrix.ARGS.get(name)
    if factory is None:
        return {}
    return factory(world)


def _request(client, method, url):
    if method == "GET":
        return client.get(url)
    return getattr(client, method.lower())(url, data={}, content_type="application/json")


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_every_route_is_in_the_matrix():
    known = {(k[0], k[1]) for k in matrix.MATRIX} | set(matrix.WRITES_WITHOUT_BODY)
    missing = sorted(f"{r.method} {r.name} ({r.path})" for r in all_routes() if (r.method, r.name) not in known)
    assert not missing, "routes with no entry in tests/security/matrix.py:\n  " + "\n  ".join(missing)
    routes = _routes_by_key()
    stale = sorted(f"{k[0]} {k[1]}" for k in known if k not in routes)
    assert not stale, "matrix entries for routes that no longer exist:\n  " + "\n  ".join(stale)
    for key, cells in matrix.MATRIX.items():
        assert set(cells) == set(PERSONAS), f"{key}: every persona needs an expectation"


def _walk(world, personas=PERSONAS):
    """Request every cell; yield (key, persona, url, response)."""
    clients = {p: _client(world, p) for p in personas}
    for key, route, expected in _cells():
        url = url_for(route, _args(world, key))
        for persona in personas:
            yield key, persona, url, expected[persona], _request(clients[persona], key[0], url)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)


def test_authorization_matrix_and_sbu_canary(world):
    problems, leaks, seen_canary = [], [], set()
    probe = os.environ.get("ICSPLAN_MATRIX_PROBE")
    observed: dict = {}
    for key, persona, url, expected, response in _walk(world):
        status = response.status_code
        observed.setdefault(key, {})[persona] = "login" if _is_login_redirect(response) else status
        if (not _is_login_redirect(response)) if expected == matrix.LOGIN else (
                status != expected or (status == 302 and _is_login_redirect(response))):
            problems.append(f"{key[0]} {url} as {persona}: expected {expected}, got {status}")
        body = _body(response)
        for country, readers in (("Testland", SBU_READERS), ("Otherland", OTHER_SBU_READERS)):
            if canary_prefix(country).encode() in body:
                if persona in readers:
                    seen_canary.add(key)
                else:
                    leaks.append(f"{key[0]} {url} as {persona}: SBU canary of {country} in the response")
    if probe:
        for key, cells in observed.items():
            print(f"    {key!r}: {cells!r},")
    assert not leaks, "SBU LEAKS:\n  " + "\n  ".join(leaks)
    assert not problems, f"{len(problems)} cells differ from the matrix:\n  " + "\n  ".join(problems)
    # The canary must be reachable at all, or the leak check proves nothing.
    assert seen_canary, "no route showed the SBU canary even to SBU readers"


def test_canary_catches_a_forgotten_redaction(world, monkeypatch):
    """Break redaction on purpose: the canary check must then report leaks."""
    import icsplan.publishing.redaction as redaction

    monkeypatch.setattr(redaction, "public_copy", lambda strategy: strategy.model_copy(deep=True))
    leaked = [key for key, persona, url, expected, response in _walk(world, personas=("viewer",))
              if canary_prefix("Testland").encode() in _body(response)]
    assert leaked, "with redaction broken, no response leaked: the canary test would not catch a leak"
