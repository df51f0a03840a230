"""Issue 12, item 1: hostile text entered through the API never becomes a formula in any
spreadsheet or CSV icsplan writes (results template, results export xlsx/csv, strategy xlsx,
audit trail csv)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from icsplan.accounts.actors import SYSTEM
from icsplan.audit.reader import export_csv
from icsplan.indicators.excel import export_results, import_results, template_workbook
from icsplan.indicators.models import Indicator, Result
from icsplan.spreadsheets import FORMULA_TRIGGERS, csv_text, unquote_csv_text

HOSTILE = [
    "=1+2",
    '=HYPERLINK("https://evil.example/","click me")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+2",
    "\r=1+2",
]


def _post_hostile(world, api_as) -> Indicator:
    indicator = Indicator.objects.get(strategy=world.strategy, code="1.1-P")
    # A qualitative indicator takes any text as its result, the worst case for the value column.
    Indicator.objects.filter(pk=indicator.pk).update(value_type="qualitative")
    reporter = api_as("reporter")
    entries = (("FY2025", "=1+2", '=HYPERLINK("https://evil.example/","click me")'),
               ("FY2026", "@SUM(A1:A2)", "+SUM(1,2)\n-2+3"))
    for period, value, comment in entries:
        answer = reporter.post("results", {"indicator": indicator.pk, "period": period, "value": value,
                                           "comment": comment, "evidence_url": "https://evil.example/?q=@SUM(1)&x=-1"})
        assert answer.status_code == 201, answer.content
        assert answer.json()["comment"] == comment
    return indicator


def _assert_no_formula_xlsx(data: bytes, label: str) -> int:
    workbook = load_workbook(io.BytesIO(data))
    cells = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{label}: {sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    cells += 1
                    assert cell.quotePrefix, f"{label}: {sheet.title}!{cell.coordinate} lacks the text prefix"
    return cells


def _assert_no_formula_csv(text: str, label: str) -> int:
    seen = 0
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(FORMULA_TRIGGERS), f"{label}: CSV cell {cell!r} starts like a formula"
            seen += cell.startswith("'")
    return seen


def test_hostile_text_is_never_a_formula(world, api_as):
    indicator = _post_hostile(world, api_as)
    strategy = world.strategy
    outputs = {
        "template FY2025": template_workbook(strategy, "FY2025"),
        "template FY2026": template_workbook(strategy, "FY2026"),
        "results export xlsx": export_results(strategy, "xlsx"),
    }
    neutralised = {label: _assert_no_formula_xlsx(data, label) for label, data in outputs.items()}
    # The hostile text is really in there (as text), not dropped.
    assert neutralised["results export xlsx"] >= 4 and neutralised["template FY2025"] >= 2

    reader = api_as("reader")
    strategy_xlsx = reader.get(f"exports/strategies/{strategy.pk}/xlsx")
    assert strategy_xlsx.status_code == 200
    _assert_no_formula_xlsx(strategy_xlsx.content, "strategy xlsx")

    results_csv = export_results(strategy, "csv").decode("utf-8")
    assert _assert_no_formula_csv(results_csv, "results csv") >= 4
    audit_csv = export_csv(strategy.mission, user=None)
    _assert_no_formula_csv(audit_csv, "audit csv")

    # The neutralised export imports back unchanged: nothing is rewritten, the apostrophe is not stored.
    stored = {r.pk: (r.value, r.comment) for r in Result.objects.filter(indicator=indicator)}
    for data, name in ((results_csv.encode("utf-8"), "export.csv"), (outputs["results export xlsx"], "export.xlsx")):
        report = import_results(name, data=data, actor=SYSTEM)
        assert report.created == 0 and report.updated == 0, (name, str(report))
    assert {r.pk: (r.value, r.comment) for r in Result.objects.filter(indicator=indicator)} == stored


def test_csv_text_helper():
    for text in HOSTILE:
        assert csv_text(text) == "'" + text
        assert unquote_csv_text(str(csv_text(text))) == text
    assert csv_text(-5) == -5 and csv_text("plain") == "plain" and csv_text(None) is None
    assert unquote_csv_text("'quoted on purpose") == "'quoted on purpose"
