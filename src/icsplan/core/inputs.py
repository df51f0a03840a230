"""The rules every piece of text a person sends must pass, whichever way it arrives.

Web forms, API schemas, the bulk importers and the CLI all end in the services, and the services
call these functions, so the same input gets the same answer everywhere. Forms and schemas may
repeat the cheap shape checks (a length, a pattern) to answer early, but they take their limits
from here and are never the only guard.

Each function raises ``icsplan.errors.ValidationError`` with one ``Problem`` whose location
names the field. No Django here: the document core and the CLI use it too.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from icsplan.errors import Location, Problem, ValidationError

# -- one limit per field ------------------------------------------------------------------------
#
#: A reason for a change is kept in the history record, whose column (django-simple-history's
#: ``history_change_reason``) holds 100 characters. The limit is that column's, everywhere (web,
#: API, services), so history keeps every accepted reason whole.
CHANGE_REASON_MAX = 100
#: Why a result goes back to its reporter (stored on the result itself, a text column).
RETURN_REASON_MAX = 2_000
#: A result's or target's comment.
COMMENT_MAX = 5_000
#: A result's evidence link (the model's URLField length).
EVIDENCE_URL_MAX = 1_000
#: A target's or result's value as written (the model's column).
VALUE_MAX = 2_000
#: A title (element titles, framework wording, risk statements).
TITLE_MAX = 2_000
#: A narrative (priorities, descriptions, justifications, linkages text, mitigations).
TEXT_MAX = 200_000
#: An indicator's code (the model's column).
INDICATOR_CODE_MAX = 40

# C0 controls except tab, line feed and carriage return, DEL, and the C1 controls: nobody types
# them, PostgreSQL cannot store NUL, and the others hide text from readers.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Characters that render as nothing (besides the Unicode "format" category, removed below):
# Hangul fillers, the Braille blank and the combining grapheme joiner.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")


def invalid(field: str, message: str, *, code: str = "invalid", element: str | None = None) -> ValidationError:
    """A ValidationError with one problem located at ``field``."""
    return ValidationError([Problem(message, Location(field=field, element=element), code=code)])


def control_character(text: str) -> str | None:
    """The first control character of ``text`` other than tab and line breaks, or None."""
    match = _CONTROL.search(text)
    return match.group() if match else None


def check_text(value, *, field: str, max_length: int | None = None, required: bool = False,
               element: str | None = None) -> str | None:
    """A text field as given (None stays None): refused when it is not text, holds a control
    character (NUL included), is longer than ``max_length`` or, when ``required``, blank."""
    if value is None:
        if required:
            raise invalid(field, f"{field} may not be empty.", code="required", element=element)
        return None
    if not isinstance(value, str):
        raise invalid(field, f"{field} must be text.", element=element)
    bad = control_character(value)
    if bad is not None:
        name = "a NUL character" if bad == "\x00" else f"a control character (U+{ord(bad):04X})"
        raise invalid(field, f"{field} contains {name}; only printable text, tabs and line breaks are accepted.",
                      code="control-character", element=element)
    if max_length is not None and len(value) > max_length:
        raise invalid(field, f"{field} is too long ({len(value):,} characters; at most {max_length:,}).",
                      code="too-long", element=element)
    if required and not value.strip():
        raise invalid(field, f"{field} may not be empty.", code="required", element=element)
    return value


def _visible(char: str) -> bool:
    return unicodedata.category(char) != "Cf" and char not in _INVISIBLE


def normalize_identifier(value, *, field: str, max_length: int | None = None, required: bool = True,
                         element: str | None = None) -> str:
    """An identifier (indicator code, element number) as compared for uniqueness.

    NFKC folds look-alike forms (full-width digits, ligatures) into one; zero-width and other
    invisible characters are removed, and runs of white space become one space, so ``1.1-A``
    followed by a zero-width space is the same code as ``1.1-A``, not a second one beside it.
    """
    text = check_text(value, field=field, required=required, element=element) or ""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if _visible(ch))
    text = " ".join(text.split())
    if required and not text:
        raise invalid(field, f"{field} may not be empty.", code="required", element=element)
    if max_length is not None and len(text) > max_length:
        raise invalid(field, f"{field} is too long ({len(text):,} characters; at most {max_length:,}).",
                      code="too-long", element=element)
    return text


def check_url(value, *, field: str = "evidence_url", max_length: int = EVIDENCE_URL_MAX,
              element: str | None = None) -> str | None:
    """A web address people will click: http or https with a host, or None when blank.

    Anything else (``javascript:``, ``data:``, ``file:``, a bare word) is refused, because the
    link is rendered on pages other people open.
    """
    text = check_text(value, field=field, element=element)
    if text is None or not text.strip():
        return None
    text = text.strip()
    if len(text) > max_length:
        raise invalid(field, f"{field} is too long ({len(text):,} characters; at most {max_length:,}).",
                      code="too-long", element=element)
    if any(ch.isspace() for ch in text) or any(not _visible(ch) for ch in text):
        raise invalid(field, f"{field} must be a web address without spaces.", code="bad-url", element=element)
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise invalid(field, f"{field} must be a web address starting with http:// or https://.",
                      code="bad-url", element=element)
    return text


def check_reason(value, *, field: str = "reason", required: bool = False,
                 max_length: int = CHANGE_REASON_MAX) -> str:
    """A reason for a change, stripped ("" when none); refused when longer than the history keeps."""
    text = check_text(value, field=field, max_length=max_length) or ""
    text = text.strip()
    if required and not text:
        raise invalid(field, f"say why ({field} is required for this change).", code="reason-required")
    return text
