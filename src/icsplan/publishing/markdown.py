"""Normalized Markdown: the shape ``icsplan.ingest.parse_text`` reads back.

    # Integrated Country Strategy
    ## Mali
    **FOR PUBLIC RELEASE**
    Approved: October 3, 2018
    ## 1. Chief of Mission Priorities
    ## 2. Mission Strategic Framework      (**Mission Goal 1: ...** lines)
    ## 3. Mission Goals and Objectives     (### goal, #### objective, ##### sub-objective)
    ## 4. Management Objectives            (### management objective)

Indicators are not written: Markdown carries the narrative, JSON carries everything.
"""

from __future__ import annotations

import re

from icsplan.document.model import Strategy

from .base import Renderer
from .outline import FrameworkLine, Heading, Items, Paragraph, prepare

SBU_MARK = "(SBU)"

# Text from the strategy is data, never markup: a Markdown renderer must show it as written and
# must not pass raw HTML through (a title "<script>…" stays text). Escaped with backslashes, which
# every CommonMark renderer honours and icsplan's own parser undoes, so the file reads back
# unchanged and stays readable: "AT&T" and "cross_cutting" are left alone, since a bare "&" or an
# underscore inside a word is not markup.
_INLINE_ACTIVE = re.compile(
    r"[\\`*\[\]<>~]"  # backslash, code spans, emphasis, links and images, raw HTML and autolinks, strikethrough
    r"|&(?=#?[0-9A-Za-z]+;)"  # an entity or character reference ("&lt;", "&#60;") would be decoded
    r"|(?<![^\W_])_|_(?![^\W_])"  # an underscore at a word's edge can open or close emphasis
)
# A line that starts like Markdown structure would be read as structure: an ATX heading, a list
# item, a thematic break or setext underline. ("*", ">" and fences are escaped wherever they are.)
_STRUCTURAL = re.compile(r"^(?:#|[-+=](?= |$)|-{2,}|={2,})")
_ORDERED_ITEM = re.compile(r"^(\d{1,9})([.)])(?= |$)")
# A heading's closing "#"s are not part of its text for a Markdown reader.
_CLOSING_HASHES = re.compile(r"(^| )(#+)$")


def _inline(text: str) -> str:
    """``text`` from the database with every Markdown-active character escaped, on one line."""
    one_line = re.sub(r"[ \t]*[\r\n]+[ \t]*", " ", text.strip())
    return _INLINE_ACTIVE.sub(lambda m: "\\" + m.group(0), one_line)


def _line_start(text: str) -> str:
    """Already escaped ``text`` that starts a line: nothing at its start may read as a heading or
    a list."""
    if _STRUCTURAL.match(text):
        return "\\" + text
    return _ORDERED_ITEM.sub(r"\1\\\2", text)


def _heading(text: str) -> str:
    return _CLOSING_HASHES.sub(lambda m: m.group(1) + "\\" + m.group(2), _inline(text))


def _paragraph(text: str, label: str | None, sbu: bool) -> str:
    body = _inline(text)
    if sbu:
        body = f"{SBU_MARK} {body}"
    if label:
        return f"**{_inline(label)}** {body}"
    # Only a line that starts the paragraph can be mistaken for structure.
    return _line_start(body)


def to_markdown(strategy: Strategy, *, public: bool = False) -> str:
    """The strategy as normalized Markdown text."""
    outline = prepare(strategy, public=public, indicators=False)
    cover = outline.cover
    lines = [f"# {_heading(cover.title)}", f"## {_heading(cover.country)}", f"**{_inline(cover.banner)}**"]
    if cover.approved:
        lines.append(f"Approved: {_inline(cover.approved)}")
    for block in outline.blocks:
        if isinstance(block, Heading):
            lines.append(f"{'#' * (block.level + 1)} {_heading(block.text)}")
        elif isinstance(block, FrameworkLine):
            lines.append(f"**{_inline(block.text)}**")
        elif isinstance(block, Paragraph):
            lines.append(_paragraph(block.text, block.label, block.sbu))
        elif isinstance(block, Items):
            # Each risk text is whole sentences, so they simply follow one another.
            text = " ".join(f"{SBU_MARK} {item}" if sbu else item for item, sbu in block.items)
            lines.append(_paragraph(text, block.label, False))
    # One blank line between blocks: every paragraph is one line, as the parser expects.
    return "\n\n".join(lines) + "\n"


class MarkdownRenderer(Renderer):
    """Normalized Markdown (UTF-8)."""

    format = "md"
    media_type = "text/markdown; charset=utf-8"
    extension = "md"

    def render(self, strategy: Strategy, *, public: bool = False) -> bytes:
        return to_markdown(strategy, public=public).encode("utf-8")


RENDERER = MarkdownRenderer()
