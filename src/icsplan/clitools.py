"""Shared pieces of the ``icsplan`` command and its sub-commands (no Django at import time).

Every command is wrapped in ``handle_errors``: icsplan's own errors become one clear line on
stderr and exit status 2; an unexpected failure prints one line too (exit status 1), never a
traceback.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from functools import wraps
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from icsplan.errors import IcsplanError, ValidationError

out = Console()
err = Console(stderr=True)

def _fail(message: str, status: int) -> None:
    err.print(message, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(status)


def handle_errors(fn):
    """Print icsplan errors as one line and exit 2; anything else as one line and exit 1."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except ValidationError as exc:
            for problem in exc.problems:
                err.print(f"error: {problem}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2)
        except IcsplanError as exc:
            _fail(f"error: {exc}", 2)
        except OSError as exc:
            _fail(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), 2)
        except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
            if os.environ.get("ICSPLAN_DEBUG"):
                raise
            _fail(f"internal error ({type(exc).__name__}): {exc}. Set ICSPLAN_DEBUG=1 for details.", 1)

    return wrapper


def setup_django() -> None:
    """Configure Django for commands that touch the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icsplan.config.settings")
    import django

    django.setup()


def write_output(data: bytes | str, output: Optional[Path]) -> None:
    """Write a command's result to ``output``, or to standard output when it is ``None`` or ``-``.

    A regular file (or a path that does not exist yet) is replaced atomically: the bytes go to a
    temporary file in the same directory, are flushed to disk, and the temporary file is renamed
    over the target, so a reader never sees half a file and a failure leaves the old one intact.
    Anything else — a character device such as ``/dev/null``, a named pipe, a terminal — is opened
    and written in place, never replaced: renaming over it would turn ``/dev/null`` into a regular
    file for the whole machine.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if output is None or str(output) == "-":
        _write_stdout(data)
        return
    # Follow a symbolic link to what it names: replacing the link itself would cut it.
    target = Path(os.path.realpath(output))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        if not _write_in_place(target, data):
            _write_atomically(target, data)  # it became a regular file since the stat above
    else:
        _write_atomically(target, data)
    err.print(f"wrote {output} ({len(data):,} bytes)", markup=False, highlight=False)


def _write_stdout(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    if not data.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()


def _write_in_place(target: Path, data: bytes) -> bool:
    """Write to a device, pipe or other non-regular file without creating, truncating or replacing
    it. Returns False (having written nothing) when the path turns out to be a regular file."""
    # No O_CREAT: the path exists and is not ours to create. Opening a pipe blocks until a reader
    # comes, as a shell redirection would.
    fd = os.open(target, os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)
    return True


def _write_atomically(target: Path, data: bytes) -> None:
    """Replace the regular file ``target`` (or create it) with ``data`` in one rename."""
    try:
        existing = target.stat()
    except FileNotFoundError:
        existing = None
    if existing is not None and not os.access(target, os.W_OK):
        # A rename would go through where opening the file for writing is refused: a read-only
        # file is a "do not overwrite", as it is for a shell redirection.
        raise PermissionError(13, "Permission denied", str(target))
    # The temporary name starts with a dot and is random: two commands writing the same target
    # never share it, and a directory listing does not show it as an export.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if existing is not None:
            # Keep the mode of the file being replaced (an export kept 0600 stays 0600) and, when
            # run as root, its owner.
            os.chmod(tmp_name, stat.S_IMODE(existing.st_mode))
            if os.geteuid() == 0 and (existing.st_uid, existing.st_gid) != (0, 0):
                try:
                    os.chown(tmp_name, existing.st_uid, existing.st_gid)
                except OSError:
                    pass
        else:
            # mkstemp creates 0600; a new file gets what a plain open() would give it.
            os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(target.parent)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; some file systems refuse to sync a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# The name used before the helper became public.
_write_output = write_output
