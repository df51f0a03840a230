"""Documents written by the renderers and read back give the same goals and objectives."""

import pytest

from icsplan.ingest.docx import docx_to_text
from icsplan.ingest.pdf import pdf_to_text
from icsplan.publishing import get_renderer

READERS = {
    "md": lambda data: data.decode("utf-8"),
    "docx": lambda data: docx_to_text(data, source="strategy.docx"),
    "pdf": lambda data: pdf_to_text(data, source="strategy.pdf"),
}


def _shape(strategy):
    return [(kind, element.number, element.title) for kind, element in strategy.iter_elements()]


@pytest.mark.parametrize("fmt", list(READERS))
def test_mali_round_trip(mali, parse_text, fmt):
    text = READERS[fmt](get_renderer(fmt).render(mali))
    again = parse_text(text, source=f"mali.{fmt}").strategy
    assert _shape(again) == _shape(mali)
    assert again.mission.country == "Mali"
    assert again.priorities == mali.priorities or fmt == "pdf"


@pytest.mark.parametrize("fmt", list(READERS))
@pytest.mark.parametrize("public", [False, True])
def test_built_strategy_round_trip(strategy, parse_text, fmt, public):
    text = READERS[fmt](get_renderer(fmt).render(strategy, public=public))
    again = parse_text(text, source=f"built.{fmt}").strategy
    assert _shape(again) == _shape(strategy)


def test_extracted_text_has_the_section_headings(strategy):
    # Holds without the parser too: the structure survives extraction.
    for fmt in ("docx", "pdf"):
        text = READERS[fmt](get_renderer(fmt).render(strategy))
        for heading in ("1. Chief of Mission Priorities", "2. Mission Strategic Framework",
                        "3. Mission Goals and Objectives", "4. Management Objectives"):
            assert heading in text
