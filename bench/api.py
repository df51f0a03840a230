"""API benchmark: the strategy tree and result submission against the same server's /healthz.

    .venv/bin/python bench/api.py [--requests 300] [--concurrency 4] [--seconds 20] [--compare-src DIR]

Loads the Mali demo into a throwaway SQLite data folder, starts ``icsplan serve`` (granian) on
127.0.0.1 in a child process, then drives it from a second process with a small bounded load
generator (``http.client`` in threads; every phase stops at its request count or time budget,
whichever comes first). Prints requests/s, p50 and p99 for each endpoint and each as a ratio to
/healthz measured in the same run, and the tree's SQL query count at the Mali size and at ten times
that size.

``--compare-src DIR`` also serves another version of the code (``DIR/src``, e.g. the last commit
exported with ``git archive HEAD src | tar -x -C DIR``) from the same data, and measures /healthz
and the tree on both servers in alternating rounds, so that load from elsewhere on the machine
falls on both alike: a before/after comparison measured side by side in one run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import wait_for_server

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir: Path, src: Path = ROOT / "src") -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update({"ICSPLAN_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "icsplan.config.settings",
                "PYTHONPATH": str(src) + os.pathsep + env.get("PYTHONPATH", "")})
    return env


SETUP = r"""
import django, json, sys
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from icsplan.accounts.actors import SYSTEM
from icsplan.demo import build_demo
from icsplan.strategies.models import Strategy
if not Strategy.objects.filter(mission__country="Mali").exists():
    build_demo()
from django.contrib.auth import get_user_model
from icsplan.accounts.services import add_membership, create_token
from icsplan.indicators.models import Indicator
mali = Strategy.objects.get(mission__country="Mali")
User = get_user_model()
user = User.objects.create(username="bench-editor")
add_membership(user, "editor", mission=mali.mission, actor=SYSTEM)
_row, token = create_token(user, scope="write", actor=SYSTEM)
from icsplan.indicators.models import Result
from icsplan.indicators.periods import periods_between
from icsplan.indicators.validation import strategy_years
first, last = strategy_years(mali)
values = {"number": "12", "percent": "45", "currency": "1000", "milestone": "yes", "qualitative": "Progress noted."}
jobs = []
for ind in Indicator.objects.filter(strategy=mali).order_by("pk"):
    if ind.disaggregations.exists():
        continue
    for p in periods_between(first, last, ind.frequency):
        row = Result.objects.filter(indicator=ind, period=p.id, category="", category_value="").first()
        tag = f'"result-{row.pk}-v{row.version}.f"' if row else None
        # Changing an approved figure takes a reason (the product's rule, as on the web).
        jobs.append([ind.pk, p.id, values[ind.value_type], tag, bool(row and row.status == "approved")])
print(json.dumps({"strategy": mali.pk, "token": token, "jobs": jobs}))
"""

QUERY_COUNT = r"""
import django, json
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icsplan.strategies import services
from icsplan.strategies.models import Strategy
from icsplan.accounts.actors import SYSTEM
from icsplan.indicators.models import Indicator

mali = Strategy.objects.get(mission__country="Mali", edition="2018")
document = services.load_strategy(mali)
big = document.model_copy(deep=True)
big.mission.country = "Bigmali"
goals = []
for copy in range(10):
    for goal in document.goals:
        g = goal.model_copy(deep=True)
        g.number = f"{copy * 10 + int(goal.number)}"
        for o in g.objectives:
            o.number = g.number + "." + o.number.split(".", 1)[1]
            for s in o.sub_objectives:
                s.number = o.number + "." + s.number.rsplit(".", 1)[1]
            for i in o.indicators:
                i.code = f"{copy}-{i.code}"
        goals.append(g)
big.goals = goals
mos = []
for copy in range(10):
    for mo in document.management_objectives:
        m = mo.model_copy(deep=True)
        m.number = f"{copy * 10 + int(mo.number)}"
        for s in m.sub_objectives:
            s.number = m.number + "." + s.number.rsplit(".", 1)[1]
        for i in m.indicators:
            i.code = f"{copy}-{i.code}"
        mos.append(m)
big.management_objectives = mos
big_row = services.import_strategy(big, edition="2018", status="approved", actor=SYSTEM)
client = Client()
out = {}
for name, row in (("mali", mali), ("mali_x10", big_row)):
    client.get(f"/api/v1/strategies/{row.pk}/tree")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/v1/strategies/{row.pk}/tree")
    assert response.status_code == 200, response.content[:300]
    out[name] = {"queries": len(ctx.captured_queries), "bytes": len(response.content),
                 "indicators": Indicator.objects.filter(strategy=row).count(),
                 "objectives": row.objectives.count()}
print(json.dumps(out))
"""


def _run_python(code: str, env: dict[str, str]) -> dict:
    proc = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"setup failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _load(port: int, make_request, total: int, concurrency: int, seconds: float) -> dict:
    """Send up to ``total`` requests from ``concurrency`` threads, for at most ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(total))
    stop_at = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop_at:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            method, path, body, headers = make_request(i)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    return _figures(latencies, errors[0], wall)


def _figures(latencies: list[float], errors: int, wall: float) -> dict:
    latencies = sorted(latencies)
    n = len(latencies)
    return {
        "requests": n, "errors": errors, "rps": n / wall if wall else 0.0, "wall": wall, "latencies": latencies,
        "p50_ms": 1000 * statistics.median(latencies) if n else 0.0,
        "p99_ms": 1000 * latencies[min(n - 1, int(0.99 * n))] if n else 0.0,
    }


def _merged(runs: list[dict]) -> dict:
    return _figures([x for r in runs for x in r["latencies"]], sum(r["errors"] for r in runs),
                    sum(r["wall"] for r in runs))


def _start_server(command: list[str], port: int, env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen([*command, "serve", "--port", str(port), "--threads", "4"],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_server(port, seconds=300)  # a loaded machine starts it slowly; the bench measures after
    return server


def _stop(server: subprocess.Popen | None) -> None:
    if server is None:
        return
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def _print_table(title: str, rows: list[tuple[str, dict]], base: dict) -> None:
    print(title)
    print(f"{'endpoint':<22}{'requests':>9}{'errors':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'rps ratio':>11}{'p50 ratio':>11}{'p99 ratio':>11}")
    for label, f in rows:
        print(f"{label:<22}{f['requests']:>9}{f['errors']:>8}{f['rps']:>10.1f}{f['p50_ms']:>9.2f}{f['p99_ms']:>9.2f}"
              f"{f['rps'] / base['rps']:>11.3f}{f['p50_ms'] / base['p50_ms']:>11.1f}{f['p99_ms'] / base['p99_ms']:>11.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per endpoint (upper bound)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0, help="time budget per endpoint")
    parser.add_argument("--compare-src", type=Path, default=None,
                        help="a source tree of another version (its src/): tree and /healthz side by side")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds of the comparison")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="icsplan-bench-api-"))
    env = _env(data_dir)
    server = other = None
    compared: dict[str, dict] = {}
    try:
        setup = _run_python(SETUP, env)
        port = _free_port()
        # The installed console script (``python -m icsplan.cli`` would load the CLI module twice).
        script = Path(PYTHON).with_name("icsplan")
        command = [str(script)] if script.exists() else [PYTHON, "-c", "from icsplan.cli import main; main()"]
        server = _start_server(command, port, env)
        auth = {"Authorization": f"Bearer {setup['token']}"}
        tree_path = f"/api/v1/strategies/{setup['strategy']}/tree"

        def health(i):
            return "GET", "/healthz", None, {}

        def tree(i):
            return "GET", tree_path, None, auth

        # Each submission is a distinct (indicator, period): a new result, or a resubmission of
        # an existing one with its ETag in If-Match (read once during set-up) and, when that one
        # was approved, the reason for changing it (without one the service answers 422: every
        # such call used to be counted as an error).
        jobs = setup["jobs"]

        def submit(i):
            indicator, period, value, tag, approved = jobs[i]
            fields = {"indicator": indicator, "period": period, "value": value}
            if approved:
                fields["reason"] = "Corrected figure (benchmark resubmission)."
            body = json.dumps(fields)
            headers = {**auth, "Content-Type": "application/json"}
            if tag:
                headers["If-Match"] = tag
            return "POST", "/api/v1/results", body, headers

        # Warm up the worker (imports, first queries) before measuring anything.
        _load(port, tree, 5, 1, 10)
        figures = {}
        figures["healthz"] = _load(port, health, args.requests, args.concurrency, args.seconds)
        figures["tree"] = _load(port, tree, args.requests, args.concurrency, args.seconds)
        # Submissions write; a bounded number of distinct periods keeps each one a real insert.
        figures["submit"] = _load(port, submit, min(args.requests, len(jobs)), 1, args.seconds)
        if args.compare_src is not None:
            other_port = _free_port()
            other = _start_server(command, other_port, _env(data_dir, args.compare_src.resolve() / "src"))
            _load(other_port, tree, 5, 1, 10)  # warm-up
            runs: dict[str, list[dict]] = {k: [] for k in ("healthz", "tree", "other_healthz", "other_tree")}
            per_round = max(1, args.requests // args.rounds)
            budget = args.seconds / args.rounds
            for _round in range(args.rounds):
                for prefix, p in (("", port), ("other_", other_port)):
                    runs[prefix + "healthz"].append(_load(p, health, per_round, args.concurrency, budget))
                    runs[prefix + "tree"].append(_load(p, tree, per_round, args.concurrency, budget))
            compared = {name: _merged(r) for name, r in runs.items()}
        queries = _run_python(QUERY_COUNT, env)
    finally:
        _stop(server)
        _stop(other)
        shutil.rmtree(data_dir, ignore_errors=True)

    _print_table(f"icsplan API benchmark (granian, 1 worker x 4 threads, {args.concurrency} client threads; "
                 "submissions from 1 client thread)",
                 [("GET /healthz", figures["healthz"]), ("GET strategy tree", figures["tree"]),
                  ("POST result", figures["submit"])], figures["healthz"])
    print("tree SQL queries: Mali {q[mali][queries]} ({q[mali][objectives]} objectives, {q[mali][indicators]} "
          "indicators); ten times Mali {q[mali_x10][queries]} ({q[mali_x10][objectives]} objectives, "
          "{q[mali_x10][indicators]} indicators)".format(q=queries))
    if compared:
        print()
        _print_table(f"side by side, {args.rounds} alternating rounds: this code vs {args.compare_src}",
                     [("GET /healthz (this)", compared["healthz"]), ("GET tree (this)", compared["tree"])],
                     compared["healthz"])
        _print_table("", [("GET /healthz (other)", compared["other_healthz"]),
                          ("GET tree (other)", compared["other_tree"])], compared["other_healthz"])
        now, before = compared["tree"], compared["other_tree"]
        print(f"tree, this vs other: {now['rps'] / before['rps']:.2f}x the requests/s, "
              f"p50 {before['p50_ms'] / now['p50_ms']:.2f}x lower, p99 {before['p99_ms'] / now['p99_ms']:.2f}x lower")


if __name__ == "__main__":
    main()
