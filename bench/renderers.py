"""Per-page cost of each renderer run from the database, at 1x and 10x, in one run.

    .venv/bin/python bench/renderers.py [--rounds 1]

For the strategy export (PDF, DOCX, XLSX) and the progress report (PDF, DOCX) of the generated
missions of bench/pages.py, it measures the CPU time of this process (best of ``--rounds``) and the
size of the output in its own unit:

- PDF: pages (counted with pypdfium2);
- DOCX: body blocks, i.e. paragraphs plus table rows (Word decides the pages, so none are counted);
- XLSX: rows over all sheets.

Each render is timed twice: "cold", with the chart cache emptied first (what the first reader after
a change pays: matplotlib draws every chart), and "warm", with the charts of the unchanged data
already cached. It prints the per-unit slope (cost at 10x / units at 10x) / (cost at 1x / units at 1x): 1.0 is
linear; the goal of issue 14 is at most 1.2.
"""

from __future__ import annotations

import argparse
import io
import time

from _common import best_of, build_sites, throwaway_site


def pdf_pages(data: bytes) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def docx_blocks(data: bytes) -> int:
    import docx

    document = docx.Document(io.BytesIO(data))
    return len(document.paragraphs) + sum(len(table.rows) for table in document.tables)


def xlsx_rows(data: bytes) -> int:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return sum(sheet.max_row or 0 for sheet in workbook.worksheets)
    finally:
        workbook.close()


UNITS = {"pdf": ("pages", pdf_pages), "docx": ("blocks", docx_blocks), "xlsx": ("rows", xlsx_rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with throwaway_site(mpl=True):
        _run(max(1, args.rounds))


def _run(rounds: int) -> None:
    from icsplan.accounts.redaction import document_for
    from icsplan.publishing import get_renderer
    from icsplan.publishing.report import render_report

    sites = build_sites()
    cases = [(f"export {fmt.upper()}", fmt,
              lambda row, fmt=fmt: get_renderer(fmt).render(document_for(None, row), public=False))
             for fmt in ("pdf", "docx", "xlsx")]
    cases += [(f"progress report {fmt.upper()}", fmt,
               lambda row, fmt=fmt: render_report(row, period="FY2023", fmt=fmt, public=False))
              for fmt in ("pdf", "docx")]
    from django.core.cache import caches

    from icsplan.indicators.chart_cache import CACHE_ALIAS

    chart_cache = caches[CACHE_ALIAS]
    for _, _, render in cases:  # load modules and fonts once, outside the timing
        render(sites["1x"])
    print(f"CPU time, best of {rounds} (one run; compare ratios, not absolute times)")
    print(f"{'renderer':24} {'charts':6} {'unit':7} {'1x s':>8} {'1x n':>6} {'10x s':>8} {'10x n':>6} "
          f"{'cost 10x/1x':>11} {'per-unit slope':>14}")
    for case, fmt, render in cases:
        for state in ("cold", "warm"):
            cost, units = {}, {}
            for name, row in sites.items():
                output: list[bytes] = []

                def once(row=row, output=output, state=state) -> None:
                    if state == "cold":
                        chart_cache.clear()
                    output.append(render(row))

                if state == "warm":
                    render(row)  # fill the chart cache
                cost[name] = best_of(once, rounds, clock=time.process_time)
                units[name] = UNITS[fmt][1](output[-1])
            slope = (cost["10x"] / units["10x"]) / (cost["1x"] / units["1x"])
            print(f"{case:24} {state:6} {UNITS[fmt][0]:7} {cost['1x']:8.2f} {units['1x']:6d} {cost['10x']:8.2f} "
                  f"{units['10x']:6d} {cost['10x'] / cost['1x']:11.2f} {slope:14.2f}", flush=True)


if __name__ == "__main__":
    main()
