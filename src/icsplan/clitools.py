"""Shared pieces of the ``icsplan`` command and its sub-commands (no Django at import time).

Every command is wrapped in ``handle_errors``: icsplan's own errors become one clear line on
stderr and exit status 2; an unexpected failure prints one line too (exit status 1), never a
traceback.
"""

from __future__ import annotations

import os
import sys
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


def _write_output(data: bytes | str, output: Optional[Path]) -> None:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        if not data.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
        sys.stdout.flush()
    else:
        # Write beside the target and rename, so a failure never leaves half a file.
        tmp = output.with_name(output.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(output)
        err.print(f"wrote {output} ({len(data):,} bytes)", markup=False, highlight=False)



# The public name; ``_write_output`` stays for callers written before the rename.
write_output = _write_output
