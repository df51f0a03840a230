"""Hostile files, made on the fly: deflate-bomb PDFs, zip-bomb DOCX/XLSX, deep JSON, many-page PDFs.

Each is small on disk and large (or slow) to read; none is stored in the repository.
"""

from __future__ import annotations

import io
import zipfile
import zlib

MB = 1024 * 1024


def pdf(objects: list[bytes]) -> bytes:
    """A PDF with these objects (1 is the catalog) and a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _deflated(size: int, fill: bytes = b" ") -> bytes:
    """``size`` bytes of ``fill``, deflated without holding them all in memory."""
    packer = zlib.compressobj(9)
    chunk = (fill * (MB // len(fill) + 1))[:MB]
    parts = [packer.compress(chunk) for _ in range(size // MB)]
    parts.append(packer.flush())
    return b"".join(parts)


def deflate_bomb_pdf(inflated_mb: int = 200, operator: bytes = b"0 0 1 1 re f\n") -> bytes:
    """One page whose content stream inflates to ``inflated_mb`` MB of drawing operators (a small
    filled rectangle, again and again): pdfminer inflates it whole, then builds an object for each
    rectangle, for minutes and gigabytes."""
    stream = _deflated(inflated_mb * MB, operator)
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ])


def many_pages_pdf(pages: int) -> bytes:
    """``pages`` empty pages."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * pages
    return pdf(objects)


def _repack(package: bytes, replace: dict[str, bytes]) -> bytes:
    """A copy of a zip package with some members' content replaced."""
    source = zipfile.ZipFile(io.BytesIO(package))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
    return buffer.getvalue()


def docx_bytes(text: str = "Mission Goal 1: hello") -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()


def zip_bomb_docx(inflated_mb: int = 60) -> bytes:
    """A real Word package whose main part inflates to ``inflated_mb`` MB (a ratio near 1000:1)."""
    body = b'<?xml version="1.0"?><w:document xmlns:w="x">' + b" " * (inflated_mb * MB) + b"</w:document>"
    return _repack(docx_bytes(), {"word/document.xml": body})


def xlsx_bytes() -> bytes:
    import openpyxl

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Indicator"
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb_xlsx(inflated_mb: int = 150) -> bytes:
    """A real workbook whose sheet inflates to ``inflated_mb`` MB."""
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b"<sheetData>" + b" " * (inflated_mb * MB) + b"</sheetData></worksheet>")
    return _repack(xlsx_bytes(), {"xl/worksheets/sheet1.xml": sheet})


def low_ratio_docx(size_mb: int) -> bytes:
    """A Word package of about ``size_mb`` MB that compresses not at all (random bytes, stored)."""
    import os

    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename), zipfile.ZIP_DEFLATED)
        target.writestr("word/media/noise.bin", os.urandom(size_mb * MB), zipfile.ZIP_STORED)
    return buffer.getvalue()


def deep_json(depth: int = 100_000) -> bytes:
    """An interchange document with an array nested ``depth`` deep."""
    return b'{"schema": "icsplan.strategy/1", "mission": {"country": "Testland"}, "goals": ' + \
        b"[" * depth + b"]" * depth + b"}"
