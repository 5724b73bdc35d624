"""A table read from a file: each sheet's records parsed into the contract's columns, then checked whole.

``read_source`` is the whole way from a file to a typed frame (``load_sheets`` → ``locate_tables`` →
``read_sheets``); every problem of every sheet is collected before ``ValidationError`` is raised, so the
user can fix the file in one pass, up to ``problems.MAX_PROBLEMS_PER_FILE`` a file: past them the file is checked
no further (``ProblemCap``), and the report's last line says so.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

import pandas as pd

from oversight.contract.schema import RECORD_DATES, Column, Table
from oversight.ingest.cell_text import (
    ErrorValue,
    column_letter,
    error_value_of_text,
    id_key,
    is_blank,
    normalise_header,
)
from oversight.ingest.cells import CACHED_KINDS, UNIT_NAME_SEPARATORS, CellError, Context, cell_parser
from oversight.ingest.files import Sheets, Source, load_sheets, source_name
from oversight.ingest.headers import find_header, locate_tables
from oversight.ingest.problems import ChecksStopped, Problem, ProblemCap, ValidationError, problem_in_sheet
from oversight.ingest.record_rows import record_rows

ColumnLabels = dict[str, tuple[str, str]]  # contract column -> (header as written, Excel column letter)


@dataclass
class TableRead:
    """A table's rows read from one file, and where each row came from."""

    table: Table
    frame: pd.DataFrame
    origins: list[tuple[str, int]]  # (sheet, Excel row) per frame row
    sheets: list[str]
    file: str
    labels: dict[str, ColumnLabels] = field(default_factory=dict)  # sheet -> where each column sits
    skipped: list[tuple[str, int]] = field(default_factory=list)  # (sheet, Excel row) read as no record

    def locate(self, position: int, column: str) -> dict[str, Any]:
        """Problem fields naming the cell of ``column`` in frame row ``position``."""
        sheet, row = self.origins[position]
        label, letter = self.labels.get(sheet, {}).get(column, (self.table.column(column).zh, None))
        return {
            "file": self.file,
            "sheet": sheet or None,
            "row": row,
            "column": label,
            "column_letter": letter,
            "field": column,
        }


_BLANK = object()


def _parse_column(
    rows: list[list[object]],
    indexes: list[int],
    excel_rows: list[int],
    position: int,
    column: Column,
    values: list[object],
    context: Context,
    where: tuple[str, str, str, str],
    cap: ProblemCap,
    in_hours: bool = False,
) -> None:
    """Fill ``values`` with one column's parsed cells, and ``cap`` with its problems; the hot loop of a 100k-row
    import.

    Every outcome (value, blank or error) is cached per distinct cell value for the
    kinds with few distinct values, so a column of nine unit names is parsed nine times.
    """
    file, sheet, label, letter = where
    parse = cell_parser(column, context, in_hours)
    cached = column.kind in CACHED_KINDS
    cache: dict[tuple[type, object], object] = {}
    for slot, index in enumerate(indexes):
        row = rows[index]
        value = row[position] if position < len(row) else None
        outcome: object
        if value.__class__ is ErrorValue or (
            value.__class__ is str and value.lstrip()[:1] == "#" and error_value_of_text(value)
        ):
            # #N/A and its kind read as "" from the reader: refused in every column, never taken for a blank; and the
            # same value as a cell's text, as Excel saves it to a CSV (or a system writes it), is no description or id
            outcome = CellError("error.cell_error_value", value=str(value).strip())
        elif cached:
            cache_key = (value.__class__, value)
            outcome = cache.get(cache_key)
            if outcome is None:
                if is_blank(value):
                    outcome = _BLANK
                else:
                    try:
                        outcome = (parse(value),)
                    except CellError as error:
                        outcome = error
                cache[cache_key] = outcome
        elif (
            value is None
            or value == ""
            or (value.__class__ is str and (value.isspace() or (not value.isprintable() and is_blank(value))))
            or (value.__class__ is float and value != value)
        ):
            outcome = _BLANK
        else:
            try:
                outcome = (parse(value),)
            except CellError as error:
                outcome = error
        if outcome.__class__ is tuple:
            values[slot] = outcome[0]
        elif outcome is _BLANK:
            if column.required:
                cap.add(
                    problem_in_sheet(file, sheet, "error.value_missing", excel_rows[slot], label, letter, column.name)
                )
        else:
            refused = cast(CellError, outcome)  # neither a value nor a blank: what the parser refused
            cap.add(
                problem_in_sheet(
                    file, sheet, refused.key, excel_rows[slot], label, letter, column.name, **refused.params
                )
            )


def parse_sheet(
    rows: list[list[object]],
    table: Table,
    context: Context,
    file: str,
    sheet: str,
    cap: ProblemCap,
    release: bool = False,
) -> tuple[pd.DataFrame, list[int], ColumnLabels, list[int]]:
    """Normalise one sheet's rows into the table's columns; its problems go to ``cap``. ``release``: the rows are the
    caller's no more, and are emptied once every cell is parsed, before the frame is built from the parsed columns.

    Returns the frame, the Excel row of each frame row, where each column sits, and the Excel rows skipped as
    totals, notes, repeated headers or sign-off lines. Raises ``ChecksStopped`` once the file has too many problems.
    """
    header = find_header(rows, table)
    if header is None:
        key = "error.sheet_empty" if not any(any(not is_blank(v) for v in r) for r in rows) else "error.no_header"
        cap.add(problem_in_sheet(file, sheet, key, table=table.zh))
        return pd.DataFrame(), [], {}, []
    found = {c.name for c in header.columns.values()}
    missing = [c for c in table.columns if c.required and c.name not in found]
    for column in missing:
        cap.add(
            problem_in_sheet(
                file,
                sheet,
                "error.column_missing",
                row=header.row_index + 1,
                column=column.zh,
                field_name=column.name,
                name=column.zh,
                english=column.name,
            )
        )
    for position, first in header.repeated.items():
        # the second copy's data was dropped without a word: which of the two the clerk meant, no one can tell
        column = header.columns[first]
        cap.add(
            problem_in_sheet(
                file,
                sheet,
                "error.column_repeated",
                row=header.row_index + 1,
                column=header.labels[position],
                letter=column_letter(position),
                field_name=column.name,
                name=column.zh,
                english=column.name,
                first=header.labels[first],
                first_letter=column_letter(first),
                second=header.labels[position],
                second_letter=column_letter(position),
            )
        )
    if missing or header.repeated:
        return pd.DataFrame(), [], {}, []

    indexes, skipped, unsummed = record_rows(rows, header, table, sheet)
    for total in unsummed:  # one sentence for the row, not "required value is empty" once per column
        cap.add(
            problem_in_sheet(
                file,
                sheet,
                "error.total_unlabelled" if total.total is not None else "error.total_unlabelled_unsummed",
                total.index + 1,
                header.labels[total.position],
                column_letter(total.position),
                header.columns[total.position].name,
                value=total.value,
                total=total.total,
            )
        )
    excel_rows = [index + 1 for index in indexes]
    columns: dict[str, list[object]] = {c.name: [None] * len(indexes) for c in table.columns}
    for position, column in header.columns.items():
        _parse_column(
            rows,
            indexes,
            excel_rows,
            position,
            column,
            columns[column.name],
            context,
            (file, sheet, header.labels[position], column_letter(position)),
            cap,
            position in header.in_hours,
        )
    for position, column in header.columns.items():
        if _lengths_look_like_hours(column, header.labels[position], position in header.in_hours, columns[column.name]):
            cap.add(
                problem_in_sheet(
                    file,
                    sheet,
                    "error.length_unit_unclear",
                    header.row_index + 1,
                    header.labels[position],
                    column_letter(position),
                    column.name,
                    most=LONGEST_LENGTH_THAT_LOOKS_LIKE_HOURS,
                )
            )
    if release:
        rows.clear()  # a million raw rows let go before their parsed columns are copied into the frame
    frame = _frame_of(columns, table, len(indexes))
    labels = {c.name: (header.labels[p], column_letter(p)) for p, c in header.columns.items()}
    cap.extend(_check_row_rules(frame, excel_rows, table, labels, file, sheet))
    cap.extend(_links_to_other_units(frame, excel_rows, table, labels, context, (file, sheet)))
    return frame, excel_rows, labels, [index + 1 for index in skipped]


def _frame_of(columns: dict[str, list[object]], table: Table, rows: int) -> pd.DataFrame:
    """The parsed columns as a frame, as ``pd.DataFrame(columns)`` makes it (each column's type inferred from its
    values), one column at a time, each list let go as soon as it is in the frame: built whole, every list, its array
    and the frame's block of them all were held at once, 165 MB above a million meetings' parsed cells."""
    frame = pd.DataFrame(index=pd.RangeIndex(rows))
    for column in table.columns:
        frame[column.name] = columns.pop(column.name)
    return frame


# A column headed with no unit (会议时长, 时长, Duration) is read as minutes; a clerk who kept it in hours (1, 2, 3)
# had every meeting read as 1-3 minutes, and 平均会议时长2分钟 read aloud. No meeting of a party group lasts so
# little, so a column whose every length is this short is asked about, not guessed either way.
LONGEST_LENGTH_THAT_LOOKS_LIKE_HOURS = 12
_UNIT_NAMED = re.compile(r"分钟|min|小时|hour|hrs?\b|\(h\)|（h）", re.IGNORECASE)


def _lengths_look_like_hours(column: Column, label: str, in_hours: bool, values: list[object]) -> bool:
    """Whether a length column headed without its unit holds only lengths short enough to be hours."""
    if not column.minutes or in_hours or _UNIT_NAMED.search(label):
        return False
    lengths = [value for value in values if isinstance(value, (int, float)) and value == value]
    return bool(lengths) and 0 < max(lengths) <= LONGEST_LENGTH_THAT_LOOKS_LIKE_HOURS


# The tables that must hold records: every ledger row names a unit of the units sheet, so without units nothing
# reads. A ledger with its header and no rows is a quarter with nothing of its kind yet (a new team, a new
# ledger): it loads as none, and the pages say so (``checked_folder.header_only_ledgers``), rather than stopping
# the dashboard and every other table's figures with it.
MUST_HOLD_RECORDS = frozenset({"units"})


def check_table(read: TableRead) -> Iterator[Problem]:
    """Whole-table rules: records where the table must have them, and unique columns unique across every sheet."""
    table, frame = read.table, read.frame
    if frame.empty:
        if table.name in MUST_HOLD_RECORDS:
            yield problem_in_sheet(
                read.file, read.sheets[0] if read.sheets else "", "error.sheet_empty", table=table.zh
            )
        return
    for column in table.columns:
        if not column.unique:
            continue
        # id_key → the frame row it was first seen at (a position, not a tuple of the id, sheet and row: a million of
        # those held 64 MB more while a million meetings' ids were compared)
        first_seen: dict[object, int] = {}
        values = frame[column.name]
        for position, (value, (sheet, _)) in enumerate(zip(values, read.origins)):
            if value is None or value != value:
                continue
            seen_as = id_key(value)
            first = first_seen.get(seen_as)
            if first is not None:
                first_value, (first_sheet, first_row) = values.iloc[first], read.origins[first]
                # the sheet is named only where it is another (a CSV has none: "与工作表“”第2行" was no sentence)
                key = "error.duplicate_lookalike" if first_value != value else "error.duplicate"
                if first_sheet != sheet:
                    key += "_other_sheet"
                yield Problem(
                    message_key=key,
                    **read.locate(position, column.name),
                    params={
                        "value": value,
                        "first_value": first_value,
                        "first_row": first_row,
                        "first_sheet": first_sheet,
                    },
                )
            else:
                first_seen[seen_as] = position
    if table.name == "units":
        yield from _names_shared_by_units(read)


# The columns of the units sheet a ledger's 单位 cell may name a unit by (cells.UnitResolver reads the same), and
# the English short name an English chart labels a unit's bar with: two units under one label were drawn as one
# bar (Plotly puts equal categories on one row), with one unit's figures hidden behind the other's
_UNIT_NAME_COLUMNS = ("unit_id", "name_zh", "name_en", "short_names", "short_name_en")


def _names_shared_by_units(read: TableRead) -> list[Problem]:
    """Every id, name and short name names one unit only: a short name two units shared sent every ledger row
    that used it to the first of them, silently (and into that unit's account's view); an English short name two
    units shared drew them as one bar."""
    first_named: dict[str, tuple[str, str, int]] = {}  # spelling → (unit id, sheet, Excel row)
    problems = []
    for position, (sheet, excel_row) in enumerate(read.origins):
        unit_id = read.frame["unit_id"].iloc[position]
        if not isinstance(unit_id, str):
            continue  # a row without a valid id has its own problem already
        for column in _UNIT_NAME_COLUMNS:
            if column not in read.frame.columns:
                continue
            cell = read.frame[column].iloc[position]
            spellings = (
                UNIT_NAME_SEPARATORS.split(cell) if column == "short_names" and isinstance(cell, str) else [cell]
            )
            for spelling in spellings:
                if not isinstance(spelling, str) or not spelling.strip():
                    continue
                key = normalise_header(spelling)
                owner = first_named.setdefault(key, (unit_id, sheet, excel_row))
                if owner[0] != unit_id:
                    problems.append(
                        Problem(
                            message_key="error.unit_name_shared",
                            **read.locate(position, column),
                            params={"value": spelling.strip(), "first_row": owner[2], "unit": owner[0]},
                        )
                    )
    return problems


def _check_row_rules(
    frame: pd.DataFrame, excel_rows: list[int], table: Table, labels: dict[str, tuple[str, str]], file: str, sheet: str
) -> Iterable[Problem]:
    """Rules that involve two cells of a row."""
    if table.name != "issues" or frame.empty:
        return
    label, letter = labels.get("rectified_date", (table.column("rectified_date").zh, None))
    due_label, due_letter = labels.get("due_date", (table.column("due_date").zh, None))
    for raised, done, due, status, excel_row in zip(
        frame["date_raised"], frame["rectified_date"], frame["due_date"], frame["status"], excel_rows
    ):
        if raised is not None and due is not None and due < raised:
            # a deadline before the issue was raised is a typing error: counted, the issue was overdue on the day
            # it was raised (已逾期121天 in the digest for an issue raised 2 April with a deadline of 1 March)
            yield problem_in_sheet(
                file,
                sheet,
                "error.due_before_raised",
                excel_row,
                due_label,
                due_letter,
                "due_date",
                raised=raised.isoformat(),
                due=due.isoformat(),
            )
        if raised is not None and done is not None and done < raised:
            yield problem_in_sheet(
                file,
                sheet,
                "error.rectified_before_raised",
                excel_row,
                label,
                letter,
                "rectified_date",
                raised=raised.isoformat(),
                rectified=done.isoformat(),
            )
        if status == "rectified" and done is None:
            yield problem_in_sheet(
                file, sheet, "error.rectified_without_date", excel_row, label, letter, "rectified_date"
            )


def _links_to_other_units(
    frame: pd.DataFrame,
    excel_rows: list[int],
    table: Table,
    labels: dict[str, tuple[str, str]],
    context: Context,
    where: tuple[str, str],
) -> list[Problem]:
    """A suggestion links to an issue of its own unit: a link to another unit's issue put that issue's description
    in the suggestion's row, before the eyes of an account that may see only the suggestion's unit."""
    if table.name != "suggestions" or frame.empty or context.units is None:
        return []
    label, letter = labels.get("issue_id", (table.column("issue_id").zh, None))
    problems = []
    for unit, issue_id, excel_row in zip(frame["unit"], frame["issue_id"], excel_rows):
        issue_unit = context.issue_units.get(issue_id) if isinstance(issue_id, str) else None
        if not isinstance(unit, str) or not issue_unit or issue_unit == unit:
            continue  # no link, an unknown one, or a unit that did not read: each has its own problem
        (issue_zh, issue_en), (unit_zh, unit_en) = (context.units.names.get(u, (u, u)) for u in (issue_unit, unit))
        problems.append(
            problem_in_sheet(
                *where,
                "error.ref_other_unit",
                excel_row,
                label,
                letter,
                "issue_id",
                value=issue_id,
                issue_unit_zh=issue_zh,
                issue_unit_en=issue_en,
                unit_zh=unit_zh,
                unit_en=unit_en,
            )
        )
    return problems


def future_record_dates(read: TableRead, today: date) -> Iterator[Problem]:
    """Each record date of the file's rows (``schema.RECORD_DATES``) after ``today``: the latest record date is the
    dashboard's data date, so one year typed 2030 for 2020 moved every page's default period to 2030 (all zeros,
    every unit "not consulted"). Deadlines, and the planned rectification of an issue not rectified, may lie ahead."""
    for record in RECORD_DATES:
        if record.table != read.table.name:
            continue
        statuses = read.frame["status"] if record.status else None
        for position, day in enumerate(read.frame[record.column]):
            if not isinstance(day, date) or day <= today:
                continue
            if statuses is not None and statuses.iloc[position] != record.status:
                continue
            yield Problem(
                message_key="error.date_after_today",
                params={"value": day.isoformat(), "today": today.isoformat()},
                **read.locate(position, record.column),
            )


# a sheet whose records were not read: the whole table's checks would call it empty
_UNREAD_SHEET = ("error.column_missing", "error.column_repeated", "error.no_header")


def read_sheets(
    sheets: Sheets,
    sheet_names: list[str],
    table: Table,
    context: Context,
    file: str,
    cap: ProblemCap | None = None,
    release: bool = False,
) -> tuple[TableRead, list[Problem]]:
    """The table from the named sheets of one file, concatenated (a ledger may keep one sheet per year), and its
    problems. ``cap`` bounds the file's problems (pass the file's own when it holds more than one table): past it the
    checking stops, the problems end with the line that says so and the table read is empty. ``release``: the caller
    hands the sheets over, and each sheet's raw rows are let go (taken out of ``sheets``) once parsed, before the
    whole table is checked: a million meetings' rows (255 MB) were still held while their ids were compared."""
    cap = cap or ProblemCap(file)
    empty = TableRead(table, pd.DataFrame({c.name: [] for c in table.columns}), [], list(sheet_names), file)
    if cap.stopped:
        return empty, [cap.stopped_problem()]
    start = len(cap.problems)
    frames, origins, labels, skipped = [], [], {}, []
    try:
        for sheet in sheet_names:
            frame, excel_rows, labels[sheet], skipped_rows = parse_sheet(
                sheets.pop(sheet) if release else sheets[sheet], table, context, file, sheet, cap, release
            )
            skipped += [(sheet, row) for row in skipped_rows]
            if excel_rows:
                frames.append(frame)
                origins += [(sheet, row) for row in excel_rows]
        if frames:
            frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
            read = TableRead(table, frame, origins, list(sheet_names), file, labels, skipped)
        else:
            read = dataclasses.replace(empty, labels=labels, skipped=skipped)
        if not any(p.message_key in _UNREAD_SHEET for p in cap.problems[start:]):
            cap.extend(check_table(read))
    except ChecksStopped:
        return empty, cap.since(start)
    return read, cap.since(start)


def read_source(
    source: Source, table: Table, context: Context | None = None, checked: bool = True, cap: ProblemCap | None = None
) -> TableRead:
    """The table's rows from one file (path or upload); raises ``ValidationError`` listing every problem. ``cap``:
    the file's bound on its problems, for a caller that reads the rows it set aside (``ProblemCap.echo``)."""
    context = context or Context()
    file = source_name(source)
    sheets = load_sheets(source, checked)
    found, problems = locate_tables(sheets, file, table)
    if problems:
        raise ValidationError(problems)
    read, problems = read_sheets(sheets, found[table.name], table, context, file, cap, release=True)
    del sheets
    if problems:
        raise ValidationError(problems)
    return read


def read_table(path: Path, table: Table, context: Context | None = None, cap: ProblemCap | None = None) -> pd.DataFrame:
    """The table's rows from ``path``, typed and normalised; raises ``ValidationError`` listing every problem.

    In a workbook with several sheets, every sheet whose header is this
    table's is read, and their rows are taken together.
    """
    return read_source(Path(path), table, context, checked=False, cap=cap).frame
