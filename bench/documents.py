"""Render-time benchmark of the DOCX and PDF renderers.

    .venv/bin/python bench/documents.py [--repeat N]

Renders the Mali ICS and a strategy ten times its size (its goals and management objectives
replicated and renumbered), in the same run, and prints the best time of each and the ratio
10x/1x per format. A ratio near 10 means rendering time grows linearly with the document.

Both wall-clock and CPU time are printed: on a shared machine the wall clock of the longer render
absorbs other people's load (an earlier run read "PDF 20x" that way), while the CPU time of this
single-threaded process does not. For the PDF, the page counts are printed too: the 10x
strategy is about 6x the pages, because the Chief of Mission priorities are not replicated, so
linear growth shows as a CPU ratio near the page ratio and a steady time per page.

The last lines put the PDF with its attachment (the canonical JSON that lets icsplan import its
own PDF back) beside the same PDF without it, renders interleaved in one run: the attachment's
cost is the ratio (the signature comes from the HTML, the PDF is never read back).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from icsplan.document.model import Strategy
from icsplan.ingest import parse_text
from icsplan.publishing import get_renderer

MALI = Path(__file__).resolve().parents[1] / "src" / "icsplan" / "demo" / "mali-2018.txt"


def _renumber(element, number: str):
    copy = element.model_copy(deep=True)
    copy.number = number
    for index, objective in enumerate(getattr(copy, "objectives", []), start=1):
        objective.number = f"{number}.{index}"
        for sub_index, sub in enumerate(objective.sub_objectives, start=1):
            sub.number = f"{number}.{index}.{sub_index}"
    for index, sub in enumerate(getattr(copy, "sub_objectives", []), start=1):
        sub.number = f"{number}.{index}"
    return copy


def scaled(strategy: Strategy, factor: int) -> Strategy:
    """``strategy`` with its goals and management objectives repeated ``factor`` times."""
    big = strategy.model_copy(deep=True)
    big.goals = [
        _renumber(goal, str(len(strategy.goals) * copy + index))
        for copy in range(factor)
        for index, goal in enumerate(strategy.goals, start=1)
    ]
    big.management_objectives = [
        _renumber(mo, str(len(strategy.management_objectives) * copy + index))
        for copy in range(factor)
        for index, mo in enumerate(strategy.management_objectives, start=1)
    ]
    return big


def best_time(fmt: str, strategy: Strategy, repeat: int) -> tuple[float, float, bytes]:
    """Best wall-clock and best CPU seconds of ``repeat`` renders, and the last output."""
    renderer = get_renderer(fmt)
    wall = cpu = float("inf")
    data = b""
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        data = renderer.render(strategy)
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    return wall, cpu, data


def pages(fmt: str, data: bytes) -> str:
    if fmt != "pdf":
        return ""
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return f"{len(pdf.pages):4d} pages"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="renders per measurement; the best counts")
    args = parser.parse_args()
    mali = parse_text(MALI.read_text(encoding="utf-8"), source=MALI.name).strategy
    big = scaled(mali, 10)
    elements = (len(list(mali.iter_elements())), len(list(big.iter_elements())))
    print(f"Mali: {elements[0]} elements; 10x: {elements[1]} elements; best of {args.repeat}")
    for fmt in ("docx", "pdf"):
        get_renderer(fmt).render(mali)  # warm-up: imports, font loading
        small, small_cpu, small_data = best_time(fmt, mali, args.repeat)
        large, large_cpu, large_data = best_time(fmt, big, args.repeat)
        print(
            f"{fmt:5} 1x {small * 1000:7.0f} ms wall {small_cpu * 1000:7.0f} ms cpu ({len(small_data) / 1024:5.0f} KiB"
            f"{', ' + pages(fmt, small_data) if fmt == 'pdf' else ''})   "
            f"10x {large * 1000:7.0f} ms wall {large_cpu * 1000:7.0f} ms cpu ({len(large_data) / 1024:5.0f} KiB"
            f"{', ' + pages(fmt, large_data) if fmt == 'pdf' else ''})   "
            f"ratio wall {large / small:5.1f}  cpu {large_cpu / small_cpu:5.1f}"
        )
    attachment_overhead(mali, big, args.repeat)


def attachment_overhead(mali: Strategy, big: Strategy, repeat: int) -> None:
    from icsplan.publishing.html import to_html
    from icsplan.publishing.pdf import html_to_pdf, to_pdf

    for label, strategy in (("1x", mali), ("10x", big)):
        best = {"plain": float("inf"), "attached": float("inf")}
        renders = {"plain": lambda s=strategy: html_to_pdf(to_html(s)), "attached": lambda s=strategy: to_pdf(s)}
        for index in range(2 * repeat):
            # Interleaved, and each goes first half the time: the second of two back-to-back
            # renders was measured slower (the first one's garbage), which is not the attachment.
            for kind in (("plain", "attached") if index % 2 == 0 else ("attached", "plain")):
                started = time.process_time()
                renders[kind]()
                best[kind] = min(best[kind], time.process_time() - started)
        plain, attached = best["plain"], best["attached"]
        print(f"pdf {label:3} without attachment {plain * 1000:7.0f} ms cpu   with {attached * 1000:7.0f} ms cpu   "
              f"ratio {attached / plain:5.2f}")


if __name__ == "__main__":
    main()
