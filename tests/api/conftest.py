"""Fixtures for the API tests: the access-control world, tokens, and a small JSON client."""

from __future__ import annotations

import json as jsonlib

import pytest
from django.test import Client

from icsplan.accounts.actors import SYSTEM


class Api:
    """A test client speaking JSON to /api/v1 with an optional Bearer token."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.token = token
        self.client = client or Client()

    def request(self, method: str, path: str, body=None, headers: dict | None = None, **params):
        extra = {}
        if self.token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        url = path if path.startswith("/") else f"/api/v1/{path}"
        fn = getattr(self.client, method.lower())
        if method.upper() in ("GET", "HEAD"):
            return fn(url, params, **extra)
        data = jsonlib.dumps(body) if body is not None else ""
        return fn(url, data, content_type="application/json", **extra)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def token_for(user, scope="write", mission=None, **kw) -> str:
    from icsplan.accounts.services import create_token

    _row, plaintext = create_token(user, scope=scope, mission=mission, **kw, actor=SYSTEM)
    return plaintext


@pytest.fixture()
def api_as(world):
    """``api_as("editor", scope="write")`` -> an Api with a fresh token of that persona."""

    def make(persona: str | None = None, scope: str = "write", mission=None) -> Api:
        if persona in (None, "anonymous"):
            return Api()
        return Api(token_for(world.user(persona), scope=scope, mission=mission))

    return make
