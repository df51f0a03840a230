"""``Cache-Control: private, no-store`` on every response that may carry SBU or unapproved data:
every response to a signed-in person or a token caller, and every response to a write."""

from __future__ import annotations

import pytest
from django.test import Client

from . import matrix
from .routes import all_routes, url_for
from .world import canary_prefix

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and "Expires" not in response


def _get_urls(world) -> list[str]:
    """The URL of every GET page and API operation of the security matrix, with its arguments."""
    routes = {(r.method, r.name): r for r in all_routes()}
    urls = []
    for key in matrix.MATRIX:
        route = routes.get((key[0], key[1]))
        if route is None or key[0] != "GET":
            continue
        factory = matrix.ARGS.get((key[1], key[2])) if len(key) > 2 else matrix.ARGS.get(key[1])
        urls.append(url_for(route, factory(world) if factory else {}))
    return urls


def test_every_response_to_a_signed_in_reader_is_not_stored(world):
    from icsplan.accounts.actors import SYSTEM
    from icsplan.accounts.services import create_token

    session = Client(REMOTE_ADDR="10.9.9.9")
    session.force_login(world.user("reader"))
    _, token = create_token(world.user("reader"), scope="read", actor=SYSTEM)
    bearer = Client(REMOTE_ADDR="10.9.9.9", HTTP_AUTHORIZATION=f"Bearer {token}")
    urls = _get_urls(world)
    assert len(urls) > 50  # the route list is really walked
    stored, sbu_seen = [], 0
    for url in urls:
        clients = [("session", session)] + ([("token", bearer)] if url.startswith("/api/") else [])
        for how, client in clients:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            sbu_seen += canary_prefix("Testland").encode() in body
            if not _no_store(response):
                stored.append(f"GET {url} ({how}, {response.status_code}): {response.get('Cache-Control')!r}")
    assert not stored, "cacheable responses to a signed-in reader:\n  " + "\n  ".join(stored)
    assert sbu_seen, "no response carried SBU text: the walk proves nothing"


def test_writes_are_never_stored_even_when_refused(world):
    from icsplan.accounts.actors import SYSTEM
    from icsplan.accounts.services import create_token

    _, token = create_token(world.user("editor"), scope="write", actor=SYSTEM)
    objective = world.draft.objectives.get(number="1.1")
    anonymous = Client().patch(f"/api/v1/objectives/{objective.pk}", b"{}", content_type="application/json")
    assert anonymous.status_code == 401 and _no_store(anonymous)
    bad_token = Client().get("/api/v1/strategies", HTTP_AUTHORIZATION="Bearer icsp_not-a-token")
    assert bad_token.status_code == 401 and _no_store(bad_token)
    written = Client().post(f"/api/v1/objectives/{objective.pk}/risks",
                            {"statement": "A new risk."}, content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {token}")
    assert written.status_code < 500 and _no_store(written)
    page_post = Client().post("/accounts/login/", {"username": "nobody", "password": "nothing"})
    assert _no_store(page_post)


def test_anonymous_public_pages_may_be_cached(world):
    response = Client().get("/")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")
