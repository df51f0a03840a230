"""Bureau dashboard and search at bureau and Department scale, on synthetic data (SQLite or PostgreSQL).

    .venv/bin/python bench/bureau.py [--rounds 3] [--small 5] [--large 50] [--similar 200]
        [--postgres postgresql://postgres@127.0.0.1:5432]

Writes ``--small`` synthetic missions into bureau WHA and ``--large`` into bureau EUR
(``icsplan synth``'s generator: ten objectives, 52 indicators and about 5,500 result values each)
in a throwaway SQLite data folder (with ``--postgres``: a throwaway database on that server, dropped
afterwards), then measures in one run, side by side, the CPU time
(``time.process_time``, best of ``--rounds``) of:

* the bureau dashboard service for the small and the large bureau, and a hand-written SQL
  aggregate over the same tables for the large one (per mission and goal: indicators, and those
  whose approved total meets its target): the floor of reading those rows;
* search for "security" in the small bureau, across every mission, and the bare full-text query
  behind it (the matching ids only, no permissions, no rows read: FTS5 ``MATCH`` on SQLite, the
  GIN-indexed ``to_tsvector(...) @@ to_tsquery(...)`` of every searched field on PostgreSQL).

The CPU time is this process's only: on PostgreSQL the server's share is not in it, so the wall
time (best of ``--rounds`` too) is printed beside it and its ratios as well.

Printed: each time, the large/small ratios, the ratios to the SQL floor and to the bare FTS
query, and the SQL queries each dashboard makes (the same for 5 and 50 missions).

Then similar objectives (``--similar 200`` more synthetic missions, objectives without indicators,
so about 2,000 objectives in force in all): the top 5 for one objective, by TF-IDF (term counts
stored) and, when the embeddings extra is installed, by the stored sentence embeddings (computed
once beforehand, as ``icsplan embeddings`` does; that time is printed too), beside the floor of
reading every stored vector with one SQL query and ranking them with numpy. Goal: under 100 ms
(CPU time, best of ``--rounds``; wall time printed beside it) for the top 5 over 2,000 stored
embeddings.
"""

from __future__ import annotations

import argparse
import inspect
import os
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


def bare_fts_sql(vendor: str) -> str:
    """The bare full-text query: the ids of the items matching one word (a prefix), nothing else."""
    if vendor == "sqlite":
        return BARE_FTS
    from icsplan.portfolio import fts

    return " UNION ALL ".join(
        f"SELECT id, {code} FROM {table} WHERE to_tsvector('english'::regconfig, COALESCE({name}, '')) "
        f"@@ to_tsquery('english'::regconfig, %s)" for table, name, code in fts.fields())


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
    parser.add_argument("--similar", type=int, default=200, help="missions for the similar-objectives bench (0: none)")
    parser.add_argument("--postgres", default="", help="PostgreSQL server URL (a throwaway database on it)")
    args = parser.parse_args()
    with throwaway_site(postgres=args.postgres or None):
        _run(args.rounds, args.small, args.large)
        if args.similar:
            _run_similar(args.rounds, args.similar)


def _run_similar(rounds: int, missions: int) -> None:
    import numpy as np

    from icsplan.accounts.actors import SYSTEM
    from icsplan.portfolio import embeddings, similarity
    from icsplan.portfolio.models import ObjectiveEmbedding
    from icsplan.portfolio.synth import synthetic_document
    from icsplan.strategies import models as sm
    from icsplan.strategies import services as strategies

    start = time.perf_counter()
    for index in range(missions):
        document = synthetic_document(3, index)
        for goal in document.goals:
            for objective in goal.objectives:
                objective.indicators = []
                for sub in objective.sub_objectives:
                    sub.indicators = []
        for management in document.management_objectives:
            management.indicators = []
        mission = strategies.get_or_create_mission(document.mission.country, bureau="AF")
        strategies.import_strategy(document, actor=SYSTEM, mission=mission, status="approved", source_name="bench")
    objectives = sm.Objective.objects.count()
    target = sm.Objective.objects.filter(strategy__mission__country=synthetic_document(3, 0).mission.country).first()
    assert target is not None
    print(f"wrote {missions} more synthetic missions ({objectives} objectives in all) in "
          f"{time.perf_counter() - start:.1f} s", flush=True)

    def tfidf():
        os.environ["ICSPLAN_EMBEDDINGS"] = "off"
        try:
            return similarity.similar_objectives(target.pk, actor=SYSTEM)
        finally:
            os.environ.pop("ICSPLAN_EMBEDDINGS", None)

    cases = {f"similar top 5, TF-IDF, {objectives}": tfidf}
    if embeddings.enabled():
        start = time.perf_counter()
        computed = embeddings.embed_stale()
        print(f"computed {computed} embeddings ({embeddings.MODEL_NAME}) in {time.perf_counter() - start:.1f} s",
              flush=True)

        def by_embeddings():
            ranking = similarity.similar_objectives(target.pk, actor=SYSTEM)
            assert ranking.method == similarity.EMBEDDINGS
            return ranking

        def floor():
            rows = list(ObjectiveEmbedding.objects.values_list("objective_id", "vector"))
            matrix = np.frombuffer(b"".join(bytes(v) for _pk, v in rows), dtype="<f4").reshape(len(rows), -1)
            return np.argsort(-(matrix @ matrix[0]))[:5]

        cases[f"similar top 5, embeddings, {objectives}"] = by_embeddings
        cases["floor: read vectors + numpy"] = floor
    else:
        print("the embeddings extra is not installed: TF-IDF only")
    times = {}
    for name, fn in cases.items():
        fn()  # warm: term counts stored, model-free reads
        times[name] = best_of(fn, rounds, clock=time.process_time)
        wall = best_of(fn, rounds)  # beside the CPU time: on a shared machine, wall time is others' load too
        print(f"{name:40} {times[name] * 1000:9.1f} ms CPU, {wall * 1000:9.1f} ms wall", flush=True)
    names = list(cases)
    if len(names) == 3:
        print(f"embeddings / TF-IDF:                    {times[names[1]] / times[names[0]]:6.2f}x")
        print(f"embeddings / floor:                     {times[names[1]] / times[names[2]]:6.2f}x")
        verdict = "met" if times[names[1]] < 0.1 else "NOT met"
        print(f"top 5 over {objectives} stored embeddings: {times[names[1]] * 1000:.1f} ms CPU, goal < 100 ms {verdict}")


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

    bare_sql = bare_fts_sql(connection.vendor)
    bare_args = ['"security"*'] if connection.vendor == "sqlite" else ["security:*"] * bare_sql.count("%s")

    def bare_fts():
        with connection.cursor() as cursor:
            cursor.execute(bare_sql, bare_args)
            return cursor.fetchall()

    from icsplan.indicators.models import Result
    from icsplan.portfolio import summaries

    def change_one_result():
        # One approved result of one mission of the large bureau, saved as a service saves it
        # (version and updated_at move): that edition's stamp changes, the others' do not.
        result = Result.objects.filter(strategy__mission__bureau__code="EUR", status="approved").order_by("pk").first()
        result.version += 1
        result.save()

    # Summaries stored in the database (``forget(stored=False)``: this process's are dropped, as by a
    # restart; ``forget()``: the stored ones too).
    stored = "stored" in inspect.signature(summaries.forget).parameters

    def restarted():
        summaries.forget(stored=False)

    def dashboard(code: str):
        return lambda: services.bureau_dashboard(code, actor=SYSTEM)

    # name -> (measured, set-up before each round, not measured)
    cases = {
        f"dashboard, {small} missions, warm": (dashboard("WHA"), None),
        f"dashboard, {large} missions, warm": (dashboard("EUR"), None),
        f"dashboard, {large} missions, 1 changed": (dashboard("EUR"), change_one_result),
        f"dashboard, {large} missions, cold": (dashboard("EUR"), summaries.forget),
        f"dashboard, {small} missions, cold": (dashboard("WHA"), summaries.forget),
        **({f"dashboard, {large} missions, restarted": (dashboard("EUR"), restarted)} if stored else {}),
        f"SQL aggregate, {large} missions": (aggregate, None),
        f"search, {small} missions": (lambda: search.search("security", actor=SYSTEM, bureau="WHA"), None),
        f"search, {small + large} missions": (lambda: search.search("security", actor=SYSTEM), None),
        "bare full-text query": (bare_fts, None),
    }
    print(f"database: {connection.vendor}; hits: {len(search.search('security', actor=SYSTEM))} "
          f"(bare query: {len(bare_fts())} matching fields)")
    cpu, wall = {}, {}
    for name, (fn, before) in cases.items():
        fn()  # warm caches (the ``before`` of cold cases empties them again)
        cpu[name] = best_of(fn, rounds, clock=time.process_time, before=before)
        wall[name] = best_of(fn, rounds, before=before)
        print(f"{name:40} {cpu[name] * 1000:9.1f} ms CPU {wall[name] * 1000:9.1f} ms wall", flush=True)
    print("warm: every edition's summary kept (only the stamps are read); 1 changed: one edition's "
          "result saved before each round; cold: nothing kept (no summary computed yet); restarted: "
          "nothing kept in the process, the stored summaries read")
    for label, times in (("CPU", cpu), ("wall", wall)):
        floor = times[f"SQL aggregate, {large} missions"]
        for kind in ("warm", "1 changed", "cold") + (("restarted",) if stored else ()):
            print(f"[{label}] dashboard {large} ({kind}) / SQL aggregate: "
                  f"{times[f'dashboard, {large} missions, {kind}'] / floor:6.2f}x")
        print(f"[{label}] dashboard {large}/{small} missions (warm):  "
              f"{times[f'dashboard, {large} missions, warm'] / times[f'dashboard, {small} missions, warm']:6.2f}x")
        print(f"[{label}] dashboard {large}/{small} missions (cold):  "
              f"{times[f'dashboard, {large} missions, cold'] / times[f'dashboard, {small} missions, cold']:6.2f}x")
        print(f"[{label}] search {small + large}/{small} missions:           "
              f"{times[f'search, {small + large} missions'] / times[f'search, {small} missions']:6.2f}x")
        print(f"[{label}] search {small + large} missions / bare full-text:  "
              f"{times[f'search, {small + large} missions'] / times['bare full-text query']:6.2f}x")

    def queries(code: str, before=None) -> int:
        if before is None:
            dashboard(code)()  # a later view: everything kept
        else:
            before()
        return _queries(dashboard(code))

    print(f"queries per dashboard: cold {queries('WHA', summaries.forget)} ({small} missions), "
          f"{queries('EUR', summaries.forget)} ({large} missions); after one change "
          f"{queries('EUR', change_one_result)} ({large}); warm {queries('WHA')} ({small}), {queries('EUR')} ({large})")


if __name__ == "__main__":
    main()
