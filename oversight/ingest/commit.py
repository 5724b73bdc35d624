"""Change the data folder all or nothing: keep the previous version, write the new files, verify, or put it all back.

The order is the point of this module. Under the folder's lock, ``apply_import`` checks that the folder
has not changed since the plan, copies the previous files into a history entry with a manifest, stages
each new file beside its target and renames it into place, and validates the folder as the dashboard
loads it. If any step fails (or the process dies; see ``folder_lock``), the previous bytes are put back and
the entry removed: the folder is exactly as it was.

``undo_last`` restores the newest import that has not been undone, through the same steps, and is itself
recorded. Each step is a module-level function so that tests can make it fail.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import config
from oversight.auth import audit
from oversight.contract.schema import TABLES
from oversight.core import atomic
from oversight.ingest import checked_folder, table_cache
from oversight.ingest.files import Source
from oversight.ingest.folder_lock import DEFAULT_LOCK_TIMEOUT_S, exclusive, journal_path, roll_back
from oversight.ingest.import_history import (
    HISTORY_DIR,
    HistoryEntry,
    cached_files,
    drop_old_caches,
    entry_name,
    keep_previous,
    kept_bytes,
    list_history,
    new_manifest,
)
from oversight.ingest.import_plan import ImportPlan, load_current, plan_import, validate_would_be_folder
from oversight.ingest.problems import Problem, ValidationError
from oversight.ingest.table_files import TABLE_SUFFIXES, folder_state, open_elsewhere, table_files


def stage_file(folder: Path, file_name: str, data: bytes) -> Path:
    """The new file's bytes, flushed to disk next to its target in ``folder`` under a temporary name."""
    return atomic.write_beside(folder / file_name, data)


def rename_into_place(temporary: Path, target: Path) -> None:
    """Atomic on one file system: a reader sees the old file or the new one, never half of one."""
    os.replace(temporary, target)


def verify_folder(folder: Path) -> None:
    """The folder as written must load; anything else is rolled back."""
    checked_folder.read_folder(folder)


BeforeCommit = Callable[[HistoryEntry], None]


def commit_changes(
    folder: Path,
    writes: dict[str, tuple[str, bytes] | None],
    manifest: dict[str, Any],
    state: str | None,
    before_commit: BeforeCommit | None = None,
    read_as: Mapping[str, pd.DataFrame] | None = None,
    restored_cache: Sequence[Path] = (),
) -> HistoryEntry:
    """``commit_once``, and once more when the disk was full and the folder's cache gave back room: an undo was
    refused (磁盘已满) on a disk whose .cache held Parquet files the next read rebuilds. The first attempt is rolled
    back whole (an audited one has its rollback line) before the second starts."""
    try:
        return commit_once(folder, writes, manifest, state, before_commit, read_as, restored_cache)
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        freed = table_cache.clear(folder)
        if not freed:
            raise
        logging.getLogger(__name__).warning("disk full: freed %d bytes of cache in %s and tried again", freed, folder)
    return commit_once(folder, writes, manifest, state, before_commit, read_as, restored_cache)


def commit_once(
    folder: Path,
    writes: dict[str, tuple[str, bytes] | None],
    manifest: dict[str, Any],
    state: str | None,
    before_commit: BeforeCommit | None = None,
    read_as: Mapping[str, pd.DataFrame] | None = None,
    restored_cache: Sequence[Path] = (),
) -> HistoryEntry:
    """Keep the previous version, write the new files, verify: all of it, or (on any failure or crash) none.

    Under the folder's lock. The journal names the history entry before any file is
    replaced; ``before_commit`` (the audit line) runs once everything is staged and
    before the first rename, so an action that cannot be recorded does not happen; if
    the commit then fails, the rollback gets its own line (``import_rolled_back`` /
    ``undo_rolled_back``, same entry id). Removing the journal is the moment the change counts. ``read_as``: the
    frames written files read as, known without parsing them (an append written onto its ledger, ``ledger_append``),
    put in the Parquet cache under the files' keys before the folder is verified. The entry keeps the replaced ledgers'
    cache files; ``restored_cache`` (an undo's: those its entry kept) go back in the cache before the check.
    """
    with exclusive(folder):
        if state is not None and folder_state(folder) != state:
            raise ValidationError([Problem(file="", message_key="error.stale_data")])
        history_existed = (folder / HISTORY_DIR).exists()
        for name in writes:
            manifest["tables"][name]["files_before"] = [p.name for p in table_files(folder, name)]
        touched = [file for name in writes for file in manifest["tables"][name]["files_before"]]
        problems = open_elsewhere(folder, touched + [write[0] for write in writes.values() if write is not None])
        if problems:
            raise ValidationError(problems)
        entry_id = entry_name(manifest)
        tables = {name: manifest["tables"][name]["files_before"] for name in writes}
        journal: dict[str, Any] = {
            "entry": entry_id,
            "tables": tables,
            "history_existed": history_existed,
            "action": manifest["action"],
            "user": manifest.get("user"),
            "audited": False,
        }
        atomic.write_bytes(journal_path(folder), json.dumps(journal, ensure_ascii=False).encode("utf-8"))
        audited = False  # once ``before_commit`` has written its line, a rollback is recorded too
        try:
            # an import's entry keeps the replaced ledgers' cache files, for its undo (an undo is never undone)
            cached = table_cache.kept_for(folder, writes) if manifest["action"] == "import" else []
            entry_path = keep_previous(folder, manifest, entry_id, cached)
            entry = HistoryEntry.load(entry_path)
            staged = [
                (stage_file(folder, write[0], write[1]), folder / write[0])
                for write in writes.values()
                if write is not None
            ]
            if before_commit is not None:
                # the journal says "audited" before the line is written, so that a crash between the two leaves a
                # rollback line for an attempt rather than an import line with nothing to say it never happened
                # (``recover`` writes the rollback line, as the ``except`` below does)
                audited = journal["audited"] = True
                atomic.write_bytes(journal_path(folder), json.dumps(journal, ensure_ascii=False).encode("utf-8"))
                before_commit(entry)
            for temporary, target in staged:
                rename_into_place(temporary, target)
            for name, write in writes.items():
                keep = write[0] if write is not None else None
                for path in table_files(folder, name):
                    if path.name != keep:
                        path.unlink()  # an older <table>.csv now superseded; its bytes are in the entry
            if read_as:
                checked_folder.cache_as_read(folder, read_as)
            table_cache.adopt(folder, restored_cache, within=folder)
            verify_folder(folder)
            journal_path(folder).unlink()
            atomic.sync_directory(folder)
        except BaseException as error:
            roll_back(folder, entry_id, tables, history_existed)
            journal_path(folder).unlink(missing_ok=True)
            if audited:
                audit.record_rolled_back(manifest["action"], manifest.get("user"), entry_id, type(error).__name__)
            raise
        drop_old_caches(folder)  # committed: the cache files no undo will soon read go (only ever a slower undo)
    return entry


def apply_import(
    plan: ImportPlan, user: str | None = None, before_commit: BeforeCommit | None = None, signed_in: bool = False
) -> HistoryEntry:
    """Write a checked plan into its folder; raises ``ValidationError`` if the plan has problems or is stale.

    ``before_commit(entry)`` (the audit line) runs after the files are staged, before the first is replaced;
    if it raises, nothing is changed. ``signed_in``: ``user`` is a signed-in account (see ``new_manifest``).
    """
    if not plan.ok:
        nothing = plan.nothing_to_import_key if plan.unchanged else "error.no_table_detected"
        raise ValidationError(plan.problems or [Problem(file="", message_key=nothing)])
    tables = {
        name: {
            "table_zh": TABLES[name].zh,
            "rows_before": change.rows_before,
            "rows_after": change.rows_after,
            "added": len(change.added),
            "changed": len(change.changed),
            "removed": len(change.removed),
            "file_after": TABLES[name].file_name,
            "sha256_after": hashlib.sha256(plan.files[name]).hexdigest(),
        }
        for name, change in plan.changes.items()
    }
    manifest = new_manifest("import", user, plan.sources, plan.mode, tables, signed_in=signed_in)
    writes: dict[str, tuple[str, bytes] | None] = {
        name: (TABLES[name].file_name, plan.files[name]) for name in plan.changes
    }
    return commit_changes(plan.folder, writes, manifest, plan.folder_state, before_commit, plan.read_as)


def import_files(
    sources: Source | Sequence[Source],
    table: str | None = None,
    mode: str = "replace",
    folder: Path | None = None,
    user: str | None = None,
    before_commit: BeforeCommit | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT_S,
) -> HistoryEntry:
    """Check and apply in one call; raises ``ValidationError`` listing every problem. The tests' and a script's way
    to import: the CLI's ``import`` and the Data page call ``plan_import`` and ``apply_import`` themselves, to show
    the plan and refuse a replace not asked for (the CLI) or wait for the clerk's confirmation (the page) in between.

    Plan and apply happen under the folder's lock, so a second import started at the same moment waits
    (up to ``lock_timeout``) and is then checked against the data the first one wrote.
    """
    folder = Path(folder or config.data_dir())
    with exclusive(folder, lock_timeout):
        plan = plan_import(sources, table, mode, folder)
        if not plan.ok:
            raise ValidationError(
                plan.problems or [Problem(file=", ".join(plan.sources), message_key="error.no_table_detected")]
            )
        return apply_import(plan, user, before_commit)


def undo_last(
    folder: Path | None = None,
    user: str | None = None,
    before_commit: BeforeCommit | None = None,
    expected: str | None = None,
    signed_in: bool = False,
) -> HistoryEntry:
    """Restore the files as they were before the newest import not yet undone; the undo is recorded too.

    Nothing is undone while a history entry is damaged: it may be the newest import, and undoing the one before
    it would throw its rows away too. ``expected`` is the import the person confirmed: if another import landed
    since (another admin, the CLI), nothing is undone.
    """
    folder = Path(folder or config.data_dir())
    with exclusive(folder):
        history = list_history(folder)
        if history.damaged:
            # another account's entry (an older release made each private) is not damaged: said so, with what to do
            raise ValidationError(
                [
                    Problem(file="", message_key=key, params={"ids": ids})
                    for key, ids in (
                        ("error.undo_history_damaged", history.broken),
                        ("error.undo_history_unreadable", history.unreadable),
                    )
                    if ids
                ]
            )
        target = history.undoable()
        if target is None:
            raise ValidationError([Problem(file="", message_key="error.nothing_to_undo")])
        if expected is not None and target.id != expected:
            raise ValidationError(
                [
                    Problem(
                        file="",
                        message_key="error.undo_target_changed",
                        params={"latest": target.id, "entry": expected},
                    )
                ]
            )
        changed = _changed_since(folder, target)
        if changed:
            # the files are not what the import wrote (edited by hand since, or a newer import's entry removed from
            # the history): restoring the files before it would throw those changes away without a word
            raise ValidationError(
                [Problem(file=changed, message_key="error.undo_changed_since", params={"entry": target.id})]
            )
        writes: dict[str, tuple[str, bytes] | None] = {}
        for name, info in target.tables.items():
            kept = info["files_before"]
            # A table kept as both .xlsx and .csv before is restored with the file the store reads.
            chosen = next((f for suffix in TABLE_SUFFIXES for f in kept if f == f"{name}{suffix}"), None)
            writes[name] = (chosen, _kept_file(folder, target, chosen)) if chosen else None
        kept_cache = cached_files(target)
        problems = validate_would_be_folder(folder, writes, kept_cache)
        if problems:
            raise ValidationError(problems)
        current, _ = load_current(folder)
        tables = {
            name: {
                "table_zh": TABLES[name].zh,
                "rows_before": len(current[name]) if name in current else 0,
                "rows_after": info.get("rows_before"),
                "file_after": _file_name(writes[name]),
            }
            for name, info in target.tables.items()
        }
        manifest = new_manifest(
            "undo", user, target.sources, target.mode, tables, undoes=target.id, signed_in=signed_in
        )
        return commit_changes(folder, writes, manifest, None, before_commit, restored_cache=kept_cache)


def _kept_file(folder: Path, target: HistoryEntry, name: str) -> bytes:
    """The bytes of the ledger ``target`` kept as ``name``, read where it is (``import_history.kept_bytes``): a link
    planted in the entry by someone who may write the history (a member of the folder's group) would have had the
    admin's undo copy what it points at, a file only the admin may read, into the data folder; refused naming it."""
    try:
        return kept_bytes(target.path / name, folder)
    except (FileNotFoundError, atomic.NotARegularFile) as refused:
        link = isinstance(refused, atomic.NotARegularFile) and refused.link
        key = "error.history_entry_link" if link else "error.history_entry_incomplete"
        raise ValidationError(
            [Problem(file=target.id, message_key=key, params={"entry": target.id, "file": name})]
        ) from None


def _changed_since(folder: Path, target: HistoryEntry) -> str | None:
    """The first file of the import that is no longer what the import wrote (its manifest's digest), if any."""
    for info in target.tables.values():
        digest, file_name = info.get("sha256_after"), info.get("file_after")
        if not digest or not isinstance(file_name, str):
            continue  # an entry written before digests were kept: nothing to compare with
        path = folder / Path(file_name).name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return path.name
    return None


def _file_name(write: tuple[str, bytes] | None) -> str | None:
    """The file a table is written to, or None where the table is removed."""
    return write[0] if write else None
