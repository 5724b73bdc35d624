"""An append's problems named where the clerk can find them: in their own file, not in the would-be ledger.

An append is checked as the ledger will hold it, its rows under the rows there already: a units sheet of one new
unit whose name another unit has was refused at "units.xlsx · sheet 监督单位 · row 11", a row of a file the clerk
never opened (their file has the unit on row 3), and "repeats row 3" meant the folder's row 3, not theirs. Each
problem at an added row is put back at the file, sheet, row and column it was read from; one that points at a row
the folder has already says so, naming the ledger's file and row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from oversight.contract.schema import TABLES
from oversight.ingest.problems import Problem
from oversight.ingest.sheets import TableRead

if TYPE_CHECKING:
    from oversight.ingest.import_plan import TableChange

# A ledger as the folder keeps it (``workbook.ledger_xlsx_bytes``): its header on row 1, its first record on row 2
_FIRST_RECORD_ROW = 2
# Problems that name a second row of the same sheet, the first to hold the value (``first_row``)
_NAMING_A_FIRST_ROW = {
    "error.duplicate": "error.append_taken",
    "error.duplicate_lookalike": "error.append_taken",
    "error.duplicate_other_sheet": "error.append_taken",
    "error.duplicate_lookalike_other_sheet": "error.append_taken",
    "error.unit_name_shared": "error.append_unit_name_taken",
}


def at_the_files_rows(
    problems: Iterable[Problem], changes: Mapping[str, TableChange], reads: Mapping[str, TableRead]
) -> list[Problem]:
    """``problems`` of the would-be folder, each at an appended row named at its place in the file it came from."""
    by_ledger = {
        TABLES[name].file_name: (change.rows_before, reads[name])
        for name, change in changes.items()
        if change.mode == "append" and name in reads
    }
    moved = [_in_its_file(problem, by_ledger) for problem in problems]
    # a unit's name that another unit has is also a repeated name: one line for the cell, the one that says whose
    named_twice = {(p.file, p.sheet, p.row, p.field) for p in moved if p.message_key == "error.append_unit_name_taken"}
    return [
        p
        for p in moved
        if not (p.message_key == "error.append_taken" and (p.file, p.sheet, p.row, p.field) in named_twice)
    ]


def _in_its_file(problem: Problem, by_ledger: Mapping[str, tuple[int, TableRead]]) -> Problem:
    if problem.row is None or problem.file not in by_ledger:
        return problem
    rows_before, read = by_ledger[problem.file]
    position = problem.row - _FIRST_RECORD_ROW - rows_before
    if not 0 <= position < len(read.origins):
        return problem  # a row the folder has already: the ledger's own
    sheet, row = read.origins[position]
    column, letter = problem.column, problem.column_letter
    if problem.field is not None:
        column, letter = read.labels.get(sheet, {}).get(problem.field, (problem.column, None))
    key, params = problem.message_key, dict(problem.params)
    first_row = params.get("first_row")
    if key in _NAMING_A_FIRST_ROW and isinstance(first_row, int):
        first = first_row - _FIRST_RECORD_ROW - rows_before
        if 0 <= first < len(read.origins):  # another of the rows the file adds: its own sheet and row
            first_sheet, params["first_row"] = read.origins[first]
            params["first_sheet"] = first_sheet
            if key.startswith("error.duplicate"):  # the first row's sheet named where it is another
                key = key.removesuffix("_other_sheet") + ("_other_sheet" if first_sheet != sheet else "")
        else:  # a row the folder has: named as such, with the ledger's file
            key = _NAMING_A_FIRST_ROW[key]
            params["ledger"] = problem.file
    return dataclasses.replace(
        problem,
        file=read.file,
        sheet=sheet or None,
        row=row,
        column=column,
        column_letter=letter,
        message_key=key,
        params=params,
    )
