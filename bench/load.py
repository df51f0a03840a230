"""Load test: 32 simulated people at once against the production server (2 granian workers).

    .venv/bin/python bench/load.py [--users 32] [--seconds 30] [--missions 20] [--seed 1] [--sqlite]

Set-up (not timed): a throwaway PostgreSQL database on 127.0.0.1:5432 (user postgres, trust;
dropped at the end, even on failure) or, with ``--sqlite``, a throwaway SQLite file; migrate; the
Mali demo; ``icsplan synth --missions N --seed S``; then, through the accounts services as the
system actor, one account per simulated person: bureau analysts (one per bureau that has
missions, in turn) and reporters (each a reporter of one mission, assigned one objective).

Then ``icsplan serve --workers 2`` on loopback, with sessions and the sign-in throttle in the
database as in docs/deployment.md, and a bounded load generator in this process (``http.client``,
one thread and one keep-alive connection per person). Each person signs in through the sign-in
form (CSRF cookie and form token, as a browser would), then repeats its round until the time is
up, with no pause between requests (a closed loop: the figures are what the server sustains;
no request starts after ``--seconds``, those in flight then are waited for and counted):

* analysts: their bureau's dashboard, a mission dashboard of that bureau, a search for
  "security" across the missions they read, and /healthz;
* reporters: the results entry page, their mission's dashboard, a result submission through the
  API with the session cookie (the ``X-CSRFToken`` header, and ``If-Match`` with the ETag read from
  the result or kept from the previous answer, as a client of the API would), and /healthz.

Prints the requests, throughput, p50/p99 of each kind of request and its p50 as a ratio to the
p50 of /healthz measured in the same run, and the errors: any answer that is neither 2xx/3xx nor
an expected 304, 409 or 412 (two writers racing on one result), with the first few bodies. Exits
with status 1 on any error: a 5xx (or no answer at all) above all, but a refused request (a
4xx) means the simulated people did not do what they meant to either.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from _common import wait_for_server

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = "postgresql://postgres@127.0.0.1:5432"
PASSWORD = "load-test-Pa55phrase!"
KINDS = ("healthz", "bureau dashboard", "mission dashboard", "search", "results page", "result GET", "result POST")

SETUP = r"""
import django, json, sys
django.setup()
from icsplan.accounts.actors import SYSTEM
from icsplan.accounts import services as accounts
from icsplan.accounts.models import Mission, Membership
from icsplan.indicators.models import Indicator, PeriodLock, Result
from icsplan.strategies.models import Strategy

analysts, reporters = int(sys.argv[1]), int(sys.argv[2])
password = sys.argv[3]
in_force = {}
for row in Strategy.objects.filter(status="approved").select_related("mission__bureau").order_by("mission__country", "-edition"):
    in_force.setdefault(row.mission_id, row)
by_bureau = {}
for row in in_force.values():
    if row.mission.bureau_id:
        by_bureau.setdefault(row.mission.bureau.code, []).append(row.mission.slug)
bureaus = sorted(by_bureau)
people = []
for k in range(analysts):
    code = bureaus[k % len(bureaus)]
    name = f"load-analyst-{k}"
    accounts.create_user(name, password=password, role="analyst", bureau=code, actor=SYSTEM, validate=False)
    people.append({"kind": "analyst", "username": name, "bureau": code, "missions": sorted(by_bureau[code])})

# Reporters: objectives with result rows to resubmit, one per mission in turn, then a second
# objective of each mission, and so on, until every reporter has its own (when there are enough).
strategies = sorted(in_force.values(), key=lambda s: s.mission.country)
candidates = []
for strategy in strategies:
    locked = {lock.period[:6] for lock in PeriodLock.objects.filter(strategy=strategy)}
    mine = []
    for objective in strategy.objectives.order_by("position", "pk")[:4]:
        rows = Result.objects.filter(indicator__objective=objective, category="", category_value="")
        jobs = [{"indicator": r.indicator_id, "period": r.period, "value": r.value, "numerator": r.numerator,
                 "denominator": r.denominator} for r in rows.order_by("indicator_id", "period")
                if r.period[:6] not in locked]
        if jobs:
            mine.append((strategy, objective, jobs))
    candidates.append(mine)
objectives = [c[i] for i in range(4) for c in candidates if i < len(c)]
for k in range(reporters):
    strategy, objective, jobs = objectives[k % len(objectives)]
    name = f"load-reporter-{k}"
    user = accounts.create_user(name, password=password, role="reporter", mission=strategy.mission, actor=SYSTEM,
                                validate=False)
    membership = Membership.objects.get(user=user, mission=strategy.mission, role="reporter")
    accounts.assign_reporter(membership, objective=objective, actor=SYSTEM)
    people.append({"kind": "reporter", "username": name, "mission": strategy.mission.slug,
                   "edition": strategy.edition, "objective": objective.number, "jobs": jobs})
print(json.dumps({"people": people, "missions": len(in_force), "bureaus": bureaus,
                  "indicators": Indicator.objects.count(), "results": Result.objects.count()}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _command() -> list[str]:
    # The installed console script (``python -m icsplan.cli`` would load the CLI module twice).
    script = Path(PYTHON).with_name("icsplan")
    return [str(script)] if script.exists() else [PYTHON, "-c", "from icsplan.cli import main; main()"]


def _run(args: list[str], env: dict[str, str], what: str, timeout: float = 900) -> str:
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{what} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc.stdout


# -- the throwaway database ------------------------------------------------------------------------

def _pg_admin(sql: str) -> None:
    import psycopg

    try:
        with psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)
    except psycopg.OperationalError as error:
        raise SystemExit(f"PostgreSQL at {PG} (user postgres) refused {sql!r}: {error}\n"
                         "(start it, or run the load test on SQLite with --sqlite)") from None


class Database:
    """A throwaway PostgreSQL database (or SQLite file in the data folder), dropped on exit."""

    def __init__(self, sqlite: bool, data_dir: Path):
        self.sqlite = sqlite
        self.name = f"icsplan_load_{os.getpid()}"
        self.url = f"sqlite:///{data_dir / 'load.sqlite3'}" if sqlite else f"{PG}/{self.name}"
        self.created = False

    def __enter__(self) -> Database:
        if not self.sqlite:
            _pg_admin(f'CREATE DATABASE "{self.name}"')
            self.created = True
        return self

    def __exit__(self, *exc) -> None:
        if self.created:
            try:
                _pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            except (Exception, SystemExit) as error:  # noqa: BLE001 - say so, but keep the run's own outcome
                print(f"warning: could not drop the database {self.name}: {error}", file=sys.stderr)


# -- one simulated person --------------------------------------------------------------------------

class Person:
    """A browser-like client: one keep-alive connection, its cookies, the CSRF token, ETags."""

    def __init__(self, port: int, spec: dict, record):
        self.port, self.spec, self.record = port, spec, record
        self.cookies: dict[str, str] = {}
        self.etags: dict[tuple[int, str], tuple[int, str]] = {}  # (indicator, period) -> (result id, ETag)
        self.conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def request(self, kind: str | None, method: str, path: str, body: str | bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
            status = response.status
            for raw in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(raw).items():
                    self.cookies[name] = morsel.value
            answer = {k.lower(): v for k, v in response.getheaders()}
        except (OSError, http.client.HTTPException) as error:
            self.conn.close()
            self.conn = self._connect()
            status, answer, content = 0, {}, f"no answer: {error!r}".encode()
        if kind is not None:
            self.record(kind, method, path, status, time.perf_counter() - started, content)
        return status, answer, content

    def sign_in(self) -> None:
        status, _h, _c = self.request(None, "GET", "/accounts/login/")
        if status != 200 or "csrftoken" not in self.cookies:
            raise SystemExit(f"{self.spec['username']}: the sign-in page answered {status}")
        form = urlencode({"username": self.spec["username"], "password": PASSWORD,
                          "csrfmiddlewaretoken": self.cookies["csrftoken"]})
        status, _h, content = self.request(None, "POST", "/accounts/login/", form,
                                           {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{self.spec['username']}: sign-in answered {status}: {content[:300]!r}")

    def rounds(self, stop_at: float) -> None:
        step = self._analyst_round if self.spec["kind"] == "analyst" else self._reporter_round
        for n in itertools.count():
            if time.perf_counter() >= stop_at:
                return
            step(n, stop_at)

    def _analyst_round(self, n: int, stop_at: float) -> None:
        missions = self.spec["missions"]
        steps = [("bureau dashboard", f"/bureaus/{self.spec['bureau']}/"),
                 ("mission dashboard", f"/missions/{missions[n % len(missions)]}/"),
                 ("search", "/search/?" + urlencode({"q": "security"})),
                 ("healthz", "/healthz")]
        for kind, path in steps:
            if time.perf_counter() >= stop_at:
                return
            self.request(kind, "GET", path)

    def _reporter_round(self, n: int, stop_at: float) -> None:
        spec = self.spec
        job = spec["jobs"][n % len(spec["jobs"])]
        self.request("results page", "GET", f"/missions/{spec['mission']}/results/?"
                     + urlencode({"edition": spec["edition"], "period": job["period"]}))
        if time.perf_counter() >= stop_at:
            return
        self.request("mission dashboard", "GET", f"/missions/{spec['mission']}/")
        if time.perf_counter() >= stop_at:
            return
        self._submit(job)
        if time.perf_counter() < stop_at:
            self.request("healthz", "GET", "/healthz")

    def _submit(self, job: dict) -> None:
        key = (job["indicator"], job["period"])
        if key not in self.etags:
            # First time on this result: find it and read its ETag, as a client would.
            status, _h, content = self.request("result GET", "GET", "/api/v1/results?" + urlencode(
                {"indicator": job["indicator"], "period": job["period"]}))
            if status != 200:
                return
            rows = [r for r in json.loads(content)["items"] if not r.get("category")]
            if rows:
                status, headers, _c = self.request("result GET", "GET", f"/api/v1/results/{rows[0]['id']}")
                if status == 200:
                    self.etags[key] = (rows[0]["id"], headers.get("etag", ""))
        payload = {"indicator": job["indicator"], "period": job["period"], "value": job["value"],
                   "numerator": job["numerator"], "denominator": job["denominator"],
                   "comment": f"Checked again ({time.strftime('%H:%M:%S')}).", "reason": "load test"}
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.cookies.get("csrftoken", ""),
                   "Referer": f"http://127.0.0.1:{self.port}/"}
        if key in self.etags:
            headers["If-Match"] = self.etags[key][1]
        status, answer, content = self.request("result POST", "POST", "/api/v1/results", json.dumps(payload), headers)
        if status in (200, 201) and answer.get("etag"):
            self.etags[key] = (json.loads(content)["id"], answer["etag"])
        elif status in (409, 412):
            self.etags.pop(key, None)  # someone else changed it: read it again next time


# -- figures ---------------------------------------------------------------------------------------

class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: list[tuple[str, str, int, bytes]] = []
        self.server_errors = 0

    def __call__(self, kind: str, method: str, path: str, status: int, elapsed: float, content: bytes) -> None:
        expected = 200 <= status < 400 or status in (409, 412)
        with self.lock:
            self.latencies[kind].append(elapsed)
            self.statuses[kind][status] += 1
            if not expected:
                self.errors.append((method, path, status, content))
                if status >= 500 or status == 0:
                    self.server_errors += 1


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _report(recorder: Recorder, wall: float, args, setup: dict, analysts: int, reporters: int) -> None:
    total = sum(len(v) for v in recorder.latencies.values())
    base = 1000 * statistics.median(recorder.latencies["healthz"]) if recorder.latencies["healthz"] else 0.0
    engine = "SQLite" if args.sqlite else "PostgreSQL"
    print(f"icsplan load test: {args.users} simulated people ({analysts} bureau analysts, {reporters} reporters), "
          f"{wall:.1f} s, granian 2 workers x {args.threads} threads on loopback, {engine}; "
          f"data: Mali + {setup['missions'] - 1} synthetic missions (seed {args.seed}), "
          f"{setup['indicators']} indicators, {setup['results']} result values")
    print(f"{'kind':<20}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'p50/healthz':>13}  statuses")
    for kind in KINDS:
        values = recorder.latencies.get(kind, [])
        if not values:
            continue
        p50 = 1000 * statistics.median(values)
        statuses = " ".join(f"{s}:{c}" for s, c in sorted(recorder.statuses[kind].items()))
        print(f"{kind:<20}{len(values):>9}{len(values) / wall:>9.1f}{p50:>9.1f}{_p(values, 0.99):>9.1f}"
              f"{(p50 / base if base else 0):>13.1f}  {statuses}")
    every = [x for v in recorder.latencies.values() for x in v]
    print(f"{'all':<20}{total:>9}{total / wall:>9.1f}{1000 * statistics.median(every) if every else 0:>9.1f}"
          f"{_p(every, 0.99):>9.1f}")
    if setup.get("server_cpu") is not None and total:
        print(f"server CPU (both workers): {setup['server_cpu']:.1f} s in {wall:.1f} s, "
              f"{1000 * setup['server_cpu'] / total:.0f} ms per request on average (on a shared machine the "
              "latencies include others' load; this does not)")
    conflicts = sum(recorder.statuses["result POST"].get(s, 0) for s in (409, 412))
    print(f"errors: {len(recorder.errors)} (server errors 5xx or no answer: {recorder.server_errors}); "
          f"expected write conflicts (409/412): {conflicts}")
    for method, path, status, content in recorder.errors[:5]:
        print(f"  {status} {method} {path}: {content[:400].decode('utf-8', 'replace')!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=32, help="simulated people at once")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the load lasts")
    parser.add_argument("--missions", type=int, default=20, help="synthetic missions besides Mali")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reporters", type=float, default=0.5, help="share of the people who are reporters")
    parser.add_argument("--threads", type=int, default=4, help="blocking threads per server worker")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of a throwaway PostgreSQL database")
    args = parser.parse_args()
    if args.users < 2 or args.seconds <= 0 or args.missions < 1:
        raise SystemExit("--users must be 2 or more, --seconds and --missions positive")
    reporters = min(args.users - 1, max(1, round(args.users * args.reporters)))
    analysts = args.users - reporters

    data_dir = Path(tempfile.mkdtemp(prefix="icsplan-bench-load-"))
    server: subprocess.Popen | None = None
    try:
        with Database(args.sqlite, data_dir) as database:
            env = dict(os.environ)
            env.update({"ICSPLAN_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "icsplan.config.settings",
                        "DATABASE_URL": database.url, "SECRET_KEY": "load-test-" + os.urandom(16).hex(),
                        "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")})
            began = time.perf_counter()
            _run([*_command(), "demo"], env, "icsplan demo")
            demo = time.perf_counter()
            _run([*_command(), "synth", "--missions", str(args.missions), "--seed", str(args.seed)], env,
                 "icsplan synth")
            synth = time.perf_counter()
            setup = json.loads(_run([PYTHON, "-c", SETUP, str(analysts), str(reporters), PASSWORD], env,
                                    "creating the accounts").strip().splitlines()[-1])
            print(f"set-up: {time.perf_counter() - began:.0f} s (migrate and Mali {demo - began:.0f} s, "
                  f"synth {synth - demo:.0f} s, accounts {time.perf_counter() - synth:.0f} s)", file=sys.stderr)
            port = _free_port()
            # Own session: the server's workers are stopped with it, by its process group.
            log = data_dir / "server.log"
            with log.open("wb") as sink:
                server = subprocess.Popen([*_command(), "serve", "--port", str(port), "--workers", "2",
                                           "--threads", str(args.threads)], env=env, cwd=ROOT,
                                          stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
            wait_for_server(port, seconds=300, server=server, log=log)
            recorder = Recorder()
            people = [Person(port, spec, recorder) for spec in setup["people"]]
            for person in people:
                person.sign_in()
            # Warm both workers (imports, first queries) before measuring: a few untimed rounds.
            warm = Recorder()
            for person in people[:4] + people[-4:]:
                person.record = warm
                person.rounds(time.perf_counter() + 1.0)
                person.record = recorder
            cpu_before = _cpu_seconds(server.pid)
            stop_at = time.perf_counter() + args.seconds
            threads = [threading.Thread(target=p.rounds, args=(stop_at,), daemon=True) for p in people]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
            cpu_after = _cpu_seconds(server.pid)
            setup["server_cpu"] = (cpu_after - cpu_before) if cpu_after is not None and cpu_before is not None else None
            if recorder.server_errors:
                print("server log (end):\n" + log.read_text(errors="replace")[-3000:], file=sys.stderr)
    finally:
        _stop(server)
        shutil.rmtree(data_dir, ignore_errors=True)
    _report(recorder, wall, args, setup, analysts, reporters)
    if recorder.errors:
        sys.exit(1)


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process and its children still running (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, pending, seen = 0, [pid], set()
    try:
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
    except (OSError, ValueError, IndexError):
        return None
    return total / ticks


def _stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)  # the server we started and its workers
        server.wait(timeout=15)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


if __name__ == "__main__":
    main()
