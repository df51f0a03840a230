"""Bureau dashboard and search at bureau and Department scale, on synthetic data (SQLite).

    .venv/bin/python bench/bureau.py [--rounds 3] [--small 5] [--large 50]

Writes ``--small`` synthetic missions into bureau WHA and ``--large`` into bureau EUR
(``icsplan synth``'s generator: ten objectives, 52 indicators and about 5,500 result values each)
in a throwaway SQLite data folder, then measures in one run, side by side, the CPU time
(``time.process_time``, best of ``--rounds``) of:

* the bureau dashboard service for the small and the large bureau, and a hand-written SQL
  aggregate over the same tables for the large one (per mission and goal: indicators, and those
  whose approved total meets its target): the floor of reading those rows;
* search for "security" in the small bureau, across every mission, and the bare FTS5 query
  behind it (the matching ids only, no permissions, no rows read).

Printed: each time, the large/small ratios, the ratios to the SQL floor and to the bare FTS
query, and the SQL queries each dashboard makes (the same for 5 and 50 missions).
"""

from __future__ import annotations

import argparse
import time

from _common import best_of, throwaway_site

AGGREGATE = """
SELECT s.mission_id, g.number, COUNT(DISTINCT i.id),
       SUM(CASE WHEN r.number >= t.number THEN 1 ELSE 0 END)
FROM strategies_strategy s
JOIN accounts_mission m ON m.id = s.mission_id
JOIN accounts_bureau b ON b.id = m.bureau_id AND b.code = %s
JOIN strategies_goal g ON g.strategy_id = s.id
JOIN strategies_objective o ON o.goal_id = g.id
JOIN indicators_indicator i ON i.objective_id = o.id
JOIN indicators_target t ON t.indicator_id = i.id AND t.category = ''
LEFT JOIN indicators_result r ON r.indicator_id = i.id AND r.period = t.period AND r.category = ''
     AND r.status = 'approved'
WHERE s.status IN ('approved', 'published')
GROUP BY s.mission_id, g.number
"""
BARE_FTS = "SELECT object_id, field_code FROM portfolio_fts WHERE portfolio_fts MATCH %s"


def _queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--small", type=int, default=5)
    parser.add_argument("--large", type=int, default=50)
    args = parser.parse_args()
    with throwaway_site():
        _run(args.rounds, args.small, args.large)


def _run(rounds: int, small: int, large: int) -> None:
    from django.db import connection

    from icsplan.accounts.actors import SYSTEM
    from icsplan.portfolio import search, services
    from icsplan.portfolio.synth import synthesize

    start = time.perf_counter()
    written = synthesize(small, seed=1, actor=SYSTEM, bureau="WHA")
    big = synthesize(large, seed=2, actor=SYSTEM, bureau="EUR")
    print(f"wrote {written.missions + big.missions} synthetic missions ({written.results + big.results} result "
          f"values) in {time.perf_counter() - start:.1f} s", flush=True)

    def aggregate():
        with connection.cursor() as cursor:
            cursor.execute(AGGREGATE, ["EUR"])
            return cursor.fetchall()

    def bare_fts():
        with connection.cursor() as cursor:
            cursor.execute(BARE_FTS, ['"security"*'])
            return cursor.fetchall()

    cases = {
        f"dashboard, {small} missions": lambda: services.bureau_dashboard("WHA", actor=SYSTEM),
        f"dashboard, {large} missions": lambda: services.bureau_dashboard("EUR", actor=SYSTEM),
        f"SQL aggregate, {large} missions": aggregate,
        f"search, {small} missions": lambda: search.search("security", actor=SYSTEM, bureau="WHA"),
        f"search, {small + large} missions": lambda: search.search("security", actor=SYSTEM),
        "bare FTS5 query": bare_fts,
    }
    times = {}
    for name, fn in cases.items():
        fn()  # warm caches
        times[name] = best_of(fn, rounds, clock=time.process_time)
        print(f"{name:32} {times[name] * 1000:9.1f} ms", flush=True)
    names = list(cases)
    print(f"dashboard {large}/{small} missions:        {times[names[1]] / times[names[0]]:6.2f}x")
    print(f"dashboard {large} / SQL aggregate:      {times[names[1]] / times[names[2]]:6.2f}x")
    print(f"search {small + large}/{small} missions:           {times[names[4]] / times[names[3]]:6.2f}x")
    print(f"search {small + large} missions / bare FTS5:  {times[names[4]] / times[names[5]]:6.2f}x")
    print(f"queries per dashboard: {_queries(cases[names[0]])} ({small} missions), "
          f"{_queries(cases[names[1]])} ({large} missions)")


if __name__ == "__main__":
    main()
