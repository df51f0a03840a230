"""``icsplan export COUNTRY --format F -o FILE`` end to end against the Mali demo, every format.

Each file must be a real file of its type (opened by the library that reads that type), and the
``--public`` copy must not contain the demo's SBU indicator.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icsplan.cli import app
from tests.shared_rows import built_once

pytestmark = pytest.mark.django_db

runner = CliRunner()
# The demo's one SBU indicator (icsplan.indicators.demo, objective 1.2).
SBU_INDICATOR = "Share of defense budget execution audited by the Auditor General"
FORMATS = ("docx", "pdf", "html", "md", "iati", "xlsx", "json")


def _load_demo() -> None:
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def demo_built(django_db_setup, django_db_blocker):
    """The Mali demo loaded by ``icsplan demo`` once per module (a parse in a sandboxed process, an
    import and a ``migrate`` check); each test is rolled back to it (tests/shared_rows.py)."""
    with built_once(django_db_blocker, _load_demo):
        yield


@pytest.fixture
def demo(demo_built, db):
    """The database holds the Mali demo, as ``icsplan demo`` leaves it."""


def _export(tmp_path: Path, fmt: str, *public: str) -> Path:
    out = tmp_path / f"mali{'-public' if public else ''}.{fmt}"
    result = runner.invoke(app, ["export", "Mali", "--format", fmt, *public, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and out.stat().st_size > 0
    assert not out.with_name(out.name + ".part").exists()
    return out


def _text(fmt: str, data: bytes) -> str:
    """Everything a reader of the file could see, and proof that the file is what it claims."""
    if fmt == "docx":
        import docx

        document = docx.Document(io.BytesIO(data))
        assert any(p.style.name == "Heading 1" for p in document.paragraphs)
        parts = [p.text for p in document.paragraphs]
        parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join(parts)
    if fmt == "pdf":
        # pdfium (the reader the importer uses) reads the same characters several times faster
        # than pdfplumber, which also arranged them in lines.
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            assert len(pdf) >= 5
            pages = []
            for page in pdf:
                textpage = page.get_textpage()
                pages.append(textpage.get_text_range())
                textpage.close()
                page.close()
        finally:
            pdf.close()
        # Lines wrap in a PDF: compare words, not line breaks (U+FFFE marks a hyphen pdfium dropped
        # at a line end: the word is then whole).
        return " ".join(" ".join(pages).replace("\ufffe", "").split())
    if fmt == "xlsx":
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        assert len(workbook.sheetnames) >= 2
        return "\n".join(str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row
                         if v is not None)
    text = data.decode("utf-8")
    if fmt == "json":
        assert json.loads(text)["schema"] == "icsplan.strategy/1"
    elif fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "</html>" in text
    elif fmt == "md":
        assert text.lstrip().startswith("#")
    elif fmt == "iati":
        from lxml import etree

        assert etree.fromstring(data).tag == "iati-activities"
    return text


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_a_real_file_and_its_public_copy_has_no_sbu(demo, tmp_path, fmt):
    public = _export(tmp_path, fmt, "--public").read_bytes()
    assert SBU_INDICATOR not in _text(fmt, public)
    # IATI holds public data only, whatever is asked; Markdown carries the narrative, no indicators.
    if fmt not in ("iati", "md"):
        internal = _export(tmp_path, fmt).read_bytes()
        assert SBU_INDICATOR in _text(fmt, internal)


def test_docx_is_a_word_package(demo, tmp_path):
    with zipfile.ZipFile(_export(tmp_path, "docx")) as package:
        assert "word/document.xml" in package.namelist()


def test_iati_export_validates_against_the_2_03_schema(demo, tmp_path, iati_schema):
    from lxml import etree

    schema = iati_schema
    document = etree.parse(str(_export(tmp_path, "iati", "--public")))
    assert schema.validate(document), schema.error_log.last_error
    assert document.getroot().findall("iati-activity/result/indicator")


def test_unknown_format_is_one_line_and_exit_2(demo, tmp_path):
    out = tmp_path / "mali.odt"
    result = runner.invoke(app, ["export", "Mali", "--format", "odt", "-o", str(out)])
    assert result.exit_code == 2
    assert [line for line in result.output.splitlines() if line.strip()] == [
        line for line in result.output.splitlines() if "Unknown document format" in line]
    assert not out.exists()
