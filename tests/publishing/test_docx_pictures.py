"""The DOCX writers add blocks and pictures without walking the document each time.

python-docx's ``Run.add_picture`` searched the whole document for the highest ``id`` and hashed
every image part already added, once per picture, and ``Document.add_paragraph``/``add_table``
searched the body for its closing ``w:sectPr`` once per block: a report with N charts cost N
squared (per-block slope 1.3-1.9 at 10x the size in bench/renderers.py). ``docx_parts.StyleIds``
and ``docx_parts.Pictures`` do the same with counters and dicts. These tests prove they write the
same package as python-docx, and count the walks (not the time) for N pictures.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
import pytest
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.image import ImagePart
from docx.parts.story import StoryPart
from docx.shared import Inches

from icsplan.publishing.docx_parts import Pictures, StyleIds, bookmark, setup_styles


def png(width: int, height: int, shade: int = 0) -> bytes:
    """A small grey PNG; the size and shade make distinct bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([shade % 256]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


# Three distinct images, one of them twice: the repeat must reuse its part.
IMAGES = [png(40, 20, 1), png(30, 30, 2), png(40, 20, 1), png(10, 50, 3)]


def _write(*, ours: bool) -> bytes:
    document = docx.Document()
    setup_styles(document)
    styled = StyleIds(document) if ours else None
    pictures = Pictures(document) if ours else None
    section = document.sections[0]
    section.left_margin = section.right_margin = Inches(0.9)  # page set-up after StyleIds is made
    for number, data in enumerate(IMAGES, start=1):
        if styled is not None:
            heading = styled.heading(f"Chart {number}", level=2)
            paragraph = styled.paragraph("Before the chart", style="SBU Text")
            table = styled.table(rows=2, cols=3, style="Table Grid")
        else:
            heading = document.add_heading(f"Chart {number}", level=2)
            paragraph = document.add_paragraph("Before the chart", style="SBU Text")
            table = document.add_table(rows=2, cols=3, style="Table Grid")
        bookmark(heading, f"_Toc_chart_{number}", number)  # w:id attributes, not ids of drawings
        table.cell(0, 0).text = "cell"
        run = paragraph.add_run()
        width = Inches(1 + number / 4)
        if pictures is not None:
            pictures.add(run, data, width=width)
        else:
            run.add_picture(io.BytesIO(data), width=width)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_pictures_and_blocks_make_the_same_package_as_python_docx():
    ours, theirs = _entries(_write(ours=True)), _entries(_write(ours=False))
    assert sorted(ours) == sorted(theirs)
    media = sorted(name for name in ours if name.startswith("word/media/"))
    assert media == ["word/media/image1.png", "word/media/image2.png", "word/media/image3.png"]
    for name in theirs:
        assert ours[name] == theirs[name], name
    body = ours["word/document.xml"].decode()
    assert body.count("<wp:docPr") == len(IMAGES) and 'wp:docPr id="4"' in body


class _Walks:
    """Counts of the operations whose number grew with the document's length."""

    def __init__(self, monkeypatch):
        self.next_id = self.part_hashes = self.body_searches = 0
        next_id, part_sha1 = StoryPart.next_id, ImagePart.sha1
        first_child_found_in = BaseOxmlElement.first_child_found_in
        walks = self

        def counted_next_id(part):
            walks.next_id += 1
            return next_id.fget(part)

        def counted_sha1(part):
            walks.part_hashes += 1
            return part_sha1.fget(part)

        def counted_search(element, *tagnames):
            if element.tag == docx.oxml.ns.qn("w:body"):
                walks.body_searches += 1
            return first_child_found_in(element, *tagnames)

        monkeypatch.setattr(StoryPart, "next_id", property(counted_next_id))
        monkeypatch.setattr(ImagePart, "sha1", property(counted_sha1))
        monkeypatch.setattr(BaseOxmlElement, "first_child_found_in", counted_search)


@pytest.mark.parametrize("count", [5, 40])
def test_n_pictures_cost_no_walk_of_the_document_apiece(count, monkeypatch):
    walks = _Walks(monkeypatch)
    document = docx.Document()
    styled, pictures = StyleIds(document), Pictures(document)
    for number in range(count):
        styled.paragraph(f"Paragraph {number}")
        styled.table(rows=1, cols=2, style="Table Grid")
        pictures.add(styled.paragraph().add_run(), png(8 + number, 8, number), width=Inches(1))
    # python-docx alone: one next_id and ``count`` paragraphs' worth of body searches per picture,
    # and every earlier part hashed again (count * (count - 1) / 2).
    assert walks.next_id == 1
    assert walks.part_hashes == 0  # each new image is hashed once, as an Image, never as a part again
    assert walks.body_searches == 0
    assert len(document.part.package.image_parts) == count
