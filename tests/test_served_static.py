"""The served apps of the suite start from a copy of assets collected once (tests/served_static.py):
the copy must be one the app's own staleness check accepts, or every served app would compress
every asset again (and the copy would only cost time)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.served_static import seed_static

_COLLECTS = ("import django\ndjango.setup()\nfrom icsplan.core.assets import collect_if_stale\n"
             "print('collected' if collect_if_stale() else 'current')\n")


def _collect_in(data_dir) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(ICSPLAN_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="icsplan.config.settings")
    done = subprocess.run([sys.executable, "-c", _COLLECTS], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_a_seeded_data_folder_needs_no_collection(tmp_path):
    # Fails if the copy loses the manifest or its modification time (copied files get "now" unless
    # their times are kept, and hashed copies older than the manifest would then look stale).
    seed_static(tmp_path)
    assert (tmp_path / "static" / "staticfiles.json").is_file()
    assert _collect_in(tmp_path) == "current"
