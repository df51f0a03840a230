"""Reading the rows of an Excel workbook, for the results import (no Django: it runs in the
pipeline's limited child process, after the zip container check).

Cells are read the way Excel means them, not only by their stored value:

- a number formatted as a percent (Excel stores 55% as 0.55 with the format ``0%``) is read as
  the percent a person typed, as text (``"55"``), so no float noise reaches the value checks;
- a formula cell is read by the value Excel cached when it last saved the file; a formula with
  no cached value (a file written by a program that does not calculate) or with an error value
  (``#NAME?``: a comment typed as ``=see note``) is a :class:`FormulaCell`, which the importer
  refuses with the cell named. It is never read as empty, which would erase what is stored.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from icsplan.errors import InputError, Location


@dataclass(frozen=True)
class FormulaCell:
    """A formula the workbook holds no usable value for (none cached, or an error)."""

    formula: str
    cached: str | None = None  # the error value Excel cached (#NAME?, #REF!…), if any

    def __str__(self) -> str:
        return self.formula


def _percent_text(value: float | int, number_format: str) -> str | None:
    """The percent a person typed into a percent-formatted number cell, as text; None otherwise."""
    # A literal "%" inside quotes or after a backslash is text, not the percent format.
    plain = number_format.replace('\\%', "")
    plain = "".join(part for i, part in enumerate(plain.split('"')) if i % 2 == 0)
    if "%" not in plain or isinstance(value, bool):
        return None
    number = Decimal(repr(value)) * 100
    text = format(number.normalize(), "f")
    return text.removesuffix(".0") if "." in text else text


def _cell(value: Any, data_type: str, number_format: str) -> Any:
    if isinstance(value, (int, float)) and data_type == "n":
        percent = _percent_text(value, number_format or "General")
        if percent is not None:
            return percent
    return value


def workbook_table(data: bytes, name: str, prefer: str, skip: str) -> tuple[str, list[tuple[Any, ...]]]:
    """(sheet name, rows as tuples of cell values) of the sheet ``prefer``, else the first sheet
    that is not ``skip`` (the instructions). Percent cells come back as percent text, formula
    cells as their cached value or a :class:`FormulaCell`."""
    from openpyxl import load_workbook
    from openpyxl.cell.cell import ERROR_CODES

    def open_book(data_only: bool) -> Any:
        try:
            return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise InputError(f"{name}: not a readable xlsx workbook ({exc})", code="unreadable",
                             where=Location(file=name)) from None

    wb = open_book(False)
    formulas: dict[tuple[int, int], str] = {}
    rows: list[list[Any]] = []
    try:
        names = [n for n in wb.sheetnames if n != skip]
        sheet = prefer if prefer in wb.sheetnames else (names[0] if names else wb.sheetnames[0])
        for i, row in enumerate(wb[sheet].iter_rows()):
            values: list[Any] = []
            for j, cell in enumerate(row):
                value = getattr(cell, "value", None)
                data_type = getattr(cell, "data_type", "n")
                if data_type == "f" or (isinstance(value, str) and value.startswith("=") and data_type != "s"):
                    formulas[(i, j)] = str(value)
                values.append(_cell(value, data_type, getattr(cell, "number_format", "General")))
            rows.append(values)
    finally:
        wb.close()
    if formulas:
        # Only a workbook with formulas is read twice: the second pass gives the cached values.
        cached = open_book(True)
        try:
            for i, row in enumerate(cached[sheet].iter_rows()):
                for j, cell in enumerate(row):
                    if (i, j) not in formulas:
                        continue
                    value = getattr(cell, "value", None)
                    data_type = getattr(cell, "data_type", "n")
                    if value is None or data_type == "e" or value in ERROR_CODES:
                        rows[i][j] = FormulaCell(formulas[(i, j)], None if value is None else str(value))
                    else:
                        rows[i][j] = _cell(value, data_type, getattr(cell, "number_format", "General"))
        finally:
            cached.close()
    return sheet, [tuple(row) for row in rows]
