"""The blocks of a progress report (cover, headings, paragraphs, tables, charts) and its fixed
labels: what the DOCX, HTML and PDF writers walk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

SAMPLE_LABEL = "Sample data \u2014 illustrative, not official"
CHART_HEIGHT_IN = 2.6  # indicator charts in documents (the web's are 3.6 in)
SUMMARY = "1. Summary"
PROGRESS = "2. Progress by Goal and Objective"
MANAGEMENT = "3. Management Objectives"
METHOD_TITLE = "Method"

# Status value -> the label printed in tables (text first; colour is only a third cue).
STATUS_LABELS = {
    "on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
    "no_data": "No data", "not_rated": "Not rated",
}


@dataclass(frozen=True)
class Cover:
    """What the cover page of a report shows."""

    title: str
    strategy_title: str
    country: str
    post: str | None
    edition: str
    period: str
    period_span: str
    banner: str
    fiscal_span: str | None
    approved: str | None
    sample: bool


@dataclass(frozen=True)
class Heading:
    """Level 1 = numbered section, 2 = goal, 3 = objective, 4 = indicator."""

    level: int
    text: str
    anchor: str
    toc: bool = False
    status: str | None = None  # a status value ("on_track") shown beside the heading


@dataclass(frozen=True)
class Paragraph:
    """Narrative or explanatory text, optionally led by a bold label."""

    text: str
    label: str | None = None
    sbu: bool = False
    note: bool = False  # small type: details, sample-data labels


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``status_column`` holds status labels (shaded by renderers)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    status_column: int | None = None
    highlight: tuple[int, ...] = ()  # rows of the reporting period, printed in bold
    widths: tuple[float, ...] = ()  # relative column widths


@dataclass(frozen=True)
class Chart:
    """A figure, rendered on demand as SVG (web) or PNG (documents), with its alt text."""

    name: str
    alt: str
    caption: str
    make: Callable[[str], bytes] = field(compare=False, repr=False)
    width_in: float = 6.0

    def render(self, fmt: str) -> bytes:
        return self.make(fmt)

    def display_width(self, png: bytes, *, scale: float = 0.75, dpi: int = 150) -> float:
        """Print width in inches: every chart at the same scale (so type sizes match), at most
        ``width_in``. The width is read from the PNG header."""
        pixels = int.from_bytes(png[16:20], "big") if png[:8] == b"\x89PNG\r\n\x1a\n" else 0
        natural = pixels / dpi * scale if pixels else self.width_in
        return round(min(self.width_in, natural), 2)


Block = Heading | Paragraph | Table | Chart


@dataclass
class ReportOutline:
    """The cover and the blocks of a progress report, in reading order."""

    cover: Cover
    blocks: list[Block] = field(default_factory=list)

    def toc(self) -> list[Heading]:
        return [block for block in self.blocks if isinstance(block, Heading) and block.toc]
