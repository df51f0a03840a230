"""Word documents in: a .docx turned into the text the ICS text parser reads.

Headings come out as Markdown headings (Title ``#``, Subtitle ``##``, Heading N ``#`` x N+1, the
levels icsplan's own Markdown uses), bold runs as ``**...**``, list paragraphs as ``• ...``,
table rows as ``cell | cell`` lines. Headers, footers and the table of contents are navigation,
not content, and are left out.

The file is checked before python-docx sees it: size, zip structure and the container limits of
:class:`~icsplan.ingest.uploads.ReaderLimits` (a zip bomb is refused without inflating anything).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from icsplan.errors import DocumentError, Location

from .uploads import ReaderLimits, check_zip_container, current_limits, refuse_size

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

_MAIN_PART = "word/document.xml"
# Paragraphs that are a document structure line even when the author did not style them.
_STRUCTURE = re.compile(
    r"^(\d\.\s+(Chief of Mission Priorities|Mission Strategic Framework|Mission Goals and Objectives|"
    r"Management Objectives)|(Mission Goal|Mission Objective|Management Objective|Sub-Objective)\s+[\d.]+\s*:)",
    re.IGNORECASE,
)


def _fail(message: str, source: str, code: str = "not-a-docx") -> DocumentError:
    return DocumentError(message, code=code, where=Location(file=source))


def check_zip(data: bytes, *, source: str, main_part: str = _MAIN_PART, kind: str = "Word",
              limits: ReaderLimits | None = None) -> None:
    """Refuse files too large, not zips, over the container limits, or without ``main_part``."""
    limits = limits or current_limits()
    if not data:
        raise _fail("The file is empty.", source, "empty")
    if len(data) > limits.max_bytes:
        raise refuse_size(source, len(data), limits.max_bytes)
    if not data.startswith(b"PK"):
        raise _fail(f"The file is not a {kind} document (it is not a zip package).", source)
    archive = check_zip_container(source, data, limits)
    if main_part not in {entry.filename for entry in archive.infolist()}:
        raise _fail(f"The file is a zip package but not a {kind} document.", source)


class _Styles:
    """The styles of the document being read, each resolved once.

    python-docx resolves ``paragraph.style`` and ``run.style`` by walking the whole style list
    for the type's default on every call (``Styles.default``), which made reading a document
    quadratic-ish in its size. The document is only read here, so the answer for a style id
    cannot change: it is asked of python-docx once per (id, type) and kept.
    """

    def __init__(self, document: Any):
        self._part = document.part
        self._known: dict[tuple[str | None, Any], Any] = {}

    def resolve(self, style_id: str | None, style_type: Any) -> Any:
        key = (style_id, style_type)
        if key not in self._known:
            # An error (a style python-docx cannot read) is not kept: it is raised again each time.
            self._known[key] = self._part.get_style(style_id, style_type)
        return self._known[key]

    def paragraph(self, paragraph: Paragraph) -> Any:
        from docx.enum.style import WD_STYLE_TYPE

        return self.resolve(paragraph._p.style, WD_STYLE_TYPE.PARAGRAPH)

    def run(self, run: Any) -> Any:
        from docx.enum.style import WD_STYLE_TYPE

        return self.resolve(run._r.style, WD_STYLE_TYPE.CHARACTER)


def _style_name(paragraph: Paragraph, styles: _Styles) -> str:
    try:
        style = styles.paragraph(paragraph)
        return style.name if style is not None else ""
    except (KeyError, ValueError):  # a style id the document does not define
        return ""


def _heading_level(style: str) -> int | None:
    if style == "Title":
        return 1
    if style == "Subtitle":
        return 2
    match = re.fullmatch(r"Heading ([1-9])", style)
    # Title owns level 1, so Heading 1 (the numbered sections) is "##", as in icsplan Markdown.
    return min(6, int(match.group(1)) + 1) if match else None


def _is_list(paragraph: Paragraph, style: str) -> bool:
    if "List" in style:
        return True
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.numPr is not None


def _bold_style(style: Any) -> bool:
    return bool(style and style.font.bold)


def _inline(paragraph: Paragraph, styles: _Styles) -> str:
    """The paragraph's text with bold stretches wrapped in ``**``."""
    segments: list[list[Any]] = []  # [bold, text]
    for run in paragraph.runs:
        text = run.text
        if not text:
            continue
        bold = bool(run.bold) or (run.bold is None and _bold_style(styles.run(run)))
        if segments and segments[-1][0] == bold:
            segments[-1][1] += text
        else:
            segments.append([bold, text])
    parts = []
    for bold, text in segments:
        if bold and text.strip():
            # Markers hug the words; the surrounding spaces stay outside.
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()):]
            parts.append(f"{lead}**{text.strip()}**{trail}")
        else:
            parts.append(text)
    return "".join(parts).strip()


def _paragraph_line(paragraph: Paragraph, styles: _Styles) -> str | None:
    style = _style_name(paragraph, styles)
    if style.lower().startswith("toc"):
        return None
    text = paragraph.text.strip()
    if not text:
        return None
    level = _heading_level(style)
    if level:
        return f"{'#' * level} {' '.join(text.split())}"
    if _is_list(paragraph, style):
        return f"\u2022 {_inline(paragraph, styles)}"
    line = _inline(paragraph, styles)
    if _STRUCTURE.match(text) and not line.startswith("**"):
        line = f"**{text}**"
    return line


def _table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # python-docx gives a merged cell once per grid column it spans, as the same <w:tc>:
            # those are skipped, not neighbours that happen to hold the same text ("10 | 10").
            if previous is not None and cell._tc is previous._tc:
                continue
            previous = cell
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            lines.append(" | ".join(cells).strip())
    return lines


def docx_to_text(data: bytes, *, source: str, limits: ReaderLimits | None = None) -> str:
    """The text of a .docx in the shape ``icsplan.ingest.parse_text`` reads."""
    check_zip(data, source=source, limits=limits)
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except MemoryError:  # the reader's memory limit: the pipeline says so, not "damaged"
        raise
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise _fail(f"The Word document is damaged and cannot be read ({type(exc).__name__}).", source, "corrupt") from None
    styles = _Styles(document)
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            line = _paragraph_line(block, styles)
            if line:
                lines.append(line)
        elif isinstance(block, Table):
            lines += _table_lines(block)
    if not lines:
        raise _fail("The Word document contains no text.", source, "empty")
    return "\n\n".join(lines) + "\n"
