"""Concurrency over HTTP against the production server (``icsplan serve``: granian, 8 threads) on a
throwaway PostgreSQL database loaded with ``icsplan demo``.

* 20 reporters' result submissions at once, for 20 different indicator/period pairs, plus 5 racing
  on one more pair: no 5xx; every accepted submission is stored exactly once; the race leaves one
  row and the losers get clean problem+json answers (409/412/422/428).
* Two editors change the same objective with the same ETag: one wins, the other gets 412 (or
  409), and the winner's change is intact.

PostgreSQL: ``ICSPLAN_TEST_PG`` (default ``postgresql://postgres@127.0.0.1:5432``). When it is
unreachable the test is skipped — unless ``CI`` is set, where it fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests import served_demo

pytestmark = pytest.mark.server

PG_BASE = os.environ.get("ICSPLAN_TEST_PG", "postgresql://postgres@127.0.0.1:5432").rstrip("/")
REPO = Path(__file__).resolve().parents[2]
STEP_TIMEOUT = 300  # seconds for migrate/demo on two busy cores
REQUEST_TIMEOUT = 60


def _psycopg_connect(dbname: str):
    import psycopg

    return psycopg.connect(f"{PG_BASE}/{dbname}", connect_timeout=5, autocommit=True)


@pytest.fixture(scope="module")
def pg_database(tmp_path_factory):
    """(database name, data folder): a database of this module's own holding a copy of the run's
    Mali demo (tests/served_demo.py: loaded once per run, copied from a template), dropped
    afterwards, and a data folder with the assets; or a skip when PostgreSQL is away."""
    try:
        _psycopg_connect("postgres").close()
    except Exception as exc:  # noqa: BLE001 - any connection failure
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and PostgreSQL is unreachable at {PG_BASE}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {PG_BASE} ({exc}); set ICSPLAN_TEST_PG to run the server test")
    data_dir = tmp_path_factory.mktemp("server-data")
    url, drop = served_demo.postgres_demo(data_dir, dict(os.environ), f"{PG_BASE}/postgres")
    try:
        yield url.rsplit("/", 1)[1], data_dir
    finally:
        drop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(env, *args, timeout=STEP_TIMEOUT) -> str:
    done = subprocess.run([sys.executable, "-m", "icsplan", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"icsplan {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _django(env, code: str) -> object:
    """Run ``code`` (which sets ``result``) with Django set up on the test database; its JSON."""
    script = ("import json, django, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'icsplan.config.settings')\n"
              "django.setup()\n" + code + "\nprint(json.dumps(result))\n")
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=STEP_TIMEOUT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def serving(env: dict, log_path: Path, *options: str):
    """``icsplan serve`` on a free loopback port with ``env``: yields its base URL once ``/healthz``
    answers (60 s at most), and stops it afterwards. Its output goes to ``log_path``."""
    port = _free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "icsplan", "serve", "--host", "127.0.0.1", "--port", str(port),
                                    *options], env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                assert process.poll() is None, f"icsplan serve exited with {process.returncode}"
                assert time.monotonic() < deadline, "icsplan serve did not answer /healthz within 60 s"
                time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(pg_database, tmp_path_factory):
    name, data_dir = pg_database  # the demo, migrated and loaded
    env = {**os.environ, "DATABASE_URL": f"{PG_BASE}/{name}", "ICSPLAN_DATA_DIR": str(data_dir),
           "SECRET_KEY": secrets.token_urlsafe(40), "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with serving(env, tmp_path_factory.mktemp("server-log") / "serve.log", "--threads", "8") as base:
        yield {"base": base, "env": env, "db": name}


def _call(base: str, method: str, path: str, token: str, body=None, if_match: str | None = None):
    """(status, headers, parsed JSON body or None)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if if_match:
        request.add_header("If-Match", if_match)
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            status, headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, headers, raw = exc.code, exc.headers, exc.read()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw[:300]
    return status, headers, parsed


def _all_at_once(fn, items):
    barrier = threading.Barrier(len(items))

    def run(item):
        barrier.wait(timeout=60)
        return fn(item)

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(run, items, timeout=REQUEST_TIMEOUT * 2))


PAIRS_CODE = """
from django.contrib.auth import get_user_model
from icsplan.accounts.actors import SYSTEM
from icsplan.accounts.permissions import can_report
from icsplan.indicators.models import Indicator, Result
from icsplan.indicators.periods import periods_between
from icsplan.indicators.services import create_indicator, is_locked
from icsplan.indicators.validation import strategy_years
from icsplan.strategies.models import Strategy

reporter = get_user_model().objects.get(username="mali-reporter")
strategy = Strategy.objects.filter(mission__country="Mali").order_by("-edition").first()
# The demo's sample figures fill most annual periods: add three quarterly indicators on objective
# 1.1 (the demo reporter's assignment), as the operator, so that there are free periods to report.
objective = strategy.objectives.get(number="1.1")
from icsplan.strategies.services import applying_revision
with applying_revision():  # as an approved revision applies it (the demo edition is in force)
    for n in (1, 2, 3):
        create_indicator(objective, code=f"LOAD-{n}", name=f"Load test indicator {n}", frequency="quarterly",
                         actor=SYSTEM)
taken = set(Result.objects.filter(strategy=strategy).values_list("indicator_id", "period"))
first, last = strategy_years(strategy)
pairs = []
for indicator in Indicator.objects.filter(strategy=strategy).order_by("pk"):
    if not can_report(reporter, indicator):
        continue
    for year in range(first, last + 1):
        for period in periods_between(year, year, indicator.frequency):
            if (indicator.pk, period.id) not in taken and not is_locked(strategy, period.id):
                pairs.append([indicator.pk, period.id])
# Spread the pairs over indicators first, so that sums and locks of one indicator do not dominate.
by_indicator = {}
for indicator_id, period in pairs:
    by_indicator.setdefault(indicator_id, []).append([indicator_id, period])
spread = []
while any(by_indicator.values()):
    for rows in by_indicator.values():
        if rows:
            spread.append(rows.pop(0))
result = spread[:21]
"""


def test_concurrent_result_submissions_over_http(server):
    base, env = server["base"], server["env"]
    token = _run(env, "users", "token", "mali-reporter", "--scope", "write", "--mission", "Mali").strip().splitlines()[-1]
    pairs = _django(env, PAIRS_CODE)
    assert len(pairs) == 21, f"the demo has too few free indicator/period pairs for mali-reporter: {pairs}"
    distinct, (race_indicator, race_period) = pairs[:20], pairs[20]
    jobs = [("distinct", i, p, str(n + 1)) for n, (i, p) in enumerate(distinct)]
    jobs += [("race", race_indicator, race_period, str(100 + n)) for n in range(5)]

    def submit(job):
        _kind, indicator, period, value = job
        return job, _call(base, "POST", "/api/v1/results", token,
                          {"indicator": indicator, "period": period, "value": value, "comment": "load test"})

    outcomes = _all_at_once(submit, jobs)
    server_errors = [(job, status, body) for job, (status, _h, body) in outcomes if status >= 500]
    assert not server_errors, f"5xx answers: {server_errors}"
    for job, (status, headers, body) in outcomes:
        if job[0] == "distinct":
            assert status == 201, (job, status, body)
    racers = [(job, status, headers, body) for job, (status, headers, body) in outcomes if job[0] == "race"]
    won = [r for r in racers if r[1] in (200, 201)]
    lost = [r for r in racers if r[1] not in (200, 201)]
    assert len(won) == 1, f"racing submissions of one result: {[(r[1], r[3]) for r in racers]}"
    for _job, status, headers, body in lost:
        assert status in (409, 412, 422, 428), (status, body)
        assert headers.get("Content-Type", "").startswith("application/problem+json"), (status, headers)
        assert isinstance(body, dict) and body.get("code") and body.get("detail"), body

    # Count in the database itself: every accepted submission exactly once, the race's winner kept.
    with _psycopg_connect(server["db"]) as conn:
        for indicator, period in distinct + [[race_indicator, race_period]]:
            rows = conn.execute("SELECT value FROM indicators_result WHERE indicator_id = %s AND period = %s",
                                (indicator, period)).fetchall()
            assert len(rows) == 1, (indicator, period, rows)
        winner_value = won[0][0][3]
        stored = conn.execute("SELECT value FROM indicators_result WHERE indicator_id = %s AND period = %s",
                              (race_indicator, race_period)).fetchone()[0]
        assert stored == winner_value, f"the race's stored value {stored!r} is not the accepted one {winner_value!r}"


DRAFT_OBJECTIVE_CODE = """
from icsplan.accounts.actors import SYSTEM
from icsplan.strategies import models as sm, services
source = sm.Strategy.objects.filter(mission__country="Mali", status__in=sm.IN_FORCE_STATUSES).order_by("-edition")[0]
draft = services.copy_edition(source, edition="next", actor=SYSTEM)  # no year: its periods stay as they are
result = draft.objectives.get(number="1.1").pk
"""


def test_two_editors_one_etag_over_http(server):
    base, env = server["base"], server["env"]
    token_a = _run(env, "users", "token", "mali-editor", "--scope", "write", "--mission", "Mali").strip().splitlines()[-1]
    token_b = _run(env, "users", "token", "mali-editor", "--scope", "write").strip().splitlines()[-1]
    # The edition in force changes only through a revision: the two editors edit a draft copy of it.
    objective_id = _django(env, DRAFT_OBJECTIVE_CODE)
    status, _h, listing = _call(base, "GET", "/api/v1/objectives?number=1.1&ordering=-updated_at", token_a)
    assert status == 200 and objective_id in [item["id"] for item in listing["items"]], listing
    path = f"/api/v1/objectives/{objective_id}"
    status, headers, before = _call(base, "GET", path, token_a)
    etag = headers["ETag"]

    # Sequential: the first change wins; the second, based on the same ETag, is refused.
    first = _call(base, "PATCH", path, token_a, {"title": "Title by client A"}, if_match=etag)
    second = _call(base, "PATCH", path, token_b, {"title": "Title by client B"}, if_match=etag)
    assert first[0] == 200, first
    assert second[0] == 412 and second[2]["code"] == "precondition-failed", second
    assert _call(base, "GET", path, token_a)[2]["title"] == "Title by client A"

    # At the same moment: exactly one wins, the other gets 412 (checked before) or 409 (in the service).
    etag = _call(base, "GET", path, token_a)[1]["ETag"]
    outcomes = _all_at_once(lambda job: (job, _call(base, "PATCH", path, job[0], {"title": job[1]}, if_match=etag)),
                            [(token_a, "Concurrent A"), (token_b, "Concurrent B")])
    statuses = sorted(result[0] for _job, result in outcomes)
    assert statuses in ([200, 409], [200, 412]), outcomes
    winner = next(job[1] for job, result in outcomes if result[0] == 200)
    final = _call(base, "GET", path, token_a)[2]
    assert final["title"] == winner and final["version"] == before["version"] + 2
