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
# A narrative line that starts like Markdown structure would be read back as structure.
_STRUCTURAL = re.compile(r"^(#|[-*+] |\d+\. |>)")


def _paragraph(text: str, label: str | None, sbu: bool) -> str:
    body = text.strip()
    if sbu:
        body = f"{SBU_MARK} {body}"
    if label:
        return f"**{label}** {body}"
    # Only a line that starts the paragraph can be mistaken for structure.
    return "\\" + body if _STRUCTURAL.match(body) else body


def to_markdown(strategy: Strategy, *, public: bool = False) -> str:
    """The strategy as normalized Markdown text."""
    outline = prepare(strategy, public=public, indicators=False)
    cover = outline.cover
    lines = [f"# {cover.title}", f"## {cover.country}", f"**{cover.banner}**"]
    if cover.approved:
        lines.append(f"Approved: {cover.approved}")
    for block in outline.blocks:
        if isinstance(block, Heading):
            lines.append(f"{'#' * (block.level + 1)} {block.text}")
        elif isinstance(block, FrameworkLine):
            lines.append(f"**{block.text}**")
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
