"""PostgreSQL search reads its GIN indexes (``portfolio.fts``): the query's expression must be the
index's, ``to_tsvector('english'::regconfig, COALESCE(field, ''))``, or the planner cannot use it
and every search reads every row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icsplan.accounts.actors import SYSTEM
from icsplan.portfolio import search
from icsplan.strategies import services as strategies

from tests.security.world import canary_document, make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (GIN full-text indexes)"),
]


def _plans(fn, table: str) -> list[str]:
    """The plans (sequential scans disabled, as on a table too big to read whole) of the queries
    ``fn`` makes that read ``table``."""
    with CaptureQueriesContext(connection) as ctx:
        fn()
    plans = []
    # On a test table of a few rows the planner is free to reach the rows some other way (a primary
    # key walk, a nested loop from the strategies), depending on what statistics earlier tests left:
    # with those paths off too, the only cheap way to the searched rows is an index on the words.
    switches = ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan", "enable_nestloop")
    with connection.cursor() as cursor:
        for switch in switches:
            cursor.execute(f"SET {switch} = off")
        try:
            for query in ctx.captured_queries:
                if f'FROM "{table}"' in query["sql"]:
                    cursor.execute("EXPLAIN " + query["sql"])
                    plans.append("\n".join(row[0] for row in cursor.fetchall()))
        finally:
            for switch in switches:
                cursor.execute(f"SET {switch} = on")
    return plans


@pytest.mark.parametrize("kind,table,field", [
    ("goal", "strategies_goal", "title"),
    ("objective", "strategies_objective", "justification"),
    ("indicator", "indicators_indicator", "name"),
])
def test_search_reads_the_gin_index(kind, table, field):
    row = strategies.import_strategy(canary_document("Mali", "AF"), status="approved", actor=SYSTEM)
    index = f"{table}_{field}_fts"
    # The operator's search has nothing more selective than the words: the plan reads the index.
    plans = _plans(lambda: search.search("public", actor=SYSTEM, kind=kind), table)
    assert plans and any(f"Bitmap Index Scan on {index}" in plan for plan in plans), plans
    # A reader's search adds the permission conditions (on a table this small the planner may
    # start from the strategies instead); the text condition is still the index's expression.
    reader = make_user("pg-reader", "analyst", bureau=row.mission.bureau)
    with CaptureQueriesContext(connection) as ctx:
        search.search("public", actor=reader, kind=kind)
    expression = f"to_tsvector('english'::regconfig, COALESCE(\"{table}\".\"{field}\", ''))"
    assert any(expression in q["sql"] for q in ctx.captured_queries if f'FROM "{table}"' in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        definition = cursor.fetchone()[0]
    assert f"to_tsvector('english'::regconfig, COALESCE({field}, ''::text))" in definition
