"""Property: whatever the input, the parser returns a result or raises DocumentError — nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icsplan.errors import DocumentError
from icsplan.ingest import lint_strategy, parse_file, parse_text

# Pieces of real documents, so that random text often reaches deep into the parser.
PIECES = [
    "Mission Goal 1: ", "**Mission Goal 2 | ", "Objective 1.1 | ", "Mission Objective 4.1: ", "1.2.: ",
    "Sub-Objective 1.1.1 | ", "Management Objective 1 | ", "• Justification | ", "**Justification:** ",
    "Description | ", "• Linkages | JRS Goal 1 ", "• Risks | ", "Risks associated with not achieving ",
    "(CDCS DO 3)", "(XYZ DO2)", "## 2. Mission Strategic Framework", "# ", "FOR PUBLIC RELEASE",
    "Page 3 of 12", "Approved: August 14, 2018", "Table of Contents", "……… 4", "Error! Bookmark not defined.",
    "\f", "\n", "\n\n", "long-", "term", " ", ".", "U.S.", "’", "Country Context",
]
document_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=20)), max_size=40).map("".join)
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_text(text: str) -> None:
    try:
        result = parse_text(text, source="fuzz.txt")
    except DocumentError as error:
        assert str(error).startswith("fuzz.txt: ")
        return
    assert result.strategy.goals
    for finding in lint_strategy(result):
        finding.as_dict()


@FAST
@given(document_text)
def test_parse_text_returns_or_raises_document_error(text):
    check_text(text)


@FAST
@given(st.text())
def test_parse_text_on_arbitrary_text(text):
    check_text(text)


@FAST
@given(st.one_of(st.binary(max_size=300), document_text.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_parse_file_returns_or_raises_document_error(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.bin"
        path.write_bytes(data)
        try:
            parse_file(path)
        except DocumentError as error:
            assert str(error).startswith(("fuzz.bin: ", "fuzz.bin, line "))
