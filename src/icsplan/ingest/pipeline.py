"""The one way a document is read: detect → check → parse (under limits) → lint.

The CLI (``icsplan parse``, ``lint``, ``import``), the web pages and the API all read a strategy
document through :func:`read_document` (or :func:`read_path`), so the same file gets the same
answer everywhere::

    check_upload      the kind by content; size, zip container limits, JSON depth (no inflating)
    run_isolated      the parser in a child process: wall-clock and memory limits, killed on overrun
    lint_strategy     the findings; an "error" finding blocks the import (icsplan.imports decides)

Why a child process: a PDF with a deflate bomb keeps pdfminer busy (and growing) for minutes, and
neither a thread nor a signal can stop C code reliably inside a server; killing a process does,
and ``RLIMIT_AS`` turns a runaway allocation into a ``MemoryError`` instead of an exhausted
server. The child comes from a fork server (started once, with the parsers preloaded), so each
read costs a fork, not a fresh interpreter, and never forks a multi-threaded server process.

Refusals are ``DocumentError`` with one sentence naming the file and the limit. Nothing here
imports Django.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from dataclasses import dataclass, field
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from icsplan.errors import DocumentError, IcsplanError, Location

from .lint import Finding, lint_strategy
from .uploads import STRATEGY_KINDS, ReaderLimits, Upload, check_upload, clean_name, current_limits, refuse_size

if TYPE_CHECKING:
    from icsplan.document import Strategy

    from .text import ParseResult

__all__ = ["ReadDocument", "read_document", "read_path", "run_isolated"]

# Parsers the fork server imports once, so a child starts with them loaded.
_PRELOAD = ["icsplan.ingest.pipeline", "icsplan.ingest.text", "icsplan.ingest.docx", "icsplan.ingest.pdf",
            "docx", "pdfplumber", "openpyxl"]
_context: Any = None


@dataclass
class ReadDocument:
    """A document read and linted: the accepted upload, the parse result and the findings."""

    upload: Upload
    result: ParseResult
    findings: list[Finding] = field(default_factory=list)

    @property
    def strategy(self) -> Strategy:
        return self.result.strategy

    @property
    def has_errors(self) -> bool:
        """Whether a finding is an error: such a document is never imported."""
        return any(f.severity == "error" for f in self.findings)


def _mp_context() -> Any:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        _context = context
    return _context


def _freeze(exc: IcsplanError) -> tuple[Any, ...]:
    """An icsplan error as plain data (its constructor takes keywords pickle does not replay)."""
    return type(exc), exc.message, exc.code, exc.where, getattr(exc, "problems", None)


def _thaw(frozen: tuple[Any, ...]) -> IcsplanError:
    cls, message, code, where, problems = frozen
    exc: IcsplanError = cls.__new__(cls)
    Exception.__init__(exc, message)
    exc.message, exc.code, exc.where = message, code, where
    if problems is not None:
        setattr(exc, "problems", problems)  # ValidationError's list of problems
    return exc


def _near_memory_limit(memory_bytes: int) -> bool:
    """Whether this process's peak address space came within 10% of its limit: a reader that failed
    there ran out of memory, whatever it reported (pdfplumber wraps a MemoryError, C code may end
    in a SystemError)."""
    if not memory_bytes:
        return False
    try:
        with open("/proc/self/status") as status:
            peak = next((int(line.split()[1]) * 1024 for line in status if line.startswith("VmPeak:")), 0)
    except (OSError, ValueError):
        return False
    return peak >= memory_bytes * 0.9


def _child(conn: Connection, memory_bytes: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Runs in the child: cap the address space, run ``fn``, send back ("ok", value) or why not."""
    try:
        if memory_bytes:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        conn.send(("ok", fn(*args)))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException as exc:  # noqa: BLE001 - a reader's bug becomes one sentence, not a traceback
        if _near_memory_limit(memory_bytes):
            conn.send(("memory", None))
        elif isinstance(exc, RecursionError):
            conn.send(("recursion", None))
        elif isinstance(exc, IcsplanError):
            conn.send(("error", _freeze(exc)))
        else:
            conn.send(("crash", type(exc).__name__))
    finally:
        conn.close()


def run_isolated(fn: Callable[..., Any], *args: Any, name: str, limits: ReaderLimits | None = None) -> Any:
    """``fn(*args)`` in a child process under ``limits.seconds`` and ``limits.memory_bytes``.

    ``fn`` and its arguments must be picklable, and ``fn`` must live in a Django-free module (the
    child does not set Django up): a module-level function of ``icsplan.ingest``. On overrun the child is
    killed and a ``DocumentError`` naming ``name`` and the limit is raised; icsplan errors raised
    by ``fn`` come back as they were.
    """
    limits = limits or current_limits()
    context = _mp_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, limits.memory_bytes, fn, args), name=f"icsplan-read-{name}")
    started = time.monotonic()
    process.start()
    sender.close()  # the child holds the only writing end: its exit means EOF here
    outcome: tuple[Any, Any] | None = None
    try:
        if receiver.poll(max(limits.seconds, 0.0)):
            try:
                outcome = receiver.recv()
            except (EOFError, OSError):
                outcome = None  # died without a word: killed by the kernel, or a crash in C code
        else:
            outcome = ("timeout", None)
    finally:
        if outcome is None or outcome[0] != "timeout":
            process.join(2)  # it has answered (or died): let it exit, so its exit code is its own
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    where = Location(file=name)
    status, value = outcome if outcome is not None else ("died", None)
    value_any: Any = value
    if status == "ok":
        return value
    if status == "error":
        raise _thaw(value_any)
    if status == "timeout":
        raise DocumentError(f"Reading the file took longer than {limits.seconds:g} seconds, the limit, and was stopped.",
                            code="too-slow", where=where)
    killed = process.exitcode == -signal.SIGKILL and time.monotonic() - started < limits.seconds
    if status == "memory" or (status == "died" and killed):  # the kernel's OOM killer sends SIGKILL
        raise DocumentError(f"Reading the file needed more than {limits.memory_bytes // (1024 * 1024)} MB of memory, "
                            "the limit, and was stopped.", code="too-much-memory", where=where)
    if status == "recursion":
        raise DocumentError("The file is nested too deeply to be read.", code="too-deep", where=where)
    error = DocumentError(f"The file cannot be read ({value or 'the reader stopped'}).", code="corrupt", where=where)
    error.reader_died = status == "died"  # type: ignore[attr-defined]  # read_document tries pdfplumber then
    raise error


#: the reader kind of a PDF read again without pdfium (see ``read_document``)
PDF_BY_PDFPLUMBER = "pdf-pdfplumber"


def _read_in_child(kind: str, data: bytes, name: str, limits: ReaderLimits) -> tuple[ParseResult, list[Finding]]:
    """Parse and lint one checked upload (runs in the child process)."""
    from .text import ParseResult, parse_text

    if kind == "json":
        from .files import strategy_from_json

        result = ParseResult(strategy=strategy_from_json(data, name, max_depth=limits.json_max_depth), source=name)
    else:
        if kind in ("pdf", PDF_BY_PDFPLUMBER):
            from .pdf import pdf_to_text

            from .embedded import pdf_embedded_strategy

            text = pdf_to_text(data, source=name, max_pages=limits.pdf_max_pages, pdfium=kind == "pdf")
            # icsplan's own export, its text unchanged: the attached JSON holds what text cannot.
            embedded = pdf_embedded_strategy(data, text, source=name, limits=limits)
            if embedded is not None:
                result = ParseResult(strategy=embedded, source=name)
                return result, lint_strategy(result)
        elif kind == "docx":
            from .docx import docx_to_text
            from .embedded import embedded_strategy

            text = docx_to_text(data, source=name, limits=limits)
            # icsplan's own export, its text unchanged: the embedded JSON holds what text cannot.
            embedded = embedded_strategy(data, text, source=name, limits=limits)
            if embedded is not None:
                result = ParseResult(strategy=embedded, source=name)
                return result, lint_strategy(result)
        else:
            from .decode import decode_bytes

            text = decode_bytes(data, name)
        result = parse_text(text, source=name)
    return result, lint_strategy(result)


def read_document(data: bytes, name: str, *, limits: ReaderLimits | None = None,
                  allowed: AbstractSet[str] = STRATEGY_KINDS) -> ReadDocument:
    """Check, parse and lint one strategy document (text/Markdown, DOCX, PDF or interchange JSON)."""
    limits = limits or current_limits()
    upload = check_upload(name, data, allowed, limits=limits)
    try:
        result, findings = run_isolated(_read_in_child, upload.kind, upload.data, upload.name, limits,
                                        name=upload.name, limits=limits)
    except DocumentError as exc:
        if upload.kind != "pdf" or not getattr(exc, "reader_died", False):
            raise
        # pdfium is C code: on a hostile file (a deflate bomb against the memory limit) its
        # allocator stops the whole process where pdfplumber raises; read the file again with
        # pdfplumber alone, which names the limit the file ran into.
        result, findings = run_isolated(_read_in_child, PDF_BY_PDFPLUMBER, upload.data, upload.name, limits,
                                        name=upload.name, limits=limits)
    return ReadDocument(upload=upload, result=result, findings=findings)


def read_bytes_of(path: str | os.PathLike[str], limits: ReaderLimits | None = None) -> tuple[str, bytes]:
    """(file name, content) of a file, refusing one over the size limit without reading it all."""
    limits = limits or current_limits()
    name = clean_name(os.path.basename(os.fspath(path)) or os.fspath(path))
    try:
        with open(path, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise DocumentError(f"The file cannot be read ({exc.strerror or exc}).", code="unreadable-document",
                            where=Location(file=name)) from None
    if len(data) > limits.max_bytes:
        raise refuse_size(name, os.path.getsize(path), limits.max_bytes)
    return name, data


def read_path(path: str | os.PathLike[str], *, limits: ReaderLimits | None = None,
              allowed: AbstractSet[str] = STRATEGY_KINDS) -> ReadDocument:
    """:func:`read_document` for a file on disk (the CLI)."""
    limits = limits or current_limits()
    name, data = read_bytes_of(path, limits)
    return read_document(data, name, limits=limits, allowed=allowed)

