"""Benchmark of the text/Markdown ICS parser.

    .venv/bin/python bench/parse.py [--corpus DIR] [--seconds 2] [--repeat N]

Parses every corpus document (the in-repo Mali copy and the ingest test fixtures, or the *.txt and
*.md files of DIR) N times and prints documents per second, next to a baseline measured in the same
run: reading the same files and splitting them into lines. The ratio says how much the parsing
itself costs over merely touching the text. Nothing here asserts a time.

Then the PDF case, each figure a ratio measured side by side in this run: reading the Mali ICS as
icsplan's PDF export renders it (``ingest.pdf.pdf_to_text``) against pypdfium2's bare text
extraction of the same file, and refusing a 112-page PDF that is not an ICS (unrelated text
rendered here with WeasyPrint) against poppler's ``pdftotext`` reading it whole.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from icsplan.ingest import parse_file  # noqa: E402  (after the path set-up above)

DEFAULT_CORPUS = [ROOT / "src" / "icsplan" / "demo" / "mali-2018.txt", *sorted((ROOT / "tests" / "ingest" / "fixtures").glob("*"))]


def corpus(folder: Path | None) -> list[Path]:
    """The documents to parse."""
    if folder is None:
        return [p for p in DEFAULT_CORPUS if p.is_file()]
    return sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".md") and p.is_file())


def read_and_split(paths: list[Path]) -> int:
    """The baseline: read each file, decode it and split it into lines."""
    count = 0
    for path in paths:
        count += len(path.read_bytes().decode("utf-8-sig", errors="replace").splitlines())
    return count


def parse_all(paths: list[Path]) -> int:
    """Parse each file; returns the number of elements found (so the work cannot be skipped)."""
    return sum(sum(1 for _ in parse_file(path).strategy.iter_elements()) for path in paths)


def timed(function, paths: list[Path], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function(paths)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="folder of .txt/.md documents (default: Mali + fixtures)")
    parser.add_argument("--seconds", type=float, default=2.0, help="target parse time when --repeat is not given")
    parser.add_argument("--repeat", type=int, help="passes over the corpus")
    args = parser.parse_args(argv)
    paths = corpus(args.corpus)
    if not paths:
        parser.error("no .txt or .md documents found")
    size = sum(p.stat().st_size for p in paths)
    elements = parse_all(paths)  # warm-up: imports, regex compilation, file cache
    repeat = args.repeat or max(1, round(args.seconds / max(timed(parse_all, paths, 1), 1e-6)))
    baseline = timed(read_and_split, paths, repeat)
    parsing = timed(parse_all, paths, repeat)
    documents = len(paths) * repeat
    print(f"corpus: {len(paths)} documents, {size / 1024:.1f} KiB, {elements} elements; {repeat} passes")
    print(f"parse:          {documents / parsing:10.1f} documents/s  ({size * repeat / parsing / 1e6:.2f} MB/s)")
    print(f"read + split:   {documents / baseline:10.1f} documents/s")
    print(f"ratio parse / read+split: {parsing / baseline:.1f}x")
    pdf_case(args.repeat or 3)
    return 0


def _best(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def _bare_text(data: bytes) -> int:
    """pypdfium2's plain text extraction of every page: the floor a PDF reader can reach."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    size = 0
    for page in pdf:
        textpage = page.get_textpage()
        size += len(textpage.get_text_range())
        textpage.close()
        page.close()
    pdf.close()
    return size


def _not_an_ics_pdf(pages: int = 112) -> bytes:
    """A long report with no strategy in it, one section of plain prose per page."""
    from weasyprint import HTML

    words = ("growth infrastructure lending portfolio fiscal outcomes water energy transport governance "
             "resilience households poverty indicators financing program results framework").split()
    sections = []
    for n in range(pages):
        text = " ".join(words[(n * 7 + i) % len(words)] for i in range(420))
        sections.append(f'<section style="page-break-after: always"><h2>Chapter {n + 1}</h2><p>{text}</p></section>')
    return bytes(HTML(string="<html><body>" + "".join(sections) + "</body></html>").write_pdf())


def pdf_case(repeat: int) -> None:
    """PDF reading against pypdfium2's bare extraction, and the early "not an ICS" refusal."""
    import os
    import shutil
    import subprocess
    import tempfile

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icsplan.config.settings")
    import django

    django.setup()
    from icsplan.errors import DocumentError
    from icsplan.ingest.pdf import pdf_to_text
    from icsplan.publishing import get_renderer

    mali = get_renderer("pdf").render(parse_file(DEFAULT_CORPUS[0]).strategy)
    import pypdfium2 as pdfium

    pages = len(pdfium.PdfDocument(mali))
    reading = _best(lambda: pdf_to_text(mali, source="mali.pdf"), repeat)
    bare = _best(lambda: _bare_text(mali), repeat)
    print(f"PDF: Mali ICS as exported ({len(mali) / 1024:.0f} KiB, {pages} pages)")
    print(f"  pdf_to_text:             {reading * 1000:8.1f} ms")
    print(f"  pypdfium2 bare text:     {bare * 1000:8.1f} ms")
    print(f"  ratio pdf_to_text / bare: {reading / bare:.1f}x")

    report = _not_an_ics_pdf()

    def refuse() -> None:
        try:
            pdf_to_text(report, source="report.pdf")
        except DocumentError as exc:
            assert exc.code == "not-an-ics", exc.code
        else:
            raise AssertionError("a 112-page report was read as an ICS")

    refusal = _best(refuse, repeat)
    print(f"PDF: 112-page report that is not an ICS ({len(report) / 1024:.0f} KiB)")
    print(f"  refused by pdf_to_text:  {refusal * 1000:8.1f} ms")
    tool = shutil.which("pdftotext")
    if tool is None:
        print("  pdftotext (poppler) is not installed: no side-by-side figure")
        return
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(report)
        handle.flush()
        poppler = _best(lambda: subprocess.run([tool, handle.name, "-"], check=True, capture_output=True), repeat)
    print(f"  pdftotext, whole file:   {poppler * 1000:8.1f} ms")
    print(f"  ratio refusal / pdftotext: {refusal / poppler:.1f}x")


if __name__ == "__main__":
    raise SystemExit(main())
