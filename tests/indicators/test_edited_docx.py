"""Issue 12: icsplan's DOCX, edited in Word (or python-docx) so its embedded data no longer
matches, is read from its text without losing the indicators, the post and bureau or the
classification — also after LibreOffice saved it again.
"""

from __future__ import annotations

import io

import pytest
from docx import Document

from icsplan.ingest.pipeline import read_document
from icsplan.publishing.content import banner
from icsplan.publishing.docx import to_docx
from icsplan.strategies.services import load_strategy
from tests.publishing.test_docx_roundtrip import libreoffice_resave

pytestmark = pytest.mark.django_db

NEW_TITLE = "Civilian control of the forces, as the coordinator rewrote it in Word"


def _edited(document_bytes: bytes) -> bytes:
    """The DOCX with the body title of objective 1.1 rewritten (python-docx, as a user would)."""
    document = Document(io.BytesIO(document_bytes))
    heading = next(p for p in document.paragraphs
                   if p.style.name.startswith("Heading") and p.text.startswith("Mission Objective 1.1:"))
    for run in heading.runs[1:]:
        run.text = ""
    heading.runs[0].text = f"Mission Objective 1.1: {NEW_TITLE}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _values(strategy):
    return sorted((indicator.code, kind, value.period, value.category or "", value.category_value or "", value.value,
                   value.sensitivity)
                  for _, element in strategy.iter_elements() for indicator in element.indicators
                  for kind, values in (("target", indicator.targets), ("result", indicator.results))
                  for value in values)


def _indicators(strategy):
    return [(number, i.code, i.name, i.unit, i.definition, i.data_source, i.responsible, i.standard_code, i.frequency,
             i.direction, i.sensitivity, i.baseline.value if i.baseline else None,
             i.baseline.date if i.baseline else None)
            for number, element in ((e.number, e) for _, e in strategy.iter_elements()) for i in element.indicators]


@pytest.fixture()
def mali(mali_strategy):
    return load_strategy(mali_strategy)


def _check(imported, original):
    objective = imported.goals[0].objectives[0]
    assert objective.title == NEW_TITLE != original.goals[0].objectives[0].title
    assert sum(len(e.indicators) for _, e in imported.iter_elements()) == 28
    assert _indicators(imported) == _indicators(original)
    assert _values(imported) == _values(original)
    assert (imported.mission.post, imported.mission.bureau) == ("Embassy Bamako", "AF")
    assert imported.classification == banner(original, public=False)  # as printed on the cover
    for _, element in imported.iter_elements():
        # Standard indicators ("SDG 16.1.2") are indicator details, not linkages of the element.
        assert not element.linkages and not element.linkages_text, element.number
    titles = [(k, e.number, e.title) for k, e in original.iter_elements()]
    assert [(k, e.number, e.title) for k, e in imported.iter_elements()] == [
        (k, n, NEW_TITLE if (k, n) == ("objective", "1.1") else t) for k, n, t in titles]


def test_an_edited_mali_docx_keeps_its_indicators(mali):
    assert any(i.standard_code for _, e in mali.iter_elements() for i in e.indicators)
    imported = read_document(_edited(to_docx(mali)), "mali-edited.docx").result.strategy
    _check(imported, mali)


def test_an_edited_mali_docx_keeps_its_indicators_after_a_libreoffice_resave(mali):
    resaved = libreoffice_resave(_edited(to_docx(mali)))
    imported = read_document(resaved, "mali-edited-resaved.docx").result.strategy
    _check(imported, mali)
