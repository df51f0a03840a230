import io

import openpyxl

from icsplan.publishing.xlsx import to_xlsx


def _book(strategy, **kwargs):
    return openpyxl.load_workbook(io.BytesIO(to_xlsx(strategy, **kwargs)))


def test_a_sheet_per_level_with_frozen_headers(strategy):
    book = _book(strategy)
    assert book.sheetnames == ["Goals", "Objectives", "Sub-objectives", "Management objectives", "Indicators", "Values"]
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["A"].width > 5
    assert [c.value for c in book["Objectives"][1]][:3] == ["Objective", "Goal", "Title"]
    assert book["Objectives"].max_row == 6
    assert book["Sub-objectives"]["A2"].value == "1.1.1"
    assert book["Indicators"].max_row == 3


def test_formula_looking_text_stays_text(public_strategy):
    public_strategy.goals[0].title = '=HYPERLINK("http://evil.example","x")'
    cell = _book(public_strategy)["Goals"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_public_workbook(strategy):
    book = _book(strategy, public=True)
    assert book["Indicators"].max_row == 2
    values = [row for row in book["Values"].iter_rows(min_row=2, values_only=True)]
    assert all(row[7] == "public" for row in values)
