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


def test_rows_are_appended_without_rescanning_the_sheet(strategy, monkeypatch):
    """Reading ``max_row`` scans every cell; once per appended row it made the export quadratic
    (issue 14). The count of scans must not grow with the number of values."""
    from openpyxl.worksheet.worksheet import Worksheet

    def scans_for(extra_results: int) -> int:
        import copy

        from icsplan.document.model import PeriodValue

        bigger = copy.deepcopy(strategy)
        indicator = next(ind for _, el in bigger.iter_elements() for ind in el.indicators)
        indicator.results += [PeriodValue(period=f"FY{2000 + n % 20}Q{1 + n % 4}", value=str(n), category="Region",
                                          category_value=f"R{n}") for n in range(extra_results)]
        calls = []
        original = Worksheet.max_row.fget

        def counting(sheet):
            calls.append(1)
            return original(sheet)

        monkeypatch.setattr(Worksheet, "max_row", property(counting))
        try:
            data = to_xlsx(bigger)
        finally:
            monkeypatch.undo()
        values = openpyxl.load_workbook(io.BytesIO(data))["Values"]
        assert values.max_row > extra_results
        return len(calls)

    assert scans_for(200) == scans_for(10)
