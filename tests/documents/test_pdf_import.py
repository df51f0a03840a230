import pytest

from icsplan.errors import DocumentError
from icsplan.ingest import pdf as pdf_ingest
from icsplan.ingest.pdf import pdf_to_text


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A minimal hand-written PDF with a correct cross-reference table."""
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


_PAGES = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
]


def test_not_a_pdf():
    with pytest.raises(DocumentError) as caught:
        pdf_to_text(b"GIF89a...", source="x.pdf")
    assert caught.value.code == "not-a-pdf"
    assert caught.value.where.file == "x.pdf"


def test_corrupt_pdf():
    with pytest.raises(DocumentError) as caught:
        pdf_to_text(b"%PDF-1.7\n garbage garbage", source="x.pdf")
    assert caught.value.code in ("corrupt", "no-text")
    assert str(caught.value).count(".") >= 1


def test_encrypted_pdf():
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"11" * 32, b"22" * 32)
    data = _pdf(_PAGES + [encrypt], trailer_extra=b"/Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] ")
    with pytest.raises(DocumentError) as caught:
        pdf_to_text(data, source="x.pdf")
    assert caught.value.code == "encrypted"


def test_image_only_pdf_is_refused_as_scanned():
    with pytest.raises(DocumentError) as caught:
        pdf_to_text(_pdf(_PAGES), source="scan.pdf")
    assert caught.value.code == "no-text"
    assert "OCR" in str(caught.value)


def test_huge_file():
    with pytest.raises(DocumentError) as caught:
        pdf_to_text(b"%PDF-1.7\n" + b"\0" * (25 * 1024 * 1024), source="x.pdf")
    assert caught.value.code == "too-large"


def test_too_many_pages(monkeypatch, public_strategy):
    from icsplan.publishing import get_renderer

    monkeypatch.setattr(pdf_ingest, "MAX_PAGES", 3)
    with pytest.raises(DocumentError, match="at most 3"):
        pdf_to_text(get_renderer("pdf").render(public_strategy), source="x.pdf")


def test_time_limit(monkeypatch, public_strategy):
    from icsplan.publishing import get_renderer

    monkeypatch.setattr(pdf_ingest, "TIME_LIMIT", -1.0)
    with pytest.raises(DocumentError) as caught:
        pdf_to_text(get_renderer("pdf").render(public_strategy), source="x.pdf")
    assert caught.value.code == "too-slow"


@pytest.fixture(scope="module")
def rendered_text(build_strategy):
    from icsplan.publishing import get_renderer

    return pdf_to_text(get_renderer("pdf").render(build_strategy()), source="x.pdf")


def test_running_headers_footers_and_page_numbers_are_dropped(rendered_text):
    lines = rendered_text.split("\n\n")
    assert not [line for line in lines if "Page " in line and " of " in line]
    # The banner stays once: the cover's own line, not the running header and footer.
    assert lines.count("**SENSITIVE BUT UNCLASSIFIED**") == 1


def test_headings_and_bold_are_recognisable(rendered_text):
    lines = rendered_text.split("\n\n")
    assert "# Integrated Country Strategy" in lines
    assert any(line.startswith("#") and line.endswith("1. Chief of Mission Priorities") for line in lines)
    assert any(line.startswith("#") and "Mission Goal 1: America's Security" in line for line in lines)
    assert any(line.startswith("**Justification:** (SBU) Justification of objective 1.1.") for line in lines)
    assert "**Mission Objective 1.2: Mali's Defense and Security sectors conduct institutional reform.**" in lines


def test_wrapped_lines_are_joined_into_paragraphs(mali):
    from icsplan.publishing import get_renderer

    text = pdf_to_text(get_renderer("pdf").render(mali), source="mali.pdf")
    first = mali.priorities.split("\n\n")[0]
    assert first in text.split("\n\n")


def test_repeated_lines_detected_whatever_they_say():
    pages = [pdf_ingest._Page([_line("CONFIDENTIAL DRAFT", 10), _line(f"body {n}", 300), _line(f"- {n} -", 780)], height=792) for n in range(1, 5)]
    furniture = pdf_ingest._furniture(pages)
    assert furniture == {"CONFIDENTIAL DRAFT", "- # -"}


def _line(text, top):
    word = {"text": text, "x0": 72, "x1": 300, "top": top, "bottom": top + 10, "size": 10, "fontname": "Serif"}
    return pdf_ingest._Line([word], top, top + 10).finish()


def test_pdfium_reads_the_same_text_as_pdfplumber(mali):
    """The fast reader (pdfium, per word) gives exactly the text of the pdfplumber reader it replaced:
    headings, bold runs, paragraphs, hyphenation and running furniture alike."""
    from icsplan.publishing import get_renderer

    data = get_renderer("pdf").render(mali)
    fast = pdf_to_text(data, source="mali.pdf")
    assert fast == pdf_to_text(data, source="mali.pdf", pdfium=False)
    assert "# Integrated Country Strategy" in fast.split("\n\n")


def _report_pdf(pages: int, first_words: str = "") -> bytes:
    from weasyprint import HTML

    body = "".join(f'<section style="page-break-after: always"><h2>Chapter {n}</h2><p>{first_words if n == 1 else ""} '
                   + "Lending to water and transport programs supports growth. " * 20 + "</p></section>"
                   for n in range(1, pages + 1))
    return bytes(HTML(string=f"<html><body>{body}</body></html>").write_pdf())


def test_a_long_pdf_that_is_not_an_ics_is_refused_from_its_first_pages():
    with pytest.raises(DocumentError) as caught:
        pdf_to_text(_report_pdf(pdf_ingest.EARLY_PAGES + 4), source="report.pdf")
    assert caught.value.code == "not-an-ics"
    assert f"first {pdf_ingest.EARLY_PAGES} pages" in str(caught.value)
    assert caught.value.where.file == "report.pdf"


def test_a_long_pdf_that_names_the_strategy_early_is_read_whole():
    pages = pdf_ingest.EARLY_PAGES + 4
    text = pdf_to_text(_report_pdf(pages, "Integrated Country Strategy"), source="x.pdf")
    # Every page's prose is there (the "Chapter #" headings repeat at every top: running furniture).
    assert text.count("Lending to water and transport programs supports growth.") == 20 * pages
