import io

import pdfplumber
import pytest

from icsplan.publishing import get_renderer


@pytest.fixture(scope="module")
def pdf_bytes():
    from factory import build_strategy

    return get_renderer("pdf").render(build_strategy(sbu=False))


def _font_descriptors(pdf):
    from pdfminer.pdftypes import resolve1

    for page in pdf.pages:
        for font in resolve1(resolve1(page.page_obj.resources)["Font"]).values():
            font = resolve1(font)
            for descendant in resolve1(font.get("DescendantFonts", [])) or [font]:
                descriptor = resolve1(resolve1(descendant).get("FontDescriptor"))
                if descriptor:
                    yield descriptor


def test_is_a_tagged_pdf_with_embedded_fonts(pdf_bytes):
    assert pdf_bytes.startswith(b"%PDF-")
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        catalog = pdf.doc.catalog
        assert "StructTreeRoot" in catalog  # tagged
        descriptors = list(_font_descriptors(pdf))
    assert descriptors
    assert all(any(key in d for key in ("FontFile", "FontFile2", "FontFile3")) for d in descriptors)
    assert any(b"DejaVu" in d["FontName"].name.encode() for d in descriptors)


def test_cover_contents_and_running_banner(pdf_bytes):
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        pages = [page.extract_text() for page in pdf.pages]
    assert "Integrated Country Strategy" in pages[0] and "Mali" in pages[0]
    assert "Table of Contents" in pages[1]
    assert "1. Chief of Mission Priorities" in pages[1]
    # Every page carries the banner; pages after the cover carry "Page n of N".
    assert all("FOR PUBLIC RELEASE" in page for page in pages)
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert any("Mission Objective 1.1:" in page for page in pages[2:])


def test_contents_page_numbers_point_at_the_sections(pdf_bytes):
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        pages = [page.extract_text() for page in pdf.pages]
    entry = next(line for line in pages[1].splitlines() if line.startswith("3. Mission Goals"))
    number = int(entry.rsplit(maxsplit=1)[-1].strip("."))
    assert pages[number - 1].split("\n")[1].startswith("3. Mission Goals and Objectives")


def test_page_references_cache_matches_pydyf_and_follows_new_pages():
    """The O(1) ``page_references`` (see ``publishing.pdf``) returns what pydyf's own would."""
    import pydyf

    from icsplan.publishing.pdf import _cache_page_references

    _cache_page_references()
    _cache_page_references()  # idempotent
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert len(first) == 3 and pdf.page_references is first  # cached
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    refs = pdf.page_references
    expected = tuple(f"{n} 0 R".encode("ascii") for n in pdf.pages["Kids"][::3])
    assert refs == expected and len(refs) == 4


def test_embedded_images_allow_data_urls_only():
    from icsplan.publishing.pdf import html_to_pdf

    pixel = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
             "hKmMIQAAAABJRU5ErkJggg==")
    import io

    import pdfplumber

    def images(data: bytes) -> int:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return sum(len(page.images) for page in pdf.pages)

    assert images(html_to_pdf(f'<p>x</p><img src="{pixel}" alt="dot">', data_urls=True)) == 1
    # Any other scheme is skipped (a warning), never read, and never crashes the render.
    assert images(html_to_pdf('<p>x</p><img src="file:///etc/hostname" alt="local file">', data_urls=True)) == 0
