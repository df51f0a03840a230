"""Rows out: data-entry templates and exports of targets and results, as XLSX or CSV."""

from __future__ import annotations

import io

from icsplan.core.choices import Sensitivity
from icsplan.errors import InputError
from icsplan.spreadsheets import csv_rows, write_cell
from icsplan.strategies.models import Strategy

from ..choices import NUMERIC_TYPES
from ..periods import Period, sort_key
from ..services import load_context
from ..validation import EntryProblem, check_period
from ..values import to_decimal
from .layout import COLUMNS, INSTRUCTIONS, INSTRUCTIONS_SHEET, RESULTS_SHEET, SAMPLE_NOTICE

# -- rows out ------------------------------------------------------------------------------------

def _cell_value(indicator, text):
    """A stored value as a spreadsheet cell: numbers as numbers, so Excel can compute with them."""
    if text is None:
        return None
    if indicator.value_type in NUMERIC_TYPES:
        try:
            number = to_decimal(text)
        except ValueError:
            return text
        return int(number) if number == number.to_integral_value() else float(number)
    return text


def _element_label(indicator) -> str:
    for name, prefix in (("objective", ""), ("sub_objective", ""), ("management_objective", "M"), ("goal", "G")):
        row = getattr(indicator, name)
        if row is not None:
            return f"{prefix}{row.number}"
    return ""


def _indicators(strategy: Strategy):
    from ..progress import indicator_rows

    return list(indicator_rows(strategy).select_related(
        "objective", "sub_objective", "management_objective", "goal", "strategy__mission"))


def _row(strategy, indicator, period, category, category_value, target, result) -> dict:
    return {
        "mission": strategy.mission.country, "edition": strategy.edition, "element": _element_label(indicator),
        "code": indicator.code, "name": indicator.name, "unit": indicator.unit or "",
        "value_type": indicator.value_type, "period": period, "category": category,
        "category_value": category_value,
        "target": _cell_value(indicator, target.value) if target else None,
        "value": _cell_value(indicator, result.value) if result else None,
        "numerator": result.numerator if result else None, "denominator": result.denominator if result else None,
        "comment": result.comment if result else None, "evidence_url": result.evidence_url if result else None,
        "sensitive": ("yes" if result.sensitivity == Sensitivity.SBU else "no") if result else None,
        "status": result.status if result else "", "sample": "yes" if indicator.sample else "no",
        "_indicator": indicator,
    }


def _keys_of(indicator):
    yield "", ""
    for d in indicator.disaggregations.all():
        for value in d.values:
            yield d.category, value


def template_rows(strategy: Strategy, period: str) -> list[dict]:
    """One row per indicator × breakdown value for ``period`` (indicators of that frequency),
    prefilled with results already entered."""
    context = load_context(strategy)
    rows = []
    for indicator in _indicators(strategy):
        try:
            p = check_period(context, indicator, period)
        except EntryProblem as exc:
            if exc.message.startswith(f"{Period.parse(period).id} is outside"):
                raise InputError(exc.message, code="period-outside") from None
            continue  # another frequency
        targets = {t.key(): t for t in indicator.targets.all()}
        results = {r.key(): r for r in indicator.results.all()}
        for cat, value in _keys_of(indicator):
            key = (p.id, cat, value)
            rows.append(_row(strategy, indicator, p.id, cat, value, targets.get(key), results.get(key)))
    return rows


def export_rows(strategy: Strategy) -> list[dict]:
    """Every period with a target or a result, for every indicator and breakdown value."""
    rows = []
    for indicator in _indicators(strategy):
        targets = {t.key(): t for t in indicator.targets.all()}
        results = {r.key(): r for r in indicator.results.all()}
        periods = sorted({k[0] for k in targets} | {k[0] for k in results}, key=sort_key)
        for period in periods:
            for cat, value in _keys_of(indicator):
                key = (period, cat, value)
                if key in targets or key in results:
                    rows.append(_row(strategy, indicator, period, cat, value, targets.get(key), results.get(key)))
    return rows


def write_xlsx(rows: list[dict], *, title: str, protect: bool = True) -> bytes:
    """The data-entry workbook: an instructions sheet and a results sheet with locked key
    columns and data validation lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    info = wb.active
    info.title = INSTRUCTIONS_SHEET
    write_cell(info, 1, 1, title)
    info["A1"].font = Font(bold=True, size=14)
    lines = INSTRUCTIONS.splitlines()
    if any(r["sample"] == "yes" for r in rows):
        lines = [SAMPLE_NOTICE, ""] + lines
    for i, line in enumerate(lines, start=3):
        write_cell(info, i, 1, line)
    info.column_dimensions["A"].width = 100

    ws = wb.create_sheet(RESULTS_SHEET)
    grey = PatternFill("solid", fgColor="DDDDDD")
    for j, col in enumerate(COLUMNS, start=1):
        cell = write_cell(ws, 1, j, col.header)
        cell.font = Font(bold=True)
        ws.column_dimensions[get_column_letter(j)].width = col.width
    ws.freeze_panes = "A2"
    letters = {c.key: get_column_letter(j) for j, c in enumerate(COLUMNS, start=1)}
    yes_no = DataValidation(type="list", formula1='"yes,no"', allow_blank=True)
    percent = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                             error="A percent is between 0 and 100.", showErrorMessage=True)
    number = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15",
                            allow_blank=True, error="Enter a number.", showErrorMessage=True)
    for dv in (yes_no, percent, number):
        ws.add_data_validation(dv)
    for i, row in enumerate(rows, start=2):
        for j, col in enumerate(COLUMNS, start=1):
            cell = write_cell(ws, i, j, row.get(col.key))
            if col.editable:
                cell.protection = Protection(locked=False)
            elif col.key not in ("target", "status", "sample"):
                cell.fill = grey
    # One validation range per run of rows of the same value type: adding cells one by one makes
    # openpyxl's range bookkeeping quadratic on a 10,000-row workbook.
    rules = {"milestone": yes_no, "percent": percent, "number": number, "currency": number}
    run_start = 2
    for i in range(2, len(rows) + 3):
        current = rows[i - 2]["value_type"] if i - 2 < len(rows) else None
        if i == run_start or current == rows[run_start - 2]["value_type"]:
            continue
        rule = rules.get(rows[run_start - 2]["value_type"])
        if rule is not None:
            rule.add(f"{letters['value']}{run_start}:{letters['value']}{i - 1}")
        run_start = i
    if rows:
        yes_no.add(f"{letters['sensitive']}2:{letters['sensitive']}{len(rows) + 1}")
    if protect:
        # Key columns are locked so a typo cannot re-point a result; the sheet has no password
        # (it guards against slips, not people), and filtering and sorting stay allowed.
        ws.protection.sheet = True
        ws.protection.autoFilter = False
        ws.protection.sort = False
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(rows) + 1)}"
    # The Results sheet opens first: Excel's "Save as CSV" writes the active sheet.
    wb.active = wb.index(ws)
    info.sheet_view.tabSelected = False
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_csv(rows: list[dict]) -> bytes:
    """The rows as UTF-8 CSV; text a spreadsheet could run as a formula is neutralised."""
    table: list[list[object]] = [[c.header for c in COLUMNS]]
    table += [["" if row.get(c.key) is None else row.get(c.key) for c in COLUMNS] for row in rows]
    return csv_rows(table).encode("utf-8")


def template_workbook(strategy: Strategy, period: str) -> bytes:
    """The data-entry workbook of one period (``icsplan results template``)."""
    rows = template_rows(strategy, period)
    return write_xlsx(rows, title=f"{strategy} — results for {Period.parse(period).id}")


def export_results(strategy: Strategy, fmt: str = "xlsx") -> bytes:
    """Every target and result of a strategy as xlsx or csv (``icsplan results export``)."""
    rows = export_rows(strategy)
    if fmt == "csv":
        return write_csv(rows)
    if fmt == "xlsx":
        return write_xlsx(rows, title=f"{strategy} — targets and results")
    raise InputError(f"unknown format {fmt!r}; use xlsx or csv", code="unknown-format")
