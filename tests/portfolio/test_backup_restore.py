"""Backups (docs/deployment.md): ``pg_dump`` of the database, ``pg_restore`` into a new one, and
the restored copy has the same rows and a working full-text search (its GIN indexes came along)."""

from __future__ import annotations

import shutil
import subprocess
import uuid

import pytest
from django.db import connection

from icsplan.accounts.actors import SYSTEM
from icsplan.strategies import services

from tests.security.world import canary_document

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (pg_dump and pg_restore)"),
]

TABLES = ("accounts_mission", "strategies_strategy", "strategies_objective", "indicators_indicator",
          "indicators_result", "audit_auditevent")


def _dsn(name: str | None = None) -> str:
    s = connection.settings_dict
    host, port, user = s.get("HOST") or "127.0.0.1", s.get("PORT") or "5432", s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgresql://{user}{password}@{host}:{port}/{name or s['NAME']}"


def _counts(cursor) -> dict[str, int]:
    out = {}
    for table in TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")
        out[table] = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM strategies_objective WHERE to_tsvector('english'::regconfig, "
                   "COALESCE(title, '')) @@ to_tsquery('english'::regconfig, 'objective:*')")
    out["search"] = cursor.fetchone()[0]
    return out


def test_a_dump_restores_into_a_new_database(tmp_path):
    for tool in ("pg_dump", "pg_restore"):
        assert shutil.which(tool), f"{tool} is part of the deployment's tools (scripts/system-deps)"
    services.import_strategy(canary_document("Mali", "AF"), status="approved", actor=SYSTEM)
    services.import_strategy(canary_document("Laos", "EAP"), status="approved", actor=SYSTEM)
    with connection.cursor() as cursor:
        before = _counts(cursor)
    assert before["indicators_result"] and before["search"]
    dump = tmp_path / "icsplan.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", _dsn()], check=True,
                   timeout=300)
    name = f"icsplan_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_dsn(name)}", str(dump)],
                       check=True, timeout=300)
        import psycopg

        with psycopg.connect(_dsn(name)) as restored, restored.cursor() as cursor:
            assert _counts(cursor) == before
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_fts'")
            assert {"strategies_objective_title_fts", "indicators_indicator_name_fts"} <= {r[0] for r in cursor}
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
