"""Import-time benchmark of the results workbook (``icsplan results import``).

    .venv/bin/python bench/results_import.py [--rows 10000] [--repeat 3]

Builds a throwaway database (SQLite in a temporary folder, or ``DATABASE_URL`` when set — it
must then point at a scratch database) holding one strategy with 500 quarterly indicators, writes
a workbook of 10,000 result rows, and prints in one run:

* the best time of openpyxl merely reading the workbook (read-only mode, every cell value),
* the best time of a full import (read, validate every row, bulk-write results and history),
  and their ratio;
* the CPU time of the web requests that start a big import (upload, preview, confirm: the
  confirmation queues a task, ``icsplan.jobs.imports``) next to the CPU time of the task that
  imports it (what ``icsplan worker`` runs), and their ratio;
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
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host name is allowed
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


def web_requests(strategy, data: bytes, repeat: int, background: bool = True) -> tuple[dict[str, float], float]:
    """CPU seconds (best of ``repeat``) of each web request of a big import, with the queue as on
    PostgreSQL (the database backend: the confirmation only queues), and of the task itself.
    ``background=False``: the threshold raised above the file, as every import ran before (the
    preview runs a trial import, the confirmation imports); the task's time is then 0."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client, override_settings
    from django.urls import reverse

    from icsplan.indicators import models as m
    from icsplan.jobs.imports import in_background, run
    from icsplan.jobs.models import ImportJob

    threshold = 1 if background else len(data) + 1
    with override_settings(ICSPLAN_IMPORT_BACKGROUND_BYTES=threshold):
        assert in_background(len(data)) == background
    user = get_user_model().objects.filter(username="bench-admin").first() or \
        get_user_model().objects.create_superuser("bench-admin", "bench@example.org", None)
    client = Client()
    client.force_login(user)
    slug = strategy.mission.slug
    steps: dict[str, list[float]] = {"upload": [], "preview": [], "confirm": []}
    task: list[float] = []
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
                           ICSPLAN_IMPORT_BACKGROUND_BYTES=threshold):
        # Warm up (the first request imports modules and compiles templates): upload, preview, cancel.
        response = client.post(reverse("web:import-results", args=[slug]), {"file": SimpleUploadedFile("w.xlsx", data)})
        client.get(response["Location"])
        client.post(response["Location"], {"cancel": "1"})
        for _ in range(repeat):
            clear_results(strategy)
            start = time.process_time()
            response = client.post(reverse("web:import-results", args=[slug]),
                                   {"file": SimpleUploadedFile("big.xlsx", data)})
            steps["upload"].append(time.process_time() - start)
            assert response.status_code == 302, response.status_code
            preview_url = response["Location"]
            start = time.process_time()
            response = client.get(preview_url)
            steps["preview"].append(time.process_time() - start)
            assert response.status_code == 200, response.status_code
            start = time.process_time()
            response = client.post(preview_url)
            steps["confirm"].append(time.process_time() - start)
            assert response.status_code == 302, response.status_code
            if not background:
                assert m.Result.objects.filter(strategy=strategy).count() > 0
                task.append(0.0)
                continue
            assert "/job/" in response["Location"], response["Location"]
            job = ImportJob.objects.get(token=response["Location"].rstrip("/").rsplit("/", 1)[-1])
            assert job.state == ImportJob.QUEUED, job.state
            start = time.process_time()
            run(job.pk)  # the task's body, as the worker runs it
            task.append(time.process_time() - start)
            job.refresh_from_db()
            assert job.state == ImportJob.DONE, job.error
    return {k: min(v) for k, v in steps.items()}, min(task)


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
        data = big.read_bytes()
        requests, task = web_requests(strategy, data, args.repeat)
        before, _ = web_requests(strategy, data, args.repeat, background=False)
        print(f"web import of the same workbook ({len(data) / 1024:.0f} KB), CPU seconds, best of {args.repeat}:")
        print("  request        in the request (threshold above the file)   off the request path (a task)")
        for name in requests:
            print(f"  {name:<8}       {before[name]:8.3f} s                                {requests[name]:8.3f} s")
        print(f"  import task    {0:8.3f} s                                {task:8.3f} s (icsplan worker)")
        print(f"  ratio confirm request / import task       {requests['confirm'] / task:.4f}")
        print(f"  ratio upload+preview+confirm / import task {sum(requests.values()) / task:.4f}")
        print(f"  ratio upload+preview+confirm, task / in the request {sum(requests.values()) / sum(before.values()):.4f}")
        q_small, q_big = query_count(small, strategy), query_count(big, strategy)
        # Reads are a fixed handful of queries; writes are bulk INSERTs (results and history), one
        # per batch of 1,000 rows (icsplan.core.sqlite lifts Django's old 999-parameter SQLite cap).
        # Queries grow per batch, never per row.
        print(f"SQL queries: 100 rows -> {q_small}, {args.rows:,} rows -> {q_big} "
              "(no per-row queries; bulk INSERTs in batches of 1,000 rows)")


if __name__ == "__main__":
    main()
