"""The ICS parser for plain text and Markdown.

    parse_text(text, source=...)  ->  ParseResult(strategy, lines, framework, orphans)
    parse_file(path)              ->  the same, from the bytes of a file

The parser reads both published layouts — 2018 ("**Mission Goal 1: ...**", "Justification: ...")
and 2022 ("Mission Goal 1 | ...", "Objective 1.1 | ...", "• Risks | ...") — whether headings are
Markdown, bold or plain lines, and whether the text comes from Word (one paragraph per line) or
from a PDF (wrapped lines, page furniture). It works in three stages, each in its own module:

1. ``lines``: classify every line (furniture, section, heading, label, text);
2. ``paragraphs``: rejoin paragraphs and titles torn by wrapping and page breaks;
3. ``structure``: cut the outline, separate section 2 from the body, build the elements.

Anything that is not an ICS raises :class:`~icsplan.errors.DocumentError`, never another error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

import pydantic

from ..document import Mission, Strategy
from ..errors import DocumentError, Location
from . import indicator_tables
from . import lines as ln
from .decode import sanitize
from .meta import Metadata
from .narrative import narrative, sensitivity
from .paragraphs import merge
from .structure import Builder, FrameworkEntry, Orphan, build_sections, outline, split_framework

_SBU_BANNER = "SENSITIVE"


@dataclass
class ParseResult:
    """What the parser found: the strategy, and where each part came from.

    ``lines`` maps element keys ("goal:1", "objective:1.1", "sub_objective:1.1.1",
    "management_objective:1", "management_sub_objective:1.1", and "framework:<kind>:<number>"
    for section-2 entries) to 1-based source lines. ``orphans`` lists elements whose parent is
    missing (objective 4.1 without goal 4); they are not in ``strategy`` and the linter reports them.
    """

    strategy: Strategy
    lines: dict[str, int] = field(default_factory=dict)
    framework: list[FrameworkEntry] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)
    source: str = "<text>"


def parse_file(path: str | os.PathLike[str]) -> ParseResult:
    """Parse a file of any supported kind (text, Markdown, DOCX, PDF, interchange JSON)."""
    from .files import parse_path

    return parse_path(path)


def parse_text(text: str, *, source: str = "<text>") -> ParseResult:
    """Parse the text of an ICS into a :class:`ParseResult`.

    Raises :class:`~icsplan.errors.DocumentError` when the text holds no Mission Goal.
    """
    text = sanitize(text)
    if not text.strip():
        raise DocumentError("the document is empty, so there is no strategy to read", code="empty-document",
                            where=Location(file=source))
    # icsplan's own indicator blocks come out first: left in, they would run into the narrative.
    text, printed_indicators = indicator_tables.extract(text)
    tokens = ln.classify(_numbered_lines(text))
    meta = Metadata()
    layout = _read_furniture(tokens, meta)
    doc = outline(merge(tokens))
    meta.read_header(doc.header)
    meta.guess_country(text[:200_000])
    meta.finish()
    sbu = _SBU_BANNER in (meta.classification or "")
    framework_blocks, body_blocks = split_framework(doc)
    built = Builder(sbu).build(framework_blocks, body_blocks)
    if not built.goals:
        raise DocumentError("no Mission Goal heading found; is this an Integrated Country Strategy?",
                            code="not-an-ics", where=Location(file=source))
    try:
        strategy = Strategy(
            mission=Mission(country=meta.country or "Unknown", post=meta.post, bureau=meta.bureau),
            edition=meta.edition,
            layout=layout,
            fiscal_year_start=meta.fiscal_year_start,
            fiscal_year_end=meta.fiscal_year_end,
            classification=meta.classification,
            approved_date=meta.approved_date,
            review_dates=meta.review_dates,
            priorities=narrative(doc.priorities),
            priorities_sensitivity=sensitivity(doc.priorities, sbu),
            sections=build_sections(doc, sbu),
            goals=built.goals,
            management_objectives=built.management_objectives,
        )
    except pydantic.ValidationError as exc:  # a value the model refuses is a document problem
        raise DocumentError(f"the document cannot be represented ({exc.errors()[0]['msg']})",
                            code="invalid-document", where=Location(file=source)) from None
    indicator_tables.attach(strategy, printed_indicators)
    return ParseResult(strategy, built.lines, built.framework, built.orphans, source)


def _numbered_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) pairs; a form feed splits a line and stands between its pieces."""
    numbered = []
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if "\f" in line:
            pieces = line.split("\f")
            numbered.append((number, pieces[0]))
            for piece in pieces[1:]:
                numbered.extend(((number, ln.PAGE_BREAK), (number, piece)))
        else:
            numbered.append((number, line))
    return numbered


def _read_furniture(tokens: list[ln.Token], meta: Metadata) -> Literal[2018, 2022]:
    """Record banners and approval lines in *meta*; return the layout (2022 when "|" separators)."""
    layout: Literal[2018, 2022] = 2018
    for token in tokens:
        if token.kind == ln.FURNITURE:
            if "banner" in token.meta:
                meta.add_banner(token.meta["banner"])
            elif "approval" in token.meta:
                meta.add_approval_line(token.meta["approval"])
        elif token.kind in (ln.HEADING, ln.LABEL) and token.sep == "|":
            layout = 2022
    return layout
