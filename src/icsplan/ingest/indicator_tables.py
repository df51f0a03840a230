"""Indicators read back from the indicator blocks icsplan prints (DOCX, Markdown, text).

icsplan's documents print each indicator as a bold heading, its details and a table of periods::

    (SBU) **Indicator 1.1-A: People trained (people)**
    Definition: ...            Data source: ...            Responsible: DAO
    Standard indicator: SDG 4.1.1
    Frequency: quarterly; higher is better
    Baseline: 0 (September 30, 2018)
    Period | Target | Result
    FY2019Q1 | 80 | 86
    FY2019Q1 — sex: female | 10 | (SBU) 12

When a document no longer matches the data embedded at export (someone edited it), the text
parser still knows these blocks: :func:`extract` takes them out of the text (blank lines in their
place, so line numbers hold) before the narrative is read — otherwise their lines run into the
previous narrative or Linkages block, and a standard indicator's "SDG 4.1.1" would be read as a
linkage — and :func:`attach` gives them to the element whose heading they follow.

A block is icsplan's only with its "Frequency: …; higher|lower is better" line, which no
document written by people carries in that form; anything else stays text, as before.
What a printed block does not show (value type, cumulation, statuses, comments) is not invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import Baseline, Disaggregation, Indicator, PeriodValue, Sensitivity, Strategy
from .meta import parse_date

_MARK = r"(?:\(SBU\)[ \t]*)?"
_HEADING = re.compile(rf"^{_MARK}(?:\*\*)?[ \t]*(?P<mark>{_MARK})Indicator[ \t]+(?P<text>.+?)(?:\*\*)?[ \t]*$")
_DETAIL = re.compile(r"^(?P<label>Definition|Data source|Responsible|Standard indicator|Frequency|Baseline):[ \t]*(?P<value>.*)$")
_FREQUENCY = re.compile(r"^(?P<frequency>quarterly|semiannual|annual);[ \t]*(?P<direction>higher|lower) is better$")
_BASELINE_DATE = re.compile(r"^(?P<value>.*?)[ \t]*\((?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})\)$")
_TABLE_HEAD = re.compile(r"^Period[ \t]*\|[ \t]*Target[ \t]*\|[ \t]*Result[ \t]*\|?$")
_ROW_PERIOD = re.compile(r"^(?P<period>FY\d{4}(?:Q[1-4]|H[12])?)(?:[ \t]+\u2014[ \t]+(?P<category>[^:|]+):[ \t]*(?P<value>[^|]+?))?[ \t]*$")
_UNIT = re.compile(r"^(?P<name>.+?)[ \t]+\((?P<unit>[^()]+)\)$")
_SBU_VALUE = re.compile(r"^\(SBU\)[ \t]*")
# An element heading in the body (Markdown heading or bold line) as icsplan prints it.
_ELEMENT = re.compile(
    r"^(?:#+[ \t]+|\*\*)?(?:\(SBU\)[ \t]*)?(?P<kind>Mission Goal|Mission Objective|Management Objective|Sub-Objective)"
    r"[ \t]+(?P<number>\d+(?:\.\d+)*)\b"
)


@dataclass
class Found:
    """Indicators taken out of the text, keyed by the element heading they follow."""

    owners: dict[tuple[str, str], list[Indicator]] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(v) for v in self.owners.values())


def _strip_bold(line: str) -> str:
    line = line.strip()
    if line.startswith("**") and line.endswith("**") and len(line) > 4:
        line = line[2:-2].strip()
    return line


def _value(cell: str) -> tuple[str | None, Sensitivity]:
    text = cell.strip()
    sbu = bool(_SBU_VALUE.match(text))
    text = _SBU_VALUE.sub("", text).strip()
    return (text or None), (Sensitivity.SBU if sbu else Sensitivity.PUBLIC)


def _heading(text: str, sbu: bool) -> Indicator:
    code, _, rest = text.partition(": ")
    if not rest:  # printed without a code
        code, rest = "", text
    unit = None
    match = _UNIT.match(rest)
    if match:
        rest, unit = match.group("name"), match.group("unit")
    return Indicator(code=code.strip(), name=rest.strip(), unit=unit,
                     sensitivity=Sensitivity.SBU if sbu else Sensitivity.PUBLIC)


def _detail(indicator: Indicator, label: str, value: str) -> bool:
    """Apply one detail line; False when it is not in icsplan's form."""
    value = value.strip()
    if label == "Frequency":
        match = _FREQUENCY.match(value)
        if not match:
            return False
        indicator.frequency = match.group("frequency")  # type: ignore[assignment]
        indicator.direction = "increase" if match.group("direction") == "higher" else "decrease"
    elif label == "Baseline":
        match = _BASELINE_DATE.match(value)
        text, date = (match.group("value"), parse_date(match.group("date"))) if match else (value, None)
        indicator.baseline = Baseline(value=None if text == "not recorded" else text or None, date=date)
    else:
        field_name = {"Definition": "definition", "Data source": "data_source", "Responsible": "responsible",
                      "Standard indicator": "standard_code"}[label]
        setattr(indicator, field_name, value or None)
    return True


def _row(indicator: Indicator, line: str) -> bool:
    cells = [cell.strip() for cell in line.split("|")]
    if len(cells) < 2 or len(cells) > 3:
        return False
    match = _ROW_PERIOD.match(cells[0])
    if not match:
        return False
    cells += [""] * (3 - len(cells))
    category = match.group("category")
    category_value = match.group("value")
    for cell, values in ((cells[1], indicator.targets), (cells[2], indicator.results)):
        value, sensitivity = _value(cell)
        if value is None:
            continue
        values.append(PeriodValue(period=match.group("period"), value=value, sensitivity=sensitivity,
                                  category=category.strip() if category else None,
                                  category_value=category_value.strip() if category_value else None))
    if category:
        _disaggregation(indicator, category.strip(), (category_value or "").strip())
    return True


def _disaggregation(indicator: Indicator, category: str, value: str) -> None:
    for breakdown in indicator.disaggregations:
        if breakdown.category == category:
            if value not in breakdown.values:
                breakdown.values.append(value)
            return
    indicator.disaggregations.append(Disaggregation(category=category, values=[value]))


def _block(lines: list[str], start: int) -> tuple[Indicator, int] | None:
    """The indicator whose heading is ``lines[start]`` and the index after its block, when the
    block has icsplan's shape (details with the Frequency line); None otherwise."""
    match = _HEADING.match(lines[start].strip())
    if not match:
        return None
    sbu = "(SBU)" in lines[start].split("Indicator", 1)[0]
    indicator = _heading(match.group("text").strip().rstrip("*").strip(), sbu)
    index, frequency, table = start + 1, False, False
    while index < len(lines):
        line = _strip_bold(lines[index])
        if not line:
            index += 1
            continue
        detail = _DETAIL.match(line)
        if detail and not table:
            if not _detail(indicator, detail.group("label"), detail.group("value")):
                return None
            frequency = frequency or detail.group("label") == "Frequency"
        elif frequency and _TABLE_HEAD.match(line) and not table:
            table = True
        elif table and _row(indicator, line):
            pass
        else:
            break
        index += 1
    if not frequency:
        return None
    # Blank lines after the block belong to what follows.
    while index > start + 1 and not lines[index - 1].strip():
        index -= 1
    return indicator, index


def extract(text: str) -> tuple[str, Found]:
    """``text`` with icsplan's indicator blocks blanked out, and the indicators they hold."""
    found = Found()
    if "Indicator" not in text or "is better" not in text:
        return text, found
    lines = text.split("\n")
    owner: tuple[str, str] | None = None
    in_management = False
    index = 0
    while index < len(lines):
        element = _ELEMENT.match(lines[index].strip())
        if element:
            kind, number = element.group("kind"), element.group("number")
            if kind == "Mission Goal":
                in_management = False
            elif kind == "Management Objective":
                in_management = True
            key = {"Mission Goal": "goal", "Mission Objective": "objective", "Management Objective": "management_objective",
                   "Sub-Objective": "management_sub_objective" if in_management else "sub_objective"}[kind]
            owner = (key, number)
            index += 1
            continue
        block = _block(lines, index) if owner is not None and "Indicator" in lines[index] else None
        if block is None:
            index += 1
            continue
        indicator, end = block
        found.owners.setdefault(owner, []).append(indicator)  # type: ignore[arg-type]
        for blank in range(index, end):
            lines[blank] = ""
        index = end
    return "\n".join(lines), found


def attach(strategy: Strategy, found: Found) -> None:
    """Give each element the indicators printed under its heading."""
    if not found.owners:
        return
    elements: dict[tuple[str, str], object] = {}
    for goal in strategy.goals:
        elements[("goal", goal.number)] = goal
        for objective in goal.objectives:
            elements[("objective", objective.number)] = objective
            for sub in objective.sub_objectives:
                elements[("sub_objective", sub.number)] = sub
    for mo in strategy.management_objectives:
        elements[("management_objective", mo.number)] = mo
        for sub in mo.sub_objectives:
            elements[("management_sub_objective", sub.number)] = sub
    for key, indicators in found.owners.items():
        element = elements.get(key)
        if element is not None:
            element.indicators.extend(indicators)  # type: ignore[attr-defined]
