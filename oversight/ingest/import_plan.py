"""What an import would do, worked out and checked whole without touching the data folder.

``plan_import`` reads the files against the current data (units and issue ids come from the folder, or
from the same batch), works out the would-be tables and their diff, writes the would-be folder into a
temporary directory and validates it there as the store will load it (an append onto ledgers that read cleanly:
the rows it adds only, ``_appended_rows_problems``). The plan lists every problem at
once; ``commit.apply_import`` writes a plan that has none.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd

from oversight import config
from oversight.contract.schema import LOAD_ORDER, TABLES, Table
from oversight.core import atomic, i18n
from oversight.core.numbers import grouped
from oversight.ingest import (
    appended_rows,
    files,
    hidden_parts,
    ledger_append,
    table_cache,
    unchecked_references,
    unit_references,
    workbook,
)
from oversight.ingest.cell_text import id_key
from oversight.ingest.cells import Context, UnitResolver
from oversight.ingest.files import Sheets, Source, Upload, batch_problems, load_sheets, load_workbook, source_name
from oversight.ingest.headers import locate_tables
from oversight.ingest.problems import (
    CHECKING_STOPPED,
    NO_RECORDS,
    Problem,
    ProblemCap,
    ValidationError,
    in_reading_order,
    not_a_folder,
)
from oversight.ingest.sheet_bounds import MAX_SHEET_CELLS
from oversight.ingest.sheets import TableRead, future_record_dates, read_sheets
from oversight.ingest.table_files import (
    KIND_NOT_READ,
    entry_problems,
    folder_state,
    open_elsewhere,
    table_files,
    table_path,
)

MODES = ("replace", "append")
# the line that opens the problems the would-be folder has: it introduces them and is not one of them
FOLDER_WOULD_BREAK = "error.folder_would_break"
NOTHING_READ = "error.nothing_read"


@dataclass(frozen=True)
class TableChange:
    """What an import does to one table: counts and the ids added, changed and removed."""

    table: str
    sources: tuple[str, ...]
    mode: str
    rows_in_file: int
    rows_before: int
    rows_after: int
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    skipped: tuple[tuple[str, int], ...] = ()  # (sheet, Excel row) of totals, notes and sign-off lines
    sheets: tuple[str, ...] = ()  # the sheets the table was read from ("" for a CSV)
    hidden: tuple[
        hidden_parts.HiddenRecords, ...
    ] = ()  # records in hidden rows, columns or sheets, imported all the same
    # a replace of a table whose file in the folder cannot be read at all (damaged, no header found): what is wrong
    # with it, for the report to say. None of its rows could be counted ("0 now, removed 0" for a damaged
    # meetings.xlsx), so the count says nothing of what the replace discards.
    unread_before: tuple[Problem, ...] = ()

    def as_dict(self, lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "table": self.table,
            "sources": list(self.sources),
            "mode": self.mode,
            "rows_in_file": self.rows_in_file,
            "rows_before": self.rows_before,
            "rows_after": self.rows_after,
            "added": list(self.added),
            "changed": list(self.changed),
            "removed": list(self.removed),
            "skipped": [{"sheet": sheet, "row": row} for sheet, row in self.skipped],
            "hidden": [part.as_dict() for part in self.hidden],
            "unread_before": [problem.as_dict(lang) for problem in self.unread_before],
        }


@dataclass
class ImportPlan:
    """Everything an import would do, worked out without touching the data folder."""

    folder: Path
    mode: str
    sources: tuple[str, ...]
    changes: dict[str, TableChange] = field(default_factory=dict)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # the would-be tables that change
    # the rows read from the files, per table: for an append the rows it adds, for a replace the new table whole
    from_files: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # table -> bytes of its new <table>.xlsx
    # an append written onto the ledger's own workbook, per table (``ledger_append``): the rows added are checked in
    # its probe, and once they read back as the file's rows, ``read_as`` holds what the new file reads as
    in_place: dict[str, ledger_append.AppendedWorkbook] = field(default_factory=dict)
    # table -> the frame its new file reads as, known without parsing it (the ledger before and the rows added, read
    # back): the commit puts it in the Parquet cache, so the check after the commit does not parse 190,000 rows again
    read_as: dict[str, pd.DataFrame] = field(default_factory=dict)
    # where each row read from the files stands in them (file, sheet, row, column), per table
    reads: dict[str, TableRead] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    folder_state: str = ""

    @property
    def unchanged(self) -> bool:
        """The files hold what the folder holds already: importing them would add a history entry, an audit line
        and an undo step that change nothing (the folder's own issues.xlsx imported again did)."""
        return bool(self.changes) and not any(
            change.added or change.changed or change.removed for change in self.changes.values()
        )

    @property
    def nothing_to_import_key(self) -> str:
        """Why an unchanged plan imports nothing: its files hold no record at all (a header-only ledger appended
        was told its data were "exactly the data already there"), or only what the folder holds already."""
        if any(change.rows_in_file for change in self.changes.values()):
            return "data.report.unchanged"
        return "data.report.no_records"

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.changes) and not self.unchanged

    @property
    def result(self) -> str:
        """What the check found, in a word a script can branch on: ``ok`` (an import would change the data),
        ``problems`` (listed), ``unchanged`` or ``no_records`` (nothing to import, and why). ``validate --json``
        printed "ok": false with no problem for the last two, a "no" with no reason."""
        if self.problems or not self.changes:
            return "problems"
        if self.unchanged:
            return self.nothing_to_import_key.rsplit(".", 1)[-1]
        return "ok"

    def verdict(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """The sentence that closes the check's report, for ``result``: passed, nothing to import and why, or how
        many problems were found."""
        if self.result == "problems":
            key = "data.report.found" + ("_stopped" if self.checking_stopped else "")
            return i18n.t(key, lang, count=grouped(self.problem_count)).rstrip("：:")
        return i18n.t(self.nothing_to_import_key if self.unchanged else "data.report.ok", lang)

    @property
    def problem_count(self) -> int:
        """The problems to fix, as "发现 N 个问题" counts them: not the line that introduces the would-be folder's
        (it counted a unit dropped from 99 rows as 100 problems)."""
        # nor the lines saying a file's references could not be checked: the failed file is the problem to fix
        not_to_fix = (FOLDER_WOULD_BREAK, CHECKING_STOPPED, *unchecked_references.NOTES)
        return sum(problem.message_key not in not_to_fix for problem in self.problems)

    @property
    def checking_stopped(self) -> bool:
        """Whether a file had more problems than a report lists, and was checked no further: there are more."""
        return any(problem.message_key == CHECKING_STOPPED for problem in self.problems)

    def as_dict(self, lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "result": self.result,
            "message": self.verdict(lang),
            "unchanged": self.unchanged,
            "mode": self.mode,
            "sources": list(self.sources),
            "tables": [change.as_dict(lang) for change in self.changes.values()],
            "problems": [problem.as_dict(lang) for problem in self.problems],
            "checking_stopped": self.checking_stopped,
        }


def _as_list(sources: Source | Sequence[Source]) -> list[Source]:
    return [sources] if isinstance(sources, (Path, str, Upload)) else list(sources)


def _read_folder_leniently(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, bool], list[Problem]]:
    """Every table of the folder as far as it reads, whether it read cleanly, and all problems.

    Like ``checked_folder.read_folder`` (accepts and refuses the same folders), but a table
    with a bad row still gives its other rows to the tables after it, so one
    missing unit is reported once per row that uses it, not again as every
    suggestion's "unknown issue".
    """
    frames: dict[str, pd.DataFrame] = {}
    clean: dict[str, bool] = {}
    problems: list[Problem] = []
    context = Context()
    keys: dict[str, str] = {}  # the cache keys of the tables that read cleanly, as checked_folder keys them
    for name in LOAD_ORDER:
        table = TABLES[name]
        refused = entry_problems(folder, table)
        if refused:
            problems += refused
            continue
        path = table_path(folder, table)
        if not path.exists():
            problems.append(Problem(file=path.name, message_key="error.file_missing", params={"table": table.zh}))
            continue
        # a table that validated as it is now comes from the Parquet cache: 190,000 meetings took 23 s to parse
        key, frame = _cached(folder, name, path, keys)
        table_problems: list[Problem] = []
        if frame is None:
            try:
                sheets = load_sheets(path, checked=False)
            except ValidationError as error:
                problems += error.problems
                continue
            found, located = locate_tables(sheets, path.name, table)
            problems += located
            if not found:
                continue
            read, table_problems = read_sheets(sheets, found[name], table, context, path.name)
            del sheets  # the grid of cells, let go before the next table's (see _plan_table)
            problems += table_problems
            frame = read.frame
        frames[name], clean[name] = frame, not table_problems
        if key is not None and not table_problems:
            keys[name] = key
        if name == "units" and not frame.empty:
            context.units = UnitResolver.from_units(frame[frame["unit_id"].notna()])
        elif name == "issues" and not frame.empty:
            context.know_issues(frame)
    ledgers = [name for name in LOAD_ORDER if name != "units"]
    if all(name in frames and frames[name].empty for name in ledgers):  # the dashboard's data_span refuses it
        problems.append(Problem(file="", message_key=NO_RECORDS))
    return frames, clean, problems


def _cached(folder: Path, name: str, path: Path, keys: dict[str, str]) -> tuple[str | None, pd.DataFrame | None]:
    """The table's cache key (where the tables it is checked against have theirs) and its cached frame, if fresh."""
    if not all(dependency in keys for dependency in table_cache.DEPENDENCIES[name]):
        return None, None
    key = table_cache.table_key(name, table_cache.FileKey.of(path), keys)
    return key, table_cache.load(folder, name, key)


def load_current(folder: Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """The folder's tables that read cleanly; unlike ``checked_folder.read_folder`` one bad table spoils no other."""
    frames, clean, problems = _read_folder_leniently(folder)
    return {name: frame for name, frame in frames.items() if clean[name]}, problems


def folder_problems(folder: Path) -> list[Problem]:
    """Everything that keeps the folder from loading; empty when ``checked_folder.read_folder`` would accept it."""
    return _read_folder_leniently(folder)[2]


@dataclass
class _Incoming:
    source: str
    sheets: Sheets
    sheet_names: list[str]
    visibility: hidden_parts.Visibility
    cap: ProblemCap  # the file's problems, bounded: shared by every table the file holds


def _collect_incoming(sources: list[Source], table: Table | None) -> tuple[dict[str, _Incoming], list[Problem]]:
    """Each table of the batch and the file (and sheets) it comes from."""
    incoming: dict[str, _Incoming] = {}
    problems: list[Problem] = []
    for source in sources:
        name = source_name(source)
        try:
            book = load_workbook(source)
        except ValidationError as error:
            problems += error.problems
            continue
        found, located = locate_tables(book.sheets, name, table)
        problems += located
        cap = ProblemCap(name)
        for table_name, sheet_names in found.items():
            if table_name in incoming:
                problems.append(
                    Problem(
                        file=name,
                        message_key="error.table_in_two_sources",
                        params={"table": TABLES[table_name].zh, "first": incoming[table_name].source, "second": name},
                    )
                )
                continue
            incoming[table_name] = _Incoming(name, book.sheets, sheet_names, book.visibility, cap)
    return incoming, problems


def plan_import(
    sources: Source | Sequence[Source], table: str | None = None, mode: str = "replace", folder: Path | None = None
) -> ImportPlan:
    """Check files against the current data and work out the import, without writing anything.

    ``sources`` are paths or ``Upload``s; ``table`` names the table when
    it should not be detected from the headers. The plan's ``problems`` list
    everything wrong at once; ``changes`` says what would happen to each table.
    """
    folder = Path(folder or config.data_dir())
    source_list = _as_list(sources)
    plan = ImportPlan(folder=folder, mode=mode, sources=tuple(source_name(s) for s in source_list))
    if mode not in MODES:
        plan.problems.append(Problem(file="", message_key="error.mode_invalid", params={"mode": mode}))
        return plan
    missing = not_a_folder(folder)
    if missing is not None:
        # a mistyped OVERSIGHT_DATA_DIR: checked against nothing, every row's unit was "not registered"
        plan.problems.append(missing)
        return plan
    plan.problems += batch_problems(source_list)
    # a file in the folder that is none of the table's (two of them, a name in capitals, a folder, a FIFO) is put
    # right by hand first: no import can tell which file holds the ledger, nor write over a folder. A meetings.xls
    # in place of meetings.xlsx is the one an import mends (and the would-be folder's check names it otherwise).
    plan.problems += [
        problem
        for name in LOAD_ORDER
        for problem in entry_problems(folder, TABLES[name])
        if problem.message_key != KIND_NOT_READ
    ]
    if plan.problems:
        return plan
    plan.folder_state = folder_state(folder)
    # a broken table that is not replaced is caught by the whole-folder check
    as_far_as_it_reads, clean, problems_now = _read_folder_leniently(folder)
    current = {name: frame for name, frame in as_far_as_it_reads.items() if clean[name]}
    incoming, plan.problems = _collect_incoming(source_list, TABLES[table] if table else None)
    refused: dict[str, list[Problem]] = {}
    if mode == "append":
        refused = _appends_to_unreadable_tables(folder, incoming, clean, problems_now)
    else:  # a replacement removes the rows that do read: counted, so that it is said (and asked for by name)
        current |= {name: frame for name, frame in as_far_as_it_reads.items() if name in incoming}

    after = dict(current)
    context = Context()
    # a table whose file had problems, and what of it read: references into it are set aside (see set_aside)
    failed: dict[str, unchecked_references.FailedTable] = {}
    read_of_failed: dict[str, pd.DataFrame] = {}
    # the table read last from each file, after which its grid of cells is let go (see _plan_table)
    last_of_file = {id(incoming[name].sheets): name for name in LOAD_ORDER if name in incoming}
    for name in LOAD_ORDER:
        if name in incoming:
            release = last_of_file[id(incoming[name].sheets)] == name
            incoming[name].cap.echo = unchecked_references.echo_test(name, failed)
            problems = _plan_table(
                plan, TABLES[name], incoming[name], current.get(name), after, context, release, read_of_failed
            )
            echoed = incoming[name].cap.take_echoes()
            plan.problems += unchecked_references.set_aside(problems, name, incoming[name].source, failed, echoed)
            if problems or echoed:
                frame = None if incoming[name].cap.stopped else read_of_failed.get(name)
                failed[name] = unchecked_references.failed_table(TABLES[name], incoming[name].source, frame)
        if name == "units" and "units" in after:
            context.units = UnitResolver.from_units(after["units"])
        elif name == "issues" and "issues" in after:
            context.know_issues(after["issues"])
    if refused:  # the file's own rows are checked all the same; its table's "0 now" counts are no change to show
        plan.problems = [problem for problems in refused.values() for problem in problems] + plan.problems
        plan.changes = {name: change for name, change in plan.changes.items() if name not in refused}
    for name, change in plan.changes.items():
        # a file that reads in part has its rows that read counted, and the replace removing them needs asking for
        if mode == "replace" and table_files(folder, name) and name not in as_far_as_it_reads:
            unread = tuple(problem for problem in problems_now if problem.file in _file_names(folder, name))
            plan.changes[name] = dataclasses.replace(change, unread_before=unread)
    # said before the button, as well as refused by the commit (which checks again under the lock)
    plan.problems += open_elsewhere(
        folder, [file for name in plan.changes for file in (*_file_names(folder, name), TABLES[name].file_name)]
    )
    if not plan.changes and not plan.problems:
        # every file names a table or a problem, and every table read gives a change or a problem: a check that read
        # nothing says so, not "检查通过" over nothing (the page showed nothing at all, the JSON a "no" with no reason)
        plan.problems.append(Problem(file="", message_key=NOTHING_READ))
    if plan.problems or not plan.changes:
        return plan
    units = after.get("units")
    if mode == "append" and not problems_now:
        plan.in_place = _appended_in_place(plan, current, units)
    plan.files = {
        name: plan.in_place[name].data
        if name in plan.in_place
        else workbook.ledger_xlsx_bytes(TABLES[name], plan.frames[name], units)
        for name in plan.changes
    }
    appended = _appended_rows_problems(plan, after) if not problems_now else None
    if appended is not None:
        plan.problems += appended_rows.at_the_files_rows(appended, plan.changes, plan.reads)
        return plan
    problems = validate_would_be_folder(
        folder, {name: (TABLES[name].file_name, data) for name, data in plan.files.items()}
    )
    if "units" in plan.changes:  # a unit renamed or removed that the other ledgers name: once per unit
        problems = unit_references.summarised(problems, current.get("units"), after["units"])
    plan.problems += appended_rows.at_the_files_rows(problems, plan.changes, plan.reads)
    return plan


def _appended_in_place(
    plan: ImportPlan, current: dict[str, pd.DataFrame], units: pd.DataFrame | None
) -> dict[str, ledger_append.AppendedWorkbook]:
    """Each appended table whose .xlsx ledger takes the rows after its own (``ledger_append``), written so."""
    written = {}
    for name, change in plan.changes.items():
        path = table_path(plan.folder, TABLES[name])
        if name == "units" or name not in current or not change.rows_before or path.suffix != ".xlsx":
            continue
        appended = ledger_append.append_rows(
            path.read_bytes(), TABLES[name], plan.from_files[name], units, change.rows_before
        )
        if appended is not None:
            written[name] = appended
    return written


def _appended_rows_problems(plan: ImportPlan, after: dict[str, pd.DataFrame]) -> list[Problem] | None:
    """An append onto ledgers that read cleanly, checked in proportion to what it adds; None where only the whole
    would-be folder's check (``validate_would_be_folder``) can say.

    Writing the would-be folder to scratch and parsing it again cost a one-row append onto 190,000 meetings a
    minute and a half. What that check finds in such an append lies in the rows added: the rows before are the
    folder's, read cleanly against these very units and issues (from the cache, keyed on this code), the other
    tables are not touched, and an added row's id was checked against the rows before (``_already_present``). So
    the added rows alone are written as the ledger keeps them, read back against the would-be units and issues,
    and their problems named at the rows they will have in the ledger. Units (whose names every table resolves),
    a table not there yet and a sheet the bound would refuse take the whole check.
    """
    if plan.mode != "append" or "units" in plan.changes:
        return None
    context = Context()
    if "units" in after:
        context.units = UnitResolver.from_units(after["units"])
    if "issues" in after:
        context.know_issues(after["issues"])
    problems: list[Problem] = []
    for name, change in plan.changes.items():
        table = TABLES[name]
        if not change.rows_before or (change.rows_after + 1) * len(table.columns) > MAX_SHEET_CELLS:
            return None
        added = plan.from_files[name]
        in_place = plan.in_place.get(name)
        # written onto the ledger: its header and the rows added, in its own styles; else as the ledger is rewritten
        data = in_place.probe if in_place else workbook.ledger_xlsx_bytes(table, added, after.get("units"))
        try:  # the rows added, read from their bytes as any file is
            sheets = files.load_sheets(Upload(table.file_name, data), checked=False)
        except ValidationError:
            return None
        found, located = locate_tables(sheets, table.file_name, table)
        if located or not found:
            return None
        read, read_problems = read_sheets(sheets, found[name], table, context, table.file_name)
        if len(read.frame) != len(added):
            return None  # a row written that does not read back as one: the whole check says what it is
        if in_place:
            if read_problems or not _same_values(read.frame, added):
                # the rows written onto the ledger do not read back as the file's (valid is not enough: the values
                # must be the file's): the ledger is written whole instead, as before, and the whole check reads it
                del plan.in_place[name]
                plan.files[name] = workbook.ledger_xlsx_bytes(table, plan.frames[name], after.get("units"))
                return None
            # the would-be table itself (the rows before and the file's, equal to those read back): not a second
            # copy of 190,000 rows held while a check waits on the Data page for its 确认导入
            plan.read_as[name] = plan.frames[name]
        problems += [
            dataclasses.replace(problem, row=problem.row + change.rows_before) if problem.row else problem
            for problem in read_problems
        ]
    return [Problem(file="", message_key=FOLDER_WOULD_BREAK), *problems] if problems else []


def _same_values(read: pd.DataFrame, expected: pd.DataFrame) -> bool:
    return _comparable(read.reset_index(drop=True)).equals(_comparable(expected.reset_index(drop=True)))


def _file_names(folder: Path, name: str) -> set[str]:
    return {path.name for path in table_files(folder, name)}


def _appends_to_unreadable_tables(
    folder: Path, incoming: dict[str, _Incoming], clean: dict[str, bool], problems_now: list[Problem]
) -> dict[str, list[Problem]]:
    """Each append onto a ledger of the folder that does not validate, refused with the ledger's own problems.

    Checked against none of its records, an append replaced them with the file's rows, reported as "0 now, removed
    0": one date typed 2019-02-30 into meetings.xlsx by hand, and the next meeting appended left the dashboard one.
    """
    refused: dict[str, list[Problem]] = {}
    for name in incoming:
        files = table_files(folder, name)
        if not files or clean.get(name, False):  # no file yet: the append makes the table, losing nothing
            continue
        names = {path.name for path in files}
        lead = Problem(file=files[0].name, message_key="error.append_to_unreadable", params={"table": TABLES[name].zh})
        refused[name] = [lead, *(problem for problem in problems_now if problem.file in names)]
    return refused


def _plan_table(
    plan: ImportPlan,
    table: Table,
    incoming: _Incoming,
    before: pd.DataFrame | None,
    after: dict[str, pd.DataFrame],
    context: Context,
    release: bool = False,
    read_of_failed: dict[str, pd.DataFrame] | None = None,
) -> list[Problem]:
    if incoming.cap.stopped:  # another table of the file stopped its checking, and its last line says so
        return []
    read, problems = read_sheets(incoming.sheets, incoming.sheet_names, table, context, incoming.source, incoming.cap)
    if release:
        # no other table reads this file's cells: a sheet of 190,000 meetings is some 500 MB of Python objects,
        # held through the diff and the would-be folder's check below (validate peaked at 1.2 GB)
        incoming.sheets.clear()
    appending = plan.mode == "append" and before is not None
    problems += incoming.cap.collect(
        # checked on the file's rows only: a folder that holds such a date already still loads, and takes appends
        future_record_dates(read, config.team_now().date()),
        # with the file's own problems, not after them: every problem in one report
        _already_present(read, table, cast(pd.DataFrame, before)) if appending else (),
    )
    if problems or incoming.cap.echo_rows:  # rows set aside (``ProblemCap.echo``) are not read as checked either
        if read_of_failed is not None:  # what did read: whose records the rows of later tables may name
            read_of_failed[table.name] = read.frame
        return in_reading_order(problems, incoming.sheet_names)
    frame = read.frame
    if appending:
        frame = pd.concat([before, frame], ignore_index=True)
    after[table.name] = frame
    plan.frames[table.name] = frame
    plan.from_files[table.name] = read.frame
    plan.reads[table.name] = read
    ids: tuple[tuple[str, ...], ...]
    if appending:  # the rows before are kept as they are, and every id added was new (``_already_present``)
        ids = tuple(read.frame[table.key.name]), (), ()
    else:  # every row compared as text: the whole ledger's, for an append that changes none of it
        ids = diff_ids(table, before, frame)
    added, changed, removed = ids
    plan.changes[table.name] = TableChange(
        table=table.name,
        sources=(incoming.source,),
        mode=plan.mode,
        rows_in_file=len(read.frame),
        rows_before=0 if before is None else len(before),
        rows_after=len(frame),
        added=added,
        changed=changed,
        removed=removed,
        skipped=tuple(read.skipped),
        sheets=tuple(read.sheets),
        hidden=hidden_parts.hidden_in(incoming.visibility, read.origins, read.labels),
    )
    return []


def _already_present(read, table: Table, before: pd.DataFrame) -> Iterable[Problem]:  # noqa: ANN001 — a TableRead
    """Rows an append would add whose id the table has already (or one a clerk reads as the same)."""
    key = table.key.name
    if read.frame.empty or key not in read.frame:
        return []
    present = {id_key(value): value for value in before[key] if isinstance(value, str)}
    return (
        Problem(
            message_key="error.append_duplicate" if present[id_key(value)] == value else "error.append_lookalike",
            params={"value": value, "existing": present[id_key(value)]},
            **read.locate(i, key),
        )
        for i, value in enumerate(read.frame[key])
        if isinstance(value, str) and id_key(value) in present
    )


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    values = frame.astype(object)
    return values.where(values.notna(), "").astype(str)


def diff_ids(table: Table, before: pd.DataFrame | None, after: pd.DataFrame) -> tuple[tuple[str, ...], ...]:
    """Ids added, changed (any value differs) and removed, going from ``before`` to ``after``."""
    key = table.key.name
    if before is None or before.empty:
        return tuple(after[key]), (), ()
    old = _comparable(before).set_index(key)
    new = _comparable(after).set_index(key)
    added = tuple(new.index[~new.index.isin(old.index)])
    removed = tuple(old.index[~old.index.isin(new.index)])
    common = new.index[new.index.isin(old.index)]
    differs = (new.loc[common] != old.loc[common, new.columns]).any(axis=1)
    return added, tuple(common[differs.to_numpy()]), removed


def validate_would_be_folder(
    folder: Path, writes: dict[str, tuple[str, bytes] | None], cached: Iterable[Path] = ()
) -> list[Problem]:
    """The whole folder as it would be after the writes, validated in a temporary copy.

    The copy has the folder's cache files and ``cached`` (an undo's: those its entry kept) in its cache: a file is
    keyed by its bytes, so an unchanged ledger, or one given back byte for byte, is read from Parquet (undo parsed
    190,000 meetings here, and the commit's check parsed them again)."""
    on_disk: list[Problem] = []
    left_out: set[str] = set()  # the Chinese names of the tables not copied, which the copy lacks
    with atomic.temporary_folder("oversight-check-") as target:
        table_cache.adopt(target, [*table_cache.kept_for(folder, LOAD_ORDER), *cached], within=folder)
        for name in LOAD_ORDER:
            if name in writes:
                continue
            refused = entry_problems(folder, TABLES[name])
            if refused:  # not a file to copy (a FIFO would block the copy): named as the folder has it
                on_disk += refused
                left_out.add(TABLES[name].zh)
                continue
            for path in table_files(folder, name):
                shutil.copyfile(path, target / path.name)
        for write in writes.values():
            if write is not None:
                (target / write[0]).write_bytes(write[1])
        problems = on_disk + [
            problem
            for problem in folder_problems(target)
            if not (problem.message_key == "error.file_missing" and problem.params.get("table") in left_out)
        ]
    return [Problem(file="", message_key=FOLDER_WOULD_BREAK), *problems] if problems else []
