"""The layout of the results sheet (columns, required fields, instructions) and the report of an
import."""

from __future__ import annotations

from dataclasses import dataclass, field

from icsplan.core.choices import Sensitivity

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
BY_HEADER = {c.header.lower(): c for c in COLUMNS} | {c.key: c for c in COLUMNS}
# What the SBU column accepts: yes/no, or the marking itself.
YES = frozenset({"yes", "y", Sensitivity.SBU.value})
NO = frozenset({"no", "n", Sensitivity.PUBLIC.value})
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
