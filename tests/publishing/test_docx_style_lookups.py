"""python-docx finds a style type's default by walking the document's whole style list
(``Styles.default``) each time a style is read, or set by name. The DOCX writers and the reader
behind the export's embedded signature resolve each style once per document, so the number of
those walks depends on the styles used, not on the length of the document."""

from __future__ import annotations

import io

import docx
from docx.styles.styles import Styles

from icsplan.publishing.docx import to_docx


def _count_default_lookups(monkeypatch) -> list[object]:
    calls: list[object] = []
    original = Styles.default

    def counting(self, style_type):
        calls.append(style_type)
        return original(self, style_type)

    monkeypatch.setattr(Styles, "default", counting)
    return calls


def test_docx_export_resolves_each_style_once_per_document(strategy, monkeypatch):
    calls = _count_default_lookups(monkeypatch)
    data = to_docx(strategy)  # writes the document, then reads it back for the signature
    lookups = len(calls)
    monkeypatch.undo()
    document = docx.Document(io.BytesIO(data))
    paragraphs = len(document.paragraphs) + sum(len(p.runs) for p in document.paragraphs)
    assert paragraphs > 100  # enough paragraphs and runs that a lookup apiece would show
    # Two documents (the one written, the one read back) with a few paragraph, character and
    # table styles each: a per-paragraph or per-run lookup would be in the hundreds.
    assert lookups <= 30, lookups
