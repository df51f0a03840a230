import io
import zipfile

import docx
import pytest

from icsplan.errors import DocumentError
from icsplan.ingest.docx import docx_to_text


def _docx(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_headings_bold_lists_tables_and_no_header_footer():
    def build(document):
        document.sections[0].header.paragraphs[0].text = "RUNNING HEADER"
        document.sections[0].footer.paragraphs[0].text = "RUNNING FOOTER"
        document.add_paragraph("Integrated Country Strategy", style="Title")
        document.add_heading("1. Chief of Mission Priorities", level=1)
        document.add_heading("Mission Goal 1: Security", level=2)
        paragraph = document.add_paragraph()
        paragraph.add_run("Justification:").bold = True
        paragraph.add_run(" Because it matters.")
        document.add_paragraph("Mission Objective 1.1: Plain styled objective")
        document.add_paragraph("first risk", style="List Bullet")
        table = document.add_table(rows=1, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "FY2019", "200"

    text = docx_to_text(_docx(build), source="x.docx")
    assert text.endswith("\n")
    assert text.strip().split("\n\n") == [
        "# Integrated Country Strategy",
        "## 1. Chief of Mission Priorities",
        "### Mission Goal 1: Security",
        "**Justification:** Because it matters.",
        "**Mission Objective 1.1: Plain styled objective**",
        "\u2022 first risk",
        "FY2019 | 200",
    ]
    assert "RUNNING" not in text


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty"),
        (b"plain text, not a zip", "not-a-docx"),
        (b"%PDF-1.7 ...", "not-a-docx"),
    ],
)
def test_not_a_docx(data, code):
    with pytest.raises(DocumentError) as caught:
        docx_to_text(data, source="x.docx")
    assert caught.value.code == code
    assert caught.value.where.file == "x.docx"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_that_is_not_a_word_document():
    with pytest.raises(DocumentError, match="not a Word document"):
        docx_to_text(_zip({"hello.txt": b"hi"}), source="x.docx")


def test_corrupt_word_document():
    with pytest.raises(DocumentError) as caught:
        docx_to_text(_zip({"word/document.xml": b"<not xml", "[Content_Types].xml": b"<x/>"}), source="x.docx")
    assert caught.value.code == "corrupt"


def test_zip_bomb_refused_before_inflating():
    bomb = _zip({"word/document.xml": b"\0" * (20 * 1024 * 1024)})  # ratio ~1000:1
    with pytest.raises(DocumentError) as caught:
        docx_to_text(bomb, source="bomb.docx")
    assert caught.value.code == "zip-bomb"


def test_total_uncompressed_size_limit():
    from icsplan.ingest.uploads import ReaderLimits

    limits = ReaderLimits(zip_max_uncompressed=1000, zip_max_ratio=10**9)
    with pytest.raises(DocumentError, match="zip bomb"):
        docx_to_text(_zip({"word/document.xml": b"x" * 2000}), source="x.docx", limits=limits)


def test_huge_file():
    with pytest.raises(DocumentError) as caught:
        docx_to_text(b"PK" + b"\0" * (25 * 1024 * 1024), source="x.docx")
    assert caught.value.code == "too-large"


def test_rendered_docx_reads_as_icsplan_markdown(public_strategy):
    from icsplan.publishing import get_renderer

    text = docx_to_text(get_renderer("docx").render(public_strategy), source="x.docx")
    lines = text.split("\n\n")
    assert lines[1:4] == ["# Integrated Country Strategy", "## Mali", "Embassy Bamako"]
    assert "**FOR PUBLIC RELEASE**" in lines
    assert "## 2. Mission Strategic Framework" in lines
    assert "#### Mission Objective 1.1: Mali has strong and effective civilian control over its military and security forces." in lines
    assert "##### Sub-Objective 1.1.1: Border security command-and-control improved." in lines
    assert "Table of Contents" not in text  # navigation is left out
    assert "Page" not in text
