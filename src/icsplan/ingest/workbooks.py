"""Reading the rows of an Excel workbook, for the results import (no Django: it runs in the
pipeline's limited child process, after the zip container check)."""

from __future__ import annotations

import io
from typing import Any

from icsplan.errors import InputError, Location


def workbook_table(data: bytes, name: str, prefer: str, skip: str) -> tuple[str, list[tuple[Any, ...]]]:
    """(sheet name, rows as tuples of cell values) of the sheet ``prefer``, else the first sheet
    that is not ``skip`` (the instructions)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(f"{name}: not a readable xlsx workbook ({exc})", code="unreadable",
                         where=Location(file=name)) from None
    try:
        names = [n for n in wb.sheetnames if n != skip]
        sheet = prefer if prefer in wb.sheetnames else (names[0] if names else wb.sheetnames[0])
        return sheet, list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
