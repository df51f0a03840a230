"""Importers that turn documents into the canonical :class:`~icsplan.document.Strategy`, and the linter.

    from icsplan.ingest import parse_text, parse_file, lint_strategy
    result = parse_file("mali-2018.txt")
    for finding in lint_strategy(result):
        print(finding.as_dict())
"""

from .lint import Finding, lint_strategy
from .structure import FrameworkEntry, Orphan
from .files import parse_bytes
from .text import ParseResult, parse_file, parse_text

__all__ = ["Finding", "FrameworkEntry", "Orphan", "ParseResult", "lint_strategy", "parse_bytes", "parse_file", "parse_text"]
