"""The collected static assets of the apps the tests serve, collected once and copied to each.

``icsplan demo`` and ``icsplan serve`` collect the assets (hashed names, gzip and brotli copies of
Django's admin and Swagger UI) into their data folder unless a current collection is there
(``icsplan.core.assets.collect_if_stale``). Every served app of the suite (the browser modules,
the server tests) has a fresh data folder, so each compressed the same files again: tens of
seconds of CPU per module on two busy cores. ``seed_static(data_dir)`` puts a current collection
there first, made once per test run in a cache beside the tests' own data folder (shared by the
xdist workers under a file lock, and by the SQLite and PostgreSQL passes of ``scripts/test``).

The served app still runs its own staleness check on start, so an asset changed since the cache
was made is collected again, as it would be in production. The copy keeps modification times
(that check compares them) and is a real copy, not hard links, so a re-collection in one served
app cannot change another's files.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

_COLLECT = ("import django\ndjango.setup()\nfrom icsplan.core.assets import collect_if_stale\n"
            "collect_if_stale()\n")
_checked: set[Path] = set()  # caches found current by this process


def _cache_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "served-static"


def seed_static(data_dir: Path) -> None:
    """Copy a current collection of the static assets into ``data_dir/static``."""
    cache = _cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one collection at a time across the xdist workers
        if cache not in _checked:
            env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
            env.update(ICSPLAN_DATA_DIR=str(cache), DJANGO_SETTINGS_MODULE="icsplan.config.settings")
            done = subprocess.run([sys.executable, "-c", _COLLECT], env=env, capture_output=True, text=True,
                                  timeout=600)
            assert done.returncode == 0, f"collecting the static assets failed:\n{done.stderr[-3000:]}"
            _checked.add(cache)
        shutil.copytree(cache / "static", Path(data_dir) / "static", dirs_exist_ok=True)
