"""Issue 12: icsplan's own PDF imports back losslessly (the canonical JSON travels as a PDF
attachment); an edited PDF is read from its text; a damaged or oversized attachment is refused
with a sentence that names it.
"""

from __future__ import annotations

import io
from xml.etree import ElementTree

import pytest
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from icsplan.document.model import PeriodValue, Sensitivity
from icsplan.errors import DocumentError, UploadTooLarge
from icsplan.ingest.embedded import PDF_ATTACHMENT, part_xml, pdf_embedded_strategy, visible_signature
from icsplan.ingest.pipeline import read_document
from icsplan.ingest.uploads import ReaderLimits
from icsplan.publishing.html import to_html, visible_text
from icsplan.publishing.pdf import html_to_pdf, to_pdf
from icsplan.publishing.redaction import public_copy

from test_canary import planted

_PAGE = "<!DOCTYPE html><html lang='en'><head><title>t</title></head><body><p>A short page.</p></body></html>"


def _import(data: bytes, name: str = "export.pdf"):
    return read_document(data, name).result.strategy


def attachments(pdf: bytes) -> dict[str, bytes]:
    """File name -> content of the attachments of ``pdf`` (pdfminer, independent of the reader)."""
    document = PDFDocument(PDFParser(io.BytesIO(pdf)))
    tree = resolve1(resolve1(document.catalog["Names"])["EmbeddedFiles"])
    names = resolve1(tree["Names"])
    out = {}
    for key, spec in zip(names[::2], names[1::2]):
        spec = resolve1(spec)
        out[key.decode() if isinstance(key, bytes) else key] = resolve1(resolve1(spec["EF"])["F"]).get_data()
    return out


def _counts(strategy):
    indicators = [i for _, e in strategy.iter_elements() for i in e.indicators]
    return len(indicators), sum(len(i.targets) + len(i.results) for i in indicators)


@pytest.mark.parametrize("public", [False, True])
def test_export_import_is_lossless(strategy, public):
    expected = public_copy(strategy) if public else strategy
    imported = _import(to_pdf(strategy, public=public))
    assert imported.to_json() == expected.to_json()
    assert _counts(imported) == _counts(expected) and _counts(expected)[0] > 0
    assert (imported.mission.post, imported.mission.bureau) == (strategy.mission.post, strategy.mission.bureau)
    assert imported.classification == expected.classification


def test_export_import_export_gives_the_same_json(mali):
    imported = _import(to_pdf(mali), "mali.pdf")
    assert imported.to_json() == mali.to_json()
    assert _import(to_pdf(imported), "again.pdf").to_json() == mali.to_json()


def test_the_signature_is_the_one_of_the_words_the_reader_extracts(strategy):
    """Taken from the HTML, it matches what the PDF reader reads (contents page numbers aside)."""
    from icsplan.ingest.pdf import pdf_to_text

    pdf = to_pdf(strategy)
    part = attachments(pdf)[PDF_ATTACHMENT].decode()
    assert f'signature="{visible_signature(pdf_to_text(pdf, source="x.pdf"))}"' in part
    assert f'signature="{visible_signature(visible_text(to_html(strategy)))}"' in part


def test_the_public_attachment_holds_only_public_approved_content(strategy):
    strategy, canaries = planted(strategy)
    indicator = next(i for _, e in strategy.iter_elements() for i in e.indicators if i.sensitivity != Sensitivity.SBU)
    indicator.results.append(PeriodValue(period="FY2022", value="ZQDRAFT01", status="draft"))
    indicator.results.append(PeriodValue(period="FY2023", value="ZQRETURNED01", status="returned",
                                         return_reason="ZQREASON01"))
    internal = attachments(to_pdf(strategy))[PDF_ATTACHMENT].decode()
    assert "ZQCANARY" in internal and "ZQDRAFT01" in internal  # the internal copy carries them
    public = attachments(to_pdf(strategy, public=True))[PDF_ATTACHMENT].decode()
    leaked = [c for c in [*canaries, "ZQDRAFT01", "ZQRETURNED01", "ZQREASON01"] if c in public]
    assert not leaked
    assert ElementTree.fromstring(public).text == public_copy(strategy).to_json(indent=None)


def test_an_edited_pdf_is_read_from_its_text(strategy):
    """A PDF whose words changed since the export (here: one objective retitled) keeps its
    attachment, but the attachment no longer describes what the PDF shows: the text wins."""
    edited = strategy.model_copy(deep=True)
    edited.goals[0].objectives[0].title = "A title the coordinator rewrote in Acrobat"
    original = part_xml(strategy.to_json(indent=None), visible_signature(visible_text(to_html(strategy))))
    pdf = html_to_pdf(to_html(edited), attachments={PDF_ATTACHMENT: original})
    imported = _import(pdf, "edited.pdf")
    assert imported.goals[0].objectives[0].title == "A title the coordinator rewrote in Acrobat"
    assert imported.to_json() != strategy.to_json()


def test_a_pdf_without_indicators_carries_no_attachment(strategy):
    assert b"EmbeddedFiles" not in to_pdf(strategy, indicators=False)


def _small_pdf(content: str) -> bytes:
    return html_to_pdf(_PAGE, attachments={PDF_ATTACHMENT: content})


def _text_signature() -> str:
    from icsplan.ingest.pdf import pdf_to_text

    return pdf_to_text(_small_pdf("x"), source="x.pdf")


@pytest.mark.parametrize("content, words", [
    ("this is not XML", "not well-formed XML"),
    ('<?xml version="1.0"?><other/>', "not an icsplan strategy part"),
    ('<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "b">]><s/>', "declares a document type"),
])
def test_a_malformed_attachment_is_refused_naming_it(content, words):
    with pytest.raises(DocumentError) as caught:
        pdf_embedded_strategy(_small_pdf(content), _text_signature(), source="mine.pdf")
    error = caught.value
    assert error.code == "corrupt" and words in str(error)
    assert PDF_ATTACHMENT in str(error) and error.where.file == "mine.pdf"


def test_a_malformed_attachment_is_refused_by_the_import_too():
    with pytest.raises(DocumentError) as caught:
        read_document(_small_pdf("this is not XML"), "mine.pdf")
    assert caught.value.code == "corrupt" and PDF_ATTACHMENT in str(caught.value)


def test_invalid_json_in_a_matching_attachment_is_refused():
    text = _text_signature()
    pdf = _small_pdf(part_xml('{"schema": "something else"}', visible_signature(text)))
    with pytest.raises(DocumentError) as caught:
        pdf_embedded_strategy(pdf, text, source="mine.pdf")
    assert caught.value.code == "invalid-json"


def test_an_oversized_attachment_is_refused_before_it_is_inflated():
    """1 MB of one letter deflates to about 1 KB: the limit applies to what it inflates to."""
    pdf = _small_pdf("a" * 1_000_000)
    assert len(pdf) < 50_000  # WeasyPrint compressed it
    limits = ReaderLimits(max_text_bytes=64 * 1024)
    with pytest.raises(UploadTooLarge) as caught:
        pdf_embedded_strategy(pdf, _text_signature(), source="big.pdf", limits=limits)
    assert caught.value.code == "too-large" and PDF_ATTACHMENT in str(caught.value) and "64 KB" in str(caught.value)
