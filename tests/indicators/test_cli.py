"""``icsplan results ...`` through the main command (typer's CliRunner)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from icsplan.cli import app
from icsplan.indicators import models as m

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture()
def runner():
    return CliRunner()


def test_template_fill_import_and_export(runner, mali_strategy, tmp_path):
    template = tmp_path / "fy2019q1.xlsx"
    result = runner.invoke(app, ["results", "template", "Mali", "--period", "FY2019Q1", "-o", str(template)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(template)
    ws = wb["Results"]
    header = {c.value: c.column for c in ws[1]}
    codes = [ws.cell(row=r, column=header["Indicator code"]).value for r in range(2, ws.max_row + 1)]
    assert codes and set(codes) == {"1.1-A"}  # the quarterly sample indicator

    export = tmp_path / "mali.xlsx"
    assert runner.invoke(app, ["results", "export", "Mali", "-o", str(export)]).exit_code == 0
    before = m.Result.history.count()
    result = runner.invoke(app, ["results", "import", str(export)])
    assert result.exit_code == 0, result.output
    assert "0 results created, 0 updated" in result.output
    assert m.Result.history.count() == before

    csv_file = tmp_path / "mali.csv"
    assert runner.invoke(app, ["results", "export", "Mali", "-o", str(csv_file)]).exit_code == 0
    assert csv_file.read_text().startswith("Mission,Edition,Objective,Indicator code")


def test_bad_import_exits_2_and_lists_problems(runner, mali_strategy, tmp_path):
    export = tmp_path / "mali.xlsx"
    runner.invoke(app, ["results", "export", "Mali", "-o", str(export)])
    wb = load_workbook(export)
    ws = wb["Results"]
    header = {c.value: c.column for c in ws[1]}
    ws.cell(row=2, column=header["Indicator code"], value="NOPE")
    ws.cell(row=3, column=header["Result"], value="lots")
    wb.save(export)
    before = (m.Result.objects.count(), m.Result.history.count())
    result = runner.invoke(app, ["results", "import", str(export)])
    assert result.exit_code == 2
    assert "sheet Results, row 2, column D" in result.output and "unknown indicator 'NOPE'" in result.output
    assert "row 3, column L" in result.output
    assert "Traceback" not in result.output
    assert (m.Result.objects.count(), m.Result.history.count()) == before


def test_bad_arguments_exit_2(runner, mali_strategy, tmp_path):
    out = tmp_path / "t.xlsx"
    for args in (["results", "template", "Mali", "--period", "FY2030", "-o", str(out)],
                 ["results", "template", "Mali", "--period", "Q1", "-o", str(out)],
                 ["results", "template", "Atlantis", "--period", "FY2019", "-o", str(out)],
                 ["results", "export", "Mali", "-o", str(tmp_path / "x.pdf")],
                 ["results", "import", str(tmp_path / "missing.xlsx")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "error:" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_status_chart_and_lock(runner, mali_strategy, tmp_path):
    result = runner.invoke(app, ["results", "status", "Mali"])
    assert result.exit_code == 0 and "Objective 1.1" in result.output and "Sample data" in result.output
    svg = tmp_path / "matrix.svg"
    result = runner.invoke(app, ["results", "chart", "Mali", "-o", str(svg)])
    assert result.exit_code == 0 and svg.read_bytes().lstrip().startswith(b"<?xml")
    png = tmp_path / "ind.png"
    assert runner.invoke(app, ["results", "chart", "Mali", "-i", "2.2-A", "-o", str(png)]).exit_code == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert runner.invoke(app, ["results", "lock", "Mali", "FY2019"]).exit_code == 0
    assert m.PeriodLock.objects.filter(strategy=mali_strategy, period="FY2019").exists()
