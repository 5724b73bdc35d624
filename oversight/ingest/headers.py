"""Which sheet holds which table, and in which row its header is: the contract's headers found in the cells.

A ledger's header sits under a title or two, in Chinese or English, with stray spaces, line breaks and
full-width brackets; every spelling the contract lists (a column's identifier, its Chinese name and its
aliases) matches after ``header_key`` folds the noise away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from oversight.contract.schema import TABLES, Column, Table
from oversight.ingest.cell_text import header_key, is_blank
from oversight.ingest.files import Sheets, Source, load_sheets
from oversight.ingest.problems import Problem, problem_in_sheet

# the header is looked for among the first rows that hold anything: blank rows between a ledger's title block and its
# header do not count (a header under a title, a note and a dozen empty spacer rows, at row 19, was "not found")
HEADER_SEARCH_ROWS = 15


def _header_lookup(table: Table) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in table.columns:
        for spelling in (column.name, column.zh, *column.aliases):
            lookup.setdefault(header_key(spelling), column)
    return lookup


# A length's unit in its header's brackets: 时长(分钟), Duration (minutes); and the same column headed in hours
_UNIT_IN_BRACKETS = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_HOURS_UNITS = ("小时", "h", "hours", "hrs", "hr")


def _hours_lookup(table: Table) -> dict[str, Column]:
    """The headers that give a length column in hours (时长（小时）, 会议时长(h), Duration (hours)): its cells are hours.

    Such a sheet was refused "required column 时长(分钟) is missing", and a clerk could only type each length again."""
    lookup: dict[str, Column] = {}
    for column in table.columns:
        if not column.minutes:
            continue
        for spelling in (column.zh, *column.aliases):
            base = _UNIT_IN_BRACKETS.sub("", spelling)
            for unit in _HOURS_UNITS:
                lookup.setdefault(header_key(f"{base}({unit})"), column)
    return lookup


@dataclass
class HeaderMatch:
    row_index: int
    columns: dict[int, Column]  # sheet column index -> contract column
    labels: dict[int, str]  # sheet column index -> header text as written
    # sheet column index -> the index of the column before it that names the same contract column (directly or by an
    # alias: 单位 and unit); its label is in ``labels``. Which of the two the clerk meant no one can tell.
    repeated: dict[int, int] = field(default_factory=dict)
    # sheet column indexes of a length headed in hours (时长（小时）): each cell's number is hours, read as minutes
    in_hours: frozenset[int] = frozenset()


def find_header(rows: list[list[object]], table: Table) -> HeaderMatch | None:
    """The row among the first few whose cells name the most of the table's columns."""
    lookup = _header_lookup(table)
    hours = _hours_lookup(table)
    best: HeaderMatch | None = None
    for index, row in _first_rows_with_content(rows, HEADER_SEARCH_ROWS):
        matched: dict[int, Column] = {}
        labels: dict[int, str] = {}
        first: dict[str, int] = {}  # contract column -> the sheet column naming it first
        repeated: dict[int, int] = {}
        headed_in_hours: dict[int, Column] = {}
        for position, cell in enumerate(row):
            if is_blank(cell):
                continue
            column = lookup.get(header_key(cell))
            if column is None and header_key(cell) in hours:
                headed_in_hours.setdefault(position, hours[header_key(cell)])
            if column is None:
                continue
            labels[position] = re.sub(r"\s+", " ", str(cell)).strip()
            if column.name in first:
                repeated[position] = first[column.name]
            else:
                first[column.name] = position
                matched[position] = column
        # the hours only where no column gives the minutes: 时长(小时) beside a computed 时长(分钟) is the clerk's working
        in_hours = set()
        for position, column in headed_in_hours.items():
            if column.name not in first:
                first[column.name] = position
                matched[position] = column
                labels[position] = re.sub(r"\s+", " ", str(row[position])).strip()
                in_hours.add(position)
        if matched and (best is None or len(matched) > len(best.columns)):
            best = HeaderMatch(index, matched, labels, repeated, frozenset(in_hours))
    return best


def _first_rows_with_content(rows: list[list[object]], count: int) -> list[tuple[int, list[object]]]:
    """(index, row) of the first ``count`` rows with a non-blank cell."""
    found: list[tuple[int, list[object]]] = []
    for index, row in enumerate(rows):
        if any(not is_blank(cell) for cell in row):
            found.append((index, row))
            if len(found) == count:
                break
    return found


def _sheet_score(rows: list[list[object]], table: Table) -> tuple[int, HeaderMatch | None]:
    header = find_header(rows, table)
    if header is None:
        return 0, None
    has_key = table.key in header.columns.values()
    required = [c for c in table.columns if c.required]
    found_required = sum(1 for c in header.columns.values() if c.required)
    # A sheet is this table's if its header names the key column, or most required columns:
    # units, dates and 备注 are shared by every table and prove nothing alone.
    if len(header.columns) >= 2 and (has_key or found_required * 2 > len(required)):
        return len(header.columns) * 2 + has_key, header
    return 0, header


def match_sheets(sheets: Sheets, table: Table | None = None) -> dict[str, list[str]]:
    """Which sheets hold which table: ``{table name: [sheet, ...]}``, each sheet matched by its header.

    With ``table`` given, only that table is looked for.
    """
    candidates = [table] if table is not None else [TABLES[name] for name in TABLES]
    found: dict[str, list[str]] = {}
    for sheet, rows in sheets.items():
        scores = [(_sheet_score(rows, t)[0], t) for t in candidates]
        score, best = max(scores, key=lambda item: item[0])
        if score:
            found.setdefault(best.name, []).append(sheet)
    return found


def _closest_sheet(sheets: Sheets, table: Table) -> str | None:
    """The sheet whose header names most of the table's columns, though too few to qualify."""
    counts = [
        (len(header.columns), sheet)
        for sheet, rows in sheets.items()
        if (header := find_header(rows, table)) is not None
    ]
    return max(counts)[1] if counts else None


def _sheets_with_one_tables_key(sheets: Sheets) -> tuple[Table, str] | None:
    """The one table whose id column (提醒编号, 问题编号 …) a sheet's header names, and that sheet, where the headers
    beside it are too few of the contract's to match: a clerk's ledger under headers of its own (单位名, 提醒时间)
    was refused as 无法判断这是哪张表, naming no sheet, row or column. None where no table's id, or several, is named."""
    keyed: dict[str, tuple[Table, str]] = {}
    for sheet, rows in sheets.items():
        for table in TABLES.values():
            if (header := find_header(rows, table)) is not None and table.key in header.columns.values():
                keyed.setdefault(table.name, (table, sheet))  # its first such sheet
    return next(iter(keyed.values())) if len(keyed) == 1 else None


def detect_table(source: Source) -> Table | None:
    """The table a file holds, judged by its header; ``None`` when no sheet looks like any table.

    With several tables in one workbook, the first in load order is returned;
    use ``match_sheets(load_sheets(source))`` to see them all.
    """
    found = match_sheets(load_sheets(source))
    for name in TABLES:
        if name in found:
            return TABLES[name]
    return None


def locate_tables(sheets: Sheets, file: str, table: Table | None = None) -> tuple[dict[str, list[str]], list[Problem]]:
    """Which sheets of one file hold which table, or the problem that says why none does."""
    if not any(any(not is_blank(v) for v in row) for rows in sheets.values() for row in rows):
        if table is None:
            # a CSV is read as one sheet named "": it has no sheets for "every sheet is empty" to speak of
            key = "error.file_blank_text" if list(sheets) == [""] else "error.file_blank"
            return {}, [problem_in_sheet(file, "", key)]
        return {}, [problem_in_sheet(file, "", "error.sheet_empty", table=table.zh)]
    found = match_sheets(sheets, table)
    if found:
        return found, []
    if table is None:
        keyed = _sheets_with_one_tables_key(sheets)
        if keyed is not None:  # read as that table, so the report names the columns missing where they are
            return {keyed[0].name: [keyed[1]]}, []
        return {}, [problem_in_sheet(file, "", "error.no_table_detected")]
    other = match_sheets(sheets)
    if other:
        name = next(iter(other))
        return {}, [
            problem_in_sheet(file, other[name][0], "error.table_mismatch", table=table.zh, found=TABLES[name].zh)
        ]
    closest = _closest_sheet(sheets, table)
    if closest is not None:
        return {table.name: [closest]}, []  # read it, so the report names the missing columns
    return {}, [problem_in_sheet(file, "", "error.no_header", table=table.zh)]
