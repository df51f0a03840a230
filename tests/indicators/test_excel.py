"""Results in and out of xlsx/csv: template, every import error class, the unchanged round trip."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import InputError, ValidationError
from icsplan.indicators import excel
from icsplan.indicators import models as m
from icsplan.indicators import services as svc

from .conftest import approve

pytestmark = pytest.mark.django_db


def workbook_rows(data: bytes, sheet="Results"):
    ws = load_workbook(io.BytesIO(data))[sheet]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, [c.value for c in row])) for row in ws.iter_rows(min_row=2)]


def fill(tmp_path, data: bytes, edits: dict[int, dict], name="results.xlsx"):
    """Write ``data`` with cells changed: {sheet row number: {header: value}}."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Results"]
    header = {c.value: c.column for c in ws[1]}
    for row, cells in edits.items():
        for title, value in cells.items():
            ws.cell(row=row, column=header[title], value=value)
    path = tmp_path / name
    wb.save(path)
    return path


def counts():
    return (m.Result.objects.count(), m.Result.history.count(), m.Target.history.count())


def test_template_has_instructions_rows_per_breakdown_locks_and_validation(strategy, trainees, literacy):
    data = excel.template_workbook(strategy, "FY2023")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Instructions", "Results"]
    assert "How to fill in this workbook" in "\n".join(str(c.value) for c in wb["Instructions"]["A"] if c.value)
    rows = workbook_rows(data)
    assert [(r["Indicator code"], r["Category"], r["Category value"], r["Target"]) for r in rows] == [
        ("T-1", None, None, 100), ("T-1", "sex", "female", None), ("T-1", "sex", "male", None), ("P-1", None, None, 60)]
    ws = wb["Results"]
    assert ws.protection.sheet is True
    assert ws["D2"].protection.locked and not ws["L2"].protection.locked  # code locked, result open
    assert any('"yes,no"' in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)
    assert any(dv.type == "decimal" and dv.formula2 == "100" for dv in ws.data_validations.dataValidation)


def test_filled_template_imports_as_submitted_results(strategy, trainees, literacy, tmp_path):
    path = fill(tmp_path, excel.template_workbook(strategy, "FY2023"), {
        2: {"Result": 100, "Comment": "Rosters", "Evidence link": "https://example.org/rosters"},
        3: {"Result": 55}, 4: {"Result": 45}, 5: {"Numerator": 30, "Denominator": 50},
    })
    report = excel.import_results(path, actor=SYSTEM)
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    assert set(m.Result.objects.values_list("status", flat=True)) == {"submitted"}
    assert m.Result.objects.get(indicator=literacy).number == 60
    assert m.Result.history.count() == 4


def test_export_then_reimport_unchanged_changes_nothing(strategy, trainees, literacy, tmp_path):
    approve(trainees, "FY2022", 100, comment="all sections", evidence_url="https://example.org/e")
    approve(trainees, "FY2022", 40, category="sex", category_value="female")
    approve(trainees, "FY2022", 60, category="sex", category_value="male", sensitivity="sbu")
    approve(literacy, "FY2022", None, numerator=45, denominator=100)
    svc.submit_result(trainees, "FY2023", "1,200", expected_version=0, actor=SYSTEM)
    svc.lock_period(strategy, "FY2022", actor=SYSTEM)  # unchanged rows of a locked period pass
    before = counts()
    for suffix in ("xlsx", "csv"):
        path = tmp_path / f"export.{suffix}"
        path.write_bytes(excel.export_results(strategy, suffix))
        report = excel.import_results(path, actor=SYSTEM)
        assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert counts() == before
    assert set(m.Result.objects.filter(period="FY2022").values_list("status", flat=True)) == {"approved"}


def test_changed_row_updates_and_resubmits(strategy, trainees, tmp_path):
    approve(trainees, "FY2022", 100)
    data = excel.export_results(strategy)
    row = next(i for i, r in enumerate(workbook_rows(data), start=2) if r["Result"] == 100)
    report = excel.import_results(fill(tmp_path, data, {row: {"Result": 101}}), actor=SYSTEM)
    assert (report.created, report.updated) == (0, 1)
    result = m.Result.objects.get()
    assert (result.value, result.status, result.version) == ("101", "submitted", 3)
    assert result.history.count() == 3


def _assert_refused(path, *, row, column, sheet="Results", reason):
    before = counts()
    with pytest.raises(ValidationError) as info:
        excel.import_results(path, actor=SYSTEM)
    messages = [str(p) for p in info.value.problems]
    assert any(f"sheet {sheet}" in msg and f"row {row}" in msg and f"column {column}" in msg and reason in msg
               for msg in messages), messages
    assert counts() == before  # nothing written
    return messages


@pytest.fixture()
def filled(strategy, trainees, literacy, tmp_path):
    """A template for FY2023 with one good row, to which each test adds one bad row."""
    data = excel.template_workbook(strategy, "FY2023")

    def make(edits):
        return fill(tmp_path, data, {5: {"Result": 55}, **edits})

    return make


def test_unknown_indicator_is_reported_and_nothing_written(filled):
    path = filled({2: {"Indicator code": "NOPE-9", "Result": 10}})
    _assert_refused(path, row=2, column="D", reason="unknown indicator 'NOPE-9'")


def test_wrong_type_is_reported(filled):
    _assert_refused(filled({2: {"Result": "about forty"}}), row=2, column="L", reason="expected a number")


def test_out_of_range_percent_is_reported(filled):
    _assert_refused(filled({5: {"Result": 130}}), row=5, column="L", reason="between 0 and 100")
    _assert_refused(filled({5: {"Result": None, "Numerator": 70, "Denominator": 50}}), row=5, column="M",
                    reason="numerator must be between 0 and the denominator")


def test_period_outside_the_strategy_is_reported(filled):
    _assert_refused(filled({2: {"Period": "FY2019", "Result": 10}}), row=2, column="H", reason="outside the strategy")
    _assert_refused(filled({2: {"Period": "FY2023Q1", "Result": 10}}), row=2, column="H", reason="reports annual")


def test_locked_period_is_reported(filled, strategy):
    svc.lock_period(strategy, "FY2023", actor=SYSTEM)
    _assert_refused(filled({2: {"Result": 10}}), row=2, column="H", reason="locked")


def test_breakdown_not_adding_up_is_reported(filled):
    path = filled({2: {"Result": 100}, 3: {"Result": 40}, 4: {"Result": 50}})
    _assert_refused(path, row=2, column="L", reason="adds up to 90, not the total 100")


def test_every_problem_is_listed_at_once(filled):
    path = filled({2: {"Result": "x"}, 3: {"Indicator code": "NOPE", "Result": 1}, 5: {"Result": 500}})
    with pytest.raises(ValidationError) as info:
        excel.import_results(path, actor=SYSTEM)
    assert [p.where.row for p in info.value.problems] == [2, 3, 5]


def test_csv_problems_name_row_and_column(strategy, trainees, tmp_path):
    path = tmp_path / "results.csv"
    rows = [[c.header for c in excel.COLUMNS]]
    blank = {c.header: "" for c in excel.COLUMNS}
    rows.append(list({**blank, "Mission": "Testland", "Edition": "2022", "Indicator code": "T-1",
                      "Period": "FY2023", "Result": "12"}.values()))
    rows.append(list({**blank, "Mission": "Testland", "Edition": "2022", "Indicator code": "T-1",
                      "Period": "FY2024", "Result": "n/a"}.values()))
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    before = counts()
    with pytest.raises(ValidationError, match="row 3, column L"):
        excel.import_results(path, actor=SYSTEM)
    assert counts() == before


def test_import_queries_do_not_grow_per_row(strategy, objective, tmp_path):
    quarterly = svc.create_indicator(objective, code="Q-1", name="Quarterly visits", frequency="quarterly", actor=SYSTEM)
    periods = [f"FY{y}Q{q}" for y in range(2022, 2027) for q in range(1, 5)]

    def file_with(n):
        rows = [dict(mission="Testland", edition="2022", code="Q-1", period=p, value=i, category="",
                     category_value="", value_type="number", sample="no", _indicator=quarterly)
                for i, p in enumerate(periods[:n])]
        path = tmp_path / f"q{n}.xlsx"
        path.write_bytes(excel.write_xlsx(rows, title="test", protect=False))
        return path

    queries = []
    for n in (2, 20):
        m.Result.objects.all().delete()
        path = file_with(n)
        with CaptureQueriesContext(connection) as ctx:
            excel.import_results(path, actor=SYSTEM)
        queries.append(len(ctx.captured_queries))
    assert queries[0] == queries[1], queries


def test_csv_saved_by_excel_in_the_windows_code_page_imports(strategy, trainees, tmp_path):
    """Excel's "Save as CSV" writes cp1252, not UTF-8: the comment's accents must survive."""
    path = tmp_path / "results.csv"
    blank = {c.header: "" for c in excel.COLUMNS}
    row = {**blank, "Mission": "Testland", "Edition": "2022", "Indicator code": "T-1", "Period": "FY2023",
           "Result": "12"}
    comment_header = next(c.header for c in excel.COLUMNS if c.key == "comment")
    row[comment_header] = "Données de la région de Ségou"
    with path.open("w", newline="", encoding="cp1252") as fh:
        csv.writer(fh).writerows([list(blank), list(row.values())])
    excel.import_results(path, actor=SYSTEM)
    assert trainees.results.get(period="FY2023").comment == "Données de la région de Ségou"


def test_empty_and_binary_csv_are_clear_errors(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty.csv: the file is empty"):
        excel.import_results(empty, actor=SYSTEM)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(InputError, match="binary.csv"):
        excel.import_results(binary, actor=SYSTEM)
