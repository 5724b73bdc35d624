"""Apply a validated import to the data folder safely, keep every previous version, and undo.

The order of an import is the point of this module:

1. ``plan_import`` reads the files against the current data (units and issue
   ids come from the folder, or from the same batch), works out the would-be
   tables and their diff, writes the would-be folder into a temporary
   directory and validates it whole with ``store.read_folder``. Nothing in the
   data folder is touched.
2. ``apply_import`` checks that the folder has not changed since the plan,
   copies the previous files into ``.history/<timestamp>-<tables>/`` with a
   manifest, writes each new file beside its target and renames it into
   place, and validates the folder again. If any step fails, the previous
   bytes are put back and the history entry removed: the folder is exactly
   as it was.

``undo_last`` restores the newest import that has not been undone, through
the same steps, and is itself recorded.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import pandas as pd

from oversight import config, ingest
from oversight.contract.schema import LOAD_ORDER, TABLES, Table
from oversight.core import atomic, i18n, locking
from oversight.data import store
from oversight.ingest import Problem, Source, ValidationError, workbook

MODES = ("replace", "append")
HISTORY_DIR = ".history"
MANIFEST = "manifest.json"
_TABLE_SUFFIXES = (".xlsx", ".csv")


# ---------------------------------------------------------------- the plan

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

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "sources": list(self.sources), "mode": self.mode,
                "rows_in_file": self.rows_in_file, "rows_before": self.rows_before, "rows_after": self.rows_after,
                "added": list(self.added), "changed": list(self.changed), "removed": list(self.removed),
                "skipped": [{"sheet": sheet, "row": row} for sheet, row in self.skipped]}


@dataclass
class ImportPlan:
    """Everything an import would do, worked out without touching the data folder."""

    folder: Path
    mode: str
    sources: tuple[str, ...]
    changes: dict[str, TableChange] = field(default_factory=dict)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # the would-be tables that change
    files: dict[str, bytes] = field(default_factory=dict)  # table -> bytes of its new <table>.xlsx
    problems: list[Problem] = field(default_factory=list)
    folder_state: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.changes)

    def as_dict(self, lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {"ok": self.ok, "mode": self.mode, "sources": list(self.sources),
                "tables": [change.as_dict() for change in self.changes.values()],
                "problems": [problem.as_dict(lang) for problem in self.problems]}


def current_user() -> str:
    """Who is importing: ``OVERSIGHT_USER``, else the OS user (which the history records beside it anyway)."""
    try:
        return config.setting("OVERSIGHT_USER") or getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, as in some containers
        return "unknown"


def _as_list(sources: Source | Sequence[Source]) -> list[Source]:
    return [sources] if isinstance(sources, (Path, str, ingest.Upload)) else list(sources)


def _read_folder_leniently(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, bool], list[Problem]]:
    """Every table of the folder as far as it reads, whether it read cleanly, and all problems.

    Like ``store.read_folder`` (accepts and refuses the same folders), but a table
    with a bad row still gives its other rows to the tables after it, so one
    missing unit is reported once per row that uses it, not again as every
    suggestion's "unknown issue".
    """
    frames: dict[str, pd.DataFrame] = {}
    clean: dict[str, bool] = {}
    problems: list[Problem] = []
    context = ingest.Context()
    for name in LOAD_ORDER:
        table = TABLES[name]
        path = store.table_path(folder, table)
        if not path.exists():
            problems.append(Problem(file=path.name, message_key="error.file_missing", params={"table": table.zh}))
            continue
        try:
            sheets = ingest.load_sheets(path, checked=False)
        except ValidationError as error:
            problems += error.problems
            continue
        found, located = ingest.locate_tables(sheets, path.name, table)
        problems += located
        if not found:
            continue
        read, table_problems = ingest.read_sheets(sheets, found[name], table, context, path.name)
        problems += table_problems
        frames[name], clean[name] = read.frame, not table_problems
        if name == "units" and not read.frame.empty:
            context.units = ingest.UnitResolver.from_units(read.frame[read.frame["unit_id"].notna()])
        elif name == "issues" and not read.frame.empty:
            context.issue_ids = frozenset(read.frame["issue_id"].dropna())
    return frames, clean, problems


def load_current(folder: Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """The folder's tables that read cleanly; unlike ``store.read_folder`` one bad table spoils no other."""
    frames, clean, problems = _read_folder_leniently(folder)
    return {name: frame for name, frame in frames.items() if clean[name]}, problems


def folder_problems(folder: Path) -> list[Problem]:
    """Everything that keeps the folder from loading; empty when ``store.read_folder`` would accept it."""
    return _read_folder_leniently(folder)[2]


@dataclass
class _Incoming:
    source: str
    sheets: ingest.Sheets
    sheet_names: list[str]


def _collect_incoming(sources: list[Source], table: Table | None) -> tuple[dict[str, _Incoming], list[Problem]]:
    """Each table of the batch and the file (and sheets) it comes from."""
    incoming: dict[str, _Incoming] = {}
    problems: list[Problem] = []
    for source in sources:
        name = ingest.source_name(source)
        try:
            sheets = ingest.load_sheets(source)
        except ValidationError as error:
            problems += error.problems
            continue
        found, located = ingest.locate_tables(sheets, name, table)
        problems += located
        for table_name, sheet_names in found.items():
            if table_name in incoming:
                problems.append(Problem(file=name, message_key="error.table_in_two_sources", params={
                    "table": TABLES[table_name].zh, "first": incoming[table_name].source, "second": name}))
                continue
            incoming[table_name] = _Incoming(name, sheets, sheet_names)
    return incoming, problems


def plan_import(sources: Source | Sequence[Source], table: str | None = None, mode: str = "replace",
                folder: Path | None = None) -> ImportPlan:
    """Check files against the current data and work out the import, without writing anything.

    ``sources`` are paths or ``ingest.Upload``s; ``table`` names the table when
    it should not be detected from the headers. The plan's ``problems`` list
    everything wrong at once; ``changes`` says what would happen to each table.
    """
    folder = Path(folder or store.data_dir())
    source_list = _as_list(sources)
    plan = ImportPlan(folder=folder, mode=mode, sources=tuple(ingest.source_name(s) for s in source_list))
    if mode not in MODES:
        plan.problems.append(Problem(file="", message_key="error.mode_invalid", params={"mode": mode}))
        return plan
    plan.folder_state = folder_state(folder)
    current, _ = load_current(folder)  # a broken table that is not replaced is caught by the whole-folder check
    incoming, plan.problems = _collect_incoming(source_list, TABLES[table] if table else None)

    after = dict(current)
    context = ingest.Context()
    for name in LOAD_ORDER:
        if name in incoming:
            plan.problems += _plan_table(plan, TABLES[name], incoming[name], current.get(name), after, context)
        if name == "units" and "units" in after:
            context.units = ingest.UnitResolver.from_units(after["units"])
        elif name == "issues" and "issues" in after:
            context.issue_ids = frozenset(after["issues"]["issue_id"])
    if plan.problems or not plan.changes:
        return plan
    units = after.get("units")
    plan.files = {name: workbook.table_xlsx_bytes(TABLES[name], plan.frames[name], units) for name in plan.changes}
    plan.problems += _validate_would_be_folder(folder, {name: (TABLES[name].file_name, data)
                                                        for name, data in plan.files.items()})
    return plan


def _plan_table(plan: ImportPlan, table: Table, incoming: _Incoming, before: pd.DataFrame | None,
                after: dict[str, pd.DataFrame], context: ingest.Context) -> list[Problem]:
    read, problems = ingest.read_sheets(incoming.sheets, incoming.sheet_names, table, context, incoming.source)
    if problems:
        return problems
    frame = read.frame
    if plan.mode == "append" and before is not None:
        key = table.key.name
        present = set(before[key])
        problems = [Problem(message_key="error.append_duplicate", params={"value": value}, **read.locate(i, key))
                    for i, value in enumerate(frame[key]) if value in present]
        if problems:
            return problems
        frame = pd.concat([before, frame], ignore_index=True)
    after[table.name] = frame
    plan.frames[table.name] = frame
    added, changed, removed = diff_ids(table, before, frame)
    plan.changes[table.name] = TableChange(
        table=table.name, sources=(incoming.source,), mode=plan.mode, rows_in_file=len(read.frame),
        rows_before=0 if before is None else len(before), rows_after=len(frame),
        added=added, changed=changed, removed=removed, skipped=tuple(read.skipped))
    return []


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


def _validate_would_be_folder(folder: Path, writes: dict[str, tuple[str, bytes] | None]) -> list[Problem]:
    """The whole folder as it would be after the writes, validated in a temporary copy."""
    with tempfile.TemporaryDirectory(prefix="oversight-check-") as scratch:
        target = Path(scratch)
        for name in LOAD_ORDER:
            if name in writes:
                continue
            for path in _table_files(folder, name):
                shutil.copyfile(path, target / path.name)
        for name, write in writes.items():
            if write is not None:
                (target / write[0]).write_bytes(write[1])
        problems = folder_problems(target)
    return [Problem(file="", message_key="error.folder_would_break"), *problems] if problems else []


# ---------------------------------------------------------------- the folder's state and history

def _table_files(folder: Path, name: str) -> list[Path]:
    return [folder / f"{name}{suffix}" for suffix in _TABLE_SUFFIXES if (folder / f"{name}{suffix}").exists()]


def folder_state(folder: Path) -> str:
    """A digest of every table file's bytes: any change to the data between plan and apply shows."""
    digest = hashlib.sha256()
    for name in LOAD_ORDER:
        for path in _table_files(folder, name):
            digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change to the data folder, and the files as they were before it."""

    id: str
    path: Path
    action: str  # "import" or "undo"
    user: str
    at: str
    sources: tuple[str, ...]
    mode: str
    tables: dict[str, dict[str, Any]]  # table -> files_before, file_after, rows_before, rows_after
    undoes: str | None = None
    os_user: str | None = None  # the operating-system account that ran it, beside the name ``user`` claims

    @classmethod
    def load(cls, path: Path) -> "HistoryEntry":
        """The entry in ``path``; ``DamagedEntry`` if its manifest is missing, not JSON or lacks a key."""
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
            tables = manifest["tables"]
            if manifest["action"] not in ("import", "undo") or not isinstance(tables, dict) or not all(
                    name in TABLES and isinstance(info, dict) and isinstance(info.get("files_before", []), list)
                    for name, info in tables.items()):
                raise ValueError("unexpected manifest")
            return cls(id=path.name, path=path, action=manifest["action"], user=str(manifest["user"]),
                       at=str(manifest["at"]), sources=tuple(str(s) for s in manifest.get("sources", ())),
                       mode=str(manifest.get("mode", "")), tables=tables, undoes=manifest.get("undoes"),
                       os_user=manifest.get("os_user"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise DamagedEntry(path.name, type(error).__name__) from None


class DamagedEntry(Exception):
    """A history entry whose manifest cannot be read: listed as damaged, skipped by undo."""

    def __init__(self, entry_id: str, reason: str):
        super().__init__(f"{entry_id}: {reason}")
        self.entry_id, self.reason = entry_id, reason


class History(list):
    """Readable entries, oldest first, with ``damaged``: the ids of entries whose manifest is broken."""

    damaged: tuple[str, ...] = ()


def list_history(folder: Path | None = None) -> History:
    """Every recorded import and undo, oldest first; a damaged entry is skipped and named in ``.damaged``."""
    root = Path(folder or store.data_dir()) / HISTORY_DIR
    entries = History()
    if not root.is_dir():
        return entries
    damaged = []
    for path in sorted(root.iterdir()):
        if path.is_dir() and not path.name.startswith("."):
            try:
                entries.append(HistoryEntry.load(path))
            except DamagedEntry as error:
                damaged.append(error.entry_id)
    entries.damaged = tuple(damaged)
    return entries


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- the commit: one writer, all or nothing

LOCK_FILE = ".oversight.lock"
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
        with locking.held(folder / LOCK_FILE, timeout=timeout, purpose="import"):
            acquired = True
            recover(folder)
            yield
    except locking.LockBusy as busy:
        if acquired:
            raise
        raise ValidationError([Problem(file="", message_key="error.import_busy",
                                       params={"since": busy.holder.get("since", "?")})]) from None


def _journal_path(folder: Path) -> Path:
    return Path(folder) / JOURNAL


# A temporary file younger than this may belong to a writer outside the importer (``sample --out data``),
# which does not take the lock; an import's own are removed at once, through its journal.
STRAY_AFTER_S = 60.0


def _stray_temporaries(folder: Path, min_age_s: float = 0.0) -> list[Path]:
    """Files ``atomic.write_beside`` left beside a table file when its process died before the rename."""
    names = (*(f".{name}{suffix}." for name in TABLES for suffix in _TABLE_SUFFIXES), f".{JOURNAL}.")
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
    return (_journal_path(folder).exists() or bool(_stray_temporaries(folder, STRAY_AFTER_S))
            or bool(_stray_building(folder)))


def recover(folder: Path) -> str | None:
    """Undo what an interrupted commit left; call under ``exclusive``. Returns the rolled-back entry's id, if any.

    The journal is written before the first file is replaced and removed once the
    new folder has been verified, so a journal found here means the commit never
    finished: the files it replaced are put back from its history entry, and the
    entry (an import that never happened) goes.
    """
    folder = Path(folder)
    journal_path = _journal_path(folder)
    rolled_back = None
    if journal_path.exists():
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
            entry_id, tables = journal["entry"], journal["tables"]
            history_existed = bool(journal.get("history_existed", True))
        except (OSError, ValueError, KeyError, TypeError):
            journal = None
        if journal is not None:
            _roll_back(folder, entry_id, tables, history_existed)
            rolled_back = entry_id
        journal_path.unlink(missing_ok=True)
        atomic.sync_directory(folder)
    for path in _stray_temporaries(folder, STRAY_AFTER_S):
        path.unlink(missing_ok=True)
    for path in _stray_building(folder):
        shutil.rmtree(path, ignore_errors=True)
    return rolled_back


def recover_if_interrupted(folder: Path, timeout: float = 0.0) -> str | None:
    """At start-up: roll back a crashed commit if there is one and no other process is committing right now."""
    folder = Path(folder)
    if not needs_recovery(folder):
        return None
    try:
        with locking.held(folder / LOCK_FILE, timeout=timeout, purpose="recovery"):
            return recover(folder)
    except locking.LockBusy:
        return None  # a commit in progress: its journal is alive, not left over
    except OSError:
        return None  # a read-only folder: nothing can be repaired from here


def _roll_back(folder: Path, entry_id: str, tables: dict[str, list[str]], history_existed: bool) -> None:
    """The folder as before the commit: files back from the entry, files the commit added removed, entry gone."""
    entry = folder / HISTORY_DIR / entry_id
    if (entry / MANIFEST).exists():  # the entry is complete: files may have been replaced since
        for name, files_before in tables.items():
            before = set(files_before)
            for path in _table_files(folder, name):
                if path.name not in before:
                    path.unlink()
            for file_name in before:
                kept = (entry / file_name).read_bytes()
                target = folder / file_name
                if not target.exists() or target.read_bytes() != kept:  # leave untouched files untouched
                    workbook.atomic_write_bytes(target, kept)
    shutil.rmtree(entry, ignore_errors=True)
    for path in _stray_temporaries(folder):
        path.unlink(missing_ok=True)
    for path in _stray_building(folder):
        shutil.rmtree(path, ignore_errors=True)
    if not history_existed:
        shutil.rmtree(folder / HISTORY_DIR, ignore_errors=True)


def _entry_name(manifest: dict[str, Any]) -> str:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return f"{stamp}-{'+'.join(manifest['tables'])}"


def keep_previous(folder: Path, manifest: dict[str, Any], name: str | None = None) -> Path:
    """Copy the files the change will replace into a new ``.history`` entry, manifest included.

    Built under a dot-name and renamed, so a half-written entry is never listed.
    """
    root = folder / HISTORY_DIR
    root.mkdir(exist_ok=True)
    final = root / (name or _entry_name(manifest))
    building = Path(tempfile.mkdtemp(dir=root, prefix=".building-"))
    try:
        for info in manifest["tables"].values():
            for file_name in info["files_before"]:
                shutil.copyfile(folder / file_name, building / file_name)
        (building / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.rename(building, final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return final


def write_beside(folder: Path, file_name: str, data: bytes) -> Path:
    """The new file's bytes, flushed to disk next to its target under a temporary name."""
    return atomic.write_beside(folder / file_name, data)


def rename_into_place(temporary: Path, target: Path) -> None:
    """Atomic on one file system: a reader sees the old file or the new one, never half of one."""
    os.replace(temporary, target)


def verify_folder(folder: Path) -> None:
    """The folder as written must load; anything else is rolled back."""
    store.read_folder(folder)


BeforeCommit = Callable[["HistoryEntry"], None]


def _commit(folder: Path, writes: dict[str, tuple[str, bytes] | None], manifest: dict[str, Any],
            state: str | None, before_commit: BeforeCommit | None = None) -> HistoryEntry:
    """Keep the previous version, write the new files, verify: all of it, or (on any failure or crash) none.

    Under the folder's lock. The journal names the history entry before any file is
    replaced; ``before_commit`` (the audit line) runs once everything is staged and
    before the first rename, so an action that cannot be recorded does not happen.
    Removing the journal is the moment the change counts.
    """
    with exclusive(folder):
        if state is not None and folder_state(folder) != state:
            raise ValidationError([Problem(file="", message_key="error.stale_data")])
        history_existed = (folder / HISTORY_DIR).exists()
        for name in writes:
            manifest["tables"][name]["files_before"] = [p.name for p in _table_files(folder, name)]
        entry_id = _entry_name(manifest)
        tables = {name: manifest["tables"][name]["files_before"] for name in writes}
        journal = {"entry": entry_id, "tables": tables, "history_existed": history_existed}
        atomic.write_bytes(_journal_path(folder), json.dumps(journal, ensure_ascii=False).encode("utf-8"))
        try:
            entry_path = keep_previous(folder, manifest, entry_id)
            entry = HistoryEntry.load(entry_path)
            staged = [(write_beside(folder, write[0], write[1]), folder / write[0])
                      for write in writes.values() if write is not None]
            if before_commit is not None:
                before_commit(entry)
            for temporary, target in staged:
                rename_into_place(temporary, target)
            for name, write in writes.items():
                keep = write[0] if write is not None else None
                for path in _table_files(folder, name):
                    if path.name != keep:
                        path.unlink()  # an older <table>.csv now superseded; its bytes are in the entry
            verify_folder(folder)
            _journal_path(folder).unlink()
            atomic.sync_directory(folder)
        except BaseException:
            _roll_back(folder, entry_id, tables, history_existed)
            _journal_path(folder).unlink(missing_ok=True)
            raise
    return entry


def os_user() -> str:
    """The operating-system account running this process: recorded beside whatever name is claimed."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, as in some containers
        return "unknown"


def _manifest(action: str, user: str | None, sources: Iterable[str], mode: str,
              tables: dict[str, dict[str, Any]], undoes: str | None = None) -> dict[str, Any]:
    return {"action": action, "user": user or current_user(), "os_user": os_user(),
            "at": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
            "sources": list(sources), "mode": mode, "undoes": undoes, "tables": tables}


def apply_import(plan: ImportPlan, user: str | None = None,
                 before_commit: BeforeCommit | None = None) -> HistoryEntry:
    """Write a checked plan into its folder; raises ``ValidationError`` if the plan has problems or is stale.

    ``before_commit(entry)`` (the audit line) runs after the files are staged, before the first is replaced;
    if it raises, nothing is changed.
    """
    if not plan.ok:
        raise ValidationError(plan.problems or [Problem(file="", message_key="error.no_table_detected")])
    tables = {name: {"table_zh": TABLES[name].zh, "rows_before": change.rows_before,
                     "rows_after": change.rows_after, "added": len(change.added), "changed": len(change.changed),
                     "removed": len(change.removed), "file_after": TABLES[name].file_name,
                     "sha256_after": hashlib.sha256(plan.files[name]).hexdigest()}
              for name, change in plan.changes.items()}
    manifest = _manifest("import", user, plan.sources, plan.mode, tables)
    writes = {name: (TABLES[name].file_name, plan.files[name]) for name in plan.changes}
    return _commit(plan.folder, writes, manifest, plan.folder_state, before_commit)


def import_files(sources: Source | Sequence[Source], table: str | None = None, mode: str = "replace",
                 folder: Path | None = None, user: str | None = None, before_commit: BeforeCommit | None = None,
                 lock_timeout: float = DEFAULT_LOCK_TIMEOUT_S) -> HistoryEntry:
    """Check and apply in one call (the CLI's ``import``); raises ``ValidationError`` listing every problem.

    Plan and apply happen under the folder's lock, so a second import started at the same moment waits
    (up to ``lock_timeout``) and is then checked against the data the first one wrote.
    """
    folder = Path(folder or store.data_dir())
    with exclusive(folder, lock_timeout):
        plan = plan_import(sources, table, mode, folder)
        if not plan.ok:
            raise ValidationError(plan.problems or [Problem(file=", ".join(plan.sources),
                                                            message_key="error.no_table_detected")])
        return apply_import(plan, user, before_commit)


def undo_last(folder: Path | None = None, user: str | None = None,
              before_commit: BeforeCommit | None = None) -> HistoryEntry:
    """Restore the files as they were before the newest import not yet undone; the undo is recorded too.

    A damaged history entry is skipped: the newest readable import is undone.
    """
    folder = Path(folder or store.data_dir())
    with exclusive(folder):
        entries = list_history(folder)
        undone = {entry.undoes for entry in entries if entry.action == "undo"}
        target = next((e for e in reversed(entries) if e.action == "import" and e.id not in undone), None)
        if target is None:
            raise ValidationError([Problem(file="", message_key="error.nothing_to_undo")])
        writes: dict[str, tuple[str, bytes] | None] = {}
        for name, info in target.tables.items():
            kept = info["files_before"]
            # A table kept as both .xlsx and .csv before is restored with the file the store reads.
            chosen = next((f for suffix in _TABLE_SUFFIXES for f in kept if f == f"{name}{suffix}"), None)
            if chosen and not (target.path / chosen).is_file():
                raise ValidationError([Problem(file=target.id, message_key="error.history_entry_incomplete",
                                               params={"entry": target.id, "file": chosen})])
            writes[name] = (chosen, (target.path / chosen).read_bytes()) if chosen else None
        problems = _validate_would_be_folder(folder, writes)
        if problems:
            raise ValidationError(problems)
        current, _ = load_current(folder)
        tables = {name: {"table_zh": TABLES[name].zh,
                         "rows_before": len(current[name]) if name in current else 0,
                         "rows_after": info.get("rows_before"),
                         "file_after": writes[name][0] if writes[name] else None}
                  for name, info in target.tables.items()}
        manifest = _manifest("undo", user, target.sources, target.mode, tables, undoes=target.id)
        return _commit(folder, writes, manifest, None, before_commit)


# ---------------------------------------------------------------- reports

def render_plan(plan: ImportPlan, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A readable report of a plan: each table's change, then every problem."""
    lines = []
    for change in plan.changes.values():
        lines.append(i18n.t("data.report.table", lang, table=i18n.t(f"data.table.{change.table}", lang),
                            sources="、".join(change.sources) if lang == "zh" else ", ".join(change.sources),
                            mode=i18n.t(f"data.mode.{change.mode}", lang), rows=change.rows_in_file,
                            before=change.rows_before, after=change.rows_after, added=len(change.added),
                            changed=len(change.changed), removed=len(change.removed)))
    lines += skipped_lines(plan, lang)
    if plan.problems:
        lines.append(i18n.t("data.report.failed", lang, count=len(plan.problems)))
        lines += [f"  - {problem.render(lang)}" for problem in plan.problems]
    else:
        lines.append(i18n.t("data.report.ok", lang))
    return "\n".join(lines)


def skipped_lines(plan: ImportPlan, lang: str = i18n.DEFAULT_LANGUAGE) -> list[str]:
    """One line per table that had rows read as no record (totals, notes, sign-off lines), naming them."""
    lines = []
    for change in plan.changes.values():
        if not change.skipped:
            continue
        rows = ", ".join(i18n.t("where.row", lang, row=row) if not sheet else
                         f"{i18n.t('where.sheet', lang, sheet=ingest.shown_text(sheet))} {i18n.t('where.row', lang, row=row)}"
                         for sheet, row in change.skipped)
        lines.append(i18n.t("data.report.skipped", lang, table=i18n.t(f"data.table.{change.table}", lang), rows=rows))
    return lines


def describe_failure(error: BaseException, lang: str = i18n.DEFAULT_LANGUAGE, during_change: bool = True) -> str:
    """Why an import or undo (``during_change``) or a command did not happen, in the reader's language,
    without a server path or a traceback (those go to the server's log)."""
    import errno
    import logging

    from oversight.auth import audit

    if isinstance(error, ValidationError):
        detail = error.render(lang)
    elif isinstance(error, audit.AuditError):
        detail = i18n.t("error.audit_unwritable", lang)
    elif isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        detail = i18n.t("error.disk_full", lang)
    else:
        log = logging.getLogger(__name__)
        if log.hasHandlers():  # the server's log keeps the traceback; a bare CLI prints none
            log.error("import or undo failed", exc_info=error)
        detail = i18n.t("error.unexpected", lang, kind=type(error).__name__)
    return i18n.t("data.ui.commit_failed", lang, detail=detail) if during_change else detail


def render_entry(entry: HistoryEntry, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    tables = ("；" if i18n.normalise_language(lang) == "zh" else "; ").join(
        i18n.t("data.history.table", lang, table=i18n.t(f"data.table.{name}", lang),
               before=info.get("rows_before"), after=info.get("rows_after"))
        for name, info in entry.tables.items())
    user = entry.user if not entry.os_user or entry.os_user == entry.user else i18n.t(
        "data.history.user_and_os_user", lang, user=entry.user, os_user=entry.os_user)
    return i18n.t(f"data.history.{entry.action}", lang, id=entry.id, at=entry.at, user=user,
                  sources=", ".join(entry.sources), mode=i18n.t(f"data.mode.{entry.mode}", lang) if entry.mode in MODES
                  else entry.mode, tables=tables, undoes=entry.undoes or "")
