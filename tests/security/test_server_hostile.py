"""Hostile input against the production server (``icsplan serve`` on a throwaway PostgreSQL database).

Each case is refused with a 4xx ``application/problem+json`` answer within a bounded time, nothing is
written, and the server answers ``/healthz`` at once afterwards: a deflate-bomb PDF (stopped by the
reader's limits in its child process), an oversized body, a deeply nested body, a multipart body sent
to a JSON endpoint, and out-of-range numbers. The reader's limits are set small through the
environment, as an operator would, so the bomb is stopped in seconds.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import time
import urllib.request
import uuid

import pytest

from .hostile_files import deflate_bomb_pdf
from .test_server_concurrency import PG_BASE, _django, _run, pg_database, serving  # noqa: F401

pytestmark = pytest.mark.server

#: how long the server may take to answer /healthz after a hostile request
HEALTHY_WITHIN = 5.0
#: an upper bound for any one refusal (the reader's limit is 3 s; the rest is start-up and noise)
REFUSED_WITHIN = 60.0


@pytest.fixture(scope="module")
def served(pg_database, tmp_path_factory):  # noqa: F811 - the imported fixture
    name, data_dir = pg_database  # the demo, migrated and loaded
    env = {**os.environ, "DATABASE_URL": f"{PG_BASE}/{name}", "ICSPLAN_DATA_DIR": str(data_dir),
           "SECRET_KEY": secrets.token_urlsafe(40), "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "ICSPLAN_READ_SECONDS": "3", "ICSPLAN_READ_MEMORY_MB": "768"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    token = _run(env, "users", "token", "mali-editor", "--scope", "write", "--mission", "Mali").strip().splitlines()[-1]
    with serving(env, tmp_path_factory.mktemp("hostile-log") / "serve.log", "--threads", "4") as base:
        yield {"base": base, "env": env, "token": token}


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=HEALTHY_WITHIN) as response:
            return response.status == 200
    except OSError:
        return False


def _send(served, path: str, body: bytes, content_type: str) -> tuple[int, str, dict]:
    """(status, content type, parsed body) of a POST, checked against the time bound.

    A server that refuses a body by its declared length answers before reading it and closes the
    connection, so the client may hit a broken pipe while still sending: its answer is read all the
    same, as a browser would.
    """
    host, port = served["base"].removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=REFUSED_WITHIN)
    started = time.monotonic()
    try:
        try:
            connection.request("POST", path, body=body, headers={
                "Authorization": f"Bearer {served['token']}", "Content-Type": content_type})
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = connection.getresponse()
        status, kind, raw = response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()
    assert time.monotonic() - started < REFUSED_WITHIN
    return status, kind, json.loads(raw or b"{}")


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _counts(served) -> dict:
    return _django(served["env"], (
        "from icsplan.indicators.models import Result, Target\n"
        "from icsplan.imports.models import StagedImport\n"
        "from icsplan.strategies.models import Strategy\n"
        "result = {'results': Result.objects.count(), 'targets': Target.objects.count(),\n"
        "          'staged': StagedImport.objects.count(), 'strategies': Strategy.objects.count()}"))


def _indicator_id(served) -> int:
    return _django(served["env"], (
        "from icsplan.indicators.models import Indicator\n"
        "result = Indicator.objects.filter(strategy__mission__country='Mali').order_by('pk').first().pk"))


def _refused(status: int, kind: str, body: dict, expected: set[int]) -> None:
    assert status in expected, (status, body)
    assert kind.startswith("application/problem+json"), kind
    assert body.get("code") and body.get("detail") and "Traceback" not in json.dumps(body)


def test_hostile_requests_are_refused_and_the_server_stays_up(served):
    before = _counts(served)
    indicator = _indicator_id(served)

    body, kind = _multipart({"mission": "Mali"}, {"file": ("bomb.pdf", deflate_bomb_pdf(400))})
    _refused(*_send(served, "/api/v1/imports", body, kind), expected={413, 422})
    assert _healthy(served["base"])

    _refused(*_send(served, "/api/v1/results", b'{"value": "' + b"9" * (30 * 1024 * 1024) + b'"}',
                    "application/json"), expected={413})
    assert _healthy(served["base"])

    _refused(*_send(served, "/api/v1/results", b"[" * 100_000 + b"]" * 100_000, "application/json"), expected={400})
    assert _healthy(served["base"])

    body, kind = _multipart({"indicator": str(indicator), "period": "FY2026", "value": "5"}, {})
    _refused(*_send(served, "/api/v1/results", body, kind), expected={415})
    assert _healthy(served["base"])

    for value in ("1e309", "3.4028235e38", "1000000000000000000", "9" * 30):
        payload = json.dumps({"indicator": indicator, "period": "FY2026", "value": value}).encode()
        _refused(*_send(served, "/api/v1/results", payload, "application/json"), expected={422})
    assert _healthy(served["base"])

    assert _counts(served) == before
