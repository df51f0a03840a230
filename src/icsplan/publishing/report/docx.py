"""The progress report as a Word document: the strategy document's styles, PNG charts with alt
text, shaded status cells, a running banner and page numbers."""

from __future__ import annotations

import io

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from ..content import SBU_BANNER
from ..docx_parts import (
    HEADING_FONT, NAVY, SBU_RED, Pictures, StyleIds, bookmark, setup_styles, shade, simple_field, toc_bookmark,
    write_toc_field,
)
from .outline import SAMPLE_LABEL, STATUS_LABELS, Chart, Heading, Paragraph, ReportOutline, Table

# The same fills as the charts (indicators.charts.STYLE): text first, colour third.
FILLS = {"on_track": "B8E1B0", "at_risk": "FDE3A7", "off_track": "F4B6B0", "no_data": "FFFFFF", "not_rated": "E8E8E8"}
_LABEL_TO_STATUS = {label: key for key, label in STATUS_LABELS.items()}
GREY = RGBColor(0x44, 0x44, 0x44)
SAMPLE_BROWN = RGBColor(0x8A, 0x4B, 0x00)


def _cell_fill(cell, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    props.append(shading)


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _cant_split(row) -> None:
    props = row._tr.get_or_add_trPr()
    props.append(OxmlElement("w:cantSplit"))


class _Writer:
    def __init__(self, outline: ReportOutline):
        from docx import Document

        self.outline = outline
        self.document = Document()
        setup_styles(self.document)
        self.styled = StyleIds(self.document)
        self.pictures = Pictures(self.document)
        section = self.document.sections[0]
        section.page_width, section.page_height = Inches(8.5), Inches(11)
        section.left_margin = section.right_margin = Inches(0.9)
        section.top_margin = section.bottom_margin = Inches(0.85)
        self.text_width = 8.5 - 1.8
        self.bookmarks = 0

    # -- page furniture
    def _banner_run(self, paragraph, size: float = 8):
        run = paragraph.add_run(self.outline.cover.banner)
        run.bold = True
        run.font.size = Pt(size)
        run.font.name = HEADING_FONT
        run.font.color.rgb = SBU_RED if self.outline.cover.banner == SBU_BANNER else NAVY
        return run

    def header_footer(self) -> None:
        cover = self.outline.cover
        section = self.document.sections[0]
        # The cover has the banner but no page number, like the PDF.
        section.different_first_page_header_footer = True
        for header in (section.header, section.first_page_header):
            paragraph = header.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._banner_run(paragraph)
        for footer in (section.footer, section.first_page_footer):
            paragraph = footer.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._banner_run(paragraph)
        line = section.footer.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.add_run(f"Progress Report {cover.period} \u2014 {cover.country}    \u00b7    Page ")
        simple_field(line, "PAGE", "1")
        line.add_run(" of ")
        simple_field(line, "NUMPAGES", "1")
        if cover.sample:
            line.add_run(f"    \u00b7    {SAMPLE_LABEL}")
        for run in line.runs:
            run.font.size = Pt(7.5)
            run.font.color.rgb = GREY

    def cover(self) -> None:
        c = self.outline.cover
        add = self.styled.paragraph
        kicker = add("U.S. Department of State \u00b7 U.S. Agency for International Development")
        kicker.paragraph_format.space_before = Pt(130)
        lines = [kicker, add(c.title, style="Title"), add(c.country, style="Subtitle")]
        strategy = f"{c.strategy_title} {c.edition}" + (f" \u00b7 {c.fiscal_span}" if c.fiscal_span else "")
        lines.append(add(strategy))
        if c.post:
            lines.append(add(c.post))
        period = add()
        period.paragraph_format.space_before = Pt(18)
        run = period.add_run(f"Reporting period {c.period}")
        run.bold, run.font.size, run.font.name, run.font.color.rgb = True, Pt(14), HEADING_FONT, NAVY
        lines += [period, add(c.period_span)]
        banner = add()
        banner.paragraph_format.space_before = Pt(24)
        banner.paragraph_format.space_after = Pt(18)
        self._banner_run(banner, size=11)
        lines.append(banner)
        if c.sample:
            sample = add()
            run = sample.add_run(SAMPLE_LABEL)
            run.italic, run.font.color.rgb = True, SAMPLE_BROWN
            lines.append(sample)
        for paragraph in lines:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        lines[-1].add_run().add_break(WD_BREAK.PAGE)

    def contents(self) -> None:
        self.styled.paragraph("Contents", style="TOC Heading")
        headings = self.outline.toc()
        entries = [self.styled.paragraph(style="toc 1") for _ in headings]
        if not entries:
            return
        write_toc_field(entries, headings, levels="1-1")

    # -- blocks
    def heading(self, block: Heading) -> None:
        if block.level == 1 and block.text.startswith("1."):
            # Contents and summary share a page, as in the PDF.
            paragraph = self.styled.heading(block.text, level=1)
            paragraph.paragraph_format.page_break_before = False
            paragraph.paragraph_format.space_before = Pt(24)
        else:
            paragraph = self.styled.heading(block.text, level=min(block.level, 4))
        if block.toc:
            self.bookmarks += 1
            bookmark(paragraph, toc_bookmark(block.anchor), self.bookmarks)
        if block.status:
            run = paragraph.add_run(f"   [{STATUS_LABELS[block.status]}]")
            run.font.size = Pt(9)
            run.italic = False
            run.font.color.rgb = GREY

    def paragraph(self, block: Paragraph) -> None:
        paragraph = self.styled.paragraph()
        if block.label:
            run = paragraph.add_run(block.label + " ")
            run.bold = True
            run.font.color.rgb = NAVY
        if block.sbu:
            mark = paragraph.add_run("(SBU) ")
            mark.font.color.rgb = SBU_RED
            mark.font.name = HEADING_FONT
            shade(paragraph, "FBF1F1", "8A1C1C")
        run = paragraph.add_run(block.text)
        if block.note:
            paragraph.paragraph_format.keep_with_next = True  # details stay with their chart and table
            paragraph.paragraph_format.space_after = Pt(3)
            for r in paragraph.runs:
                r.font.size = Pt(8.5)
            run.font.color.rgb = GREY
        if SAMPLE_LABEL in block.text:
            run.italic = True

    def table(self, block: Table) -> None:
        if block.caption:
            caption = self.styled.paragraph()
            caption.paragraph_format.keep_with_next = True
            caption.paragraph_format.space_after = Pt(2)
            run = caption.add_run(block.caption)
            run.font.size, run.font.color.rgb, run.font.name = Pt(8), GREY, HEADING_FONT
        table = self.styled.table(rows=1, cols=len(block.columns), style="Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        header = table.rows[0]
        _repeat_header(header)
        for cell, text in zip(header.cells, block.columns):
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            _cell_fill(cell, "1F2A44")
        for index, row in enumerate(block.rows):
            cells = table.add_row().cells
            for col, (cell, text) in enumerate(zip(cells, row)):
                run = cell.paragraphs[0].add_run(text)
                run.bold = index in block.highlight
                if col == block.status_column and text in _LABEL_TO_STATUS:
                    _cell_fill(cell, FILLS[_LABEL_TO_STATUS[text]])
        for row in table.rows:
            _cant_split(row)
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.space_after = Pt(0)
                    for run in paragraph.runs:
                        run.font.size = Pt(8.5)
        if block.widths:
            # Fixed layout with the grid and every cell set: Word reads the cells, LibreOffice the grid.
            table.autofit = False
            total = sum(block.widths)
            widths = [Inches(self.text_width * width / total) for width in block.widths]
            for column, width in zip(table.columns, widths):
                column.width = width
            for row in table.rows:
                for cell, width in zip(row.cells, widths):
                    cell.width = width
        self.styled.paragraph().paragraph_format.space_after = Pt(2)

    def chart(self, block: Chart) -> None:
        paragraph = self.styled.paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        png = block.render("png")
        self.pictures.add(run, png, width=Inches(min(block.display_width(png), self.text_width)))
        # Alt text for screen readers: the drawing's description.
        for doc_pr in run._r.iter(qn("wp:docPr")):
            doc_pr.set("descr", block.alt)
            doc_pr.set("title", block.caption or block.alt.split(":")[0])
        if block.caption:
            caption = self.styled.paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption.paragraph_format.keep_with_next = True
            text = caption.add_run(block.caption)
            text.font.size, text.font.color.rgb, text.font.name = Pt(8), GREY, HEADING_FONT
        else:
            paragraph.paragraph_format.space_after = Pt(2)

    def properties(self) -> None:
        c = self.outline.cover
        props = self.document.core_properties
        props.title = f"{c.title} {c.period} \u2014 {c.country}"
        props.subject = c.banner
        props.author = c.post or f"U.S. Mission {c.country}"
        props.keywords = "Integrated Country Strategy; progress report" + ("; sample data" if c.sample else "")

    def write(self) -> bytes:
        self.properties()
        self.header_footer()
        self.cover()
        self.contents()
        for block in self.outline.blocks:
            if isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Paragraph):
                self.paragraph(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Chart):
                self.chart(block)
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def report_docx(outline: ReportOutline) -> bytes:
    """The report as a Word document."""
    return _Writer(outline).write()


__all__ = ["report_docx"]
