"""Checks every file passes before any parser sees it, and the limits every reader runs under.

``check_upload(name, data, allowed=..., limits=...)`` looks at the *content*, not the name or the
declared type: PDF by its header, DOCX/XLSX as zip packages with the right ``[Content_Types].xml``
and main part, text/CSV/JSON as text (UTF-8, or what :func:`~icsplan.ingest.decode.decode_bytes`
accepts). Zip packages are checked against the container limits (member count, total uncompressed
size, compression ratio) from their directory, before anything is inflated, so a zip bomb is
refused without being unpacked. Failures raise ``DocumentError`` with one sentence that names the
file (``UploadTooLarge``, HTTP 413, for size).

:class:`ReaderLimits` is the one set of limits for the CLI, the web pages and the API: Django
settings hold an instance (``ICSPLAN_READER_LIMITS``, built by :meth:`ReaderLimits.from_env`), and
code that runs without Django (``icsplan parse``/``lint``) builds the same one from the same
environment variables. The time and memory limits are enforced by
:func:`icsplan.ingest.pipeline.run_isolated`.

This module imports nothing from Django.
"""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile
from dataclasses import dataclass, fields
from collections.abc import Set as AbstractSet
from typing import ClassVar, Mapping

from icsplan.errors import DocumentError, Location, UploadTooLarge

MB = 1024 * 1024


@dataclass(frozen=True)
class ReaderLimits:
    """What a document reader may consume. Every field has an ``ICSPLAN_…`` environment variable."""

    #: Largest upload (Word and PDF files, which carry images).
    max_bytes: int = 20 * MB
    #: Largest text, Markdown, JSON, CSV or workbook: the whole Mali ICS is about 100 KB of text and a
    #: results workbook with thousands of rows about 1 MB, so more is an attempt to tie up the parser.
    max_text_bytes: int = 5 * MB
    #: Zip packages (DOCX, XLSX): members, total uncompressed size, and compression ratio (for the
    #: whole package and for any member over 1 MB).
    zip_max_members: int = 2_000
    zip_max_uncompressed: int = 100 * MB
    zip_max_ratio: int = 100
    #: PDF pages.
    pdf_max_pages: int = 500
    #: Nesting of JSON arrays and objects (the strategy document needs about 8).
    json_max_depth: int = 64
    #: Wall-clock seconds for reading one document (the reader runs in a child process that is killed).
    seconds: float = 60.0
    #: Address space of that child process (0: no limit).
    memory_bytes: int = 1536 * MB

    _ENV: ClassVar[dict[str, tuple[str, int]]] = {
        "max_bytes": ("ICSPLAN_UPLOAD_MAX_MB", MB),
        "max_text_bytes": ("ICSPLAN_UPLOAD_MAX_TEXT_MB", MB),
        "zip_max_members": ("ICSPLAN_ZIP_MAX_MEMBERS", 1),
        "zip_max_uncompressed": ("ICSPLAN_ZIP_MAX_UNCOMPRESSED_MB", MB),
        "zip_max_ratio": ("ICSPLAN_ZIP_MAX_RATIO", 1),
        "pdf_max_pages": ("ICSPLAN_PDF_MAX_PAGES", 1),
        "json_max_depth": ("ICSPLAN_JSON_MAX_DEPTH", 1),
        "seconds": ("ICSPLAN_READ_SECONDS", 1),
        "memory_bytes": ("ICSPLAN_READ_MEMORY_MB", MB),
    }

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "ReaderLimits":
        """The defaults, overridden by ``ICSPLAN_UPLOAD_MAX_MB`` etc. (sizes in MB)."""
        environ = os.environ if environ is None else environ
        values: dict[str, float | int] = {}
        for f in fields(cls):
            variable, unit = cls._ENV[f.name]
            raw = environ.get(variable)
            if raw:
                number = float(raw) * unit
                values[f.name] = number if f.name == "seconds" else int(number)
        return cls(**values)  # type: ignore[arg-type]


DEFAULT_LIMITS = ReaderLimits()
MAX_UPLOAD_BYTES = DEFAULT_LIMITS.max_bytes
MAX_ZIP_ENTRIES = DEFAULT_LIMITS.zip_max_members
_RATIO_FLOOR = MB  # small members compress as they like (XML of empty cells)


def current_limits() -> ReaderLimits:
    """The limits in force: Django's ``ICSPLAN_READER_LIMITS`` when Django is set up (tests override
    it), else the same values built from the environment (the Django-free CLI commands)."""
    conf = sys.modules.get("django.conf")
    if conf is not None and conf.settings.configured:
        limits = getattr(conf.settings, "ICSPLAN_READER_LIMITS", None)
        if isinstance(limits, ReaderLimits):
            return limits
    return ReaderLimits.from_env()


ALL_KINDS = frozenset({"text", "csv", "json", "docx", "xlsx", "pdf"})
STRATEGY_KINDS = frozenset({"text", "json", "docx", "pdf"})
RESULTS_KINDS = frozenset({"xlsx", "csv"})
_TEXT_KINDS = frozenset({"text", "csv", "json", "xlsx"})

_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSX_MAIN_MACRO = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

MEDIA_TYPES = {
    "text": "text/plain",
    "csv": "text/csv",
    "json": "application/json",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Upload:
    """An accepted upload: what it is, and its content."""

    name: str
    kind: str  # one of ALL_KINDS
    data: bytes
    media_type: str

    @property
    def size(self) -> int:
        return len(self.data)

    def text(self) -> str:
        """The content decoded (text, csv, json only)."""
        from .decode import decode_bytes

        return decode_bytes(self.data, self.name)


def _refuse(name: str, message: str, code: str = "bad-upload") -> DocumentError:
    return DocumentError(message, code=code, where=Location(file=name or "upload"))


def human_size(n: int) -> str:
    """1 MB, 300 KB: how limits and sizes are written in messages."""
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def _kind_word(kind: str) -> str:
    return kind.upper() if kind in ("pdf", "csv", "json") else kind


def refuse_size(name: str, size: int, limit: int, what: str = "") -> UploadTooLarge:
    """The one sentence for a file over a size limit."""
    of = f" of {what}" if what else ""
    return UploadTooLarge(f"The file is {human_size(size)}, larger than the limit: at most {human_size(limit)}{of} "
                          "is accepted.", where=Location(file=name or "upload"))


def check_zip_container(name: str, data: bytes, limits: ReaderLimits | None = None) -> zipfile.ZipFile:
    """Open a zip package after checking its directory against the container limits (members,
    uncompressed total, compression ratio); nothing is inflated here."""
    limits = limits or current_limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise _refuse(name, "The file looks like a zip package (a Word or Excel file) but cannot be opened.",
                      "not-a-docx") from None
    if len(infos) > limits.zip_max_members:
        raise _refuse(name, f"The package holds {len(infos):,} parts; at most {limits.zip_max_members:,} are "
                            "accepted (a possible zip bomb).", "zip-bomb")
    total = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos)
    if total > limits.zip_max_uncompressed:
        raise _refuse(name, f"The package would expand to {human_size(total)}, more than the "
                            f"{human_size(limits.zip_max_uncompressed)} accepted (a likely zip bomb).", "zip-bomb")
    suspicious = any(i.file_size > _RATIO_FLOOR and i.file_size > limits.zip_max_ratio * max(i.compress_size, 1)
                     for i in infos)
    if suspicious or (total > _RATIO_FLOOR and total > limits.zip_max_ratio * max(compressed, 1)):
        raise _refuse(name, f"The package is compressed more than {limits.zip_max_ratio} to 1 (a likely zip bomb).",
                      "zip-bomb")
    return archive


def _zip_kind(name: str, data: bytes, limits: ReaderLimits) -> str:
    """docx or xlsx, after checking the package against the container limits."""
    archive = check_zip_container(name, data, limits)
    names = {i.filename for i in archive.infolist()}
    if "[Content_Types].xml" not in names:
        raise _refuse(name, "The zip file is not a Word document or an Excel workbook (no [Content_Types].xml).",
                      "not-a-docx")
    try:
        with archive.open("[Content_Types].xml") as handle:
            types = handle.read(MB + 1)
    except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError, ValueError, zlib_error()):
        raise _refuse(name, "The document package is damaged.", "corrupt") from None
    if len(types) > MB:
        raise _refuse(name, "The document package is damaged ([Content_Types].xml is too large).", "corrupt")
    text = types.decode("utf-8", errors="replace")
    if _DOCX_MAIN in text and "word/document.xml" in names:
        return "docx"
    if (_XLSX_MAIN in text or _XLSX_MAIN_MACRO in text) and "xl/workbook.xml" in names:
        if _XLSX_MAIN_MACRO in text:
            raise _refuse(name, "Macro-enabled workbooks are not accepted; save it as a plain .xlsx file.", "wrong-type")
        return "xlsx"
    raise _refuse(name, "The zip file is neither a Word document (.docx) nor an Excel workbook (.xlsx).",
                  "not-a-docx")


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def _text_kind(name: str, data: bytes, limits: ReaderLimits) -> str:
    from .decode import decode_bytes

    text = decode_bytes(data, name)  # the same decoding the parsers use: UTF-8, UTF-16 with BOM, cp1252
    lower = name.lower()
    stripped = text.lstrip()
    if lower.endswith(".json") or (stripped[:1] in ("{", "[") and not lower.endswith((".csv", ".txt", ".md"))):
        try:
            loads_bounded(text, name, limits.json_max_depth)
        except DocumentError as exc:
            if lower.endswith(".json") or exc.code == "too-deep":
                raise
        else:
            return "json"
    if lower.endswith((".csv", ".tsv")):
        return "csv"
    return "text"


def json_depth(value: object) -> int:
    """Nesting depth of parsed JSON, counted without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item)
    return deepest


def loads_bounded(text: str | bytes, name: str, max_depth: int) -> object:
    """``json.loads`` that refuses, with one sentence, invalid JSON and nesting deeper than
    ``max_depth`` (Python's parser would otherwise end in a RecursionError at about 1,000)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise _refuse(name, f"The JSON is nested deeper than {max_depth} levels.", "too-deep") from None
    except (ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise DocumentError(f"The file is not valid JSON ({getattr(exc, 'msg', None) or exc}).", code="invalid-json",
                            where=Location(file=name, line=line)) from None
    if json_depth(value) > max_depth:
        raise _refuse(name, f"The JSON is nested deeper than {max_depth} levels.", "too-deep")
    return value


def sniff(name: str, data: bytes, limits: ReaderLimits | None = None) -> str:
    """The kind of ``data`` judged by content (the name only separates text, CSV and JSON)."""
    limits = limits or current_limits()
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(name, data, limits)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(name, "Old Word/Excel files (.doc/.xls) are not accepted; save it as .docx or .xlsx.",
                      "wrong-type")
    return _text_kind(name, data, limits)


def clean_name(name: str | None) -> str:
    """The file's own name, without any folder a browser or client sent."""
    return (name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"


def check_upload(name: str, data: bytes | None, allowed: AbstractSet[str] = ALL_KINDS, *, max_bytes: int | None = None,
                 limits: ReaderLimits | None = None) -> Upload:
    """Accept ``data`` (uploaded as ``name``) if it is one of the ``allowed`` kinds, or raise
    ``DocumentError`` with one clear sentence. CSV is text whose name ends in .csv; "text" also
    accepts CSV and JSON content when "csv"/"json" are not listed separately."""
    limits = limits or current_limits()
    name = clean_name(name)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise _refuse(name, "The upload has no content.", "empty-document")
    data = bytes(data)
    if not data:
        raise _refuse(name, "The file is empty.", "empty-document")
    max_bytes = limits.max_bytes if max_bytes is None else min(max_bytes, limits.max_bytes)
    if len(data) > max_bytes:
        raise refuse_size(name, len(data), max_bytes)
    allowed = frozenset(allowed)
    unknown = allowed - ALL_KINDS
    if unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    if not data.lstrip()[:5].startswith((b"%PDF-", b"PK\x03\x04", b"PK\x05\x06")) and len(data) > limits.max_text_bytes:
        raise refuse_size(name, len(data), limits.max_text_bytes, "text")  # before decoding it
    kind = sniff(name, data, limits)
    limit = min(max_bytes, limits.max_text_bytes) if kind in _TEXT_KINDS else max_bytes
    if len(data) > limit:
        raise refuse_size(name, len(data), limit, _kind_word(kind))
    if kind not in allowed and kind in ("csv", "json") and "text" in allowed:
        kind = "text"
    if kind not in allowed:
        accepted = ", ".join(sorted(allowed))
        raise _refuse(name, f"A {_kind_word(kind)} file is not accepted here (accepted: {accepted}).", "wrong-type")
    return Upload(name=name, kind=kind, data=data, media_type=MEDIA_TYPES[kind])
