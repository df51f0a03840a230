"""Uploads: type by content, size and decompression limits, only InputError on any bytes."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icsplan.ingest.pipeline import run_isolated
from icsplan.ingest.uploads import MAX_ZIP_ENTRIES, ReaderLimits, check_upload
from icsplan.errors import IcsplanError, InputError


def _zip(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx_bytes() -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Mission Goal 1: hello")
    document.save(buffer)
    return buffer.getvalue()


def _xlsx_bytes() -> bytes:
    import openpyxl

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "code"
    workbook.save(buffer)
    return buffer.getvalue()


def test_real_files_are_recognised_by_content_whatever_their_name():
    assert check_upload("report.txt", _docx_bytes()).kind == "docx"
    assert check_upload("data.bin", _xlsx_bytes()).kind == "xlsx"
    assert check_upload("x", b"%PDF-1.7\n...").kind == "pdf"
    assert check_upload("notes.md", "Mission Goal 1 — Sécurité".encode()).kind == "text"
    assert check_upload("rows.csv", b"code,value\nA,1\n").kind == "csv"
    assert check_upload("doc.json", b'{"schema": "icsplan.strategy/1"}').kind == "json"
    assert check_upload("doc.json", b'{"a": 1}', allowed={"text"}).kind == "text"


@pytest.mark.parametrize(
    "name, data, allowed, message",
    [
        ("e.txt", b"", {"text"}, "empty"),
        ("a.pdf", b"%PDF-1.4", {"docx"}, "PDF file is not accepted here"),
        ("a.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, {"docx"}, "Old Word/Excel"),
        ("a.docx", b"PK\x03\x04garbage", {"docx"}, "cannot be opened"),
        ("a.docx", None, {"docx"}, "no content"),
        ("b.txt", b"abc\x00def", {"text"}, "binary"),
        ("b.txt", b"\xe9\xe8\xe7\xe6\xe5", {"text"}, "neither UTF-8 nor Windows-1252"),
        ("c.json", b"{not json", {"json"}, "not valid JSON"),
    ],
)
def test_bad_uploads_are_refused_with_one_sentence(name, data, allowed, message):
    with pytest.raises(InputError, match=message) as info:
        check_upload(name, data, allowed)
    assert name in str(info.value) and str(info.value).count(". ") <= 1


def test_zip_packages_must_be_office_documents():
    with pytest.raises(InputError, match="not a Word document or an Excel workbook"):
        check_upload("a.docx", _zip({"hello.txt": b"hi"}))
    fake = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<x/>"})
    with pytest.raises(InputError, match="neither a Word document"):
        check_upload("a.docx", fake)
    with pytest.raises(InputError, match="accepted: docx"):
        check_upload("a.docx", _xlsx_bytes(), {"docx"})


def test_size_and_decompression_limits():
    with pytest.raises(InputError, match="at most 1 KB"):
        check_upload("big.txt", b"a" * 2048, {"text"}, max_bytes=1024)
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (50 * 1024 * 1024)})
    assert len(bomb) < 200_000
    with pytest.raises(InputError, match="zip bomb"):
        check_upload("bomb.docx", bomb, {"docx"})
    many = _zip({f"p{i}.xml": b"" for i in range(MAX_ZIP_ENTRIES + 1)}, zipfile.ZIP_STORED)
    with pytest.raises(InputError, match="parts"):
        check_upload("many.xlsx", many, {"xlsx"})


def test_time_limit():
    """The reader runs in a child process that is killed at the deadline."""
    import operator
    import time

    started = time.monotonic()
    with pytest.raises(InputError, match="longer than 0.5 seconds") as caught:
        run_isolated(time.sleep, 30, name="slow.pdf", limits=ReaderLimits(seconds=0.5))
    assert caught.value.code == "too-slow" and time.monotonic() - started < 10
    assert run_isolated(operator.mul, 21, 2, name="x", limits=ReaderLimits(seconds=10)) == 42


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(max_size=40),
    data=st.one_of(
        st.binary(max_size=2048),
        st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=512)),
        st.builds(lambda b: b"%PDF-" + b, st.binary(max_size=64)),
        st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
    ),
    allowed=st.sets(st.sampled_from(["text", "csv", "json", "docx", "xlsx", "pdf"]), min_size=1),
)
def test_any_bytes_give_an_upload_or_an_icsplan_error(name, data, allowed):
    try:
        result = check_upload(name, data, allowed)
    except IcsplanError:
        return
    assert result.kind in allowed


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["[Content_Types].xml", "word/document.xml", "xl/workbook.xml", "x"]),
                       st.binary(max_size=300), max_size=4))
def test_arbitrary_zip_packages_only_raise_icsplan_errors(files):
    try:
        check_upload("f.docx", _zip(files), {"docx", "xlsx"})
    except IcsplanError:
        pass
