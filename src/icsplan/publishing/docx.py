"""Word (.docx) through python-docx, with real Word styles.

Title / Subtitle for the cover, Heading 1-4 for sections, goals, objectives and sub-objectives,
List Bullet for risks, Normal for narrative. The table of contents is a real Word field
(``TOC \\o "1-3" \\h \\z \\u``) whose cached result lists the sections, so readers that never
update fields still see a contents list; ``w:updateFields`` in settings.xml has Word fill in
the page numbers when it opens the file. Every table repeats its header row on each page.
Every piece of text is added as a plain run.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Inches, Pt

from icsplan.document.model import Strategy

from .base import Renderer
from .content import SBU_BANNER
from .docx_parts import (
    HEADING_FONT, NAVY, SBU_RED, SBU_STYLE, TOC_STYLES, bookmark, repeat_header_row, setup_styles, shade,
    StyleIds, simple_field, toc_bookmark, update_fields_on_open, write_toc_field,
)
from .outline import FrameworkLine, Heading, IndicatorTable, Items, Outline, Paragraph, prepare


# -- the document -------------------------------------------------------------------------------
class _Writer:
    def __init__(self, outline: Outline):
        self.outline = outline
        self.document = Document()
        setup_styles(self.document)
        self.styled = StyleIds(self.document)
        section = self.document.sections[0]
        section.page_width, section.page_height = Inches(8.5), Inches(11)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Inches(1))
        section.top_margin = section.bottom_margin = Inches(0.9)

    def banner_run(self, paragraph, size: float = 8):
        run = paragraph.add_run(self.outline.cover.banner)
        run.bold = True
        run.font.size = Pt(size)
        run.font.name = HEADING_FONT
        run.font.color.rgb = SBU_RED if self.outline.cover.banner == SBU_BANNER else NAVY
        return run

    def header_footer(self) -> None:
        section = self.document.sections[0]
        # The cover carries the banner but no page number, as in the PDF.
        section.different_first_page_header_footer = True
        for part in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            paragraph = part.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.banner_run(paragraph)
        pages = section.footer.add_paragraph()
        pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pages.add_run("Page ").font.size = Pt(8)
        simple_field(pages, "PAGE", "1")
        pages.add_run(" of ")
        simple_field(pages, "NUMPAGES", "1")
        for run in pages.runs:
            run.font.size = Pt(8)

    def cover(self) -> None:
        cover = self.outline.cover
        add = self.styled.paragraph
        kicker = add("U.S. Department of State \u00b7 U.S. Agency for International Development")
        kicker.paragraph_format.space_before = Pt(150)
        title = add(cover.title, style="Title")
        country = add(cover.country, style="Subtitle")
        lines = [kicker, title, country]
        for text in (cover.post, cover.bureau, cover.fiscal_span):
            if text:
                lines.append(add(text))
        banner = add()
        banner.paragraph_format.space_before = Pt(24)
        banner.paragraph_format.space_after = Pt(18)
        self.banner_run(banner, size=11)
        lines.append(banner)
        if cover.approved:
            lines.append(add(f"Approved: {cover.approved}"))
        if cover.reviewed:
            lines.append(add(f"Reviewed: {', '.join(cover.reviewed)}"))
        for paragraph in lines:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        lines[-1].add_run().add_break(WD_BREAK.PAGE)

    def contents(self) -> None:
        self.styled.paragraph("Table of Contents", style="TOC Heading")
        headings = self.outline.toc()
        entries = [self.styled.paragraph(style=TOC_STYLES[0]) for _ in headings] or [
            self.styled.paragraph(style=TOC_STYLES[0])
        ]
        write_toc_field(entries, headings, levels="1-3")

    def paragraph(self, block: Paragraph) -> None:
        paragraph = self.styled.paragraph(style=SBU_STYLE if block.sbu else None)
        if block.label:
            label = paragraph.add_run(block.label + " ")
            label.bold = True
            label.font.color.rgb = NAVY
        if block.sbu:
            self.sbu_mark(paragraph)
            shade(paragraph, "FBF1F1", "8A1C1C")
        paragraph.add_run(block.text)

    @staticmethod
    def sbu_mark(paragraph) -> None:
        # Red rather than bold: a bold mark would run into a bold label ("Justification:").
        mark = paragraph.add_run("(SBU) ")
        mark.font.color.rgb = SBU_RED
        mark.font.name = HEADING_FONT

    def items(self, block: Items) -> None:
        label = self.styled.paragraph()
        run = label.add_run(block.label)
        run.bold = True
        run.font.color.rgb = NAVY
        label.paragraph_format.space_after = Pt(2)
        for text, sbu in block.items:
            item = self.styled.paragraph(style="List Bullet")
            if sbu:
                self.sbu_mark(item)
            item.add_run(text)

    def indicator(self, block: IndicatorTable) -> None:
        heading = self.styled.paragraph()
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.space_before = Pt(6)
        if block.sbu:
            self.sbu_mark(heading)
        run = heading.add_run(f"Indicator {block.heading}")
        run.bold = True
        for detail in block.details:
            line = self.styled.paragraph()
            line.paragraph_format.space_after = Pt(0)
            line.paragraph_format.keep_with_next = True
            small = line.add_run(detail)
            small.font.size = Pt(8.5)
        if not block.rows:
            return
        table = self.styled.table(rows=1, cols=3, style="Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for cell, text in zip(table.rows[0].cells, ("Period", "Target", "Result")):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
        # A table that runs over a page break repeats its header row on the next page.
        repeat_header_row(table.rows[0])
        for row in block.rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row):
                cell.paragraphs[0].add_run(text)
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.space_after = Pt(0)
                    for run in paragraph.runs:
                        run.font.size = Pt(9)
        self.styled.paragraph().paragraph_format.space_after = Pt(2)

    def body(self) -> None:
        for number, block in enumerate(self.outline.blocks, start=1):
            if isinstance(block, Heading):
                heading = self.styled.heading(block.text, level=block.level)
                if block.toc:
                    bookmark(heading, toc_bookmark(block.anchor), number)
            elif isinstance(block, FrameworkLine):
                line = self.styled.paragraph()
                line.paragraph_format.left_indent = Inches(0.3 * block.depth)
                run = line.add_run(block.text)
                # Bold at every depth, as in the published framework; the indent shows the level.
                run.bold = True
                if block.depth == 0:
                    run.font.color.rgb = NAVY
            elif isinstance(block, Paragraph):
                self.paragraph(block)
            elif isinstance(block, Items):
                self.items(block)
            elif isinstance(block, IndicatorTable):
                self.indicator(block)

    def properties(self) -> None:
        cover = self.outline.cover
        props = self.document.core_properties
        props.title = f"{cover.title} \u2014 {cover.country}"
        props.subject = cover.banner
        props.author = cover.post or f"U.S. Mission {cover.country}"
        props.keywords = "Integrated Country Strategy"

    def write(self) -> bytes:
        update_fields_on_open(self.document)
        self.properties()
        self.header_footer()
        self.cover()
        self.contents()
        self.body()
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def to_docx(strategy: Strategy, *, public: bool = False, indicators: bool = True) -> bytes:
    """The strategy as a Word document; with its indicators, it also carries the canonical JSON
    of what it shows (``ingest.embedded``), so importing it back loses nothing."""
    data = _Writer(prepare(strategy, public=public, indicators=indicators)).write()
    if not indicators:
        return data  # the JSON would carry indicators the document does not show
    from icsplan.ingest.docx import docx_to_text
    from icsplan.ingest.embedded import embed, visible_signature

    from .redaction import public_copy

    source = public_copy(strategy) if public else strategy
    signature = visible_signature(docx_to_text(data, source="export.docx"))
    return embed(data, source.to_json(indent=None), signature)


class DocxRenderer(Renderer):
    """A Word document with real styles, a TOC field, running banner and page numbers."""

    format = "docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    extension = "docx"

    def __init__(self, *, indicators: bool = True):
        self.indicators = indicators

    def render(self, strategy: Strategy, *, public: bool = False) -> bytes:
        return to_docx(strategy, public=public, indicators=self.indicators)


RENDERER = DocxRenderer()
