"""The one writer of spreadsheet cells and CSV rows: user text stays text, never a formula.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after a
paste or an import, one that starts with a tab or a carriage return) as a formula: a result
comment ``=HYPERLINK(...)`` becomes a live link, ``=1+2`` shows 3 (OWASP, "CSV Injection").
Every XLSX and CSV that icsplan writes goes through this module:

- in a workbook (:func:`write_cell`) text keeps its exact wording but is stored as a string cell
  with Excel's quote prefix, so the program shows it as typed and never evaluates it, even when
  the cell is edited and confirmed again;
- in a CSV (:func:`csv_text`), which has no cell types, such a text gets a leading apostrophe,
  which the results import removes again (:func:`unquote_csv_text`).

Numbers, dates and booleans are written as they are: ``-5`` as a number is a value, not a formula.
No Django here: renderers, the results importer and the audit export all use it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

#: Leading characters a spreadsheet may read as the start of a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: What a CSV cell of such text starts with: the apostrophe spreadsheets treat as "text follows".
TEXT_MARK = "'"


def is_formula_like(value: object) -> bool:
    """Whether ``value`` is text a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_text(value: object) -> object:
    """A value for a CSV cell: formula-like text behind an apostrophe, everything else as it is."""
    if is_formula_like(value):
        return TEXT_MARK + str(value)
    return value


def unquote_csv_text(value: str) -> str:
    """Undo :func:`csv_text` on a cell read back from a CSV, so an export re-imports unchanged."""
    if value.startswith(TEXT_MARK) and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def write_cell(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write ``value`` into an openpyxl worksheet cell and return the cell; text is always a
    string cell (openpyxl would otherwise store ``=…`` as a formula), formula-like text also
    carries the quote prefix so editing the cell in Excel or LibreOffice keeps it text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    return cell


def append_row(sheet: Any, values: Sequence[object]) -> int:
    """Append ``values`` as the next row of ``sheet`` through :func:`write_cell`; its number."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        write_cell(sheet, row, column, value)
    return row


def csv_rows(rows: Iterable[Sequence[object]], *, lineterminator: str = "\n") -> str:
    """CSV text of ``rows`` (the header is a row like the others), every cell through
    :func:`csv_text`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
    return buffer.getvalue()
