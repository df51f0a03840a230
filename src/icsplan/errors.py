"""The one error hierarchy of icsplan.

Every error a person can cause carries a stable ``code`` (used by the API's problem+json
responses, the CLI's exit message and the web UI) and, where it applies, the place at fault.
This module imports nothing from Django so that the parser and the CLI can use it alone.

    IcsplanError
    ├── InputError            bad input from a person or a file (exit status 2, HTTP 400/422)
    │   ├── DocumentError     a document that cannot be read as an ICS
    │   │   └── UploadTooLarge    a file or request body over a size limit (HTTP 413)
    │   └── ValidationError   one or more field/row problems (``problems`` lists them all)
    ├── NotFoundError         missing *or* not permitted: the two look the same (HTTP 404)
    ├── PermissionDenied      an action the caller may not take on an object it may see (HTTP 403)
    └── ConflictError         a save based on a stale version (HTTP 409/412)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where a problem is: any of file, line, sheet, row, column, field, element."""

    file: str | None = None
    line: int | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    element: str | None = None

    def __str__(self) -> str:
        parts = []
        for name in ("file", "sheet", "line", "row", "column", "field", "element"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name} {value}" if name not in ("file",) else str(value))
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, with its place."""

    message: str
    where: Location = field(default_factory=Location)
    code: str = "invalid"

    def __str__(self) -> str:
        where = str(self.where)
        return f"{where}: {self.message}" if where else self.message


class IcsplanError(Exception):
    """Base of every error icsplan raises on purpose."""

    code = "error"
    http_status = 500

    def __init__(self, message: str, *, code: str | None = None, where: Location | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.where = where or Location()

    def __str__(self) -> str:
        where = str(self.where)
        return f"{where}: {self.message}" if where else self.message


class InputError(IcsplanError):
    """Input that cannot be accepted as it is."""

    code = "invalid-input"
    http_status = 400


class DocumentError(InputError):
    """A file that is not a readable ICS (empty, binary, wrong encoding, no goals...)."""

    code = "not-an-ics"
    http_status = 422


class UploadTooLarge(DocumentError):
    """A file or request body larger than the limit that applies to it."""

    code = "too-large"
    http_status = 413


class ValidationError(InputError):
    """One or more problems found while validating; nothing was written."""

    code = "validation-failed"
    http_status = 422

    def __init__(self, problems: list[Problem] | Problem | str, *, code: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid input"
        more = f" (and {len(self.problems) - 1} more problems)" if len(self.problems) > 1 else ""
        super().__init__(first + more, code=code)

    def sentences(self) -> str:
        """Every problem as a sentence for a person (no field names or locations): what pages show."""
        out = []
        for problem in self.problems:
            text = problem.message.strip()
            if text:
                text = text[0].upper() + text[1:]
                out.append(text if text.endswith((".", "?", "!")) else text + ".")
        return " ".join(out) or "The input was refused."


class NotFoundError(IcsplanError):
    """The object does not exist, or the caller may not see it."""

    code = "not-found"
    http_status = 404


class PermissionDenied(IcsplanError):
    """The caller may see the object but may not take this action on it."""

    code = "forbidden"
    http_status = 403


class ConflictError(IcsplanError):
    """The object changed since the caller read it."""

    code = "conflict"
    http_status = 409

    def __init__(self, message: str, *, current_version: int | None = None, given_version: int | None = None):
        super().__init__(message)
        self.current_version = current_version
        self.given_version = given_version
