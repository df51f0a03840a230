"""Page, chart, tree and export benchmark at 1x and 10x the data, against the trivial /healthz.

    .venv/bin/python bench/pages.py [--rounds 3]

Builds two generated missions in a throwaway SQLite data folder (the web tests' generator: 1x is
2 goals x 3 objectives x 3 indicators, 10x is 5 goals x 6 objectives x 6 indicators) and serves
requests in-process through Django's test client as signed-in people. For each case it prints the
server CPU time per request (``time.process_time``, best of ``--rounds``), the 10x/1x ratio and
the ratio to /healthz measured in the same run, so that load from elsewhere on the machine falls
on all cases alike.

The strategy browser is measured as a browser uses it: the page and then every chart image it
embeds (``<img src>``, with its ``?v=`` version), in three situations:

- the first reader after a change: the chart cache and the per-stamp figures emptied first;
- a later signed-in reader: the charts cached on the server; the browser holds nothing (responses
  to signed-in people are ``no-store``), so it asks for every image again;
- a returning public (anonymous) browser: it keeps the images whose URL named the current version
  (``immutable``) and revalidates the others with ``If-None-Match``.

Results entry is measured for a reporter (their assignments: fewer forms than a page at 1x) and
for an editor (every indicator: a full page at 1x as at 10x); the forms each shows are noted.

Issue 14's figures are printed at the end: the strategy browser with all its images at 10x
(target <= 1 s of server CPU) and a 304 of the API tree against a 200 (target <= 0.1x).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the chart images a page embeds (indicator charts carry ``?v=<version>``)
IMAGES = re.compile(r'<img src="([^"]+\.svg(?:\?[^"]*)?)"')
#: one result form of the results entry page (the page shows at most ``ENTRY_PER_PAGE`` of them)
RESULT_FORM = 'class="card rrow"'
STRATEGY_FIRST = "strategy browser + its images, first reader after a change"
STRATEGY_LATER = "strategy browser + its images, later reader (reader)"
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def _setup(data_dir: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.update({"ICSPLAN_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "icsplan.config.settings",
                       "MPLCONFIGDIR": str(Path(data_dir) / "mpl")})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _cpu(fn, rounds: int, before=None) -> float:
    best = float("inf")
    for _ in range(rounds):
        if before is not None:
            before()  # not measured: resets state the case starts from
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="icsplan-bench-") as data_dir:
        _setup(data_dir)
        _run(args.rounds)


def _run(rounds: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.test import Client
    from django.urls import reverse

    from icsplan.accounts.actors import SYSTEM
    from icsplan.accounts.demo import create_demo_users
    from icsplan.core import stamps
    from icsplan.indicators.progress import strategy_progress
    from icsplan.publishing.xlsx import to_xlsx
    from icsplan.strategies import services
    from tests.web.conftest import make_document

    sizes = {"1x": (2, 3, 3), "10x": (5, 6, 6)}
    sites = {}
    for name, (goals, objectives, indicators) in sizes.items():
        row = services.import_strategy(make_document(f"Bench{name}", goals, objectives, indicators),
                                       status="approved", actor=SYSTEM)
        create_demo_users(row)  # the same accounts are members of both missions
        sites[name] = row
    users = get_user_model()

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(users.objects.get(username=username))
        return client

    reader, reporter, anonymous = client_for("mali-reader"), client_for("mali-reporter"), Client()
    editor = client_for("mali-editor")  # reports on every indicator: a full page of forms at 1x too

    def get(client: Client, url: str, **headers) -> bytes:
        response = client.get(url, **headers)
        assert response.status_code in (200, 304), (url, response.status_code)
        return response.content

    def with_images(client: Client, url: str) -> int:
        page = get(client, url).decode()
        images = IMAGES.findall(page)
        for src in images:
            get(client, src)
        return len(images)

    def returning_browser(url: str):
        """An anonymous browser's visit: images it was told are immutable are not asked again,
        the others are revalidated with the ETag it holds (a first visit fills its store)."""
        store: dict[str, tuple[str, bool]] = {}

        def visit() -> int:
            page = get(anonymous, url).decode()
            asked = 0
            for src in IMAGES.findall(page):
                etag, immutable = store.get(src, ("", False))
                if immutable:
                    continue
                response = anonymous.get(src, **({"HTTP_IF_NONE_MATCH": etag} if etag else {}))
                assert response.status_code in (200, 304), (src, response.status_code)
                asked += 1
                store[src] = (response["ETag"], "immutable" in response.get("Cache-Control", ""))
            return asked

        return visit

    def empty_caches() -> None:
        caches["charts"].clear()
        stamps.forget()

    figures: dict[str, dict[str, float]] = {}
    notes = []
    forms_shown: dict[str, dict[str, int]] = {}
    health = _cpu(lambda: [get(anonymous, "/healthz") for _ in range(20)], rounds) / 20
    for name, row in sites.items():
        slug, edition = row.mission.slug, row.edition
        strategy_url = reverse("web:strategy", args=[slug, edition])
        dashboard_url = reverse("web:dashboard", args=[slug])
        results_url = reverse("web:results", args=[slug]) + "?period=FY2023"
        tree_url = f"/api/v1/strategies/{row.pk}/tree"
        notes.append(f"{name}: {row.indicators.count()} indicators, {with_images(reader, strategy_url)} chart "
                     f"images on the strategy page; a returning public browser asks for "
                     f"{_asked(returning_browser(strategy_url))} of them")
        shown = {who: get(client, results_url).decode().count(RESULT_FORM)
                 for who, client in (("reporter", reporter), ("editor", editor))}
        forms_shown[name] = shown
        notes.append(f"{name}: results entry shows " + ", ".join(f"{who} {n} forms" for who, n in shown.items())
                     + " on its first page")
        tag = anonymous.get(tree_url)["ETag"]
        public_visit = returning_browser(strategy_url)
        cold_cases = {
            STRATEGY_FIRST: lambda: with_images(reader, strategy_url),
        }
        for case, fn in cold_cases.items():
            figures.setdefault(case, {})[name] = _cpu(fn, rounds, before=empty_caches)
        cases = {
            STRATEGY_LATER: lambda: with_images(reader, strategy_url),
            "strategy browser + its images, returning public browser": public_visit,
            "strategy browser page alone (reader)": lambda: get(reader, strategy_url),
            "dashboard + status matrix (reader)": lambda: with_images(reader, dashboard_url),
            "results entry (reporter)": lambda: get(reporter, results_url),
            "results entry (editor: every indicator)": lambda: get(editor, results_url),
            "API tree 200 (public)": lambda: get(anonymous, tree_url),
            "API tree 304 (public)": lambda: get(anonymous, tree_url, HTTP_IF_NONE_MATCH=tag),
            "status matrix drawn by matplotlib (uncached)": lambda: _matrix(strategy_progress(row)),
            "XLSX export of the edition": lambda: to_xlsx(_document(row)),
        }
        for case, fn in cases.items():
            fn()  # warm per-process caches and the chart cache
            figures.setdefault(case, {})[name] = _cpu(fn, rounds)
    print(f"CPU per request, best of {rounds}; /healthz = {health * 1000:.2f} ms")
    print(f"{'case':58} {'1x ms':>9} {'10x ms':>9} {'10x/1x':>7} {'1x/healthz':>11} {'10x/healthz':>12}")
    for case, values in figures.items():
        small, big = values["1x"], values["10x"]
        print(f"{case:58} {small * 1000:9.1f} {big * 1000:9.1f} {big / small:7.2f} {small / health:11.0f} "
              f"{big / health:12.0f}")
    tree_200, tree_304 = figures["API tree 200 (public)"], figures["API tree 304 (public)"]
    print("API tree 304 / 200 CPU: " + ", ".join(f"{n} {tree_304[n] / tree_200[n]:.2f}" for n in sizes))
    print(f"strategy browser at 10x, page + every image (target <= 1000 ms): first reader after a change "
          f"{figures[STRATEGY_FIRST]['10x'] * 1000:.0f} ms, later reader {figures[STRATEGY_LATER]['10x'] * 1000:.0f} ms")
    print("dashboard 10x/1x CPU: {:.2f}".format(figures["dashboard + status matrix (reader)"]["10x"]
                                               / figures["dashboard + status matrix (reader)"]["1x"]))
    # The reporter's first page at 1x holds fewer forms than a full page (their assignments), so
    # its 10x/1x compares different amounts shown; per form shown, like is compared with like.
    for who, case in (("reporter", "results entry (reporter)"), ("editor", "results entry (editor: every indicator)")):
        per_form = {n: figures[case][n] / max(1, forms_shown[n][who]) for n in sizes}
        print(f"{case}, CPU per form shown: 1x {per_form['1x'] * 1000:.1f} ms ({forms_shown['1x'][who]} forms), "
              f"10x {per_form['10x'] * 1000:.1f} ms ({forms_shown['10x'][who]} forms), 10x/1x "
              f"{per_form['10x'] / per_form['1x']:.2f}")
    for note in notes:
        print(note)


def _asked(visit) -> int:
    visit()  # the first visit fills the browser's store
    return visit()


def _matrix(progress) -> bytes:
    from icsplan.indicators import charts

    return charts.status_matrix_chart(progress, "svg")


def _document(row):
    from icsplan.accounts.actors import SYSTEM
    from icsplan.accounts.redaction import document_for

    return document_for(SYSTEM, row)


if __name__ == "__main__":
    main()
