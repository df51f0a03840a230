"""Every document reader runs under the same limits, through the CLI, the web pages and the API.

The hostile files are made here (tests/security/hostile_files.py); the limits are made small with
``override_settings`` so that each refusal comes quickly. Each case checks: the refusal is one
sentence naming the file and the limit (CLI: exit 2; API: 4xx problem+json; web: a form error),
nothing changed in the database, and the whole thing finished within a bound.
"""

from __future__ import annotations

import dataclasses
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from typer.testing import CliRunner

from icsplan.cli import app
from icsplan.ingest.uploads import DEFAULT_LIMITS, ReaderLimits

from . import hostile_files as hostile

runner = CliRunner()
BOUND = 25.0  # seconds for one refusal, on a loaded two-core machine
MB = 1024 * 1024


def small(**changes) -> ReaderLimits:
    """The default limits with a few made small."""
    return dataclasses.replace(DEFAULT_LIMITS, **changes)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    made = {
        "bomb.pdf": hostile.deflate_bomb_pdf(100),
        "bomb.docx": hostile.zip_bomb_docx(60),
        "bomb.xlsx": hostile.zip_bomb_xlsx(150),
        "deep.json": hostile.deep_json(100_000),
        "shallow-but-deep.json": hostile.deep_json(200),
        "pages.pdf": hostile.many_pages_pdf(8),
        "noise.docx": hostile.low_ratio_docx(3),
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return folder


def _snapshot():
    from icsplan.imports.models import StagedImport
    from icsplan.indicators.models import Indicator, Result
    from icsplan.strategies.models import Goal, Objective, Strategy

    return [list(m.objects.order_by("pk").values_list()) for m in (Strategy, Goal, Objective, Indicator, Result,
                                                                   StagedImport)]


def _one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def _token(world, persona="editor"):
    from icsplan.accounts.actors import SYSTEM
    from icsplan.accounts.services import create_token

    return create_token(world.user(persona), scope="write", actor=SYSTEM)[1]


def _api_import(world, name: str, data: bytes, persona="editor"):
    return Client().post("/api/v1/imports", {"file": SimpleUploadedFile(name, data), "mission": str(world.mission.pk)},
                         HTTP_AUTHORIZATION=f"Bearer {_token(world, persona)}")


def _web_import(world, name: str, data: bytes):
    client = Client()
    client.force_login(world.user("editor"))
    return client.post(f"/missions/{world.mission.slug}/import/", {"file": SimpleUploadedFile(name, data)})


def _assert_problem(response, status: int | tuple, code: str, *words: str, file: str | None = None) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code, body
    assert "\n" not in body["detail"] and body["detail"].count(". ") == 0, body["detail"]
    for word in words:
        assert word in body["detail"], body["detail"]
    if file:
        assert body["detail"].startswith(f"{file}: "), body["detail"]
    return body


# -- PDF: deflate bomb (time and memory), page cap ---------------------------------------------------

@override_settings(ICSPLAN_READER_LIMITS=small(seconds=2.0))
def test_deflate_bomb_pdf_is_stopped_at_the_time_limit_everywhere(world, files):
    data = (files / "bomb.pdf").read_bytes()
    before = _snapshot()

    started = time.monotonic()
    result = runner.invoke(app, ["parse", str(files / "bomb.pdf")])
    assert result.exit_code == 2, result.output
    line = _one_line(result.output)
    assert "bomb.pdf" in line and "longer than 2 seconds" in line
    assert time.monotonic() - started < BOUND

    started = time.monotonic()
    body = _assert_problem(_api_import(world, "bomb.pdf", data), 422, "too-slow", "2 seconds", file="bomb.pdf")
    assert body["errors"] == [] or body["field"] is None
    assert time.monotonic() - started < BOUND

    started = time.monotonic()
    page = _web_import(world, "bomb.pdf", data)
    assert page.status_code == 422 and b"longer than 2 seconds" in page.content
    assert time.monotonic() - started < BOUND
    assert _snapshot() == before


def test_deflate_bomb_pdf_is_stopped_at_the_memory_limit(world, files):
    # The child's address space starts near 200 MB (the parsers are loaded); 450 MB leaves room to
    # read an ordinary PDF but not this one.
    with override_settings(ICSPLAN_READER_LIMITS=small(memory_bytes=450 * MB, seconds=60.0)):
        started = time.monotonic()
        result = runner.invoke(app, ["import", str(files / "bomb.pdf"), "--mission", "Testland"])
    assert result.exit_code == 2, result.output
    line = _one_line(result.output)
    assert "bomb.pdf" in line and "more than 450 MB of memory" in line
    assert time.monotonic() - started < 60


@override_settings(ICSPLAN_READER_LIMITS=small(pdf_max_pages=3))
def test_page_cap(world, files):
    data = (files / "pages.pdf").read_bytes()
    result = runner.invoke(app, ["parse", str(files / "pages.pdf")])
    assert result.exit_code == 2 and "8 pages" in result.output and "at most 3" in result.output
    _assert_problem(_api_import(world, "pages.pdf", data), 422, "too-many-pages", "at most 3")


# -- zip packages: refused from their directory, before anything is inflated ----------------------------

def test_zip_bomb_docx_is_refused_before_reading(world, files):
    data = (files / "bomb.docx").read_bytes()
    before = _snapshot()
    started = time.monotonic()
    result = runner.invoke(app, ["import", str(files / "bomb.docx"), "--mission", "Testland"])
    assert result.exit_code == 2 and "zip bomb" in _one_line(result.output) and "bomb.docx" in result.output
    _assert_problem(_api_import(world, "bomb.docx", data), 422, "zip-bomb", "100 to 1", file="bomb.docx")
    page = _web_import(world, "bomb.docx", data)
    assert page.status_code == 422 and b"zip bomb" in page.content
    assert time.monotonic() - started < BOUND
    assert _snapshot() == before


def test_zip_bomb_xlsx_is_refused_by_the_results_import(world, files, tmp_path):
    """150 MB expanded: refused by ``icsplan results import`` and the results page; no result changes."""
    data = (files / "bomb.xlsx").read_bytes()
    before = _snapshot()
    result = runner.invoke(app, ["results", "import", str(files / "bomb.xlsx")])
    assert result.exit_code == 2, result.output
    line = _one_line(result.output)
    assert "bomb.xlsx" in line and "zip bomb" in line
    client = Client()
    client.force_login(world.user("editor"))
    page = client.post(f"/missions/{world.mission.slug}/import/results/",
                       {"file": SimpleUploadedFile("bomb.xlsx", data)}, follow=True)
    assert page.status_code == 200 and b"zip bomb" in page.content
    assert _snapshot() == before


@override_settings(ICSPLAN_READER_LIMITS=small(max_bytes=2 * MB))
def test_large_low_ratio_docx_is_refused_by_size(world, files):
    """The 90 MB DOCX that took a minute to read: over the size limit, refused before reading."""
    data = (files / "noise.docx").read_bytes()
    assert len(data) > 3 * MB
    result = runner.invoke(app, ["parse", str(files / "noise.docx")])
    assert result.exit_code == 2 and "at most 2 MB" in _one_line(result.output)
    _assert_problem(_api_import(world, "noise.docx", data), 413, "too-large", "at most 2 MB", file="noise.docx")
    page = _web_import(world, "noise.docx", data)
    assert page.status_code == 422 and b"at most 2 MB" in page.content


@override_settings(ICSPLAN_READER_LIMITS=small(zip_max_uncompressed=2 * MB, zip_max_ratio=10**6))
def test_uncompressed_size_limit_applies_whatever_the_ratio(world, files):
    _assert_problem(_api_import(world, "noise.docx", (files / "noise.docx").read_bytes()), 422, "zip-bomb",
                    "more than the 2 MB accepted")


# -- JSON: depth ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["deep.json", "shallow-but-deep.json"])
def test_deeply_nested_json_document_is_refused(world, files, name):
    """Nested 100,000 deep (Python's parser would end in a RecursionError) or 200 deep (it would
    not): both over the depth limit, refused with one sentence, never "internal error"."""
    data = (files / name).read_bytes()
    result = runner.invoke(app, ["parse", str(files / name)])
    assert result.exit_code == 2, result.output
    assert "nested deeper than 64 levels" in _one_line(result.output)
    _assert_problem(_api_import(world, name, data), 422, "too-deep", "64 levels", file=name)
    page = _web_import(world, name, data)
    assert page.status_code == 422 and b"nested deeper than 64 levels" in page.content


# -- the same limits everywhere ------------------------------------------------------------------------

def test_limits_come_from_one_place(settings):
    """Settings hold the reader limits; the Django-free CLI commands build the same from the
    environment; the pipeline reads whichever is in force."""
    from icsplan.ingest.uploads import current_limits

    assert settings.ICSPLAN_READER_LIMITS == ReaderLimits.from_env()
    assert current_limits() is settings.ICSPLAN_READER_LIMITS
    assert ReaderLimits.from_env({"ICSPLAN_UPLOAD_MAX_MB": "3", "ICSPLAN_READ_SECONDS": "1.5"}) == small(
        max_bytes=3 * MB, seconds=1.5)


def test_an_ordinary_document_reads_within_the_limits(world):
    """The limits leave room for the real thing: the Mali ICS as PDF through the API preview."""
    from icsplan.publishing import get_renderer
    from icsplan.strategies.services import load_strategy

    data = get_renderer("pdf").render(load_strategy(world.strategy))
    response = _api_import(world, "testland.pdf", data)
    assert response.status_code == 201, response.content[:300]
    assert response.json()["counts"]["goals"] >= 1
