"""The served Mali demo, loaded once per test run and copied to every served app that needs it.

Each browser module (tests/web/test_browser*.py) and each server test (tests/security/test_server_*.py)
serves the app on a database of its own, because its tests change data. Each used to run
``icsplan demo`` (migrate, parse and load Mali, the demo accounts with real Argon2 hashes) itself:
15 to 30 seconds per module on two busy cores. Now the first module that asks builds a template
once per test run (shared by the xdist workers under a file lock, in a run-scoped folder beside
``tests/served_static.py``'s cache), and every module starts from its own copy of it:

* SQLite: the template is a whole data folder (database file, collected static assets, matplotlib's
  font cache); a module gets a copy of the folder.
* PostgreSQL: the template is a database, ``icsplan_tmpl_<run>``; a module gets
  ``CREATE DATABASE icsplan_copy_<run>_<n> TEMPLATE icsplan_tmpl_<run>`` (a file-level copy, well
  under a second) and a copy of the template's data folder for the assets.

A module's own additions (``prepare_served``) run on its copy, after the copy and before ``serve``.

Nothing outlives the run: the controlling pytest process drops the template and removes the folder
when the session ends (``finish_run``). A run that is killed cannot; its databases carry the
machine and the pid of the pytest process that made them (``<run>`` is ``<host>_<pid>_<random>``),
so the next run on this machine drops the ones whose process is gone (``_drop_stale``), and only
those: other people's live runs on the same server keep theirs.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.served_static import seed_static

RUN_ENV = "ICSPLAN_TEST_RUN"  # set once by the controlling process, inherited by the xdist workers
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
_OURS = re.compile(rf"^icsplan_(?:tmpl|copy)_{_HOST}_(\d+)_[0-9a-f]+(?:_[0-9a-f]+)?$")
DEMO_TIMEOUT = 600  # seconds for ``icsplan demo`` on two very busy cores (once per run)
PASSWORD = os.environ.get("ICSPLAN_DEMO_PASSWORD") or "demo-password-2018"  # the demo accounts'
# The console script installed beside this Python (``python -m icsplan.cli`` would import the CLI twice).
ICSPLAN = [str(Path(sys.executable).with_name("icsplan")) if Path(sys.executable).with_name("icsplan").exists()
           else shutil.which("icsplan") or "icsplan"]
# Files of a data folder that stay with the served app that made them.
_NOT_COPIED = shutil.ignore_patterns("secret_key", ".lock", ".ready")


def start_run() -> None:
    """Name this test run (controlling process only: the xdist workers inherit the name)."""
    os.environ[RUN_ENV] = f"{_HOST}_{os.getpid()}_{secrets.token_hex(3)}"


def _run() -> str:
    if RUN_ENV not in os.environ:  # a process started outside pytest's hooks still gets a name
        start_run()
    return os.environ[RUN_ENV]


def _run_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "served-demo" / _run()


def _admin_url(database_url: str) -> str:
    return urlunsplit(urlsplit(database_url)._replace(path="/postgres"))


def _with_database(database_url: str, name: str) -> str:
    return urlunsplit(urlsplit(database_url)._replace(path=f"/{name}"))


@contextmanager
def _locked(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time across the xdist workers
        yield


def _load_demo(data_dir: Path, env: dict[str, str]) -> None:
    seed_static(data_dir)
    env = {**env, "ICSPLAN_DATA_DIR": str(data_dir), "ICSPLAN_DEMO_PASSWORD": PASSWORD, "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([*ICSPLAN, "demo"], env=env, capture_output=True, text=True, timeout=DEMO_TIMEOUT)
    assert done.returncode == 0, f"icsplan demo failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"


def _base_env(env: dict[str, str]) -> dict[str, str]:
    """The environment the template is built with: the served app's, minus what is per module."""
    return {k: v for k, v in env.items() if k not in ("DATABASE_URL", "ICSPLAN_DATA_DIR", "SECRET_KEY")}


def sqlite_demo(data_dir: Path, env: dict[str, str]) -> None:
    """Fill ``data_dir`` with a copy of the run's SQLite demo (database, assets, caches)."""
    template = _run_dir() / "sqlite"
    with _locked(template):
        if not (template / ".ready").exists():
            _load_demo(template, _base_env(env))
            (template / ".ready").touch()
    # A real copy with modification times (the assets' staleness check compares them; see
    # tests/served_static.py). The demo process has exited, so the database file is complete.
    shutil.copytree(template, data_dir, dirs_exist_ok=True, ignore=_NOT_COPIED)


def postgres_demo(data_dir: Path, env: dict[str, str], database_url: str) -> tuple[str, Callable[[], None]]:
    """A database of its own holding the run's demo, on the server of ``database_url``, and the
    run's assets in ``data_dir``: (its URL, a function that drops it)."""
    import psycopg

    admin = _admin_url(database_url)
    run = _run()
    template = f"icsplan_tmpl_{run}"
    folder = _run_dir() / "postgres" / hashlib.sha256(admin.encode()).hexdigest()[:8]
    name = f"icsplan_copy_{run}_{secrets.token_hex(3)}"
    with _locked(folder):
        with psycopg.connect(admin, autocommit=True) as conn:
            if not (folder / ".ready").exists():
                _drop_stale(conn)
                conn.execute(f'DROP DATABASE IF EXISTS "{template}"')  # a build cut short in this run
                conn.execute(f'CREATE DATABASE "{template}"')
                (folder / "servers").write_text(admin)  # for finish_run
                _load_demo(folder, {**_base_env(env), "DATABASE_URL": _with_database(database_url, template)})
                (folder / ".ready").touch()
            # Under the lock: PostgreSQL refuses to copy a template that another session is using.
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    shutil.copytree(folder, data_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
        "secret_key", ".lock", ".ready", "servers"))

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return _with_database(database_url, name), drop


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drop_stale(conn) -> None:
    """Drop the templates and copies left by killed runs on this machine (their pytest is gone)."""
    rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'icsplan\\_%'").fetchall()
    for (name,) in rows:
        found = _OURS.match(name)
        if found and not _alive(int(found.group(1))):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def finish_run() -> None:
    """Drop the run's templates and remove its folder (controlling process, end of the session)."""
    run = os.environ.get(RUN_ENV)
    if not run or not run.split("_")[1] == str(os.getpid()):
        return  # not the process that named the run
    try:
        folder = _run_dir()
    except Exception:  # noqa: BLE001 - Django never configured: nothing was built
        return
    for servers in folder.glob("postgres/*/servers"):
        import psycopg

        try:
            with psycopg.connect(servers.read_text(), autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "icsplan_tmpl_{run}" WITH (FORCE)')
        except psycopg.Error as exc:  # the next run drops it as stale
            print(f"could not drop the demo template icsplan_tmpl_{run}: {exc}", file=sys.stderr)
    shutil.rmtree(folder, ignore_errors=True)
