"""Bad documents, end to end: each is refused with one sentence — by ``parse_path`` as a
``DocumentError``, and by ``icsplan parse`` as one line on stderr and exit status 2 — quickly.

The files are made here: an encrypted PDF (a real /Encrypt dictionary), a scanned PDF (Pillow
writes an image-only page), a damaged zip, a zip that is not a Word document, a zip bomb, a
file over the size limit.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from typer.testing import CliRunner

from icsplan.cli import app
from icsplan.errors import DocumentError
from icsplan.ingest.files import MAX_BYTES, parse_path

runner = CliRunner()
TIME_BOUND = 20.0  # seconds, on a loaded two-core CI machine


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


def encrypted_pdf() -> bytes:
    pages = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"]
    encrypt = b"<< /Filter /Standard /V 2 /R 3 /Length 128 /O <%s> /U <%s> /P -1028 >>" % (b"ab" * 32, b"cd" * 32)
    file_id = b"/ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] "
    return _pdf(pages + [encrypt], trailer_extra=b"/Encrypt 4 0 R " + file_id)


def scanned_pdf() -> bytes:
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (850, 1100), "white")
    draw = ImageDraw.Draw(page)
    for y in range(100, 1000, 40):  # lines of "text" that are only pixels
        draw.rectangle((80, y, 770, y + 14), fill="black")
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=100)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def corrupt_zip() -> bytes:
    good = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>" * 50})
    return good[:40] + b"\xde\xad\xbe\xef" * 30  # the local header survives, the rest is gone


def zip_bomb() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (60 * 1024 * 1024)})


CASES = {
    # name: (file name, bytes factory, DocumentError codes accepted, words the sentence must hold)
    "encrypted-pdf": ("strategy.pdf", encrypted_pdf, {"encrypted"}, "encrypted"),
    "scanned-pdf": ("scan.pdf", scanned_pdf, {"no-text"}, "OCR"),
    "corrupt-zip": ("strategy.docx", corrupt_zip, {"not-a-docx", "corrupt"}, "Word"),
    "not-a-docx-zip": ("strategy.docx", lambda: _zip({"photos/cat.jpg": b"\xff\xd8" * 100}), {"not-a-docx"},
                       "not a Word document"),
    "zip-bomb": ("bomb.docx", zip_bomb, {"zip-bomb"}, "zip bomb"),
    "huge-file": ("huge.pdf", lambda: b"%PDF-1.7\n" + b"0" * MAX_BYTES, {"too-large"}, "larger than"),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-documents")
    made = {}
    for case, (name, factory, _codes, _words) in CASES.items():
        path = folder / case / name
        path.parent.mkdir()
        path.write_bytes(factory())
        made[case] = path
    return made


def _one_sentence(text: str) -> None:
    text = text.strip()
    assert text and "\n" not in text, text
    assert "Traceback" not in text


@pytest.mark.parametrize("case", CASES)
def test_parse_path_refuses_with_one_sentence(files, case):
    name, _factory, codes, words = CASES[case]
    started = time.perf_counter()
    with pytest.raises(DocumentError) as caught:
        parse_path(files[case])
    assert time.perf_counter() - started < TIME_BOUND
    assert caught.value.code in codes, (caught.value.code, str(caught.value))
    assert caught.value.where.file == name
    assert words.lower() in str(caught.value).lower()
    _one_sentence(str(caught.value))


@pytest.mark.parametrize("case", CASES)
def test_cli_parse_exits_2_with_one_line(files, case, tmp_path):
    name, _factory, _codes, words = CASES[case]
    out = tmp_path / "out.json"
    started = time.perf_counter()
    result = runner.invoke(app, ["parse", str(files[case]), "-o", str(out)])
    assert time.perf_counter() - started < TIME_BOUND
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ") and name in lines[0] and words.lower() in lines[0].lower()
    assert not out.exists()  # nothing is written


def test_generated_files_are_what_they_claim(files):
    """Guard the fixtures: the scanned PDF really is a PDF with a page and an image, no text."""
    import pdfplumber

    with pdfplumber.open(files["scanned-pdf"]) as pdf:
        assert len(pdf.pages) == 1 and pdf.pages[0].images and not (pdf.pages[0].extract_text() or "").strip()
    assert zipfile.ZipFile(files["zip-bomb"]).getinfo("word/document.xml").file_size == 60 * 1024 * 1024
