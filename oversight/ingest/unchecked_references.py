"""References into a table whose file in the same import failed: said once, not as a fault of each row.

An import of 问题.xlsx with one bad cell and 意见建议.xlsx linking the new issues reported, beside the bad cell, every
suggestion's 关联问题编号 as "不存在" (does not exist), blaming rows that were right: they were checked against the
folder's issues only, the new ones having not been read. A reference that names a record the failed file holds is
set aside, and one line per file says how many could not be checked and why; a reference the failed file does not
hold either is a fault of its own, and keeps its file, sheet, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from oversight.contract.schema import TABLES, Table
from oversight.ingest import table_cache
from oversight.ingest.cell_text import id_key
from oversight.ingest.problems import Problem

UNCHECKED = "error.references_unchecked"
# the same, where the failed file's records are not known: the rows refer to records the data lack, maybe its
UNCHECKED_UNREAD = "error.references_unchecked_unread"
# the same, of a table of the data folder itself that failed to read (no import: nothing was imported with it)
UNCHECKED_IN_FOLDER = "error.references_unchecked_in_folder"
# the same, of a table whose file the data folder lacks, or holds under a name not read (Issues.xlsx, two files)
UNCHECKED_NOT_READ = "error.references_unchecked_not_read"
NOTES = (UNCHECKED, UNCHECKED_UNREAD, UNCHECKED_IN_FOLDER, UNCHECKED_NOT_READ)
# What a row says wrong of another table: a unit not registered, an issue that does not exist or is another unit's
REFERENCE_PROBLEMS = {"units": {"error.unit_unknown"}, "issues": {"error.ref_unknown", "error.ref_other_unit"}}
# The ways a unit is named in a row (its id, names, short names) and an issue (its id)
_NAMING_COLUMNS = {"units": ("unit_id", "name_zh", "name_en", "short_names"), "issues": ("issue_id",)}
_SHORT_NAME_SEPARATORS = re.compile(r"[、,，;；/|\s]+")


@dataclass(frozen=True)
class FailedTable:
    """A table of the import whose file had problems: its file, and the records it names (None: not known, so that
    any reference into the table may be one of them)."""

    file: str
    names: frozenset[object] | None
    # its file was never opened: missing from the data folder, or refused by its name before it was read
    unopened: bool = False


def failed_table(table: Table, file: str, frame: pd.DataFrame | None) -> FailedTable:
    """``table`` failed in ``file``, and ``frame`` is what of it read: none where its checking stopped, or where a
    sheet was not read at all (a required column missing), so that its records are not known."""
    if frame is None or frame.empty:
        return FailedTable(file, None)
    names: set[object] = {
        id_key(part)
        for column in _NAMING_COLUMNS.get(table.name, ())
        if column in frame
        for value in frame[column]
        if isinstance(value, str)
        for part in (_SHORT_NAME_SEPARATORS.split(value) if column == "short_names" else (value,))
        if part
    }
    return FailedTable(file, frozenset(names))


def _echoes(problem: Problem, dependency: str, names: frozenset[object] | None) -> bool:
    return problem.message_key in REFERENCE_PROBLEMS[dependency] and (
        names is None or id_key(str(problem.params.get("value", ""))) in names
    )


def echo_test(table: str, failed: Mapping[str, FailedTable]) -> Callable[[Problem], str | None] | None:
    """For a ``ProblemCap`` reading ``table``: the failed table a problem only echoes, or None (None: no table
    ``table`` refers to has failed)."""
    watched = [
        (dependency, failed[dependency].names)
        for dependency in table_cache.DEPENDENCIES[table]
        if dependency in failed and dependency in REFERENCE_PROBLEMS
    ]
    if not watched:
        return None

    def echo(problem: Problem) -> str | None:
        return next((dependency for dependency, names in watched if _echoes(problem, dependency, names)), None)

    return echo


def set_aside(
    problems: list[Problem],
    table: str,
    file: str,
    failed: Mapping[str, FailedTable],
    echo_rows: Mapping[str, set[tuple[str | None, int | None]]] | None = None,
    in_folder: bool = False,
) -> list[Problem]:
    """``problems`` of ``table`` read from ``file`` without those that only echo a failed table, and a line for each
    such table saying how many of its rows' references could not be checked: those among ``problems`` and those
    its ``ProblemCap`` counted (``echo_rows``). ``in_folder``: the failed tables are the data folder's own."""
    kept, notes = list(problems), []
    for dependency in table_cache.DEPENDENCIES[table]:
        if dependency not in failed or dependency not in REFERENCE_PROBLEMS:
            continue
        names = failed[dependency].names
        echoes = [problem for problem in kept if _echoes(problem, dependency, names)]
        rows = {(problem.sheet, problem.row) for problem in echoes} | (echo_rows or {}).get(dependency, set())
        if rows:
            kept = [problem for problem in kept if problem not in echoes]
            params = {"count": len(rows), "table": TABLES[dependency].zh, "source": failed[dependency].file}
            key = (
                UNCHECKED_NOT_READ
                if failed[dependency].unopened
                else UNCHECKED_IN_FOLDER
                if in_folder
                else UNCHECKED
                if names is not None
                else UNCHECKED_UNREAD
            )
            notes.append(Problem(file=file, message_key=key, params=params))
    return kept + notes
