"""Rows in: reading a workbook or CSV file into rows and checking each against its indicator."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icsplan.accounts.actors import is_system
from icsplan.accounts.roles import Action
from icsplan.errors import InputError, Location, Problem, ValidationError
from icsplan.spreadsheets import unquote_csv_text

from .. import models as m
from ..choices import NUMERIC_TYPES
from ..validation import EntryProblem
from ..values import DECIMAL_COMMA, number_text, parse_value
from .layout import BY_HEADER as _BY_HEADER
from .layout import INSTRUCTIONS_SHEET, REQUIRED, RESULTS_SHEET

# -- rows in -------------------------------------------------------------------------------------

@dataclass
class Row:
    number: int
    cells: dict
    strategy: Any = None  # a Strategy once the row is read
    indicator: Any = None  # an Indicator once the row is read
    period: str = ""
    key: tuple = ("", "")
    parsed: Any = None  # a Parsed once the row is read
    comment: str | None = None
    evidence_url: str | None = None
    sensitivity: str | None = None  # None: not given, keep the stored marking


def _read_workbook(path: Path, data: bytes | None) -> tuple[str, list[tuple]]:
    """Open a workbook safely: size and zip container limits (a zip bomb is refused before it is
    inflated), then openpyxl under the reader's time and memory limits, as for every document."""
    from icsplan.ingest.pipeline import read_bytes_of, run_isolated
    from icsplan.ingest.uploads import check_upload, current_limits
    from icsplan.ingest.workbooks import workbook_table

    limits = current_limits()
    name = path.name
    if data is None:
        name, data = read_bytes_of(path, limits)
    upload = check_upload(name, data, {"xlsx"}, limits=limits)
    return run_isolated(workbook_table, upload.data, upload.name, RESULTS_SHEET, INSTRUCTIONS_SHEET,
                        name=upload.name, limits=limits)


def read(path: Path, data: bytes | None = None):
    """(sheet name or None, column letters by key, rows as (row number, {key: raw}), the file's
    decimal separator when it tells) of a file."""
    from openpyxl.utils import get_column_letter

    suffix = path.suffix.lower()
    file_decimal: str | None = None
    table: list[Any]
    if suffix == ".csv":
        # Excel's "Save as CSV" writes the Windows code page, not UTF-8: decode_bytes tries UTF-8
        # first and falls back only when the bytes are plainly text.
        from icsplan.ingest.decode import decode_bytes
        from icsplan.ingest.pipeline import read_bytes_of
        from icsplan.ingest.uploads import current_limits, refuse_size

        limits = current_limits()
        raw_bytes = data if data is not None else read_bytes_of(path, limits)[1]
        if len(raw_bytes) > limits.max_text_bytes:
            raise refuse_size(path.name, len(raw_bytes), limits.max_text_bytes, "CSV")
        if not raw_bytes.strip():
            raise InputError(f"{path.name}: the file is empty", code="empty", where=Location(file=path.name))
        text = decode_bytes(raw_bytes, path.name)
        delimiter = _sniff_delimiter(text)
        if delimiter == ";":
            # Excel writes ";" CSVs in the locales whose decimal separator is the comma.
            file_decimal = DECIMAL_COMMA
        try:
            table = [[unquote_csv_text(cell) for cell in row]
                     for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
        except csv.Error as exc:
            raise InputError(f"{path.name}: not a readable CSV file ({exc})", code="unreadable",
                             where=Location(file=path.name)) from None
        sheet = None
    elif suffix in (".xlsx", ".xlsm"):
        sheet, table = _read_workbook(path, data)
    else:
        raise InputError(f"{path.name}: results import reads .xlsx or .csv files", code="unknown-format",
                         where=Location(file=path.name))
    if not table:
        raise InputError(f"{path.name}: the file is empty", code="empty", where=Location(file=path.name))
    letters, positions = {}, {}
    for j, header in enumerate(table[0]):
        col = _BY_HEADER.get(str(header or "").strip().lower())
        if col is not None:
            letters[col.key], positions[col.key] = get_column_letter(j + 1), j
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        headers = ", ".join(_BY_HEADER[c].header for c in missing)
        raise ValidationError([Problem(f"missing column(s): {headers}",
                                       Location(file=path.name, sheet=sheet, row=1), code="missing-column")])

    def rows():
        for i, raw in enumerate(table[1:], start=2):
            cells = {k: (raw[j] if j < len(raw) else None) for k, j in positions.items()}
            for k, v in cells.items():
                if isinstance(v, str):
                    v = v.strip()
                    cells[k] = v or None
            yield i, cells

    return sheet, letters, rows(), file_decimal


def _sniff_delimiter(text: str) -> str:
    """The CSV's delimiter: the one of comma, semicolon and tab that splits the header line into
    the most columns (Excel's "Save as CSV" writes ";" in French, German and other locales)."""
    first = text.lstrip("\ufeff").partition("\n")[0]
    best, best_count = ",", 0
    for delimiter in (",", ";", "\t"):
        try:
            count = len(next(csv.reader([first], delimiter=delimiter), []))
        except csv.Error:
            continue
        if count > best_count:
            best, best_count = delimiter, count
    return best


def number_cells(indicator, cells: dict, decimal: str | None) -> None:
    """Numbers typed as text in a numeric cell, read by the file's (or user's) decimal separator:
    "3,4" in a ";" CSV is 3.4; without a locale it is refused as ambiguous (ValueError)."""
    if indicator.value_type not in NUMERIC_TYPES:
        return
    for key in ("value", "numerator", "denominator"):
        raw = cells.get(key)
        if isinstance(raw, str) and raw.strip():
            try:
                cells[key] = number_text(raw, decimal)
            except ValueError as exc:
                raise EntryProblem(key, str(exc)) from None
def may_report(actor, indicator, state: dict) -> bool:
    """Whether ``actor`` may report on ``indicator``, asked once per indicator (not per row)."""
    if is_system(actor):
        return True
    allowed = state.setdefault("may_report", {})
    if indicator.pk not in allowed:
        from icsplan.accounts.permissions import can

        allowed[indicator.pk] = can(actor, Action.REPORT, indicator)
    return allowed[indicator.pk]


def same(indicator, stored: m.Result, row: Row) -> bool:
    """Whether a row carries exactly what is stored (compared by meaning: 1200 equals "1,200")."""
    new = row.parsed
    old = parse_value(indicator.value_type, stored.value, stored.numerator, stored.denominator)
    if indicator.value_type in NUMERIC_TYPES or indicator.value_type == "milestone":
        same_value = old.number == new.number
    else:
        same_value = (old.value or None) == (new.value or None)
    return (same_value and old.numerator == new.numerator and old.denominator == new.denominator
            and (stored.comment or None) == row.comment and (stored.evidence_url or None) == row.evidence_url
            and row.sensitivity in (None, stored.sensitivity))
