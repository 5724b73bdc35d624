"""The data folder's table files: which are there, the one the store reads, and digests that change when they do."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from oversight.contract.schema import LOAD_ORDER, Table
from oversight.ingest.problems import Problem

# The kinds of file a table may be kept in, in the order the store prefers them.
TABLE_SUFFIXES = (".xlsx", ".csv")


def table_files(folder: Path, name: str) -> list[Path]:
    """The files of table ``name`` in ``folder``: none, one, or both an .xlsx and a .csv."""
    return [folder / f"{name}{suffix}" for suffix in TABLE_SUFFIXES if (folder / f"{name}{suffix}").exists()]


def folder_state(folder: Path) -> str:
    """A digest of every table file's bytes: any change to the data between plan and apply shows. Only a regular
    file is read (a FIFO named meetings.xlsx hung ``validate``); anything else counts by its name and kind."""
    digest = hashlib.sha256()
    for name in LOAD_ORDER:
        for path in table_files(folder, name):
            content = hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"not a regular file"
            digest.update(path.name.encode() + b"\0" + content)
    return digest.hexdigest()


def entry_problems(folder: Path, table: Table) -> list[Problem]:
    """Why the table's file in ``folder`` cannot be the one read, by name; none where it can (or there is none).

    The store reads ``<name>.xlsx`` or ``<name>.csv``, a regular file, spelled so. Anything else was a surprise to the
    reader: with both there the .csv was ignored without a word; MEETINGS.XLSX counted as a missing file; a folder
    named meetings.xlsx gave an IsADirectoryError and a FIFO hung the check. Each is refused naming the file(s), and
    the fix is by hand (an import cannot tell which file holds the ledger)."""
    names = _entries_of(folder, table.name)
    if len(names) > 1:
        return [
            Problem(
                file=names[0],
                message_key="error.table_files_twice",
                params={"files": tuple(names), "table": table.zh},
            )
        ]
    if not names:
        return _other_kinds(folder, table)
    name = names[0]
    if name not in (f"{table.name}{suffix}" for suffix in TABLE_SUFFIXES):
        expected = f"{table.name}{Path(name).suffix.lower()}"
        return [Problem(file=name, message_key="error.table_file_case", params={"expected": expected})]
    try:
        mode = (folder / name).stat().st_mode  # a link to a regular file is read as that file
    except OSError:
        mode = 0  # a link to nothing, or a file that cannot be looked at: not a file to read
    if stat.S_ISREG(mode):
        return []
    key = "error.table_file_is_folder" if stat.S_ISDIR(mode) else "error.table_file_not_regular"
    return [Problem(file=name, message_key=key, params={"table": table.zh})]


KIND_NOT_READ = "error.table_file_kind"
# What else a ledger is saved as (the files an import accepts): kept in the folder under the table's name, it was
# passed over and the table said to be missing
_OTHER_KINDS = (".xls", ".xlsm", ".et", ".tsv", ".txt")


def _other_kinds(folder: Path, table: Table) -> list[Problem]:
    """The table's file missing, but one of its name of another kind there (meetings.xls): named, and what to do."""
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return []
    kinds = {f"{table.name}{suffix}" for suffix in _OTHER_KINDS}
    others = [entry for entry in entries if entry.lower() in kinds]
    return [
        Problem(file=other, message_key=KIND_NOT_READ, params={"table": table.zh, "expected": table.file_name})
        for other in others[:1]
    ]


def _entries_of(folder: Path, name: str) -> list[str]:
    """The folder's entries (of any kind) named as the table's file in any case: meetings.xlsx, MEETINGS.XLSX, …"""
    wanted = {f"{name}{suffix}" for suffix in TABLE_SUFFIXES}
    try:
        entries = os.listdir(folder)
    except OSError:
        return []
    return sorted(entry for entry in entries if entry.lower() in wanted)


# What a spreadsheet program leaves beside a file it has open: Excel's and WPS's owner file, LibreOffice's lock file.
_OPEN_MARKS = ("~${name}", ".~lock.{name}#")


def open_elsewhere(folder: Path, file_names: Iterable[str]) -> list[Problem]:
    """A problem for each of ``file_names`` a spreadsheet program has open (its owner or lock file beside it): replaced
    under it, the clerk's next save there writes the ledger back over the change, which is lost without a word."""
    problems = []
    for file_name in sorted(set(file_names)):
        for mark in _OPEN_MARKS:
            owner = mark.format(name=file_name)
            if (folder / owner).is_file():
                problems.append(
                    Problem(file=file_name, message_key="error.ledger_open_elsewhere", params={"owner": owner})
                )
                break
    return problems


def table_path(folder: Path, table: Table) -> Path:
    """The table's file in ``folder``: ``<name>.xlsx``, or ``<name>.csv`` where that is what the office keeps."""
    for suffix in (".xlsx", ".csv"):
        candidate = folder / f"{table.name}{suffix}"
        if candidate.exists():
            return candidate
    return folder / table.file_name


class DataChanged(Exception):
    """The folder is no longer at the fingerprint a reader asked for: an import or an undo landed between the page
    run's look at the folder and its read. Read, the new files would go under the old fingerprint, and one page run
    (or one briefing pack) would show figures of both versions side by side."""

    def __init__(self, expected: str, found: str):
        self.expected, self.found = expected, found
        super().__init__(f"the data folder changed from {expected} to {found}")


def fingerprint(folder: Path) -> str:
    """Changes whenever any table file is replaced or edited, so caches keyed on it are never stale; and whenever a
    file that ``entry_problems`` names comes or goes (a meetings.csv put beside meetings.xlsx left the pages showing
    the figures they had, while every command refused the folder). Looked at with ``stat``: a FIFO is never opened."""
    digest = hashlib.sha256()
    kinds = {f"{name}{suffix}" for name in LOAD_ORDER for suffix in (*TABLE_SUFFIXES, *_OTHER_KINDS)}
    try:
        entries = sorted(entry for entry in os.listdir(folder) if entry.lower() in kinds)
    except OSError:
        entries = []
    for entry in entries:
        try:
            status = (folder / entry).stat()
            digest.update(f"{entry}:{status.st_mode}:{status.st_size}:{status.st_mtime_ns};".encode())
        except OSError:
            digest.update(f"{entry}:?;".encode())
    return digest.hexdigest()[:16]
