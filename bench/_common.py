"""What the in-process benchmarks share: a throwaway SQLite data folder with Django set up in it,
a best-of-N timer, and the generated 1x/10x missions of the web tests.

Not a benchmark itself (``make bench`` skips files starting with ``_``). A benchmark run as
``.venv/bin/python bench/X.py`` finds it because its own folder is first on ``sys.path``::

    from _common import best_of, build_sites, throwaway_site

    with throwaway_site(mpl=True):
        sites = build_sites()
        print(best_of(lambda: ..., rounds=3))
"""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT), str(ROOT / "src")):  # the code under test and tests/ (the generators)
    if _path not in sys.path:
        sys.path.insert(0, _path)

#: The web tests' generated missions: goals x objectives per goal x indicators per objective
SIZES: Mapping[str, tuple[int, int, int]] = {"1x": (2, 3, 3), "10x": (5, 6, 6)}


@contextlib.contextmanager
def throwaway_site(*, mpl: bool = False, env: Mapping[str, str] | None = None,
                   postgres: str | None = None) -> Iterator[Path]:
    """Set Django up on a fresh SQLite database in a temporary data folder (never the
    ``DATABASE_URL`` of the environment), migrated, and remove the folder afterwards.

    ``postgres`` (a server URL such as ``postgresql://postgres@127.0.0.1:5432``) uses a fresh
    PostgreSQL database on that server instead, dropped afterwards. ``mpl`` gives matplotlib a
    cache folder inside it (benches that draw charts); ``env`` adds settings (e.g.
    ``ICSPLAN_TASKS_BACKEND``)."""
    with tempfile.TemporaryDirectory(prefix="icsplan-bench-") as data_dir, _throwaway_database(postgres) as url:
        os.environ.pop("DATABASE_URL", None)
        if url:
            os.environ["DATABASE_URL"] = url
        os.environ.update({"ICSPLAN_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "icsplan.config.settings"})
        if mpl:
            os.environ["MPLCONFIGDIR"] = str(Path(data_dir) / "mpl")
        os.environ.update(env or {})
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        try:
            yield Path(data_dir)
        finally:
            from django.db import connections

            connections.close_all()  # before the database is dropped


@contextlib.contextmanager
def _throwaway_database(server: str | None) -> Iterator[str | None]:
    """A new, empty PostgreSQL database on ``server`` (its URL), dropped afterwards; None without one."""
    if not server:
        yield None
        return
    import psycopg

    name = f"icsplan_bench_{os.getpid()}"
    base = server.rstrip("/")
    admin = f"{base}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def best_of(fn: Callable[[], Any], rounds: int, *, clock: Callable[[], float] = time.perf_counter,
            before: Callable[[], Any] | None = None) -> float:
    """The shortest of ``rounds`` runs of ``fn`` (at least one), in seconds of ``clock``: wall time
    by default, ``time.process_time`` for the CPU time of this process. ``before`` (not measured)
    sets up each round."""
    best = float("inf")
    for _ in range(max(1, rounds)):
        if before is not None:
            before()
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best


def build_sites(sizes: Mapping[str, tuple[int, int, int]] = SIZES) -> dict[str, Any]:
    """Import one approved generated mission per size ("Bench1x", "Bench10x"), each with the demo
    accounts as members (the same accounts in every mission); returns the strategy rows by size."""
    from icsplan.accounts.actors import SYSTEM
    from icsplan.accounts.demo import create_demo_users
    from icsplan.strategies import services
    from tests.web.conftest import make_document

    sites = {}
    for name, (goals, objectives, indicators) in sizes.items():
        row = services.import_strategy(make_document(f"Bench{name}", goals, objectives, indicators),
                                       status="approved", actor=SYSTEM)
        create_demo_users(row)
        sites[name] = row
    return sites


def wait_for_server(port: int, *, seconds: float, server: subprocess.Popen | None = None,
                    log: Path | None = None) -> None:
    """Wait until the server on 127.0.0.1:``port`` answers /healthz with 200; stop the bench when it
    does not within ``seconds`` or when its process (``server``) exits (printing the end of ``log``)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if server is not None and server.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log is not None else ""
            raise SystemExit("the server stopped:\n" + tail)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not start within {seconds:.0f} s")
