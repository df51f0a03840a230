"""Results in and out of spreadsheets: the data-entry template, import and export (xlsx, csv).

One row per indicator × breakdown value × period. Key columns (mission, edition, indicator,
period, category) identify the result; the person fills in the result, numerator/denominator,
comment, evidence link and SBU marking. Target, status and sample flag are shown for reference
and ignored on import.

Import validates every row before writing anything and reports every problem with file, sheet,
row and column. A row whose figures equal the stored result changes nothing, so a workbook
exported and imported unchanged writes nothing and adds no history. New or changed rows are
stored as submitted (ready for approval). The whole file is read with a fixed number of queries
and written with bulk inserts/updates, whatever its length.

Each row goes through the single edit's rules (``services.clean_entry_text``, ``validation``,
``values``). A blank or missing SBU column keeps the stored marking (a new result takes its
indicator's); an import never lowers SBU to public, which needs a reason (``accounts.sensitivity``).
Rows read are locked while the file is written, so a result changed meanwhile is a conflict, not
an overwrite. A strategy the importer may not see is reported exactly like one that does not exist.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from icsplan.accounts.actors import is_system, require_actor
from icsplan.accounts.roles import Action
from icsplan.core.choices import Sensitivity
from icsplan.errors import ConflictError, InputError, Location, Problem, ValidationError
from icsplan.ingest.workbooks import FormulaCell
from icsplan.spreadsheets import csv_rows, unquote_csv_text, write_cell
from icsplan.strategies.models import Strategy

from . import models as m
from .choices import NUMERIC_TYPES, ResultStatus
from .periods import Period, sort_key
from .services import clean_entry_text, default_marking, load_context, user_or_none
from .validation import EntryProblem, check_category, check_period, check_value, sum_problems
from .values import DECIMAL_COMMA, Parsed, number_text, parse_value, to_decimal

RESULTS_SHEET = "Results"
INSTRUCTIONS_SHEET = "Instructions"
BATCH = 1000


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    editable: bool = False


COLUMNS = [
    Column("mission", "Mission", 10), Column("edition", "Edition", 8), Column("element", "Objective", 10),
    Column("code", "Indicator code", 14), Column("name", "Indicator", 50), Column("unit", "Unit", 14),
    Column("value_type", "Value type", 11), Column("period", "Period", 10), Column("category", "Category", 10),
    Column("category_value", "Category value", 14), Column("target", "Target", 12),
    Column("value", "Result", 14, True), Column("numerator", "Numerator", 11, True),
    Column("denominator", "Denominator", 12, True), Column("comment", "Comment", 40, True),
    Column("evidence_url", "Evidence link", 30, True), Column("sensitive", "SBU", 6, True),
    Column("status", "Status", 11), Column("sample", "Sample data", 11),
]
_BY_HEADER = {c.header.lower(): c for c in COLUMNS} | {c.key: c for c in COLUMNS}
# What the SBU column accepts: yes/no, or the marking itself.
_YES = frozenset({"yes", "y", Sensitivity.SBU.value})
_NO = frozenset({"no", "n", Sensitivity.PUBLIC.value})
REQUIRED = ("mission", "edition", "code", "period", "value")

INSTRUCTIONS = """\
How to fill in this workbook
1. Enter each indicator's result for the period in the Result column of the Results sheet.
   Percent indicators may instead give Numerator and Denominator (the percent is computed).
   Milestones take yes or no; qualitative indicators take text.
2. Rows with a Category are breakdowns (for example sex: female, male). Where a breakdown is
   exhaustive, its values must add up to the total row of the same indicator and period.
3. Add a Comment and an Evidence link (a URL) where useful; mark a result SBU when it is
   Sensitive But Unclassified (an SBU indicator's results are SBU in any case).
4. Do not change the grey key columns: they identify the result. Target, Status and Sample data
   are shown for reference only and are ignored on import.
5. Upload the saved workbook on the Results entry page of icsplan ("Upload a filled workbook").
   Every row is checked first; if any row is wrong, nothing is written and every problem is
   listed with its row and column. Imported results are submitted for approval; rows left
   unchanged change nothing.
"""
SAMPLE_NOTICE = "SAMPLE DATA: figures marked 'Sample data: yes' are illustrative, not official."


@dataclass
class ImportedRow:
    """One row an import writes, for the preview: where it is in the file and what it changes."""

    row: int
    code: str
    period: str
    breakdown: str  # "sex: female", or "" for the total
    value: str
    before: str | None  # the stored figure it replaces, None for a new result


@dataclass
class ImportReport:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    blank: int = 0
    strategies: list[str] = field(default_factory=list)
    rows: list[ImportedRow] = field(default_factory=list)  # the rows written, in file order

    def __str__(self) -> str:
        return (f"{self.created} results created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.blank} blank rows skipped")


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
    from .progress import indicator_rows

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


# -- rows in -------------------------------------------------------------------------------------

@dataclass
class _Row:
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


def _read(path: Path, data: bytes | None = None):
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


def _number_cells(indicator, cells: dict, decimal: str | None) -> None:
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
def _may_report(actor, indicator, state: dict) -> bool:
    """Whether ``actor`` may report on ``indicator``, asked once per indicator (not per row)."""
    if is_system(actor):
        return True
    allowed = state.setdefault("may_report", {})
    if indicator.pk not in allowed:
        from icsplan.accounts.permissions import can

        allowed[indicator.pk] = can(actor, Action.REPORT, indicator)
    return allowed[indicator.pk]


def _same(indicator, stored: m.Result, row: _Row) -> bool:
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


def import_results(path: Path | str, *, actor, submit: bool = True, data: bytes | None = None,
                   file_label: str | None = None, decimal: str | None = None) -> ImportReport:
    """Import results from an xlsx or csv file: every row checked first, then all written or none.

    ``data`` passes the file's bytes directly (a web upload), ``path`` then only names it.
    ``actor`` is the person importing (their missions and assignments bound what they may
    report), or ``accounts.actors.SYSTEM`` for the CLI; ``None`` is refused.
    ``decimal`` ("." or ",") is the importer's decimal separator for numbers typed as text; by
    default the file's (a ";" CSV has decimal commas), else a comma that could be either is refused.
    A formula cell without a usable cached value is refused with the cell named.
    Raises ``ValidationError`` listing every problem (file, sheet, row, column, reason).
    """
    require_actor(actor)
    path = Path(path)
    label = file_label or path.name
    sheet, letters, rows, file_decimal = _read(path, data)
    decimal = decimal or file_decimal
    problems: list[Problem] = []

    def problem(row_number: int, key: str, message: str, code: str = "invalid"):
        column = letters.get(key) or letters.get("value")
        problems.append(Problem(message, Location(file=label, sheet=sheet, row=row_number,
                                                  column=f"{column} ({_BY_HEADER[key].header})", field=key),
                                code=code))

    report = ImportReport()
    strategies: dict[tuple, Strategy | None] = {}
    per_strategy: dict[int, dict] = {}
    parsed_rows: list[_Row] = []
    seen: dict[tuple, int] = {}
    for number, cells in rows:
        if all(cells.get(k) is None for k in ("value", "numerator", "denominator", "comment", "evidence_url")):
            report.blank += 1
            continue
        formulas = [k for k, v in cells.items() if isinstance(v, FormulaCell)]
        for key in formulas:
            formula = cells[key]
            got = f" (it shows {formula.cached})" if formula.cached else " and no value saved with it"
            problem(number, key, f"this cell holds the formula {formula.formula!r}{got}; type the value itself, "
                    "or save the workbook in Excel so the computed value is stored", "formula")
        if formulas:
            continue
        row = _Row(number, cells)
        ident = (str(cells.get("mission") or ""), str(cells.get("edition") or "").removesuffix(".0"))
        if ident not in strategies:
            found = (Strategy.objects.select_related("mission")
                     .filter(mission__country__iexact=ident[0], edition=ident[1]).first())
            # One answer for "does not exist" and "not yours": the refusal must not tell
            # whether another mission's edition exists.
            strategies[ident] = found if found is not None and _may_view(actor, found) else None
        strategy = strategies[ident]
        if strategy is None:
            problem(number, "mission", f"no strategy {ident[0]!r} edition {ident[1]!r} that you may report on",
                    "unknown-strategy")
            continue
        if strategy.pk not in per_strategy:
            per_strategy[strategy.pk] = {
                "context": load_context(strategy),
                "indicators": {i.code: i for i in m.Indicator.objects.filter(strategy=strategy)},
                "results": None,
            }
        state = per_strategy[strategy.pk]
        indicator = state["indicators"].get(str(cells.get("code") or "").strip())
        if indicator is None:
            problem(number, "code", f"unknown indicator {cells.get('code')!r} in {strategy}", "unknown-indicator")
            continue
        if not _may_report(actor, indicator, state):
            problem(number, "code", f"you may not report on indicator {indicator.code}", "forbidden")
            continue
        row.strategy, row.indicator = strategy, indicator
        try:
            _number_cells(indicator, cells, decimal)
            row.period = check_period(state["context"], indicator, cells.get("period")).id
            row.key = check_category(state["context"], indicator, cells.get("category"), cells.get("category_value"))
            row.parsed = check_value(indicator, cells.get("value"), cells.get("numerator"), cells.get("denominator"))
        except EntryProblem as exc:
            problem(number, exc.field, exc.message, {"period": "period", "value": "wrong-value"}.get(exc.field, "invalid"))
            continue
        sbu = str(cells.get("sensitive") or "").strip().lower()
        if sbu and sbu not in _YES | _NO:
            problem(number, "sensitive", f"SBU is yes or no, got {cells.get('sensitive')!r}")
            continue
        # An empty SBU cell keeps the result's marking: sensitivity is never lowered implicitly.
        row.sensitivity = None if not sbu else (Sensitivity.SBU if sbu in _YES else Sensitivity.PUBLIC)
        try:
            _, row.comment, row.evidence_url = clean_entry_text(
                indicator, value=cells.get("value") if isinstance(cells.get("value"), str) else None,
                comment=None if cells.get("comment") is None else str(cells["comment"]),
                evidence_url=None if cells.get("evidence_url") is None else str(cells["evidence_url"]))
        except ValidationError as exc:
            for p in exc.problems:
                problem(number, p.where.field or "value", p.message, p.code)
            continue
        full_key = (strategy.pk, indicator.pk, row.period, *row.key)
        if full_key in seen:
            problem(number, "period", f"the same result is given on row {seen[full_key]}", "duplicate")
            continue
        seen[full_key] = number
        parsed_rows.append(row)

    # Stored results of the touched indicators, in one query per strategy.
    existing: dict[tuple, m.Result] = {}
    for pk, state in per_strategy.items():
        touched = {r.indicator.pk for r in parsed_rows if r.strategy.pk == pk}
        for r in m.Result.objects.filter(strategy_id=pk, indicator_id__in=touched):
            existing[(r.indicator_id, r.period, r.category, r.category_value)] = r

    changes: list[_Row] = []
    for row in parsed_rows:
        stored = existing.get((row.indicator.pk, row.period, *row.key))
        if stored is not None and _same(row.indicator, stored, row):
            report.unchanged += 1
            continue
        if stored is not None and stored.sensitivity == Sensitivity.SBU and row.sensitivity == Sensitivity.PUBLIC:
            problem(row.number, "sensitive", "an SBU result is made public only as a change of its own, with a reason "
                    "(on the result's page or through the API), not by import", "lowering-forbidden")
            continue
        lock = per_strategy[row.strategy.pk]["context"].locked(Period.parse(row.period))
        if lock is not None:
            problem(row.number, "period", f"{row.period} is locked (period {lock.id} is closed); "
                    "its results can no longer change", "locked")
            continue
        changes.append(row)

    # Breakdowns must add up: stored figures overlaid with the file's, per indicator and period.
    groups: dict[tuple, dict] = defaultdict(dict)
    for key, r in existing.items():
        groups[(key[0], key[1])][(key[2], key[3])] = Parsed(r.value, r.number, r.numerator, r.denominator)
    first_row: dict[tuple, _Row] = {}
    for row in parsed_rows:
        group = (row.indicator.pk, row.period)
        groups[group][row.key] = row.parsed
        if group not in first_row or row.key == ("", ""):
            first_row[group] = row
    for group, row in first_row.items():
        context = per_strategy[row.strategy.pk]["context"]
        for message in sum_problems(context, row.indicator, groups[group]):
            problem(row.number, "value", f"{row.period}: {message}", "sum")

    if problems:
        problems.sort(key=lambda p: (p.where.row or 0))
        raise ValidationError(problems)
    _write(changes, existing, actor, submit, report)
    report.strategies = sorted({str(s) for s in strategies.values() if s is not None})
    return report


def _may_view(actor, strategy) -> bool:
    if is_system(actor):
        return True
    from icsplan.accounts.permissions import can

    return can(actor, Action.VIEW, strategy)


def _lock_versions(updated: list[m.Result]) -> None:
    """Lock the rows about to be updated and refuse the import if one changed (or went) since it
    was read: the file was checked against what was read, and must not overwrite a newer save."""
    read = {r.pk: r.version - 1 for r in updated}  # versions were bumped for the write
    seen = 0
    for start in range(0, len(updated), BATCH):
        chunk = [r.pk for r in updated[start:start + BATCH]]
        for pk, version in m.Result.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "version"):
            seen += 1
            if version != read[pk]:
                raise ConflictError("A result in the file was changed by someone else during the import; "
                                    "nothing was imported. Import the file again.",
                                    current_version=version, given_version=read[pk])
    if seen != len(read):
        raise ConflictError("A result in the file was removed during the import; nothing was imported.")


def _write(changes: list[_Row], existing: dict, actor, submit: bool, report: ImportReport) -> None:
    user, now = user_or_none(actor), timezone.now()
    status = ResultStatus.SUBMITTED if submit else ResultStatus.DRAFT
    created, updated = [], []
    for row in changes:
        stored = existing.get((row.indicator.pk, row.period, *row.key))
        report.rows.append(ImportedRow(row.number, row.indicator.code, row.period,
                                       f"{row.key[0]}: {row.key[1]}" if row.key[0] else "", row.parsed.value or "",
                                       None if stored is None else (stored.value or "")))
        result = stored or m.Result(strategy=row.strategy, indicator=row.indicator, period=row.period,
                                    category=row.key[0], category_value=row.key[1])
        p = row.parsed
        result.value, result.number, result.numerator, result.denominator = p.value, p.number, p.numerator, p.denominator
        result.comment, result.evidence_url = row.comment, row.evidence_url
        if row.sensitivity is not None:
            result.sensitivity = row.sensitivity
        elif stored is None:
            result.sensitivity = default_marking(row.indicator)
        result.status, result.return_reason, result.decided_by, result.decided_at = status, "", None, None
        result.submitted_by, result.submitted_at = (user, now) if submit else (None, None)
        result.updated_at = now
        if stored is None:
            created.append(result)
        else:
            result.version += 1
            updated.append(result)
    try:
        with transaction.atomic():
            _write_rows(created, updated, user)
    except IntegrityError:
        raise ConflictError("A result in the file was entered by someone else during the import; nothing was "
                            "imported. Import the file again.") from None
    report.created, report.updated = len(created), len(updated)


def _write_rows(created: list[m.Result], updated: list[m.Result], user) -> None:
    if updated:
        _lock_versions(updated)
    if created:
        bulk_create_with_history(created, m.Result, batch_size=BATCH, default_user=user)
    if updated:
        bulk_update_with_history(updated, m.Result, [
            "value", "number", "numerator", "denominator", "comment", "evidence_url", "sensitivity", "status",
            "return_reason", "decided_by", "decided_at", "submitted_by", "submitted_at", "updated_at", "version",
        ], batch_size=BATCH, default_user=user)

