"""One entry point for every kind of document a person may hand icsplan.

The kind is decided by content first (a PDF starts with ``%PDF``, a DOCX is a zip, the
interchange JSON is an object with the ``icsplan.strategy/1`` schema key) and by the file name
only when the content is plain text, so a mis-named file is still read for what it is.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pydantic

from ..document import SCHEMA_ID, Strategy
from ..errors import DocumentError, Location
from .decode import decode_bytes

if TYPE_CHECKING:
    from .text import ParseResult

MAX_BYTES = 25 * 1024 * 1024


def detect_kind(data: bytes, name: str) -> str:
    """'pdf', 'docx', 'json' or 'text'."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"{") or name.lower().endswith(".json"):
        return "json"
    return "text"


def strategy_from_json(data: bytes, name: str) -> Strategy:
    """The interchange JSON, validated; any problem is one sentence naming the field."""
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise DocumentError(f"the file is not valid JSON ({getattr(exc, 'msg', exc)})", code="invalid-json",
                            where=Location(file=name, line=line)) from None
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA_ID:
        raise DocumentError(f"the JSON is not an icsplan strategy (expected \"schema\": \"{SCHEMA_ID}\")",
                            code="invalid-json", where=Location(file=name))
    try:
        return Strategy.model_validate(raw)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise DocumentError(f"{first['msg']}{more}", code="invalid-json",
                            where=Location(file=name, field=path)) from None


def parse_bytes(data: bytes, name: str) -> ParseResult:
    """Parse a document of any supported kind into a ``ParseResult``."""
    from .text import ParseResult, parse_text

    if len(data) > MAX_BYTES:
        raise DocumentError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB", code="too-large",
                            where=Location(file=name))
    kind = detect_kind(data, name)
    if kind == "json":
        return ParseResult(strategy=strategy_from_json(data, name), source=name)
    if kind == "pdf":
        from .pdf import pdf_to_text

        return parse_text(pdf_to_text(data, source=name), source=name)
    if kind == "docx":
        from .docx import docx_to_text

        return parse_text(docx_to_text(data, source=name), source=name)
    return parse_text(decode_bytes(data, name), source=name)


def parse_path(path: str | os.PathLike[str]) -> ParseResult:
    """Read and parse a file; unreadable files are a ``DocumentError`` naming the file."""
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DocumentError(f"the file cannot be read ({exc.strerror or exc})", code="unreadable-document",
                            where=Location(file=name)) from None
    return parse_bytes(data, name)
