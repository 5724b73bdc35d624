"""The data folder read whole: every table, each checked against the tables before it, from the cache where fresh.

This is the one place that knows which table is checked against which: ``units`` gives the unit names every
other table resolves, ``issues`` the ids suggestions refer to (``table_cache.DEPENDENCIES`` keys the cache the
same way). The store, an import's check of the would-be folder and the CLI all read a folder through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import cast

import pandas as pd

from oversight import config
from oversight.contract.schema import LOAD_ORDER, TABLES
from oversight.core import locking
from oversight.ingest import sheets, table_cache, table_files, unchecked_references
from oversight.ingest.cells import Context, UnitResolver
from oversight.ingest.files import load_sheets
from oversight.ingest.folder_lock import LOCK_FILE, LOCK_MODE
from oversight.ingest.headers import locate_tables
from oversight.ingest.problems import Problem, ProblemCap, ValidationError, not_a_folder, problem_in_sheet
from oversight.ingest.table_files import entry_problems, table_path

# How long a reader waits for an import to finish before saying the data is being updated: longer than any
# import's check and commit of the largest folder the contract allows.
READ_WAIT_S = 120.0


def read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table of the folder, validated against each other; raises ``ValidationError`` with all problems.

    A table whose file (and the files it is checked against) is unchanged since
    it last validated comes from the Parquet cache in ``<folder>/.cache``.
    """
    return cast(dict[str, pd.DataFrame], load_folder(Path(folder)))


def load_folder(
    folder: Path, prefer_paths: bool = False, fingerprint: str | None = None
) -> dict[str, pd.DataFrame | Path]:
    """Each table as a frame, or (``prefer_paths``) as the path of its fresh Parquet cache file where one is.

    Read under the folder's shared lock: an import replacing several tables holds the exclusive one from its
    check to its last rename, so a reader (another session, another replica) sees all of it or none of it.
    ``fingerprint``: the version the reader means to read (``table_files.fingerprint``), looked at under the same
    lock; ``table_files.DataChanged`` where the folder is at another one now, and nothing is read.
    """
    problem = not_a_folder(Path(folder))
    if problem is not None:
        raise ValidationError([problem])
    try:
        with locking.shared(Path(folder) / LOCK_FILE, timeout=READ_WAIT_S, mode=LOCK_MODE):
            if fingerprint is not None:
                found = table_files.fingerprint(Path(folder))
                if found != fingerprint:
                    raise table_files.DataChanged(fingerprint, found)
            return _load_tables(Path(folder), prefer_paths)
    except locking.LockBusy as busy:
        raise ValidationError(
            [
                Problem(
                    file="",
                    message_key="error.data_updating",
                    params={"since": config.team_time_text(busy.holder.get("since"), "?")},
                )
            ]
        ) from None


def _load_tables(folder: Path, prefer_paths: bool) -> dict[str, pd.DataFrame | Path]:
    loaded: dict[str, pd.DataFrame | Path] = {}
    keys: dict[str, str] = {}
    problems: list[Problem] = []
    context = Context()
    # a table that failed to read: the references of later tables into it are set aside, counted in one line per
    # file (``unchecked_references``). One bad cell in issues.xlsx also gave 26 suggestions whose 关联问题编号 "did
    # not exist"; dropped without a word, they left the suggestions file looking checked.
    failed: dict[str, unchecked_references.FailedTable] = {}
    for name in LOAD_ORDER:
        table = TABLES[name]
        refused = entry_problems(folder, table)
        if refused:  # two files, a name in capitals, a folder or a FIFO: named, never read as a missing table
            problems += refused
            failed[name] = unchecked_references.FailedTable(refused[0].file, None, unopened=True)
            continue
        path = table_path(folder, table)
        if not path.exists():
            problems.append(Problem(file=path.name, message_key="error.file_missing", params={"table": table.zh}))
            failed[name] = unchecked_references.FailedTable(path.name, None, unopened=True)
            continue
        source: pd.DataFrame | Path | None = None
        key = None
        if all(dependency in keys for dependency in table_cache.DEPENDENCIES[name]):
            key = table_cache.table_key(name, table_cache.FileKey.of(path), keys)
            if prefer_paths and not _needed_as_context(name):
                source = table_cache.usable_path(folder, name, key)
            if source is None:
                source = table_cache.load(folder, name, key)
        if source is None:
            cap = ProblemCap(path.name)
            cap.echo = unchecked_references.echo_test(name, failed)
            try:
                source = sheets.read_table(path, table, context, cap)
            except ValidationError as error:
                problems += unchecked_references.set_aside(
                    error.problems, name, path.name, failed, cap.take_echoes(), in_folder=True
                )
                failed[name] = unchecked_references.failed_table(table, path.name, None)
                continue
            echoed = cap.take_echoes()
            if echoed:  # every problem of the file echoed a failed table: it is not read as checked
                problems += unchecked_references.set_aside([], name, path.name, failed, echoed, in_folder=True)
                failed[name] = unchecked_references.failed_table(table, path.name, None)
                continue
            if key is not None:
                written = table_cache.store(folder, name, key, source)
                if prefer_paths and written is not None and not _needed_as_context(name):
                    # read back by DuckDB as a warm start reads it: the frame (a million meetings' Python objects)
                    # is let go now, not held while every later ledger is parsed and loaded
                    source = written
        loaded[name] = source
        if key is not None:
            keys[name] = key
        if name == "units":
            context.units = UnitResolver.from_units(source)
        elif name == "issues":
            context.know_issues(cast(pd.DataFrame, source))
    if problems:
        raise ValidationError(problems)
    return loaded


def _needed_as_context(name: str) -> bool:
    # units and issues are what later tables are checked against, so they are read whatever else happens.
    return name in ("units", "issues")


def cache_as_read(folder: Path, frames: Mapping[str, pd.DataFrame]) -> None:
    """Put ``frames``, what the tables' files in the folder read as, in the Parquet cache under the keys ``read_folder``
    looks them up by (a file's key follows those of the tables it is checked against). For a commit that knows what it
    wrote: an append onto 190,000 meetings otherwise parsed them all again to check the folder it had just made."""
    keys: dict[str, str] = {}
    for name in LOAD_ORDER:
        if all(wanted in keys for wanted in frames):
            return
        path = table_path(folder, TABLES[name])
        if not path.is_file() or not all(dependency in keys for dependency in table_cache.DEPENDENCIES[name]):
            continue
        keys[name] = table_cache.table_key(name, table_cache.FileKey.of(path), keys)
        if name in frames:
            table_cache.store(folder, name, keys[name], frames[name])


HEADER_ONLY = "notice.ledger_header_only"


def header_only_ledgers(folder: Path, tables: Iterable[str]) -> list[Problem]:
    """A notice for each of ``tables`` (loaded with no records: ``sheets.check_table`` lets a ledger be
    header-only) naming its file and the sheet its header is on, so that the reader knows why its figures read
    none. Read again only for these tables, whose files hold a header and nothing else."""
    notices = []
    for name in tables:
        table = TABLES[name]
        path = table_path(folder, table)
        try:
            found, _ = locate_tables(load_sheets(path, checked=False), path.name, table)
        except (ValidationError, OSError):  # replaced since it loaded: the file is still the one to name
            found = {}
        sheets = found.get(name) or [""]
        notices.append(problem_in_sheet(path.name, sheets[0], HEADER_ONLY, table=table.zh))
    return notices
