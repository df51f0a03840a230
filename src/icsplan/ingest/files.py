"""Reading a strategy document from bytes or a file: thin names over :mod:`icsplan.ingest.pipeline`.

The kind is decided by content (a PDF starts with ``%PDF``, a DOCX is a zip package with a Word
main part, the interchange JSON is an object with the ``icsplan.strategy/1`` schema key) and by
the file name only when the content is plain text, so a mis-named file is still read for what it
is. Every read runs under the limits of :class:`~icsplan.ingest.uploads.ReaderLimits`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pydantic

from ..document import SCHEMA_ID, Strategy
from ..errors import DocumentError, Location
from .uploads import DEFAULT_LIMITS, loads_bounded

if TYPE_CHECKING:
    from .text import ParseResult

MAX_BYTES = DEFAULT_LIMITS.max_bytes


def strategy_from_json(data: bytes | str, name: str, *, max_depth: int = DEFAULT_LIMITS.json_max_depth) -> Strategy:
    """The interchange JSON, validated; any problem is one sentence naming the field (code
    ``invalid-json`` for every kind of bad JSON, ``too-deep`` for nesting over ``max_depth``)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"The JSON is not UTF-8 (bad byte at offset {exc.start}).", code="invalid-json",
                                where=Location(file=name)) from None
    raw = loads_bounded(data, name, max_depth)
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA_ID:
        raise DocumentError(f"The JSON is not an icsplan strategy (expected \"schema\": \"{SCHEMA_ID}\").",
                            code="invalid-json", where=Location(file=name))
    try:
        return Strategy.model_validate(raw)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise DocumentError(f"The JSON is not a valid icsplan strategy: {first['msg']}{more}.", code="invalid-json",
                            where=Location(file=name, field=path)) from None


def parse_bytes(data: bytes, name: str) -> ParseResult:
    """Parse a document of any supported kind into a ``ParseResult`` (checked and time-limited)."""
    from .pipeline import read_document

    return read_document(data, name).result


def parse_path(path: str | os.PathLike[str]) -> ParseResult:
    """Read and parse a file; unreadable files are a ``DocumentError`` naming the file."""
    from .pipeline import read_path

    return read_path(path).result
