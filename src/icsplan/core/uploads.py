"""Checks every uploaded file passes before any parser sees it.

``check_upload(name, data, allowed=...)`` looks at the *content*, not the name or the declared
type: PDF by its header, DOCX/XLSX as zip packages with the right ``[Content_Types].xml`` and
main part, text/CSV/JSON as UTF-8 without NUL bytes. Zip packages are checked against
decompression limits (entries, total uncompressed size, compression ratio) before anything is
inflated, so a zip bomb is refused without being unpacked. Failures raise ``InputError`` with one
sentence that names the file.

Time limits: parsing runs in the request or the CLI; deployments bound a request with the
server's timeout (granian ``--http1-keep-alive``/proxy timeouts), and ``parse_with_time_limit``
bounds a parse run in a worker thread.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

from icsplan.errors import InputError, Location

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: Per kind, after sniffing. Text is small: the whole Mali ICS is about 100 KB of text, a results
#: workbook with thousands of rows about 1 MB, so 5 MB of text, CSV, JSON or workbook is not a
#: strategy but an attempt to tie up the parser. Word and PDF files carry images: they get the
#: overall limit.
MAX_BYTES_BY_KIND = {"text": 5 * 1024 * 1024, "csv": 5 * 1024 * 1024, "json": 5 * 1024 * 1024,
                     "xlsx": 5 * 1024 * 1024, "docx": MAX_UPLOAD_BYTES, "pdf": MAX_UPLOAD_BYTES}
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100  # uncompressed / compressed, for any entry larger than 1 MB and overall
_RATIO_FLOOR = 1024 * 1024

ALL_KINDS = frozenset({"text", "csv", "json", "docx", "xlsx", "pdf"})

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
        return self.data.decode("utf-8-sig")


def _refuse(name: str, message: str, code: str = "bad-upload") -> InputError:
    return InputError(message, code=code, where=Location(file=name or "upload"))


def _human(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _zip_kind(name: str, data: bytes) -> str:
    """docx or xlsx, after checking the package against decompression limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise _refuse(name, "The file looks like a zip package but cannot be opened.") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _refuse(name, f"The package holds {len(infos):,} parts; at most {MAX_ZIP_ENTRIES:,} are accepted.",
                      "zip-limits")
    total = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos)
    if total > MAX_ZIP_UNCOMPRESSED:
        raise _refuse(name, f"The package unpacks to {_human(total)}; at most {_human(MAX_ZIP_UNCOMPRESSED)} is accepted.",
                      "zip-limits")
    for info in infos:
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise _refuse(name, "The package is compressed suspiciously well (a possible zip bomb).", "zip-limits")
    if total > _RATIO_FLOOR and total > MAX_ZIP_RATIO * max(compressed, 1):
        raise _refuse(name, "The package is compressed suspiciously well (a possible zip bomb).", "zip-limits")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise _refuse(name, "The zip file is not a Word or Excel document (no [Content_Types].xml).")
    try:
        with archive.open("[Content_Types].xml") as handle:
            types = handle.read(1024 * 1024 + 1)
    except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError, ValueError):
        raise _refuse(name, "The document package is damaged.") from None
    if len(types) > 1024 * 1024:
        raise _refuse(name, "The document package is damaged ([Content_Types].xml is too large).")
    text = types.decode("utf-8", errors="replace")
    if _DOCX_MAIN in text and "word/document.xml" in names:
        return "docx"
    if (_XLSX_MAIN in text or _XLSX_MAIN_MACRO in text) and "xl/workbook.xml" in names:
        if _XLSX_MAIN_MACRO in text:
            raise _refuse(name, "Macro-enabled workbooks are not accepted; save it as a plain .xlsx file.")
        return "xlsx"
    raise _refuse(name, "The zip file is neither a Word document (.docx) nor an Excel workbook (.xlsx).")


def _text_kind(name: str, data: bytes) -> str:
    if b"\x00" in data:
        raise _refuse(name, "The file is binary, not text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(name, f"The file is not UTF-8 text (bad byte at offset {exc.start}).") from None
    lower = name.lower()
    stripped = text.lstrip()
    if lower.endswith(".json") or (stripped[:1] in ("{", "[") and not lower.endswith((".csv", ".txt", ".md"))):
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            if lower.endswith(".json"):
                raise _refuse(name, "The file is not valid JSON.") from None
        else:
            return "json"
    if lower.endswith((".csv", ".tsv")):
        return "csv"
    return "text"


def sniff(name: str, data: bytes) -> str:
    """The kind of ``data`` judged by content (the name only separates text, CSV and JSON)."""
    head = data[:8]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(name, data)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(name, "Old Word/Excel files (.doc/.xls) are not accepted; save it as .docx or .xlsx.")
    return _text_kind(name, data)


def check_upload(name: str, data: bytes, allowed=ALL_KINDS, *, max_bytes: int = MAX_UPLOAD_BYTES) -> Upload:
    """Accept ``data`` (uploaded as ``name``) if it is one of the ``allowed`` kinds, or raise
    ``InputError`` with one clear sentence. CSV is text whose name ends in .csv; "text" also
    accepts CSV and JSON content when "csv"/"json" are not listed separately."""
    name = (name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    if not isinstance(data, (bytes, bytearray)):
        raise _refuse(name, "The upload has no content.")
    data = bytes(data)
    if not data:
        raise _refuse(name, "The file is empty.")
    if len(data) > max_bytes:
        raise _refuse(name, f"The file is {_human(len(data))}; at most {_human(max_bytes)} is accepted.", "too-large")
    allowed = frozenset(allowed)
    unknown = allowed - ALL_KINDS
    if unknown:
        raise ValueError(f"unknown upload kinds: {sorted(unknown)}")
    kind = sniff(name, data)
    limit = min(max_bytes, MAX_BYTES_BY_KIND.get(kind, max_bytes))
    if len(data) > limit:
        raise _refuse(name, f"The file is {_human(len(data))}; at most {_human(limit)} of "
                            f"{kind.upper() if kind in ('pdf', 'csv', 'json') else kind} is accepted.", "too-large")
    if kind not in allowed and kind in ("csv", "json") and "text" in allowed:
        kind = "text"
    if kind not in allowed:
        accepted = ", ".join(sorted(allowed))
        raise _refuse(name, f"A {kind.upper() if kind in ('pdf', 'csv', 'json') else kind} file is not accepted here "
                            f"(accepted: {accepted}).", "wrong-type")
    return Upload(name=name, kind=kind, data=data, media_type=MEDIA_TYPES[kind])


def parse_with_time_limit(fn, *args, seconds: float = 60.0, name: str = "upload", **kwargs):
    """Run ``fn(*args, **kwargs)`` and give up after ``seconds`` with an InputError.

    The work runs in a daemon thread; if it overruns, the caller gets an answer at once and the
    thread finishes on its own (Python cannot kill it), its result discarded.
    """
    import threading

    result: dict = {}

    def run():
        try:
            result["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name=f"parse-{name}")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise _refuse(name, f"Reading the file took longer than {seconds:.0f} seconds; it was abandoned.", "timeout")
    if "error" in result:
        raise result["error"]
    return result.get("value")
