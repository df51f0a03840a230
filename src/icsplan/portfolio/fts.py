"""The full-text search index's upkeep (see ``portfolio.search`` for its use).

On SQLite: an FTS5 table ``portfolio_fts`` (text, field code, object id) kept up to date by
triggers on the source tables, so every write — a service's save, a bulk import, a raw update —
updates the index in the same transaction. The rowid of an entry is ``object id * STRIDE + field
code`` (``search.FTS_CODES``). Django rebuilds a SQLite table to alter it, which drops its
triggers: ``ensure`` runs after every ``migrate`` and rebuilds the index when a trigger is missing.

On PostgreSQL: GIN indexes on ``to_tsvector('english', coalesce(field, ''))`` of the same fields.
"""

from __future__ import annotations

from collections.abc import Iterator

STRIDE = 32
TABLE = "portfolio_fts"
EVENTS = ("insert", "update", "delete")


def fields() -> Iterator[tuple[str, str, int]]:
    """(table, field, code) of every searchable text, in ``search.FTS_CODES`` order."""
    from .search import FTS_CODES, TARGETS

    for (kind, name), code in FTS_CODES.items():
        yield TARGETS[kind][0]._meta.db_table, name, code


def _by_table() -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for table, name, code in fields():
        out.setdefault(table, []).append((name, code))
    return out


def _insert(name: str, code: int, row: str) -> str:
    source = f"{row}.{name}" if row else name
    key = f"{row}.id" if row else "id"
    return (f"INSERT INTO {TABLE}(rowid, text, field_code, object_id) SELECT {key} * {STRIDE} + {code}, {source}, "
            f"{code}, {key}")


def sqlite_statements() -> list[str]:
    """Create the FTS5 table and its triggers, and fill it from the rows there are."""
    out = [f"CREATE VIRTUAL TABLE {TABLE} USING fts5(text, field_code UNINDEXED, object_id UNINDEXED, "
           "tokenize = 'unicode61 remove_diacritics 2')"]
    for table, names in _by_table().items():
        inserts = " ".join(f"{_insert(n, c, 'new')} WHERE coalesce(new.{n}, '') <> '';" for n, c in names)
        deletes = " ".join(f"DELETE FROM {TABLE} WHERE rowid = old.id * {STRIDE} + {c};" for _n, c in names)
        out.append(f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN {inserts} END")
        out.append(f"CREATE TRIGGER {table}_fts_update AFTER UPDATE ON {table} BEGIN {deletes} {inserts} END")
        out.append(f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN {deletes} END")
        for name, code in names:
            out.append(f"{_insert(name, code, '')} FROM {table} WHERE coalesce({name}, '') <> ''")
    return out


def _triggers() -> set[str]:
    return {f"{table}_fts_{event}" for table in _by_table() for event in EVENTS}


def create(connection) -> None:
    """Create the index (and fill it) on SQLite; create the GIN indexes on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in sqlite_statements():
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            for table, name, _code in fields():
                cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_{name}_fts ON {table} "
                               f"USING GIN (to_tsvector('english'::regconfig, COALESCE({name}, '')))")


def drop(connection) -> None:
    """Remove the index and its triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for trigger in sorted(_triggers()):
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        elif connection.vendor == "postgresql":
            for table, name, _code in fields():
                cursor.execute(f"DROP INDEX IF EXISTS {table}_{name}_fts")


def ensure(connection) -> bool:
    """Rebuild the SQLite index when its table or a trigger is missing; True when it did."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
    if TABLE in present and _triggers() <= present:
        return False
    drop(connection)
    create(connection)
    return True
