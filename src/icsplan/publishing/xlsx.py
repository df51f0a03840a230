"""An Excel workbook of the framework and its indicators (openpyxl).

One sheet per level (Goals, Objectives, Sub-objectives, Management objectives, Indicators) and
a Values sheet with every target and result, one per row, so the workbook filters and pivots.
"""

from __future__ import annotations

import io
from collections.abc import Set

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from icsplan.document.model import Strategy
from icsplan.spreadsheets import write_cell

from .base import Renderer
from .content import clean_text, is_sbu, paragraphs, risk_text
from .periods import period_sort_key
from .redaction import public_copy

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F2A44")
_WRAP = Alignment(wrap_text=True, vertical="top")
_WIDE = 80  # narrative columns
_MAX_WIDTH = 60


def _narrative(text: str | None, sensitivity) -> str:
    body = "\n\n".join(paragraphs(text))
    return f"(SBU) {body}" if body and is_sbu(sensitivity) else body


def _cell(sheet, value) -> Cell:
    cell = Cell(sheet, value=None if value in (None, "") else value)
    if isinstance(cell.value, str):
        # A text that starts with "=" is a formula to Excel; narrative must stay text.
        cell.data_type = "s"
        cell.alignment = _WRAP
    return cell


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list], wide: Set[str] = frozenset()):
    sheet = workbook.create_sheet(title)
    for column, name in enumerate(header, start=1):
        cell = write_cell(sheet, 1, column, name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            # write_cell keeps text text: a narrative starting with "=" is never a formula.
            cell = write_cell(sheet, number, column, None if value in (None, "") else value)
            if isinstance(cell.value, str):
                cell.alignment = _WRAP
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        letter = get_column_letter(index)
        if name in wide:
            width = _WIDE
        else:
            longest = max((len(str(row[index - 1] or "")) for row in rows), default=0)
            width = min(_MAX_WIDTH, max(len(name) + 2, longest + 2))
        sheet.column_dimensions[letter].width = width
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    return sheet


def _element_rows(strategy: Strategy):
    goals, objectives, subs, management = [], [], [], []

    def linkages(element):
        codes = ", ".join(clean_text(code) for code in element.linkages)
        text = _narrative(element.linkages_text, element.linkages_text_sensitivity)
        return codes, text

    def risks(element):
        return "\n".join(
            ("(SBU) " if is_sbu(risk.sensitivity) else "") + risk_text(risk) for risk in element.risks
        )

    def sub_rows(parent_number, element):
        for sub in element.sub_objectives:
            subs.append([sub.number, parent_number, clean_text(sub.title), *linkages(sub),
                         _narrative(sub.justification, sub.justification_sensitivity), risks(sub), len(sub.indicators)])

    for goal in strategy.goals:
        goals.append([goal.number, clean_text(goal.title), clean_text(goal.framework_title), *linkages(goal),
                      _narrative(goal.description, goal.description_sensitivity), risks(goal), len(goal.objectives)])
        for objective in goal.objectives:
            objectives.append([objective.number, goal.number, clean_text(objective.title),
                               clean_text(objective.framework_title), *linkages(objective),
                               _narrative(objective.justification, objective.justification_sensitivity),
                               risks(objective), len(objective.indicators)])
            sub_rows(objective.number, objective)
    for mo in strategy.management_objectives:
        management.append([mo.number, clean_text(mo.title), clean_text(mo.framework_title), *linkages(mo),
                           _narrative(mo.justification, mo.justification_sensitivity), risks(mo), len(mo.indicators)])
        sub_rows(f"M{mo.number}", mo)
    return goals, objectives, subs, management


def _indicator_rows(strategy: Strategy):
    indicators, values = [], []
    for kind, element in strategy.iter_elements():
        prefix = "M" if kind == "management_objective" else ""
        for indicator in element.indicators:
            baseline = indicator.baseline
            indicators.append([
                clean_text(indicator.code), f"{prefix}{element.number}", clean_text(indicator.name),
                "SBU" if is_sbu(indicator.sensitivity) else "public", clean_text(indicator.definition),
                clean_text(indicator.unit), indicator.value_type, indicator.direction, indicator.frequency,
                clean_text(indicator.data_source), clean_text(indicator.responsible), clean_text(indicator.standard_code),
                clean_text(baseline.value) if baseline else "", baseline.date if baseline and baseline.date else None,
                "; ".join(f"{d.category}: {', '.join(d.values)}" for d in indicator.disaggregations),
            ])
            entries = [("target", v) for v in indicator.targets] + [("result", v) for v in indicator.results]
            entries.sort(key=lambda entry: (period_sort_key(entry[1].period), entry[0]))
            for what, value in entries:
                values.append([
                    clean_text(indicator.code), clean_text(value.period), what, clean_text(value.category),
                    clean_text(value.category_value), clean_text(value.value), value.status,
                    "SBU" if is_sbu(value.sensitivity) else "public", clean_text(value.comment),
                ])
    return indicators, values


def to_xlsx(strategy: Strategy, *, public: bool = False) -> bytes:
    """The framework and indicators as an .xlsx workbook."""
    source = public_copy(strategy) if public else strategy
    workbook = Workbook()
    workbook.remove(workbook.active)
    goals, objectives, subs, management = _element_rows(source)
    links = ["Linkages", "Linkages text"]
    _sheet(workbook, "Goals", ["Goal", "Title", "Framework title", *links, "Description and linkages", "Risks", "Objectives"],
           goals, wide={"Description and linkages"})
    _sheet(workbook, "Objectives", ["Objective", "Goal", "Title", "Framework title", *links, "Justification", "Risks", "Indicators"],
           objectives, wide={"Justification"})
    _sheet(workbook, "Sub-objectives", ["Sub-objective", "Parent", "Title", *links, "Justification", "Risks", "Indicators"],
           subs, wide={"Justification"})
    _sheet(workbook, "Management objectives", ["Management objective", "Title", "Framework title", *links,
                                               "Justification", "Risks", "Indicators"], management, wide={"Justification"})
    indicators, values = _indicator_rows(source)
    _sheet(workbook, "Indicators", ["Code", "Element", "Name", "Sensitivity", "Definition", "Unit", "Value type",
                                    "Direction", "Frequency", "Data source", "Responsible", "Standard code",
                                    "Baseline", "Baseline date", "Disaggregations"], indicators)
    _sheet(workbook, "Values", ["Indicator", "Period", "Kind", "Category", "Category value", "Value", "Status",
                                "Sensitivity", "Comment"], values)
    workbook.properties.title = f"Integrated Country Strategy \u2014 {clean_text(source.mission.country)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class XlsxRenderer(Renderer):
    """An Excel workbook: a sheet per framework level, indicators and their values."""

    format = "xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"

    def render(self, strategy: Strategy, *, public: bool = False) -> bytes:
        return to_xlsx(strategy, public=public)


RENDERER = XlsxRenderer()
