"""Read the office's spreadsheets into the contract's tables, report every problem, and change the data folder safely.

Real ledgers (台账) are kept by hand: a title row above the header, blank rows, a 合计 row at the bottom,
notes under the table, headers in Chinese or English with stray spaces, line breaks and full-width
brackets, dates typed six different ways. All of that is accepted; a value that breaks the contract is
reported with file, sheet, Excel row and column, never dropped or guessed.

The flow, one module per step::

    file ──files──▶ sheets of raw cells ──headers──▶ which sheet is which table, where its header is
         ──record_rows──▶ which rows are records ──cells──▶ each cell as its column's kind
         ──sheets──▶ a typed table, checked whole                          (problems: every report)
    tables ──import_plan──▶ what an import would change, checked whole, nothing written
           ──commit──▶ the folder changed all or nothing          (folder_lock: one writer; a crash undone)
           ──import_history──▶ every previous version kept, listed, undone   (import_report: the words)

``workbook`` writes a table back as the office's own kind of workbook; ``ledger_append`` writes an append's rows
after a ledger workbook's own, keeping them byte for byte; ``templates`` writes fill-in
templates; ``sheet_bounds`` bounds a sheet's grid before it is read; ``xlsx_cells`` puts back what the reader
loses of an .xlsx's cells (an error value read as blank); ``hidden_parts`` finds the rows, columns
and sheets a clerk hid, which are imported all the same and named in the import's report.

``cell_text`` holds what every step means by a blank cell and the same header; ``table_files`` names a
table's files in the data folder.

The names exported here are the reading half, what the data layer and the pages use. The import half
(``import_plan``, ``commit``, ``folder_lock``, ``import_history``, ``import_report``) is imported by module:
it validates the would-be folder with the data layer's ``store``, as the dashboard will load it, and
re-exporting it here would make reading a spreadsheet import the data layer (and ``store`` imports this).
"""

from __future__ import annotations

from oversight.ingest.cells import Context, UnitResolver
from oversight.ingest.files import (
    ACCEPTED_SUFFIXES,
    Upload,
    load_sheets,
    max_upload_bytes,
)
from oversight.ingest.headers import detect_table, match_sheets
from oversight.ingest.problems import Problem, ValidationError
from oversight.ingest.sheets import TableRead, read_source, read_table

__all__ = [
    "ACCEPTED_SUFFIXES",
    "Context",
    "Problem",
    "TableRead",
    "UnitResolver",
    "Upload",
    "ValidationError",
    "detect_table",
    "load_sheets",
    "match_sheets",
    "max_upload_bytes",
    "read_source",
    "read_table",
]
