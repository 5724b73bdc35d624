"""One writer at a time in the data folder, and a crashed change put back before the next one starts.

Every change (import, undo, recovery) happens inside ``exclusive``, in every process. A commit writes a
journal naming its history entry before it replaces any file and removes it once the new folder has been
verified: a journal found later means the commit never finished, and ``recover`` puts the replaced files
back from the entry.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from oversight import config
from oversight.contract.schema import TABLES
from oversight.core import atomic, locking
from oversight.ingest.import_history import HISTORY_DIR, MANIFEST, kept_bytes
from oversight.ingest.problems import Problem, ValidationError
from oversight.ingest.table_files import TABLE_SUFFIXES, table_files

LOCK_FILE = ".oversight.lock"
# The lock file's mode as the umask leaves it, as the ledgers': the dashboard's account and an admin's at the command
# line both take it (made 0600 by one, the other's every change was refused)
LOCK_MODE = 0o666
JOURNAL = ".commit-journal.json"
DEFAULT_LOCK_TIMEOUT_S = 10.0


@contextmanager
def exclusive(folder: Path, timeout: float = DEFAULT_LOCK_TIMEOUT_S) -> Iterator[None]:
    """The folder's write lock, with an interrupted commit rolled back first; ``ValidationError`` if busy.

    Every change to the data folder (import, undo, recovery) happens inside this block, in every process.
    Re-entrant in one thread, so the CLI can hold it around plan and apply.
    """
    folder = Path(folder)
    acquired = False
    try:
        with locking.held(folder / LOCK_FILE, timeout=timeout, purpose="import", mode=LOCK_MODE):
            acquired = True
            recover(folder)
            yield
    except locking.LockBusy as busy:
        if acquired:
            raise
        raise ValidationError(
            # the note keeps its start in UTC; said so, it read as a day before the Beijing day it began on
            [
                Problem(
                    file="",
                    message_key="error.import_busy",
                    params={"since": config.team_time_text(busy.holder.get("since"), "?")},
                )
            ]
        ) from None


def journal_path(folder: Path) -> Path:
    """Where a commit in progress names its history entry; its presence means the commit has not finished."""
    return Path(folder) / JOURNAL


# A temporary file younger than this may belong to a writer outside the importer (``sample --out data``),
# which does not take the lock; an import's own are removed at once, through its journal.
STRAY_AFTER_S = atomic.DEAD_AFTER_S


def _stray_temporaries(folder: Path, min_age_s: float = 0.0) -> list[Path]:
    """Files ``atomic.write_beside`` left beside a table file when its process died before the rename."""
    names = (*(f".{name}{suffix}." for name in TABLES for suffix in TABLE_SUFFIXES), f".{JOURNAL}.")
    now = time.time()
    strays = []
    for path in Path(folder).glob(".*.tmp"):
        try:
            if path.name.startswith(names) and now - path.stat().st_mtime >= min_age_s:
                strays.append(path)
        except FileNotFoundError:
            continue  # renamed into place by its writer meanwhile
    return strays


def _stray_building(folder: Path) -> list[Path]:
    root = Path(folder) / HISTORY_DIR
    return sorted(root.glob(".building-*")) if root.is_dir() else []


def needs_recovery(folder: Path) -> bool:
    """Cheap: whether a crashed commit left anything behind (a journal, temporaries, half-built history)."""
    folder = Path(folder)
    return (
        journal_path(folder).exists()
        or bool(_stray_temporaries(folder, STRAY_AFTER_S))
        or bool(_stray_building(folder))
    )


class RolledBack(NamedTuple):
    """A commit found interrupted and put back: its history entry's id, and whether it was an import or an undo (what
    the sentence saying so names: an undo rolled back was said 上次导入中途中断，已恢复到导入之前的数据, of a folder that
    still held the import)."""

    entry: str
    action: str

    @property
    def message_key(self) -> str:
        """The sentence that says so, on the page and at the command line."""
        return "data.ui.recovered_undo" if self.action == "undo" else "data.ui.recovered"


def recover(folder: Path) -> RolledBack | None:
    """Undo what an interrupted commit left; call under ``exclusive``. Returns what was rolled back, if anything.

    The journal is written before the first file is replaced and removed once the
    new folder has been verified, so a journal found here means the commit never
    finished: the files it replaced are put back from its history entry, and the
    entry (an import that never happened) goes. If the journal says the change's audit
    line was written, an ``import_rolled_back`` / ``undo_rolled_back`` line follows it.
    """
    folder = Path(folder)
    journal_file = journal_path(folder)
    rolled_back: RolledBack | None = None
    if journal_file.exists():
        try:
            journal = json.loads(atomic.read_regular(journal_file).decode("utf-8"))
        except (OSError, ValueError):
            journal = None
        trusted = _trusted(journal) if isinstance(journal, dict) else None
        if trusted is None:
            # not what a commit writes (edited by hand, or planted): its names would be followed out of the folder
            # ("entry": "../.." deleted the data folder's parent's files), so nothing is touched and it is left for
            # an admin to look at; every change waits until then
            raise ValidationError([Problem(file=JOURNAL, message_key="error.journal_damaged")])
        entry_id, tables, history_existed = trusted
        roll_back(folder, entry_id, tables, history_existed)
        # a journal written before it named its action (an older release's) was an import's: undo came later
        rolled_back = RolledBack(entry_id, "undo" if journal.get("action") == "undo" else "import")
        if journal.get("audited"):  # its audit line was written: pair it with the rollback
            from oversight.auth import audit

            audit.record_rolled_back(str(journal.get("action")), journal.get("user"), entry_id, "interrupted")
        journal_file.unlink(missing_ok=True)
        atomic.sync_directory(folder)
    for path in _stray_temporaries(folder, STRAY_AFTER_S):
        path.unlink(missing_ok=True)
    for path in _stray_building(folder):
        shutil.rmtree(path, ignore_errors=True)
    return rolled_back


# A history entry's folder name as import_history.entry_name writes it: when, and which tables changed
_ENTRY_NAME = re.compile(r"\d{8}-\d{6}-\d{6}-[a-z_]+(?:\+[a-z_]+)*")


def _trusted(journal: dict) -> tuple[str, dict[str, list[str]], bool] | None:
    """The journal's entry, tables and their files, if they are what a commit writes: an entry name of the history's
    own form, tables of the contract, each with its own file names only; None otherwise."""
    entry_id, tables = journal.get("entry"), journal.get("tables")
    if not isinstance(entry_id, str) or not _ENTRY_NAME.fullmatch(entry_id) or not isinstance(tables, dict):
        return None
    for name, files in tables.items():
        allowed = {f"{name}{suffix}" for suffix in TABLE_SUFFIXES}
        if name not in TABLES or not isinstance(files, list) or not all(file in allowed for file in files):
            return None
    return entry_id, tables, bool(journal.get("history_existed", True))


def recover_if_interrupted(folder: Path, timeout: float = 0.0) -> RolledBack | None:
    """At start-up: roll back a crashed commit if there is one and no other process is committing right now."""
    folder = Path(folder)
    if not needs_recovery(folder):
        return None
    try:
        with locking.held(folder / LOCK_FILE, timeout=timeout, purpose="recovery", mode=LOCK_MODE):
            return recover(folder)
    except locking.LockBusy:
        return None  # a commit in progress: its journal is alive, not left over
    except OSError:
        return None  # a read-only folder: nothing can be repaired from here
    except ValidationError as error:  # a journal not to be trusted: the reader reads the folder as it is
        logging.getLogger(__name__).error("%s: %s", folder / JOURNAL, error.render("en"))
        return None


def _bytes_or_none(path: Path) -> bytes | None:
    """``path``'s bytes where it is a regular file (a named pipe is not waited on); None otherwise."""
    try:
        return atomic.read_regular(path)
    except OSError:
        return None


def roll_back(folder: Path, entry_id: str, tables: dict[str, list[str]], history_existed: bool) -> None:
    """The folder as before the commit: files back from the entry, files the commit added removed, entry gone."""
    entry = folder / HISTORY_DIR / entry_id
    if (entry / MANIFEST).exists():  # the entry is complete: files may have been replaced since
        for name, files_before in tables.items():
            before = set(files_before)
            for path in table_files(folder, name):
                if path.name not in before:
                    path.unlink()
            for file_name in before:
                if not (entry / file_name).exists():
                    # the entry is removed only after every file is back: a kept file gone means a recovery died
                    # while removing it (every later change then failed on it, FileNotFoundError)
                    continue
                try:
                    # read where it is, never through a link (the entry, .history or the file swapped for one, or a
                    # planted journal naming an entry a group member made): the admin's recovery read a private file
                    # through one and wrote it into the shared folder as the ledger, as ``undo`` once did
                    kept = kept_bytes(entry / file_name, folder)
                except atomic.NotARegularFile:
                    logging.getLogger(__name__).error("%s is not a kept file: not put back", entry / file_name)
                    continue
                target = folder / file_name
                if _bytes_or_none(target) != kept:  # leave untouched files untouched
                    atomic.write_bytes(target, kept)
    shutil.rmtree(entry, ignore_errors=True)
    for path in _stray_temporaries(folder):
        path.unlink(missing_ok=True)
    for path in _stray_building(folder):
        shutil.rmtree(path, ignore_errors=True)
    if not history_existed:
        shutil.rmtree(folder / HISTORY_DIR, ignore_errors=True)
