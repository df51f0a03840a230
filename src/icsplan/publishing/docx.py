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
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from icsplan.document.model import Strategy

from .base import Renderer
from .content import SBU_BANNER
from .outline import FrameworkLine, Heading, IndicatorTable, Items, Outline, Paragraph, prepare

NAVY = RGBColor(0x1F, 0x2A, 0x44)
SBU_RED = RGBColor(0x8A, 0x1C, 0x1C)
BODY_FONT = "Georgia"
HEADING_FONT = "Arial"
SBU_STYLE = "SBU Text"
TOC_STYLES = ("toc 1",)


# -- low-level helpers ----------------------------------------------------------------------
def _set_font(style, name: str) -> None:
    # Theme font attributes win over the plain ones in Word, so they must go.
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), name)


def _fld_char(run, kind: str) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    run._r.append(element)


def _instruction(paragraph, code: str) -> None:
    run = paragraph.add_run()
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = f" {code} "
    run._r.append(element)


def _simple_field(paragraph, code: str, cached: str) -> None:
    """A field Word computes when the page is laid out (PAGE, NUMPAGES)."""
    _fld_char(paragraph.add_run(), "begin")
    _instruction(paragraph, code)
    _fld_char(paragraph.add_run(), "separate")
    paragraph.add_run(cached)
    _fld_char(paragraph.add_run(), "end")


def _shade(paragraph, fill: str, border: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", border)):
        left.set(qn(key), value)
    borders.append(left)
    ppr.append(borders)
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    ppr.append(shading)


# -- styles -----------------------------------------------------------------------------------
def _setup_styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal, BODY_FONT)
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(7)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Title", 28), ("Subtitle", 20), ("Heading 1", 17), ("Heading 2", 13),
                       ("Heading 3", 11.5), ("Heading 4", 10.5), ("TOC Heading", 17)):
        style = styles[name]
        _set_font(style, HEADING_FONT if name != "Subtitle" else BODY_FONT)
        style.font.size = Pt(size)
        style.font.color.rgb = NAVY
        style.font.bold = name not in ("Subtitle",)
        style.font.italic = name == "Heading 4"
        style.paragraph_format.keep_with_next = True
    styles["Heading 1"].paragraph_format.page_break_before = True
    styles["Heading 1"].paragraph_format.space_after = Pt(12)
    styles["Heading 2"].paragraph_format.space_before = Pt(16)
    styles["Heading 3"].paragraph_format.space_before = Pt(12)
    sbu = styles.add_style(SBU_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    sbu.base_style = normal
    sbu.quick_style = True
    toc = styles.add_style(TOC_STYLES[0], WD_STYLE_TYPE.PARAGRAPH)
    toc.base_style = normal
    toc.font.size = Pt(11.5)
    toc.paragraph_format.space_after = Pt(6)
    # Page numbers flush right after a dotted leader, as Word's own TOC styles do.
    toc.paragraph_format.tab_stops.add_tab_stop(Inches(6.5), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def _bookmark(paragraph, name: str, number: int) -> None:
    """Wrap the paragraph's content in a bookmark, the target of a PAGEREF field."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    ppr = paragraph._p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)


def write_toc_field(entries, headings, *, levels: str) -> None:
    """Fill ``entries`` (one paragraph per heading) with a Word TOC field.

    The field's cached result lists the sections, each with a PAGEREF field to the bookmark on
    its heading: Word and LibreOffice fill in the page numbers when they lay the document out,
    and Word replaces the whole list when fields are updated.
    """
    first = entries[0]
    _fld_char(first.add_run(), "begin")
    _instruction(first, f'TOC \\o "{levels}" \\h \\z \\u')
    _fld_char(first.add_run(), "separate")
    for paragraph, heading in zip(entries, headings):
        paragraph.add_run(heading.text)
        paragraph.add_run("\t")
        _simple_field(paragraph, f"PAGEREF {_toc_bookmark(heading.anchor)} \\h", "")
    _fld_char(entries[-1].add_run(), "end")


def repeat_header_row(row) -> None:
    """Mark a table row as a header row that Word and LibreOffice repeat on every page."""
    props = row._tr.get_or_add_trPr()
    if props.find(qn("w:tblHeader")) is None:
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        props.append(header)


# Elements that follow w:updateFields in CT_Settings (ECMA-376 part 1, 17.15.1.78): Word refuses
# a settings part whose children are out of schema order, so the flag goes before the first of them.
_AFTER_UPDATE_FIELDS = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
                        "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
                        "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
                        "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
                        "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")


def update_fields_on_open(document) -> None:
    """Set ``w:updateFields`` in settings.xml, so Word fills the table of contents' page numbers
    (and every other field) when it opens the file; LibreOffice lays them out itself."""
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    flag = OxmlElement("w:updateFields")
    flag.set(qn("w:val"), "true")
    successors = set()
    for tag in _AFTER_UPDATE_FIELDS:
        try:
            successors.add(qn(tag))
        except KeyError:  # a prefix python-docx does not know cannot be in its settings part
            continue
    for child in settings:
        if child.tag in successors:
            child.addprevious(flag)
            return
    settings.append(flag)


def _toc_bookmark(anchor: str) -> str:
    # Word's own TOC bookmarks are "_Toc" + digits; any name up to 40 characters works.
    return ("_Toc_" + anchor.replace("-", "_"))[:40]


# -- the document -------------------------------------------------------------------------------
class _Writer:
    def __init__(self, outline: Outline):
        self.outline = outline
        self.document = Document()
        _setup_styles(self.document)
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
        _simple_field(pages, "PAGE", "1")
        pages.add_run(" of ")
        _simple_field(pages, "NUMPAGES", "1")
        for run in pages.runs:
            run.font.size = Pt(8)

    def cover(self) -> None:
        cover = self.outline.cover
        add = self.document.add_paragraph
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
        self.document.add_paragraph("Table of Contents", style="TOC Heading")
        headings = self.outline.toc()
        entries = [self.document.add_paragraph(style=TOC_STYLES[0]) for _ in headings] or [
            self.document.add_paragraph(style=TOC_STYLES[0])
        ]
        write_toc_field(entries, headings, levels="1-3")

    def paragraph(self, block: Paragraph) -> None:
        paragraph = self.document.add_paragraph(style=SBU_STYLE if block.sbu else None)
        if block.label:
            label = paragraph.add_run(block.label + " ")
            label.bold = True
            label.font.color.rgb = NAVY
        if block.sbu:
            self.sbu_mark(paragraph)
            _shade(paragraph, "FBF1F1", "8A1C1C")
        paragraph.add_run(block.text)

    @staticmethod
    def sbu_mark(paragraph) -> None:
        # Red rather than bold: a bold mark would run into a bold label ("Justification:").
        mark = paragraph.add_run("(SBU) ")
        mark.font.color.rgb = SBU_RED
        mark.font.name = HEADING_FONT

    def items(self, block: Items) -> None:
        label = self.document.add_paragraph()
        run = label.add_run(block.label)
        run.bold = True
        run.font.color.rgb = NAVY
        label.paragraph_format.space_after = Pt(2)
        for text, sbu in block.items:
            item = self.document.add_paragraph(style="List Bullet")
            if sbu:
                self.sbu_mark(item)
            item.add_run(text)

    def indicator(self, block: IndicatorTable) -> None:
        heading = self.document.add_paragraph()
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.space_before = Pt(6)
        if block.sbu:
            self.sbu_mark(heading)
        run = heading.add_run(f"Indicator {block.heading}")
        run.bold = True
        for detail in block.details:
            line = self.document.add_paragraph()
            line.paragraph_format.space_after = Pt(0)
            line.paragraph_format.keep_with_next = True
            small = line.add_run(detail)
            small.font.size = Pt(8.5)
        if not block.rows:
            return
        table = self.document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
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
        self.document.add_paragraph().paragraph_format.space_after = Pt(2)

    def body(self) -> None:
        for number, block in enumerate(self.outline.blocks, start=1):
            if isinstance(block, Heading):
                heading = self.document.add_heading(block.text, level=block.level)
                if block.toc:
                    _bookmark(heading, _toc_bookmark(block.anchor), number)
            elif isinstance(block, FrameworkLine):
                line = self.document.add_paragraph()
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
