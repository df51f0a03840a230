"""Import-time benchmark of the results workbook (``icsplan results import``).

    .venv/bin/python bench/results_import.py [--rows 10000] [--repeat 3]

Builds a throwaway database (SQLite in a temporary folder, or ``DATABASE_URL`` when set — it
must then point at a scratch database) holding one strategy with 500 quarterly indicators, writes
a workbook of 10,000 result rows, and prints in one run:

* the best time of openpyxl merely reading the workbook (read-only mode, every cell value),
* the best time of a full import (read, validate every row, bulk-write results and history),
  and their ratio;
* the SQL query count of importing 100 rows and 10,000 rows: reads are a fixed handful of
  queries and writes are bulk inserts, so the count grows per batch (1,000 rows on PostgreSQL,
  about 45 on SQLite, where Django caps a statement at 999 parameters), never per row.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def setup(data_dir: str) -> None:
    os.environ["ICSPLAN_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icsplan.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def build_strategy(indicators: int):
    from icsplan import document as doc
    from icsplan.accounts.actors import SYSTEM
    from icsplan.strategies import services

    objectives = [doc.Objective(number=f"1.{i}", title=f"Objective 1.{i}") for i in range(1, 11)]
    document = doc.Strategy(mission=doc.Mission(country="Benchland"), edition="2021",
                            fiscal_year_start=2022, fiscal_year_end=2026,
                            goals=[doc.Goal(number="1", title="Goal 1", objectives=objectives)])
    per = indicators // len(objectives)
    for o, objective in enumerate(objectives):
        objective.indicators = [
            doc.Indicator(code=f"B-{o}-{i}", name=f"Bench indicator {o}-{i}", frequency="quarterly",
                          targets=[doc.PeriodValue(period="FY2022Q1", value="10")])
            for i in range(per)
        ]
    return services.import_strategy(document, replace=True, actor=SYSTEM)


def workbook(strategy, rows: int) -> bytes:
    from icsplan.indicators import excel
    from icsplan.indicators import models as m

    periods = [f"FY{y}Q{q}" for y in range(2022, 2027) for q in range(1, 5)]
    indicators = list(m.Indicator.objects.filter(strategy=strategy).order_by("pk"))
    out = []
    for n in range(rows):
        ind = indicators[n // len(periods)]
        out.append(dict(mission="Benchland", edition="2021", code=ind.code, name=ind.name, period=periods[n % len(periods)],
                        value=n % 97, category="", category_value="", value_type="number", sample="no",
                        comment="bench row", _indicator=ind))
    return excel.write_xlsx(out, title="bench", protect=False)


def read_only(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    cells = sum(len(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    wb.close()
    return cells


def clear_results(strategy) -> None:
    from icsplan.indicators import models as m

    m.Result.objects.filter(strategy=strategy).delete()
    m.Result.history.filter(strategy_id=strategy.pk).delete()


def best(fn, repeat: int, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def query_count(path: Path, strategy) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from icsplan.accounts.actors import SYSTEM
    from icsplan.indicators.excel import import_results

    clear_results(strategy)
    with CaptureQueriesContext(connection) as ctx:
        import_results(path, actor=SYSTEM)
    return len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="icsplan-bench-") as tmp:
        setup(tmp)
        from icsplan.accounts.actors import SYSTEM
        from icsplan.indicators.excel import import_results
        from icsplan.indicators import models as m

        strategy = build_strategy(max(10, args.rows // 20))
        big, small = Path(tmp) / "big.xlsx", Path(tmp) / "small.xlsx"
        big.write_bytes(workbook(strategy, args.rows))
        small.write_bytes(workbook(strategy, 100))

        read_time = best(lambda: read_only(big), args.repeat)
        import_time = best(lambda: import_results(big, actor=SYSTEM), args.repeat, before=lambda: clear_results(strategy))
        assert m.Result.objects.filter(strategy=strategy).count() == args.rows
        db = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
        print(f"results import of {args.rows:,} rows from xlsx ({db}, best of {args.repeat}):")
        print(f"  openpyxl read-only read  {read_time:8.3f} s")
        print(f"  icsplan results import   {import_time:8.3f} s")
        print(f"  ratio import / read      {import_time / read_time:8.2f}x")
        q_small, q_big = query_count(small, strategy), query_count(big, strategy)
        # Reads are a fixed handful of queries; writes are bulk INSERTs (results and history), one
        # per batch of 1,000 rows (icsplan.core.sqlite lifts Django's old 999-parameter SQLite cap).
        # Queries grow per batch, never per row.
        print(f"SQL queries: 100 rows -> {q_small}, {args.rows:,} rows -> {q_big} "
              "(no per-row queries; bulk INSERTs in batches of 1,000 rows)")


if __name__ == "__main__":
    main()
