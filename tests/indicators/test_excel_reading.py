"""Issue 12, item 2: results files read the way Excel and people write them.

The files are built as Excel stores them: numbers with a percent format, formulas with no cached
value (openpyxl never computes one), formulas with a cached error, ";" CSVs with decimal commas.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from icsplan.accounts.actors import SYSTEM
from icsplan.errors import ValidationError
from icsplan.indicators import excel
from icsplan.indicators import models as m
from icsplan.indicators.values import number_text, to_decimal

pytestmark = pytest.mark.django_db

# Template rows of FY2023: 2 = T-1 total, 3 = T-1 female, 4 = T-1 male, 5 = P-1 (percent).


def _edit(data: bytes, edits: dict[str, object], formats: dict[str, str] | None = None) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Results"]
    for ref, value in edits.items():
        ws[ref] = value
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _result(indicator, period="FY2023"):
    return m.Result.objects.get(indicator=indicator, period=period, category="")


def test_template_opens_on_the_results_sheet(strategy, trainees, literacy):
    wb = load_workbook(io.BytesIO(excel.template_workbook(strategy, "FY2023")))
    assert wb.active.title == "Results"  # "Save as CSV" writes the results, not the instructions


def test_percent_formatted_cell_is_the_percent_typed(strategy, trainees, literacy):
    data = _edit(excel.template_workbook(strategy, "FY2023"), {"L5": 0.55}, {"L5": "0%"})
    assert load_workbook(io.BytesIO(data))["Results"]["L5"].value == 0.55  # how Excel stores 55%
    report = excel.import_results("r.xlsx", data=data, actor=SYSTEM)
    assert report.created == 1
    assert to_decimal(_result(literacy).value) == 55


def test_percent_text_and_thousands(strategy, trainees, literacy):
    data = _edit(excel.template_workbook(strategy, "FY2023"), {"L5": "55%", "L2": "1,200", "L3": "600", "L4": "600"})
    excel.import_results("r.xlsx", data=data, actor=SYSTEM)
    assert to_decimal(_result(literacy).value) == 55 and _result(trainees).number == 1200


def test_ambiguous_decimal_comma_is_an_error_naming_the_cell(strategy, trainees, literacy):
    data = _edit(excel.template_workbook(strategy, "FY2023"), {"L5": "3,4"})
    with pytest.raises(ValidationError) as caught:
        excel.import_results("r.xlsx", data=data, actor=SYSTEM)
    [problem] = caught.value.problems
    assert (problem.where.sheet, problem.where.row, problem.where.column) == ("Results", 5, "L (Result)")
    assert "ambiguous" in problem.message
    assert not m.Result.objects.filter(indicator=literacy).exists()


def test_formula_without_cached_value_is_refused_not_read_as_empty(strategy, trainees, literacy):
    excel.import_results("r.xlsx", data=_edit(excel.template_workbook(strategy, "FY2023"),
                                              {"L5": 40, "O5": "The earlier comment"}), actor=SYSTEM)
    # A comment typed as "=…" is a formula cell; openpyxl saves it with no cached value.
    data = _edit(excel.template_workbook(strategy, "FY2023"), {"L5": 41, "O5": "=see the survey"})
    with pytest.raises(ValidationError) as caught:
        excel.import_results("r.xlsx", data=data, actor=SYSTEM)
    [problem] = caught.value.problems
    assert (problem.where.row, problem.where.column, problem.code) == (5, "O (Comment)", "formula")
    assert _result(literacy).comment == "The earlier comment"


def test_formula_with_cached_value_is_read_by_it(strategy, trainees, literacy, tmp_path):
    data = _edit(excel.template_workbook(strategy, "FY2023"), {"L5": "=40+2"})
    # Put a cached value into the sheet XML, as Excel does when it saves.
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet2"):
                content = content.replace(b"<f>40+2</f><v></v>", b"<f>40+2</f><v>42</v>").replace(
                    b"<f>40+2</f>", b"<f>40+2</f><v>42</v>") if b"<v>42</v>" not in content else content
            target.writestr(item, content)
    excel.import_results("r.xlsx", data=out.getvalue(), actor=SYSTEM)
    assert to_decimal(_result(literacy).value) == 42


def test_semicolon_csv_with_decimal_commas(strategy, trainees, literacy):
    header = ";".join(c.header for c in excel.COLUMNS)
    row = {c.key: "" for c in excel.COLUMNS} | {"mission": strategy.mission.country, "edition": strategy.edition,
                                                "code": "P-1", "period": "FY2023", "value": "55,5",
                                                "comment": "Relevé; école"}
    line = ";".join(f'"{row[c.key]}"' if ";" in row[c.key] else row[c.key] for c in excel.COLUMNS)
    thousands = {c.key: "" for c in excel.COLUMNS} | {"mission": strategy.mission.country,
                                                      "edition": strategy.edition, "code": "T-1",
                                                      "period": "FY2023", "value": "1\u00a0234"}
    second = ";".join(thousands[c.key] for c in excel.COLUMNS)
    data = f"{header}\r\n{line}\r\n{second}\r\n".encode("cp1252")
    report = excel.import_results("résultats.csv", data=data, actor=SYSTEM)
    assert report.created == 2
    assert to_decimal(_result(literacy).value) == Decimal("55.5")
    assert _result(literacy).comment == "Relevé; école"
    assert _result(trainees).number == 1234


def test_decimal_separator_of_the_user(strategy, trainees, literacy):
    data = _edit(excel.template_workbook(strategy, "FY2023"), {"L5": "3,4"})
    excel.import_results("r.xlsx", data=data, actor=SYSTEM, decimal=",")
    assert to_decimal(_result(literacy).value) == Decimal("3.4")


@pytest.mark.parametrize(("text", "decimal", "expected"), [
    ("1,200", None, "1200"), ("1,234.5", None, "1234.5"), ("1.234,5", None, "1234.5"), ("55%", None, "55"),
    ("3,4", ",", "3.4"), ("1.234", ",", "1234"), ("1 234,5", ",", "1234.5"), ("-2.5", None, "-2.5"),
    ("1,234", ",", "1.234"), ("12", None, "12"),
])
def test_number_text(text, decimal, expected):
    assert number_text(text, decimal) == expected


@pytest.mark.parametrize(("text", "decimal"), [("3,4", None), ("3.4", ","), ("1,2,3", None), ("3,4", "."),
                                               ("1.234,5", ".")])
def test_number_text_refuses_guesses(text, decimal):
    with pytest.raises(ValueError):
        number_text(text, decimal)


def test_json_result_without_status_is_a_draft(db):
    from icsplan import document as doc
    from icsplan.strategies import services as strategy_services
    from tests.strategies.factories import sample_document

    document = sample_document()
    document.goals[0].objectives[0].indicators.append(doc.Indicator(
        code="J-1", name="From JSON", targets=[doc.PeriodValue(period="FY2023", value="5")],
        results=[doc.PeriodValue(period="FY2023", value="4"),
                 doc.PeriodValue(period="FY2024", value="6", status="approved")]))
    row = strategy_services.import_strategy(document, actor=SYSTEM)
    statuses = dict(m.Result.objects.filter(strategy=row).values_list("period", "status"))
    assert statuses == {"FY2023": "draft", "FY2024": "approved"}


def test_cli_decimal_comma_option(strategy, trainees, literacy, tmp_path):
    from typer.testing import CliRunner

    from icsplan.cli import app

    path = tmp_path / "r.xlsx"
    path.write_bytes(_edit(excel.template_workbook(strategy, "FY2023"), {"L5": "3,4"}))
    refused = CliRunner().invoke(app, ["results", "import", str(path)])
    assert refused.exit_code == 2 and "ambiguous" in refused.output
    done = CliRunner().invoke(app, ["results", "import", "--decimal-comma", str(path)])
    assert done.exit_code == 0, done.output
    assert to_decimal(_result(literacy).value) == Decimal("3.4")


def test_mali_docx_round_trip_keeps_all_28_indicators(mali_strategy):
    """The issue's case: the demo Mali edition's 28 indicators survived as 0 through DOCX."""
    from icsplan.accounts.redaction import document_for
    from icsplan.ingest.pipeline import read_document
    from icsplan.publishing.docx import to_docx
    from tests.publishing.test_docx_roundtrip import libreoffice_resave

    document = document_for(None, mali_strategy)
    count = sum(len(e.indicators) for _, e in document.iter_elements())
    assert count == 28
    exported = to_docx(document)
    for data in (exported, libreoffice_resave(exported)):
        imported = read_document(data, "mali.docx").result.strategy
        assert imported.to_json() == document.to_json()
        assert (imported.mission.post, imported.mission.bureau, imported.classification) == (
            document.mission.post, document.mission.bureau, document.classification)
