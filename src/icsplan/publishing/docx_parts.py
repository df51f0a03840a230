"""Word building blocks shared by the strategy document (publishing/docx.py) and the progress
report (publishing/report/docx.py): the house styles, fields (PAGE, NUMPAGES, TOC, PAGEREF),
bookmarks, shading and header rows. Public so that both writers use one copy."""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.oxml.table import CT_Tbl
from docx.parts.image import ImagePart
from docx.section import Section
from docx.shape import InlineShape
from docx.shared import Emu, Inches, Length, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

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
    """Paragraphs, headings and tables added to the body with a style whose id is resolved once per
    document, each in a time that does not grow with the document.

    python-docx pays three walks per block that grow with the document: given a style name, it
    walks the document's whole style list to tell whether it is the default style (whose id it
    leaves out); it inserts each block before the body's closing ``w:sectPr`` after searching all
    the body's children for it; and for a table it searches the whole body for section properties
    to get the text width. A writer adds thousands of blocks, so those walks made a long document
    cost the square of its length. Here each style name is resolved once, by python-docx itself;
    each block goes right before the body's ``w:sectPr``, found once; and the width is read from
    that ``w:sectPr`` (the document's last section, which python-docx reads too). The elements are
    made and set with the constructors and setters python-docx uses, so the XML is the same.
    Make it after :func:`setup_styles`, which adds styles; page set-up may change at any time.
    """

    def __init__(self, document) -> None:
        self.document = document
        self._ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}
        # The block container python-docx's own paragraphs and tables belong to.
        self._container = document._body
        # The body's last child; python-docx inserts every block before it (None: it appends).
        self._body_end = document.element.body.sectPr

    def style_id(self, name: str, style_type: WD_STYLE_TYPE) -> str | None:
        key = (name, style_type)
        if key not in self._ids:
            self._ids[key] = self.document.styles.get_style_id(name, style_type)
        return self._ids[key]

    def paragraph(self, text: str = "", style: str | None = None):
        """As ``Document.add_paragraph``."""
        if self._body_end is None:
            paragraph = self.document.add_paragraph(text)
        else:
            element = OxmlElement("w:p")  # what CT_Body.add_p makes
            self._body_end.addprevious(element)
            paragraph = Paragraph(element, self._container)
            if text:
                paragraph.add_run(text)
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
        if self._body_end is None:
            table = self.document.add_table(rows=rows, cols=cols)
        else:
            # Document._block_width, from the last section without searching the body for it.
            section = Section(self._body_end, self.document.part)
            page, left, right = section.page_width, section.left_margin, section.right_margin
            if page is None or left is None or right is None:  # python-docx's own answer (or error)
                width = self.document._block_width
            else:
                width = Emu(page - left - right)
            element = CT_Tbl.new_tbl(rows, cols, width)
            self._body_end.addprevious(element)
            table = Table(element, self._container)
        table._tbl.tblStyle_val = self.style_id(style, WD_STYLE_TYPE.TABLE)
        return table


class Pictures:
    """Inline pictures added to a document's body, each in a time that does not grow with the
    number of pictures already there.

    python-docx's ``Run.add_picture`` searches the whole document for the highest ``id`` attribute
    to number the drawing, hashes the bytes of every image part already in the package to find one
    with the same bytes, and scans the part names and relationships for the next free ones: the
    cost of N charts grew with N squared. Here the next drawing id is read once (by python-docx's
    ``next_id``, at the first picture) and counted up, which gives the same ids as long as nothing
    but pictures adds an unqualified ``id`` attribute (bookmarks' ids are ``w:id``); image parts are
    found by the hash of their bytes in a dict, so the same bytes still make one part; a new part
    gets the smallest free part name and relationship id, as python-docx gives them. The XML and
    the package are the same as ``Run.add_picture``'s (tests/publishing/test_docx_pictures.py).
    """

    def __init__(self, document) -> None:
        self._part = document.part
        self._image_parts = self._part.package.image_parts
        self._by_sha1: dict[str, ImagePart] = {}
        self._used_numbers: set[int] = set()
        self._known = -1  # how many image parts the two maps above describe
        self._rids: dict[ImagePart, str] = {}
        self._made_here: set[ImagePart] = set()  # parts no relationship pointed to before
        self._next_number = self._next_rid = 1
        self._next_shape_id: int | None = None

    def add(self, run, data: bytes, width: Length | None = None, height: Length | None = None) -> InlineShape:
        """As ``run.add_picture(io.BytesIO(data), width, height)``."""
        image = Image.from_blob(data)
        part = self._image_part(image)
        cx, cy = part.image.scaled_dimensions(width, height)
        if self._next_shape_id is None:
            self._next_shape_id = self._part.next_id
        inline = CT_Inline.new_pic_inline(self._next_shape_id, self._rid(part), part.image.filename, cx, cy)
        self._next_shape_id += 1
        run._r.add_drawing(inline)
        return InlineShape(inline)

    def _image_part(self, image: Image) -> ImagePart:
        if len(self._image_parts) != self._known:  # first call, or parts added by someone else
            self._by_sha1 = {part.sha1: part for part in self._image_parts}
            self._used_numbers = {part.partname.idx for part in self._image_parts}
            self._next_number = 1
            self._known = len(self._image_parts)
        digest = image.sha1
        part = self._by_sha1.get(digest)
        if part is None:
            while self._next_number in self._used_numbers:
                self._next_number += 1
            partname = PackURI(f"/word/media/image{self._next_number}.{image.ext}")
            part = ImagePart.from_image(image, partname)
            self._image_parts.append(part)
            self._made_here.add(part)
            self._by_sha1[digest] = part
            self._used_numbers.add(self._next_number)
            self._known += 1
        return part

    def _rid(self, part: ImagePart) -> str:
        rid = self._rids.get(part)
        if rid is None:
            if part not in self._made_here:  # a part of the package before: it may be related already
                rid = self._part.relate_to(part, RT.IMAGE)
            else:
                # Relationships are only ever added, so the smallest free id never moves back.
                rels = self._part.rels
                while f"rId{self._next_rid}" in rels:
                    self._next_rid += 1
                rid = rels.add_relationship(RT.IMAGE, part, f"rId{self._next_rid}").rId
            self._rids[part] = rid
        return rid


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
