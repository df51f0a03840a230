"""Word building blocks shared by the strategy document (publishing/docx.py) and the progress
report (publishing/report/docx.py): the house styles, fields (PAGE, NUMPAGES, TOC, PAGEREF),
bookmarks, shading and header rows. Public so that both writers use one copy."""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

NAVY = RGBColor(0x1F, 0x2A, 0x44)
SBU_RED = RGBColor(0x8A, 0x1C, 0x1C)
BODY_FONT = "Georgia"
HEADING_FONT = "Arial"
SBU_STYLE = "SBU Text"
TOC_STYLES = ("toc 1",)


# -- low-level helpers ----------------------------------------------------------------------
def set_font(style, name: str) -> None:
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


def fld_char(run, kind: str) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    run._r.append(element)


def instruction(paragraph, code: str) -> None:
    run = paragraph.add_run()
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = f" {code} "
    run._r.append(element)


def simple_field(paragraph, code: str, cached: str) -> None:
    """A field Word computes when the page is laid out (PAGE, NUMPAGES)."""
    fld_char(paragraph.add_run(), "begin")
    instruction(paragraph, code)
    fld_char(paragraph.add_run(), "separate")
    paragraph.add_run(cached)
    fld_char(paragraph.add_run(), "end")


def shade(paragraph, fill: str, border: str) -> None:
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
def setup_styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    set_font(normal, BODY_FONT)
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(7)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Title", 28), ("Subtitle", 20), ("Heading 1", 17), ("Heading 2", 13),
                       ("Heading 3", 11.5), ("Heading 4", 10.5), ("TOC Heading", 17)):
        style = styles[name]
        set_font(style, HEADING_FONT if name != "Subtitle" else BODY_FONT)
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


class StyleIds:
    """Paragraphs, headings and tables added with a style whose id is resolved once per document.

    Given a style name, python-docx walks the document's whole style list on every call to tell
    whether it is the default style (whose id it leaves out): a writer adds hundreds of paragraphs
    with a handful of styles. Here each name is resolved once, by python-docx itself, and the id
    is set with the same setters python-docx uses, so the XML is the same. Make it after
    :func:`setup_styles`, which adds styles.
    """

    def __init__(self, document) -> None:
        self.document = document
        self._ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}

    def style_id(self, name: str, style_type: WD_STYLE_TYPE) -> str | None:
        key = (name, style_type)
        if key not in self._ids:
            self._ids[key] = self.document.styles.get_style_id(name, style_type)
        return self._ids[key]

    def paragraph(self, text: str = "", style: str | None = None):
        """As ``Document.add_paragraph``."""
        paragraph = self.document.add_paragraph(text)
        if style is not None:
            paragraph._p.style = self.style_id(style, WD_STYLE_TYPE.PARAGRAPH)
        return paragraph

    def heading(self, text: str, level: int):
        """As ``Document.add_heading``."""
        if not 0 <= level <= 9:
            raise ValueError(f"level must be in range 0-9, got {level}")
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def table(self, rows: int, cols: int, style: str):
        """As ``Document.add_table``."""
        table = self.document.add_table(rows=rows, cols=cols)
        table._tbl.tblStyle_val = self.style_id(style, WD_STYLE_TYPE.TABLE)
        return table


def bookmark(paragraph, name: str, number: int) -> None:
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
    fld_char(first.add_run(), "begin")
    instruction(first, f'TOC \\o "{levels}" \\h \\z \\u')
    fld_char(first.add_run(), "separate")
    for paragraph, heading in zip(entries, headings):
        paragraph.add_run(heading.text)
        paragraph.add_run("\t")
        simple_field(paragraph, f"PAGEREF {toc_bookmark(heading.anchor)} \\h", "")
    fld_char(entries[-1].add_run(), "end")


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


def toc_bookmark(anchor: str) -> str:
    # Word's own TOC bookmarks are "_Toc" + digits; any name up to 40 characters works.
    return ("_Toc_" + anchor.replace("-", "_"))[:40]
