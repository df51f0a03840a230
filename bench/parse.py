"""Benchmark of the text/Markdown ICS parser.

    .venv/bin/python bench/parse.py [--corpus DIR] [--seconds 2] [--repeat N]

Parses every corpus document (the in-repo Mali copy and the ingest test fixtures, or the *.txt and
*.md files of DIR) N times and prints documents per second, next to a baseline measured in the same
run: reading the same files and splitting them into lines. The ratio says how much the parsing
itself costs over merely touching the text. Nothing here asserts a time.
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
