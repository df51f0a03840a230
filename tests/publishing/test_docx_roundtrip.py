"""Issue 12, item 6: icsplan's own DOCX imports back losslessly, also after LibreOffice saved it.

LibreOffice comes from Debian (``libreoffice-writer-nogui``, installed by scripts/system-deps);
these tests do not skip without it: they fail, saying so.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from docx import Document

from icsplan.ingest.pipeline import read_document
from icsplan.publishing.docx import to_docx
from icsplan.publishing.redaction import public_copy


def _import(data: bytes, name: str = "export.docx"):
    return read_document(data, name).result.strategy


def libreoffice_resave(data: bytes) -> bytes:
    """``data`` opened and saved again as DOCX by LibreOffice (headless, a throwaway profile)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: run `bash scripts/system-deps` (Debian libreoffice-writer-nogui)"
    with tempfile.TemporaryDirectory(prefix="icsplan-lo-") as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        source = folder / "in" / "strategy.docx"
        source.write_bytes(data)
        subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder / 'profile'}",
                        "--convert-to", "docx", "--outdir", str(folder / "out"), str(source)],
                       check=True, capture_output=True, timeout=180)
        return (folder / "out" / "strategy.docx").read_bytes()


def _counts(strategy):
    indicators = [i for _, e in strategy.iter_elements() for i in e.indicators]
    return len(indicators), sum(len(i.targets) + len(i.results) for i in indicators)


@pytest.mark.parametrize("public", [False, True])
def test_export_import_export_is_lossless(strategy, public):
    expected = public_copy(strategy) if public else strategy
    first = to_docx(strategy, public=public)
    imported = _import(first)
    assert imported.to_json() == expected.to_json()
    assert _counts(imported) == _counts(expected) and _counts(expected)[0] > 0
    assert (imported.mission.post, imported.mission.bureau) == (strategy.mission.post, strategy.mission.bureau)
    assert imported.classification == expected.classification
    # And again: the second export carries the same canonical JSON.
    assert _import(to_docx(imported, public=public)).to_json() == expected.to_json()


def test_round_trip_after_a_libreoffice_resave(strategy):
    resaved = libreoffice_resave(to_docx(strategy))
    imported = _import(resaved, "resaved.docx")
    assert imported.to_json() == strategy.to_json()


def test_mali_round_trip_after_a_libreoffice_resave(mali):
    imported = _import(libreoffice_resave(to_docx(mali)), "mali.docx")
    assert imported.to_json() == mali.to_json()


def test_an_edited_document_is_read_from_its_text(strategy):
    document = Document(io.BytesIO(to_docx(strategy)))
    heading = next(p for p in document.paragraphs if p.style.name.startswith("Heading") and "1.1" in p.text)
    old_title = heading.text
    for run in heading.runs[1:]:
        run.text = ""
    heading.runs[0].text = "Mission Objective 1.1: A title the coordinator rewrote in Word"
    buffer = io.BytesIO()
    document.save(buffer)
    imported = _import(buffer.getvalue(), "edited.docx")
    objective = imported.goals[0].objectives[0]
    assert objective.title == "A title the coordinator rewrote in Word", old_title
