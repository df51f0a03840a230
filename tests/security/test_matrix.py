"""The authorization matrix and the SBU canary, over every page and API operation.

One world is built per test and every cell is requested in one pass (fast on two CI cores);
mismatches are collected and reported together.
"""

from __future__ import annotations

import contextlib
import os

import pytest
from django.conf import settings
from django.test import Client

from . import matrix
from .routes import Route, all_routes, url_for
from .world import OTHER_SBU_READERS, PERSONAS, SBU_READERS, canary_prefix

from icsplan.accounts.actors import SYSTEM

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


def _all_expectations() -> dict[tuple, dict]:
    return {**matrix.MATRIX, **matrix.WRITE_MATRIX, **matrix.NON_WRITE_POSTS}


def test_every_route_is_in_the_matrix():
    every = _all_expectations()
    known = {(k[0], k[1]) for k in every}
    missing = sorted(f"{r.method} {r.name} ({r.path})" for r in all_routes() if (r.method, r.name) not in known)
    assert not missing, "routes with no entry in tests/security/matrix.py:\n  " + "\n  ".join(missing)
    routes = _routes_by_key()
    stale = sorted(f"{k[0]} {k[1]}" for k in known if k not in routes)
    assert not stale, "matrix entries for routes that no longer exist:\n  " + "\n  ".join(stale)
    for key, cells in every.items():
        assert set(cells) == set(PERSONAS), f"{key}: every persona needs an expectation"
    for key in matrix.MATRIX:
        assert key[0] == "GET", f"{key}: writes belong in WRITE_MATRIX (with a BODIES factory)"
    for key in matrix.WRITE_MATRIX:
        assert key in matrix.BODIES, f"{key}: a write needs a BODIES factory"
    assert not set(matrix.WRITE_MATRIX) & set(matrix.NON_WRITE_POSTS)
    assert not set(matrix.BODIES) - set(matrix.WRITE_MATRIX), "BODIES without expectations"


def _walk(world, personas=PERSONAS):
    """Request every cell; yield (key, persona, url, response)."""
    clients = {p: _client(world, p) for p in personas}
    for key, route, expected in _cells():
        if key[0] != "GET":
            continue
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
    import icsplan.document.public as redaction
    import icsplan.publishing.redaction as publishing_redaction

    def unredacted(strategy):
        return strategy.model_copy(deep=True)

    # The one copy in the core, and the name the renderers import.
    monkeypatch.setattr(redaction, "public_copy", unredacted)
    monkeypatch.setattr(publishing_redaction, "public_copy", unredacted)
    # The walk stops at the first leak: one is all the assertion needs.
    leaked = any(canary_prefix("Testland").encode() in _body(response)
                 for key, persona, url, expected, response in _walk(world, personas=("viewer",)))
    assert leaked, "with redaction broken, no response leaked: the canary test would not catch a leak"


# -- writes ----------------------------------------------------------------------------------------

#: apps whose every row a refused write must leave untouched (tokens record their last use; the
#: audit trail records refusals and sign-ins: both are meant to change)
WATCHED_APPS = ("accounts", "strategies", "indicators", "imports", "reviews", "portfolio", "jobs")
# Caches filled on first read, not writes: similar objectives store their term counts (public text),
# the bureau dashboard its per-edition summaries (keyed by the edition's stamp).
UNWATCHED_MODELS = {"accounts.apitoken", "portfolio.objectiveterms", "portfolio.storedsummary"}


def _watched_models():
    from django.apps import apps

    return [m for m in apps.get_models() if m._meta.app_label in WATCHED_APPS
            and m._meta.label_lower not in UNWATCHED_MODELS]


def _fingerprint_sql() -> str:
    """One statement giving, for every watched table, a text that changes whenever any of its rows
    does (built once per connection vendor: the watched tables do not change during a run).

    A table of current rows is read whole, inside the database: SQLite joins ``quote()`` of every
    column of every row (``quote`` keeps types apart, a REAL at full precision, a BLOB in hex);
    PostgreSQL digests the text of every row (a row's text keeps NULL and the empty string apart).
    History tables only grow (any save through the ORM appends to them), so their row count and
    last id say enough."""
    from django.db import connection

    cached = _FINGERPRINT_SQL.get(connection.vendor)
    if cached is not None:
        return cached
    qn = connection.ops.quote_name
    parts = []
    for model in _watched_models():
        label, table, pk = model._meta.label_lower, qn(model._meta.db_table), qn(model._meta.pk.column)
        if model._meta.model_name.startswith("historical"):
            digest = f"COUNT(*) || '/' || COALESCE(MAX({pk}), 0)"
            parts.append(f"SELECT '{label}', {digest} FROM {table}")
        elif connection.vendor == "postgresql":
            digest = f"COUNT(*) || '/' || COALESCE(md5(string_agg(t::text, E'\\n' ORDER BY t.{pk})), '')"
            parts.append(f"SELECT '{label}', {digest} FROM {table} AS t")
        else:
            columns = " || ',' || ".join(f"quote({qn(f.column)})" for f in model._meta.concrete_fields)
            digest = "COUNT(*) || '/' || COALESCE(group_concat(r, char(10)), '')"
            parts.append(f"SELECT '{label}', {digest} FROM (SELECT {columns} AS r FROM {table} ORDER BY {pk})")
    sql = _FINGERPRINT_SQL[connection.vendor] = " UNION ALL ".join(parts)
    return sql


_FINGERPRINT_SQL: dict[str, str] = {}


def _fingerprint() -> dict[str, object]:
    """A digest of every row of every watched table, read in one statement (see ``_fingerprint_sql``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return dict(cursor.fetchall())


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in before if before[k] != after[k])


def _tokens(world) -> dict[str, str | None]:
    from icsplan.accounts.services import create_token

    out = {}
    for persona in PERSONAS:
        user = world.user(persona)
        out[persona] = None if user is None else create_token(user, scope="write", actor=SYSTEM)[1]
    return out


#: where the API reads one row of a model (its ETag is what a client sends back in If-Match)
API_PATHS = {"strategy": "strategies", "goal": "goals", "objective": "objectives", "subobjective": "sub-objectives",
             "managementobjective": "management-objectives", "indicator": "indicators", "target": "targets",
             "result": "results", "risk": "risks", "linkage": "linkages", "periodlock": "period-locks",
             "review": "reviews", "assessment": "reviews/assessments", "revision": "revisions", "mission": "missions"}


def _fresh_client(handler=None) -> Client:
    """A client without cookies; sharing one handler spares loading the middleware (and WhiteNoise's
    scan of every static file) for each of the hundreds of cells."""
    client = Client(REMOTE_ADDR="10.9.9.9", raise_request_exception=False)  # a view's exception is a 500 cell
    if handler is not None:
        client.handler = handler
    return client


def _etag(row, admin_token: str, handler, known: dict | None = None) -> str:
    """The ETag a client holds after reading ``row`` (read by an admin: the full representation).

    ``known`` remembers the tags read for one write route: its ten personas send the same row in
    the same state (each cell is rolled back), so the row is read once instead of ten times. The
    state is part of the key (a tag names the row's version, or its ``updated_at`` when it has
    none), and a stale tag could only make an allowed write answer 412: a loud mismatch."""
    url = f"/api/v1/{API_PATHS[row._meta.model_name]}/{row.pk}"
    state = (url, getattr(row, "version", None), getattr(row, "updated_at", None))
    if known is not None and state in known:
        return known[state]
    response = _fresh_client(handler).get(url, HTTP_AUTHORIZATION=f"Bearer {admin_token}")
    assert response.status_code == 200 and response.get("ETag"), (url, response.status_code)
    if known is not None:
        known[state] = response["ETag"]
    return response["ETag"]


def _send(client, method: str, url: str, call, token: str | None, admin_token: str, known_tags: dict | None = None):
    import json as jsonlib

    headers = {}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if call.if_match is not None:
        headers["HTTP_IF_MATCH"] = _etag(call.if_match, admin_token, client.handler, known_tags)
    if call.json is not None:
        return client.generic(method, url, jsonlib.dumps(call.json), content_type="application/json", **headers)
    if call.form is not None and method == "POST":
        return client.post(url, call.form, **headers)  # multipart, files included
    return client.generic(method, url, b"", content_type="application/json", **headers)


def _expects_change(key, expected) -> bool:
    if expected == matrix.LOGIN:
        return False
    # A page's form (any namespace but the API's) answers a successful write with a redirect.
    return 200 <= expected < 300 or (not key[1].startswith("api:") and expected == 302)


class _ReviewsAsked:
    """Records the reviews (``matrix._review``: year and state) a route's factory asks for, so that
    they are made once for the route instead of once per persona."""

    def __init__(self, review):
        self.review, self.states = review, []

    def __call__(self, w, state: str = "approved"):
        if state not in self.states:
            self.states.append(state)
        return self.review(w, state)


def _write_cells(world, keys=None):
    """Run every write cell in a savepoint rolled back afterwards; yield
    (key, persona, url, expected, status, location, changed tables).

    The reviews a route's factory needs (``matrix._review``: opened, every objective assessed,
    submitted, approved: half a second of services each) are made by the first persona's factory
    inside its cell, like every other row; for the next personas they are made once, in a savepoint
    around the route's remaining cells, in the same order. ``_review`` returns an existing review,
    so each cell still starts from the state the first one had when its request was sent."""
    from django.db import transaction

    routes = _routes_by_key()
    tokens = _tokens(world)
    handler = _fresh_client().handler
    cells = {**matrix.WRITE_MATRIX, **matrix.NON_WRITE_POSTS}
    with _charts_kept_across_cells():
        for key, expected in cells.items():
            if keys is not None and key not in keys:
                continue
            with transaction.atomic():
                yield from _route_cells(world, key, expected, routes[(key[0], key[1])], tokens, handler)
                transaction.set_rollback(True)


@contextlib.contextmanager
def _charts_kept_across_cells():
    """Drawn charts kept in memory for the whole write matrix instead of in their database cache.

    The chart cache (``indicators.chart_cache``) is a table, so the rollback after each cell threw
    away every chart drawn in it: the progress report and the status matrix, posted by four personas,
    drew all their charts four times (seconds each). A chart is stored under a key made of the figures
    it shows, so keeping it across cells serves no one anything they could not see; the cache's
    table is outside the watched apps either way."""
    from django.conf import settings
    from django.test import override_settings

    from icsplan.indicators.chart_cache import CACHE_ALIAS

    caches = {**settings.CACHES, CACHE_ALIAS: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                                "LOCATION": "write-matrix-charts"}}
    with override_settings(CACHES=caches):
        from django.core.cache import caches as handler

        try:
            yield
        finally:
            handler[CACHE_ALIAS].clear()  # a locmem cache outlives its settings: nothing for later tests


def _route_cells(world, key, expected, route, tokens, handler):
    from django.db import transaction

    factory = matrix.BODIES.get(key)
    asked = _ReviewsAsked(matrix._review)
    known_tags: dict = {}
    prepared = False
    for persona in (PERSONAS if key in matrix.WRITE_MATRIX else matrix.NON_WRITE_PERSONAS):
        user = world.user(persona)
        if asked.states and not prepared:
            for state in asked.states:
                asked.review(world, state)
            prepared = True
        with transaction.atomic():
            client = _fresh_client(handler)
            is_api = key[1].startswith("api:")
            if user is not None and not is_api:
                client.force_login(user)
            with _patched(matrix, "_review", asked):
                call = factory(world, user) if factory else matrix.Call(args=_args(world, key), form={})
            if call.session and user is not None:
                session = client.session
                session.update(call.session)
                session.save()
            url = url_for(route, call.args)
            before = _fingerprint()
            response = _send(client, key[0], url, call, tokens[persona] if is_api else None, tokens["admin"],
                             known_tags)
            after = _fingerprint()
            transaction.set_rollback(True)
        location = response.get("Location", "")
        yield key, persona, url, expected[persona], response, location, _changed(before, after)


@contextlib.contextmanager
def _patched(module, name: str, value):
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


def _write_problems(cells) -> tuple[list[str], dict]:
    import time

    problems, observed, timings = [], {}, {}
    started = time.perf_counter()
    for key, persona, url, expected, response, location, changed in cells:
        now = time.perf_counter()
        timings[key] = timings.get(key, 0) + now - started
        started = now
        status = response.status_code
        login = status == 302 and location.startswith(settings.LOGIN_URL)
        observed.setdefault(key, {})[persona] = "login" if login else status
        where = f"{key[0]} {url} as {persona}"
        if expected == matrix.LOGIN:
            if not login:
                problems.append(f"{where}: expected the sign-in page, got {status} {location}")
        elif status != expected or login:
            detail = response.content[:200] if status != 302 else location
            problems.append(f"{where}: expected {expected}, got {status} ({detail!r})")
        if key in matrix.UNWATCHED_WRITES:
            pass  # its rows are in an unwatched table (see matrix.UNWATCHED_WRITES)
        elif _expects_change(key, expected) and key in matrix.WRITE_MATRIX:
            if status == expected and not changed:
                problems.append(f"{where}: answered {status} but changed nothing (the write was refused silently?)")
        elif changed:
            problems.append(f"{where}: refused with {status} but changed {', '.join(changed)}")
    if os.environ.get("ICSPLAN_MATRIX_PROBE"):
        for key, seconds in sorted(timings.items(), key=lambda kv: -kv[1])[:10]:
            print(f"    {seconds:6.2f}s {key}")
    return problems, observed


def test_write_matrix(world):
    """Every API write and every page's POST × every persona: allowed ones change the database,
    refused ones answer 401/403/404 or the sign-in page and change nothing."""
    problems, observed = _write_problems(_write_cells(world))
    if os.environ.get("ICSPLAN_MATRIX_PROBE"):
        for key, cells in observed.items():
            print(f"    {key!r}: {cells!r},")
    assert not problems, f"{len(problems)} write cells differ from the matrix:\n  " + "\n  ".join(problems)


def test_write_matrix_catches_a_missing_permission_check(world, monkeypatch):
    """Break the permission layer on purpose (everyone may do anything): the matrix must notice."""
    from icsplan.accounts import permissions

    monkeypatch.setattr(permissions, "can", lambda user, action, obj: True)
    keys = {("PATCH", "api:update_objective"), ("POST", "web:add-linkage")}
    problems, _ = _write_problems(_write_cells(world, keys))
    assert any("as reader" in p for p in problems), problems


def test_the_change_detector_sees_every_edit_in_place(world):
    """The write matrix's detector digests whole tables: an edit that bumps no version, adds no row
    and writes no history (a queryset update) is seen, down to NULL against "" and the last bit of a
    float; reading twice with nothing written in between gives the same digest."""
    from icsplan.indicators.models import Result
    from icsplan.strategies.models import Objective

    objective = Objective.objects.filter(strategy=world.strategy).order_by("pk").first()
    result = Result.objects.filter(strategy=world.strategy).order_by("pk").first()
    assert objective is not None and result is not None
    edits = [
        (Objective, objective.pk, {"justification": None}),
        (Objective, objective.pk, {"justification": ""}),
        (Result, result.pk, {"numerator": 0.1 + 0.2}),
        (Result, result.pk, {"numerator": 0.3}),
    ]
    for model, pk, changes in edits:
        before = _fingerprint()
        assert _changed(before, _fingerprint()) == []
        model.objects.filter(pk=pk).update(**changes)
        assert _changed(before, _fingerprint()) == [model._meta.label_lower], changes
