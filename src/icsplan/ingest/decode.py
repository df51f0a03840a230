"""Bytes to text for the text/Markdown parser, refusing what is not text.

UTF-8 (with or without a byte-order mark) is the norm; UTF-16 with a BOM is what Word's "Unicode
text" writes. Windows-1252 is accepted only when the bytes are clearly text, because decoding an
image as cp1252 "succeeds" and would bury the real problem under a confusing parse error.
"""

from __future__ import annotations

import codecs
import re

from ..errors import DocumentError, Location

# Magic numbers of the binary files people most often upload by mistake, with a hint for each.
_MAGIC = (
    (b"%PDF", "a PDF file; use the PDF importer"),
    (b"PK\x03\x04", "a ZIP archive (a DOCX or XLSX file?); use the DOCX importer for Word files"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file; save it as DOCX or plain text first"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF file; save it as DOCX or plain text first"),
)
# C0 control characters other than tab, newline, carriage return and form feed.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _fail(name: str, message: str, code: str) -> DocumentError:
    return DocumentError(message, code=code, where=Location(file=name))


def decode_bytes(data: bytes, name: str) -> str:
    """Decode the bytes of a text/Markdown document, or raise :class:`DocumentError`."""
    if not data.strip():
        raise _fail(name, "the file is empty, so there is no strategy to read", "empty-document")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _fail(name, f"this is {what}, not a text or Markdown document", "binary-document")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _fail(name, "the file claims to be UTF-16 text but cannot be decoded", "bad-encoding") from None
    sample = data[:65536]
    if b"\x00" in sample or len(_CONTROL_BYTES.findall(sample)) > max(8, len(sample) // 200):
        raise _fail(name, "the file is binary, not a text or Markdown document", "binary-document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data, name)


def _decode_legacy(data: bytes, name: str) -> str:
    """Windows-1252 for text that is mostly ASCII; anything else is not a document we can read."""
    high = sum(1 for byte in data[:65536] if byte >= 0x80)
    if high > len(data[:65536]) * 0.2:
        raise _fail(name, "the file is neither UTF-8 nor Windows-1252 text", "bad-encoding")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # Five bytes are undefined in cp1252; Latin-1 maps them to C1 controls harmlessly.
        return data.decode("latin-1")


def sanitize(text: str) -> str:
    """Drop control characters and lone surrogates that no document means to contain."""
    if _CONTROL_CHARS.search(text):
        text = _CONTROL_CHARS.sub("", text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text
