"""Paragraph assembly: the second stage of the text/Markdown parser.

Turns the classified lines into *units* — sections, element headings, labels and whole paragraphs —
rejoining what page breaks and line wrapping tore apart:

* A wrapped document (PDF text, hand-wrapped Markdown) continues a paragraph on the next line until
  a short line ends a sentence; an unwrapped one (one paragraph per line, as Word exports) starts a
  new paragraph on each line.
* Across blank lines or page furniture a paragraph continues when it stopped without terminal
  punctuation and the next line starts in lower case ("behavior change" / "communications"), or
  when page furniture (a banner, a page number) sat in the gap: a page break mid-sentence.
* A line ending in a hyphen inside a compound word ("long-" / "term") is joined without a space and
  keeps its hyphen: the hyphens of an ICS are almost always real ("long-term", "counter-terrorism").
  A line ending in a soft hyphen (U+00AD, a word the PDF hyphenated) is joined without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .linkages import split_trailing_tags
from .lines import BLANK, FURNITURE, HEADING, LABEL, RULE, SECTION, TEXT, Token

_CLOSERS = "\"'”’)]»"
_TERMINAL = ".!?:;"
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.){1,3}$|\b(?:Mr|Mrs|Ms|Dr|St|No|Gen|Col|Amb|vs|e\.g|i\.e)\.$")
_HYPHEN_END = re.compile(r"[A-Za-z][-\u00ad]$")
_SOFT_HYPHEN = "\u00ad"  # kept by the line stage only at the end of a line: a word hyphenated by the PDF
# Wider than this (90th percentile of text lines), a document keeps one paragraph per line.
_WRAP_LIMIT = 160
_TAIL = 64  # characters of a growing paragraph that the joining rules look at


@dataclass
class Unit:
    """A structural unit: section, heading, label or paragraph (see the module docstring)."""

    kind: str  # section, heading, label, paragraph
    line: int
    text: str = ""
    token: Token | None = None
    bullet: bool = False
    sbu: bool = False
    last_len: int = 0  # length of the last source line absorbed (for the wrap heuristics)
    lines: int = 1
    # While a paragraph grows, its pieces are kept in a list and only its tail is inspected:
    # re-joining or searching the whole text at every line would be quadratic.
    pieces: list[str] | None = None
    tail: str = ""

    def append(self, piece: str) -> None:
        """Add the next line of this paragraph or title."""
        if self.pieces is None:
            self.pieces = [self.text] if self.text else []
            self.tail = self.text[-_TAIL:]
        if not self.pieces:
            self.pieces.append(piece)
            self.tail = piece[-_TAIL:]
            return
        if self.tail.endswith(_SOFT_HYPHEN):  # a word the PDF hyphenated: drop the mark, no space
            self.pieces[-1] = self.pieces[-1][:-1]
            self.pieces.append(piece)
            self.tail = (self.tail[:-1] + piece)[-_TAIL:]
            return
        joined = join_lines(self.tail, piece)
        self.pieces.append(joined[len(self.tail):])
        self.tail = joined[-_TAIL:]

    def current(self) -> str:
        """The text so far, or its last characters while the unit is being built."""
        return self.tail if self.pieces is not None else self.text

    def finish(self) -> None:
        if self.pieces is not None:
            self.text = "".join(self.pieces)
            self.pieces = None
        self.text = self.text.removesuffix(_SOFT_HYPHEN)


def ends_sentence(text: str) -> bool:
    """True when *text* ends with terminal punctuation that is not an abbreviation's full stop."""
    stripped = text.rstrip().rstrip(_CLOSERS)
    if not stripped or stripped[-1] not in _TERMINAL:
        return False
    return not (stripped.endswith(".") and _ABBREVIATION.search(stripped))


def starts_lower(text: str) -> bool:
    """True when the first letter-or-digit of *text* is a lower-case letter."""
    for char in text[:8]:
        if char.isalnum():
            return char.islower()
    return False


def join_lines(head: str, tail: str) -> str:
    """Join two pieces of one paragraph, keeping a compound word's hyphen without a space."""
    if head.endswith(_SOFT_HYPHEN):
        return head[:-1] + tail
    if _HYPHEN_END.search(head) and tail[:1].isalpha():
        return head + tail
    return f"{head} {tail}"


def wrap_width(tokens: list[Token]) -> int | None:
    """The line width a wrapped document was broken at, or None for one paragraph per line."""
    lengths = sorted(t.raw_len for t in tokens if t.kind == TEXT)
    if len(lengths) < 5:
        return None
    width = lengths[int(len(lengths) * 0.9) - 1]
    # Wrapped lines pile up under a ceiling; one-paragraph-per-line text has a long tail of long
    # lines even when most of its paragraphs are short.
    top = lengths[min(len(lengths) - 1, int(len(lengths) * 0.98))]
    if width >= _WRAP_LIMIT or top > width * 1.3:
        return None
    return width


class _Merger:
    """Folds tokens into units, tracking what lay between two text lines."""

    def __init__(self, width: int | None):
        self.width = width
        self.units: list[Unit] = []
        self.open: Unit | None = None  # the unit a following text line may continue
        self.gap_blank = False
        self.gap_page = False

    def feed(self, token: Token) -> None:
        if token.kind in (BLANK, RULE):
            self.gap_blank = True
        elif token.kind == FURNITURE:
            self.gap_page = True
        elif token.kind == TEXT:
            self._text(token)
        else:
            self._structure(token)

    def _reset_gap(self) -> None:
        self.gap_blank = self.gap_page = False

    def _text(self, token: Token) -> None:
        unit = self.open
        if unit is not None and self._continues(unit, token):
            unit.append(token.text)
            unit.last_len, unit.lines = token.raw_len, unit.lines + 1
            unit.sbu = unit.sbu or token.sbu
        else:
            unit = Unit("paragraph", token.line, token.text, token, token.bullet, token.sbu, token.raw_len)
            self.units.append(unit)
            self.open = unit
        self._reset_gap()

    def _structure(self, token: Token) -> None:
        kind = {SECTION: "section", HEADING: "heading", LABEL: "label"}[token.kind]
        unit = Unit(kind, token.line, token.text, token, token.bullet, token.sbu, token.raw_len)
        self.units.append(unit)
        self.open = unit if kind == "heading" else None
        if kind == "label" and token.text:
            # The rest of "Justification: text..." is the first line of a paragraph.
            rest = Unit("paragraph", token.line, token.text, token, False, token.sbu, token.raw_len)
            self.units.append(rest)
            self.open = rest
        self._reset_gap()

    def _continues(self, unit: Unit, token: Token) -> bool:
        if unit.kind == "heading":
            return self._continues_title(unit, token)
        if token.bullet:
            return False
        previous = unit.current()
        if _HYPHEN_END.search(previous) and starts_lower(token.text):
            return True
        if ends_sentence(previous):
            if self.gap_blank or self.gap_page:
                return False
            return self.width is not None and unit.last_len >= 0.8 * self.width
        if self.gap_blank or self.gap_page:
            return starts_lower(token.text) or self.gap_page
        if self.width is not None:
            return True
        return starts_lower(token.text) or previous.endswith(",")

    def _continues_title(self, unit: Unit, token: Token) -> bool:
        """Whether a text line carries on a heading's title (wrapped or on the next line)."""
        title = unit.current()
        if not title:
            return unit.lines == 1 and not token.bullet  # "Mission Goal 1:" with the title below
        if token.bullet or unit.lines >= 5:
            return False
        if token.text.startswith("(") and split_trailing_tags(token.text)[0] == "":
            return True  # the linkage tags of the title, set on a line of their own: "(CDCS DO2)"
        lower = starts_lower(token.text)
        if _HYPHEN_END.search(title) and lower:
            return True
        if unit.token is not None and unit.token.sep == "|" and (self.gap_page or not self.gap_blank):
            # The body layout "Mission Objective 1.2 | Title…" (2022 editions, and the same table
            # cells read from PDFs): the title is the whole cell, so it runs on, whatever the
            # width or the case of the next line, up to the next field label (a LABEL token, not
            # seen here) or a new paragraph; a page footer inside the title does not end it.
            return True
        if ends_sentence(title):
            return False
        if self.gap_blank or self.gap_page:
            return lower
        if self.width is None:
            return lower
        return lower or unit.last_len >= 0.7 * self.width


def merge(tokens: list[Token]) -> list[Unit]:
    """Fold classified lines into units (see the module docstring)."""
    merger = _Merger(wrap_width(tokens))
    for token in tokens:
        merger.feed(token)
    for unit in merger.units:
        unit.finish()
    return merger.units
