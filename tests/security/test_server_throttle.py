"""The sign-in throttle holds across the worker processes of the production server.

``icsplan serve --workers 2`` on a throwaway PostgreSQL database: bad API tokens sent over fresh
connections (spread over both workers) are counted together, and once the address is over its
limit both the API (429) and the sign-in pages (the right password included) refuse it. A throttle
kept in each process's memory would let every worker allow its own share.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .test_server_concurrency import PG_BASE, REPO, pg_database, serving  # noqa: F401 (pg_database: a fixture)

pytestmark = pytest.mark.server
PASSWORD = "a long and unusual password 2026"


@pytest.fixture(scope="module")
def two_workers(pg_database, tmp_path_factory):  # noqa: F811 - the imported fixture
    # A copy of the run's demo (already migrated; its accounts play no part here).
    name, data_dir = pg_database
    env = {**os.environ, "DATABASE_URL": f"{PG_BASE}/{name}", "ICSPLAN_DATA_DIR": str(data_dir),
           "SECRET_KEY": secrets.token_urlsafe(40), "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "-m", "icsplan", "users", "add", "signer", "--role", "admin", "--password-stdin"],
                   env=env, cwd=REPO, input=PASSWORD + "\n", text=True, check=True, capture_output=True, timeout=120)
    with serving(env, tmp_path_factory.mktemp("throttle-log") / "serve.log", "--workers", "2", "--threads", "2") as base:
        yield base


def _get_status(url: str, headers: dict):
    """(status, headers: a case-insensitive message) of a GET on a fresh connection."""
    request = urllib.request.Request(url, headers={**headers, "Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers


def _sign_in(base: str, path: str, password: str) -> tuple[int, str]:
    """Post the sign-in form at ``path`` (with its CSRF token) as a browser would."""
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(base + path, timeout=60) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
    body = urllib.parse.urlencode({"username": "signer", "password": password, "csrfmiddlewaretoken": token,
                                   "next": "/"}).encode()
    try:
        with opener.open(urllib.request.Request(base + path, data=body), timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_workers_share_one_throttle(two_workers):
    base = two_workers
    limit = 30  # ICSPLAN_SIGNIN_LIMITS["address"] in the shipped settings
    statuses = [_get_status(base + "/api/v1/strategies", {"Authorization": f"Bearer icsp_guess{n}"})[0]
                for n in range(limit)]
    assert statuses == [401] * limit
    status, headers = _get_status(base + "/api/v1/strategies", {"Authorization": "Bearer icsp_one-more"})
    assert status == 429 and int(headers["Retry-After"]) > 0
    assert "no-store" in headers["Cache-Control"]
    # The same address's password sign-in is held back too, on the app's page and on the admin's.
    for path in ("/accounts/login/", "/admin/login/?next=/admin/"):
        status, page = _sign_in(base, path, PASSWORD)
        # The wait is told in whole minutes from one-minute slots: on a slow machine a minute or
        # more may pass between the first refusal and this sign-in.
        assert status == 200 and re.search(r"Too many sign-in attempts; try again in 1[345] minutes\.", page), path
