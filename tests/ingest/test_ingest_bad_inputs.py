"""Input that is not an ICS raises DocumentError with one clear sentence naming the file."""

from __future__ import annotations

import pytest

from icsplan.errors import DocumentError
from icsplan.ingest import parse_file, parse_text

CASES = {
    "empty.txt": (b"", "empty-document"),
    "blank.txt": (b"  \n\n\t\n", "empty-document"),
    "image.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary-document"),
    "nuls.txt": (b"Mission Goal 1: x\x00\x00\x00\x01\x02", "binary-document"),
    # PDF and DOCX content goes to their own readers, which call a truncated file corrupt.
    "report.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "corrupt"),
    "strategy.docx": (b"PK\x03\x04\x14\x00\x06\x00", "not-a-docx"),
    "latin.txt": (bytes(range(0xA0, 0x100)) * 20, "bad-encoding"),
    "notes.txt": ("Meeting notes\n\nWe discussed the budget for FY2024.\n".encode(), "not-an-ics"),
    "cp1252.txt": ("Caf\xe9 notes: na\xefve r\xe9sum\xe9 of the week\n".encode("cp1252"), "not-an-ics"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file(tmp_path, name):
    data, code = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError) as caught:
        parse_file(path)
    error = caught.value
    assert error.code == code
    text = str(error)
    assert text.startswith(f"{name}: ")
    assert "\n" not in text and text.count(". ") == 0  # one sentence
    assert error.where.file == name


def test_no_goals_message():
    with pytest.raises(DocumentError) as caught:
        parse_text("Chief of Mission Priorities\n\nObjective 2.1 of the JRS matters.\n", source="mali.txt")
    assert str(caught.value) == "mali.txt: no Mission Goal heading found; is this an Integrated Country Strategy?"


def test_missing_file(tmp_path):
    with pytest.raises(DocumentError) as caught:
        parse_file(tmp_path / "nope.txt")
    assert caught.value.code == "unreadable-document" and "nope.txt" in str(caught.value)


def test_cp1252_and_utf8_bom_and_utf16_are_read(tmp_path):
    text = "Integrated Country Strategy\n\nMission Goal 1: Caf\u00e9 trade grows\n\nDescription: R\u00e9sum\u00e9.\n"
    for encoding in ("cp1252", "utf-8-sig", "utf-16"):
        path = tmp_path / f"doc-{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        goal = parse_file(path).strategy.goals[0]
        assert (goal.title, goal.description) == ("Caf\u00e9 trade grows", "R\u00e9sum\u00e9.")
