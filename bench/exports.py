"""Exports and the progress report rendered from the database at 1x and 10x, and what a person
clicking "Download" waits for now that they are made off the request path (icsplan.jobs).

    .venv/bin/python bench/exports.py [--rounds 1]

Builds the generated missions of bench/pages.py (1x: 2 goals x 3 objectives x 3 indicators; 10x:
5 x 6 x 6) in a throwaway SQLite data folder. For each size it measures, in one run, wall time
(best of ``--rounds``):

- the edition's PDF and DOCX export and the progress report (PDF, DOCX) rendered from the database,
  as the request used to do before answering;
- "click -> progress page": the Download click and the progress page it redirects to, with the
  database backend (the file is queued for ``icsplan worker``, as on PostgreSQL);
- "click -> cached file": the same click once the file is made (click, page, file), the data unchanged.

and prints the ratios 10x/1x and progress page (or cached file) / full render.
"""

from __future__ import annotations

import argparse

from _common import best_of, build_sites, throwaway_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with throwaway_site(mpl=True, env={"ICSPLAN_TASKS_BACKEND": "database"}):
        _run(max(1, args.rounds))


def _run(rounds: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from icsplan.accounts.redaction import document_for
    from icsplan.jobs.models import ExportJob
    from icsplan.publishing import get_renderer
    from icsplan.publishing.report import render_report

    sites = build_sites()
    reader = Client()
    reader.force_login(get_user_model().objects.get(username="mali-reader"))

    def export(row, fmt: str) -> bytes:
        return get_renderer(fmt).render(document_for(None, row), public=False)

    def click(url: str) -> str:
        response = reader.get(url)
        assert response.status_code == 302, (url, response.status_code)
        page = reader.get(response["Location"])
        assert page.status_code == 200, page.status_code
        return response["Location"]

    def click_cached(url: str) -> None:
        location = click(url)
        got = reader.get(location + "file/")
        assert got.status_code == 200 and got.content, got.status_code

    def worker() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)

    figures: dict[str, dict[str, float]] = {}
    ratios: dict[str, dict[str, float]] = {}
    for name, row in sites.items():
        slug, edition = row.mission.slug, row.edition
        report_url = reverse("web:progress-report", args=[slug, edition]) + "?period=FY2023&public=0&format="
        cases = [
            ("export PDF", reverse("web:export-download", args=[slug, edition, "pdf"]) + "?public=0",
             lambda: export(row, "pdf")),
            ("export DOCX", reverse("web:export-download", args=[slug, edition, "docx"]) + "?public=0",
             lambda: export(row, "docx")),
            ("progress report PDF", report_url + "pdf",
             lambda: render_report(row, period="FY2023", fmt="pdf", public=False)),
            ("progress report DOCX", report_url + "docx",
             lambda: render_report(row, period="FY2023", fmt="docx", public=False)),
        ]
        for case, url, render in cases:
            full = best_of(render, rounds)
            figures.setdefault(f"{case}: full render from the database", {})[name] = full

            def queued(url=url) -> None:
                ExportJob.objects.all().delete()  # no cached file: the click must queue the work
                click(url)

            page = best_of(queued, rounds)
            figures.setdefault(f"{case}: click -> progress page (queued)", {})[name] = page
            worker()  # make the file, as `icsplan worker` would
            assert ExportJob.objects.filter(state=ExportJob.DONE).exists(), "the worker made nothing"
            cached = best_of(lambda url=url: click_cached(url), rounds)
            figures.setdefault(f"{case}: click -> cached file", {})[name] = cached
            ratios.setdefault(f"{case}: progress page / full render", {})[name] = page / full
            ratios.setdefault(f"{case}: cached file / full render", {})[name] = cached / full
        print(f"{name}: {row.indicators.count()} indicators", flush=True)
    print(f"\nWall time, best of {rounds} (one run; compare ratios, not absolute times)")
    print(f"{'case':62} {'1x ms':>9} {'10x ms':>9} {'10x/1x':>7}")
    for case, values in figures.items():
        small, big = values["1x"], values["10x"]
        print(f"{case:62} {small * 1000:9.1f} {big * 1000:9.1f} {big / small:7.2f}")
    print(f"\n{'ratio':62} {'1x':>9} {'10x':>9}")
    for case, values in ratios.items():
        print(f"{case:62} {values['1x']:9.4f} {values['10x']:9.4f}")


if __name__ == "__main__":
    main()
