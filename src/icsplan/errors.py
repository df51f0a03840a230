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


#: Every error code icsplan answers with, and what it means. The API's problem+json ``code``, the
#: CLI's message and the web UI use the same codes; docs/error-codes.md is written from this list
#: (tests/test_error_codes.py checks both against the code base).
ERROR_CODES: dict[str, str] = {
    "already-confirmed": "A staged import was confirmed already.",
    "audit-immutable": "Audit events are never changed or deleted.",
    "bad-encoding": "A text file in an encoding that cannot be read.",
    "bad-period": "A fiscal period that cannot be read (FY2019, FY2019Q1, FY2019H1).",
    "bad-request": "A request the API cannot read (HTTP 400).",
    "bad-upload": "An upload that cannot be accepted as it is (no file, no name, wrong field).",
    "bad-url": "An evidence link is not an http(s) web address.",
    "batch-refused": "A batch approval in which one result was refused: nothing was approved.",
    "binary-document": "A file that is binary where text was expected.",
    "conflict": "The object changed since it was read; read it again and retry.",
    "control-character": "A text holds NUL or another control character.",
    "corrupt": "A document or package that cannot be read (damaged, or a zip bomb).",
    "csrf-failed": "A session request without a valid CSRF token.",
    "duplicate": "A code, number or period/breakdown is given twice.",
    "job-failed": "The file of an export job could not be made; the message says why.",
    "not-ready": "The file of an export job is still being made; ask again later.",
    "duplicate-linkage": "The element already links to that framework item.",
    "edition-approved": "Replacing an approved edition needs an approver.",
    "edition-exists": "The mission has that edition already (use replace).",
    "edition-in-force": "The edition in force cannot be changed this way (propose a revision).",
    "empty": "An empty file.",
    "empty-document": "A document with no text.",
    "error": "Base of every icsplan error (never raised as such).",
    "extra-missing": "A command needs an optional extra that is not installed (pip install 'icsplan[embeddings]').",
    "forbidden": "The caller may see the object but not do this (HTTP 403).",
    "iati-no-dates": "An IATI export needs the edition's fiscal years (or at least its year) for activity dates.",
    "in-use": "The row is used by others (a breakdown with values) and cannot be removed.",
    "integrity": "The database refused the change as inconsistent (a concurrent duplicate).",
    "internal-error": "An unexpected error; the details are in the server log, never in the answer.",
    "invalid": "A field or row does not pass its check (the default code of one problem).",
    "invalid-bureau": "A bureau code icsplan does not know (AF, EAP, EUR, NEA, SCA, WHA).",
    "invalid-character": "A JSON body holding NUL characters.",
    "invalid-choice": "A value outside the field's choices.",
    "invalid-date": "A date that cannot be read (YYYY-MM-DD).",
    "invalid-document": "A document whose structure cannot be read as an ICS.",
    "invalid-expiry": "A token expiry outside the allowed range.",
    "invalid-field": "A field of a framework element cannot be changed this way.",
    "invalid-input": "Bad input from a person or a file (generic InputError).",
    "invalid-json": "JSON that cannot be read, or not a valid icsplan strategy.",
    "invalid-kind": "A search filter names a kind of item that does not exist.",
    "invalid-password": "A password that fails the password rules.",
    "invalid-scope": "A token scope other than read or write.",
    "invalid-status": "A status icsplan does not have for that object.",
    "invalid-token": "A bearer token that is unknown, revoked or expired.",
    "invalid-transition": "The edition cannot take that step from its current status (e.g. approve a draft not in clearance).",
    "invalid-username": "A user name that is not allowed.",
    "invalid-value": "A value the API could not accept for its field.",
    "lint-errors": "The document has linter errors; an import is refused until they are fixed.",
    "locked": "The period is locked: results cannot change until it is reopened.",
    "lowering-forbidden": "SBU is made public only explicitly, by an editor or approver, with a reason.",
    "method-not-allowed": "The endpoint does not take this HTTP method (HTTP 405).",
    "missing-column": "A results workbook or CSV without a required column.",
    "missing-country": "An import that does not say which mission it is for.",
    "missing-edition": "No edition of that label for the mission.",
    "missing-password": "A command that needs a password got none.",
    "new-mission-needs-admin": "Only an administrator creates a new mission by import.",
    "no-change": "The proposal changes nothing.",
    "no-membership": "The user has no membership of that mission or bureau.",
    "no-text": "A PDF with no text layer (a scan); icsplan does not read images.",
    "not-a-docx": "A file named or sent as Word that is not a Word (.docx) package.",
    "not-a-pdf": "A file named or sent as PDF that is not a PDF.",
    "not-a-reporter": "Reporter assignments are for memberships with the reporter role.",
    "not-an-ics": "A readable document that is not an Integrated Country Strategy.",
    "not-found": "Missing or not permitted: the two look the same (HTTP 404).",
    "not-in-force": "Revisions are proposed against the edition in force only.",
    "not-owner": "Only the objective's assigned owner (or an editor) records its assessment.",
    "nothing-selected": "A batch decision with no result selected.",
    "outside-strategy": "The element or indicator named does not belong to the review's edition.",
    "own-proposal": "Nobody approves or returns what they proposed themselves.",
    "own-submission": "Nobody approves or returns what they submitted themselves.",
    "period-outside": "A period outside the edition's fiscal years or the indicator's frequency.",
    "precondition-failed": "An API write whose If-Match is not the current strong ETag (HTTP 412).",
    "precondition-required": "An API write without If-Match (HTTP 428).",
    "query-too-short": "A search needs at least one word of two letters or more.",
    "read-only-token": "A read-scoped token was used for a write.",
    "reason-required": "This change needs a reason (returning a result, lowering SBU to public).",
    "required": "A required field is empty.",
    "review-closed": "The review is approved: it is frozen and cannot change.",
    "review-exists": "The edition has a review of that kind for that fiscal year already.",
    "review-incomplete": "Every objective needs a rating before the review is submitted.",
    "review-not-open": "Assessments change only while the review is open.",
    "review-not-submitted": "Only a submitted review is approved or returned.",
    "revision-required": "The edition in force changes only through an approved revision: propose the change.",
    "revision-stale": "The element changed since the revision was proposed; propose it again.",
    "sum": "Breakdown values of an exhaustive category do not add up to the total.",
    "synthetic-exists": "Synthetic missions of that seed were written already (icsplan synth --seed).",
    "throttled": "Too many failed sign-ins or token attempts; try again later (HTTP 429).",
    "too-deep": "JSON or a document nested deeper than the reader's limit.",
    "too-large": "A file or request body over its size limit (HTTP 413).",
    "too-long": "A text is longer than the field's one limit (core/inputs.py).",
    "too-many-pages": "A PDF with more pages than the reader's limit.",
    "too-many-requests": "Too many requests from this caller for now (HTTP 429).",
    "too-much-memory": "Reading a document needed more memory than the limit and was stopped.",
    "too-slow": "Reading a document took longer than the time limit and was stopped.",
    "unauthenticated": "The API needs a bearer token or a session (HTTP 401).",
    "unknown-field": "A field name that the object does not have.",
    "unknown-format": "A file or output format icsplan does not read or write.",
    "unknown-role": "A role name icsplan does not have.",
    "unreadable": "A file that cannot be read as what its name says (CSV, workbook).",
    "unreadable-document": "A strategy document file that cannot be opened.",
    "unsupported-media-type": "A body that is not UTF-8 JSON sent to a JSON endpoint (HTTP 415).",
    "upload-expired": "A staged import (preview) expired or was already used.",
    "user-exists": "A user of that name exists already.",
    "validation-failed": "One or more fields or rows are wrong; `errors` lists each with its place.",
    "value-required": "A result needs a value; an empty one is refused.",
    "version-required": "A write must name the version it read (optimistic concurrency).",
    "wrong-state": "The action does not apply to the object's current state (e.g. approving a draft).",
    "wrong-type": "A file of a kind this place does not take (a workbook sent as a strategy, say).",
    "zip-bomb": "A Word or Excel package that would unpack beyond the limits (a likely zip bomb).",
}


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


class TransitionError(IcsplanError):
    """A step of a life cycle (an edition, a revision) that the object's current status forbids."""

    code = "invalid-transition"
    http_status = 409


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


def error_codes_markdown() -> str:
    """docs/error-codes.md: the table of :data:`ERROR_CODES`."""
    rows = "\n".join(f"| `{code}` | {meaning} |" for code, meaning in sorted(ERROR_CODES.items()))
    return ("# Error codes\n\n"
            "Every refusal carries one of these codes: the API's `application/problem+json` body (`code`), the\n"
            "CLI's one-sentence message (exit status 2) and the web UI speak the same list. It is written from\n"
            "`icsplan.errors.ERROR_CODES`; `tests/test_error_codes.py` fails when a code is used in `src/` but\n"
            "missing here, or listed here but no longer used.\n\n"
            "| code | meaning |\n| --- | --- |\n" + rows + "\n")
