"""Reading and checking one indicator value, and the disaggregation sum check. No Django.

Each check raises ``ValueError`` with a sentence a person can act on; callers (services, the
document stage, the Excel importer) turn it into a ``Problem`` with the place it came from, so a
single edit and a bulk import go through exactly the same rules.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

YES = {"yes", "y", "true", "1", "achieved", "done"}
NO = {"no", "n", "false", "0", "not achieved"}

#: The column that stores a value's number holds 24 digits, 6 of them after the point
#: (``DecimalField(max_digits=24, decimal_places=6)``), so numbers are rounded to 6 decimal places.
#: SQLite keeps such a column as an 8-byte float, which holds about 15 significant digits: a
#: number near 10**18 comes back as 10**18 and no longer fits the column when read. So numbers
#: are refused from 10**15 up, a bound both databases store and read back.
NUMBER_DECIMAL_PLACES = 6
NUMBER_LIMIT = Decimal(10) ** 15
_QUANTUM = Decimal(1).scaleb(-NUMBER_DECIMAL_PLACES)

# Relative tolerance of the sum check: spreadsheets store floats, so 0.1 + 0.2 must equal 0.3.
SUM_TOLERANCE = Decimal("1e-6")


class FieldValueError(ValueError):
    """A value problem that belongs to another field than the value (numerator, denominator)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Parsed:
    """A checked value: as written, and the number the status rules use (None for text)."""

    value: str | None
    number: Decimal | None
    numerator: float | None = None
    denominator: float | None = None


def _text(raw) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a spreadsheet's 120.0 is the 120 a person typed
    text = str(raw).strip()
    return text or None


def to_decimal(raw, decimal: str | None = None) -> Decimal:
    """A number from a cell or a string ("1,200", "45%", " 3.5 "); ValueError otherwise.

    ``decimal`` is the decimal separator of the text's locale ("." or ","), when known (a
    semicolon CSV from a French-locale Excel says ","); see :func:`number_text`.

    Only finite numbers below ``NUMBER_LIMIT`` (in size) are accepted, rounded to
    ``NUMBER_DECIMAL_PLACES``: what the database column can hold.
    """
    if isinstance(raw, bool):
        raise ValueError("expected a number, got yes/no")
    if isinstance(raw, (int, Decimal)):
        number = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError("expected a finite number")
        number = Decimal(repr(raw))
    else:
        if len(str(raw).strip()) > 100:  # no number a person means is this long; keep Decimal's work bounded
            raise ValueError("expected a number, got a text of more than 100 characters")
        text = number_text(str(raw), decimal)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"expected a number, got {str(raw).strip()!r}") from None
    return bounded(number)


DECIMAL_POINT, DECIMAL_COMMA = ".", ","
# Thousands separators people and spreadsheets type besides the comma and the point: spaces,
# no-break spaces (French Excel), narrow and thin spaces.
_SPACES = (" ", "\u00a0", "\u202f", "\u2009")
_GROUPED = {sep: re.compile(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+") for sep in (",", ".")}


def number_text(raw: str, decimal: str | None = None) -> str:
    """The number a person typed, as plain text with a decimal point ("1.234,5" -> "1234.5").

    A comma is a decimal comma or a thousands separator depending on the locale: with
    ``decimal`` known ("." or ",") the text is read by it; without, a text that has both marks is
    read by the last one ("1.234,5", "1,234.5"), a comma followed by groups of three digits is a
    thousands separator ("1,200", as before), and anything else with a comma ("3,4") is refused
    as ambiguous rather than guessed. Percent and dollar signs and spaces between digit groups
    are dropped. Text that is no number at all is returned for the caller's parser to refuse.
    """
    text = raw.strip().replace("%", "").replace("$", "")
    for space in _SPACES:
        text = text.replace(space, "")
    sign = ""
    if text[:1] in ("+", "-"):
        sign, text = text[0], text[1:]
    has_point, has_comma = "." in text, "," in text
    if has_point and has_comma:
        mark = DECIMAL_POINT if text.rfind(".") > text.rfind(",") else DECIMAL_COMMA
        if decimal is not None and mark != decimal:
            raise ValueError(f"{raw.strip()!r} does not read as a number with the decimal {_name(decimal)} of this file")
    elif has_comma:
        if decimal == DECIMAL_COMMA:
            mark = DECIMAL_COMMA
        elif _GROUPED[","].fullmatch(text.partition(".")[0]):
            mark = DECIMAL_POINT  # "1,200": the comma groups thousands
        elif decimal == DECIMAL_POINT:
            raise ValueError(f"{raw.strip()!r}: with a decimal point, a comma only separates thousands (1,200)")
        else:
            raise ValueError(f"{raw.strip()!r} is ambiguous: is the comma a decimal comma or a thousands "
                             "separator? Write the number with a decimal point (3.4)")
    elif has_point and decimal == DECIMAL_COMMA:
        if not _GROUPED["."].fullmatch(text):
            raise ValueError(f"{raw.strip()!r} is ambiguous in a file with decimal commas: write 3,4 for three "
                             "point four, or 1.234 only to group thousands")
        mark = DECIMAL_COMMA  # "1.234": the point groups thousands
    else:
        mark = DECIMAL_POINT
    thousands = DECIMAL_COMMA if mark == DECIMAL_POINT else DECIMAL_POINT
    whole, found, fraction = text.partition(mark)
    if mark in fraction or thousands in fraction:
        raise ValueError(f"expected a number, got {raw.strip()!r}")
    if thousands in whole:
        if not _GROUPED[thousands].fullmatch(whole):
            raise ValueError(f"{raw.strip()!r}: thousands are grouped by three digits (1,234,567)")
        whole = whole.replace(thousands, "")
    return sign + whole + ("." + fraction if found else "")


def _name(decimal: str) -> str:
    return "comma" if decimal == DECIMAL_COMMA else "point"


def bounded(number: Decimal) -> Decimal:
    """``number`` rounded to the stored precision; ValueError when it is not finite or too large."""
    if not number.is_finite():
        raise ValueError("expected a finite number")
    if abs(number) < NUMBER_LIMIT:
        number = number.quantize(_QUANTUM)
        if abs(number) < NUMBER_LIMIT:  # rounding 999…9.9999999 may reach the limit
            return number
    raise ValueError(f"the number is too large (at most {NUMBER_LIMIT - 1:,} in size)")


def _fraction(raw, name: str) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return float(to_decimal(raw))
    except ValueError as exc:
        raise FieldValueError(name, f"{name}: {exc}") from None


def parse_value(value_type: str, raw, numerator=None, denominator=None) -> Parsed:
    """Check ``raw`` (and a percent's numerator/denominator) against an indicator's value type."""
    text = _text(raw)
    num, den = _fraction(numerator, "numerator"), _fraction(denominator, "denominator")
    if value_type != "percent" and (num is not None or den is not None):
        raise ValueError("only percent indicators take a numerator and denominator")
    if value_type == "qualitative":
        return Parsed(text, None)
    if value_type == "milestone":
        if text is None:
            return Parsed(None, None)
        word = text.lower()
        if word in YES:
            return Parsed(text, Decimal(1))
        if word in NO:
            return Parsed(text, Decimal(0))
        raise ValueError(f"a milestone is yes or no, got {text!r}")
    if value_type == "percent":
        if (num is None) != (den is None):
            raise ValueError("give both numerator and denominator, or neither")
        if num is not None and den is not None:  # both or neither, checked above
            if den <= 0:
                raise FieldValueError("denominator", f"the denominator must be above 0, got {den:g}")
            if num < 0 or num > den:
                raise FieldValueError(
                    "numerator", f"the numerator must be between 0 and the denominator, got {num:g} of {den:g}")
        computed = None if den is None else bounded(Decimal(repr(num)) * 100 / Decimal(repr(den)))
        if text is None:
            if computed is None:
                return Parsed(None, None)
            return Parsed(_text(round(float(computed), 4)), computed, num, den)
        number = to_decimal(text)
        if number < 0 or number > 100:
            raise ValueError(f"a percent is between 0 and 100, got {text}")
        if computed is not None and abs(computed - number) > Decimal("0.5"):
            raise ValueError(f"{text} does not match numerator/denominator ({float(computed):.1f}%)")
        return Parsed(text, number, num, den)
    # number and currency
    if text is None:
        return Parsed(None, None)
    number = to_decimal(text)
    if value_type == "currency" and number < 0:
        raise ValueError(f"an amount of money is not negative, got {text}")
    return Parsed(text, number)


def check_sum(value_type: str, total: Parsed, parts: dict[str, Parsed]) -> None:
    """Refuse an exhaustive breakdown whose values do not add up to the total.

    Percent indicators add numerators and denominators (percentages themselves do not add);
    when they have none the check does not apply. Missing parts mean the breakdown is not
    complete yet, and nothing is checked.
    """
    if value_type == "percent":
        if total.denominator is None or any(p.denominator is None for p in parts.values()):
            return
        for name in ("numerator", "denominator"):
            whole = Decimal(repr(getattr(total, name)))
            summed = sum((Decimal(repr(getattr(p, name))) for p in parts.values()), Decimal(0))
            if abs(whole - summed) > SUM_TOLERANCE * max(Decimal(1), abs(whole)):
                raise ValueError(f"the {name}s of the breakdown add up to {summed.normalize():f}, "
                                 f"not the total {whole.normalize():f}")
        return
    if value_type not in ("number", "currency") or total.number is None:
        return
    if any(p.number is None for p in parts.values()):
        return
    summed = sum((p.number for p in parts.values() if p.number is not None), Decimal(0))
    if abs(total.number - summed) > SUM_TOLERANCE * max(Decimal(1), abs(total.number)):
        raise ValueError(f"the breakdown adds up to {summed.normalize():f}, not the total {total.number.normalize():f}")
