"""Issue 12, item 4: a DOCX that Word opens finished, and TH scope in the PDF's HTML tables."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn

from icsplan.publishing.docx import to_docx
from icsplan.publishing.html import to_html


@pytest.mark.parametrize("public", [False, True])
def test_fields_update_on_open_and_every_table_repeats_its_header(strategy, public):
    data = to_docx(strategy, public=public)
    settings = zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml").decode("utf-8")
    assert re.search(r'<w:updateFields w:val="(true|1)"/>', settings)
    # Schema order: updateFields precedes compat (Word refuses settings out of order).
    if "<w:compat" in settings:
        assert settings.index("<w:updateFields") < settings.index("<w:compat")
    tables = Document(io.BytesIO(data)).tables
    assert tables, "the strategy has indicator tables"
    for table in tables:
        header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None and header.get(qn("w:val")) == "true"
        assert [c.text for c in table.rows[0].cells] == ["Period", "Target", "Result"]


def test_toc_field_is_there_with_page_references(strategy):
    xml = zipfile.ZipFile(io.BytesIO(to_docx(strategy))).read("word/document.xml").decode("utf-8")
    assert 'TOC \\o' in xml and "PAGEREF _Toc_" in xml


def test_pdf_tables_have_header_scopes(strategy):
    html = to_html(strategy)
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert tables
    for table in tables:
        assert '<th scope="col">' in table
        assert "<th>" not in table  # every header cell says what it heads
