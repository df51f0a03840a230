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

from .export import export_results, export_rows, template_rows, template_workbook, write_csv, write_xlsx
from .importing import import_results
from .layout import (
    BATCH,
    COLUMNS,
    INSTRUCTIONS,
    INSTRUCTIONS_SHEET,
    REQUIRED,
    RESULTS_SHEET,
    SAMPLE_NOTICE,
    Column,
    ImportReport,
)

__all__ = [
    "BATCH",
    "COLUMNS",
    "Column",
    "INSTRUCTIONS",
    "INSTRUCTIONS_SHEET",
    "ImportReport",
    "REQUIRED",
    "RESULTS_SHEET",
    "SAMPLE_NOTICE",
    "export_results",
    "export_rows",
    "import_results",
    "template_rows",
    "template_workbook",
    "write_csv",
    "write_xlsx",
]
