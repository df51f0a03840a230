import io

import docx
import pytest

from icsplan.publishing.docx import to_docx


@pytest.fixture
def document(strategy):
    return docx.Document(io.BytesIO(to_docx(strategy)))


def _styles(document):
    return [(p.style.name, p.text) for p in document.paragraphs]


def test_real_word_styles(document):
    styles = _styles(document)
    assert ("Title", "Integrated Country Strategy") in styles
    assert ("Subtitle", "Mali") in styles
    assert ("Heading 1", "1. Chief of Mission Priorities") in styles
    assert ("Heading 2", "Management Objective 1: To improve management efficiency and emergency preparedness.") in styles
    assert any(s == "Heading 3" and t.startswith("Mission Objective 1.1:") for s, t in styles)
    assert any(s == "Heading 4" and t.startswith("Sub-Objective 1.1.1:") for s, t in styles)
    assert any(s == "List Bullet" and t.startswith("Further loss") for s, t in styles)
    assert any(s == "Normal" and t.startswith("Description and Linkages:") for s, t in styles)


def test_toc_field_with_static_entries(document):
    xml = document.element.xml
    assert 'TOC \\o "1-3" \\h \\z \\u' in xml
    # Each entry: the heading, a tab (to the dotted right-aligned stop), a PAGEREF to its bookmark.
    entries = [p.text.rstrip("\t") for p in document.paragraphs if p.style.name == "toc 1"]
    assert entries[:4] == [
        "1. Chief of Mission Priorities",
        "2. Mission Strategic Framework",
        "3. Mission Goals and Objectives",
        "4. Management Objectives",
    ]
    assert "PAGEREF _Toc_priorities \\h" in xml and 'w:name="_Toc_priorities"' in xml


def test_cover_has_the_banner_but_no_page_number(document):
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_footer.paragraphs[0].text == section.header.paragraphs[0].text
    assert "NUMPAGES" not in section.first_page_footer._element.xml
    assert "NUMPAGES" in section.footer._element.xml


def test_header_footer_banner_and_page_field(document):
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "SENSITIVE BUT UNCLASSIFIED"
    footer_xml = section.footer._element.xml
    assert "SENSITIVE BUT UNCLASSIFIED" in footer_xml
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml


def test_sbu_paragraphs_marked(document):
    marked = [p for p in document.paragraphs if p.style.name == "SBU Text"]
    assert marked and all("(SBU)" in p.text for p in marked)
    assert "Justification: (SBU) Justification of objective 1.1." in [p.text[:52] for p in marked]


def test_public_docx_banner(strategy):
    document = docx.Document(io.BytesIO(to_docx(strategy, public=True)))
    assert document.sections[0].header.paragraphs[0].text == "FOR PUBLIC RELEASE"
    assert not [p for p in document.paragraphs if "(SBU)" in p.text]


def test_text_is_never_interpreted(public_strategy):
    hostile = '<w:p><w:r><w:t>x</w:t></w:r></w:p> {PAGE} <script>alert(1)</script>\x00\x0b'
    public_strategy.priorities = hostile
    document = docx.Document(io.BytesIO(to_docx(public_strategy)))
    texts = [p.text for p in document.paragraphs]
    assert '<w:p><w:r><w:t>x</w:t></w:r></w:p> {PAGE} <script>alert(1)</script>' in texts


def test_indicator_table(public_strategy):
    document = docx.Document(io.BytesIO(to_docx(public_strategy)))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Period", "Target", "Result"]
    assert ["FY2019", "200", "210"] in [[c.text for c in row.cells] for row in table.rows]
