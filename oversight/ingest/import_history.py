"""Every change to the data folder is kept: the files as they were before it, and a manifest saying who and what.

An entry is a folder ``.history/<timestamp>-<tables>/`` holding the replaced files and ``manifest.json``.
It is built under a dot-name and renamed, so a half-written entry is never listed; a damaged one is
named, not fatal.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oversight import config
from oversight.contract.schema import TABLES

HISTORY_DIR = ".history"
MANIFEST = "manifest.json"


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
    sequence: int | None = None  # the entry's place in the folder's history; None in an entry written before it

    def order(self) -> tuple:
        """Where the entry sorts: by its sequence number, after every entry written before there were any (those by
        their recorded time, an aware one). Not by its folder's name, which held the writer's local time: an import
        from a shell on Beijing time sorted after a later one from a server on UTC, and undo took back the wrong
        import."""
        if self.sequence is not None:
            return (1, self.sequence, "", self.id)
        try:
            at = datetime.fromisoformat(self.at)
            moment = (at if at.tzinfo else at.astimezone()).astimezone(UTC).isoformat()
        except ValueError:
            moment = ""
        return (0, 0, moment, self.id)

    @classmethod
    def load(cls, path: Path) -> HistoryEntry:
        """The entry in ``path``; ``DamagedEntry`` if its manifest is missing, not JSON or lacks a key."""
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
            tables = manifest["tables"]
            if (
                manifest["action"] not in ("import", "undo")
                or not isinstance(tables, dict)
                or not all(
                    name in TABLES and isinstance(info, dict) and isinstance(info.get("files_before", []), list)
                    for name, info in tables.items()
                )
            ):
                raise ValueError("unexpected manifest")
            return cls(
                id=path.name,
                path=path,
                action=manifest["action"],
                user=str(manifest["user"]),
                at=str(manifest["at"]),
                sources=tuple(str(s) for s in manifest.get("sources", ())),
                mode=str(manifest.get("mode", "")),
                tables=tables,
                undoes=manifest.get("undoes"),
                os_user=manifest.get("os_user"),
                sequence=_sequence(manifest.get("sequence")),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise DamagedEntry(path.name, type(error).__name__) from None


def _sequence(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError("unexpected sequence")
    return value


class DamagedEntry(Exception):
    """A history entry whose manifest cannot be read: listed as damaged; undo refuses while there is one."""

    def __init__(self, entry_id: str, reason: str):
        super().__init__(f"{entry_id}: {reason}")
        self.entry_id, self.reason = entry_id, reason


class History(list):
    """Readable entries, oldest first, with ``damaged``: the ids of entries whose manifest is broken."""

    damaged: tuple[str, ...] = ()

    def undoable(self) -> HistoryEntry | None:
        """The import an undo restores the data from: the newest one not undone yet (None: nothing to undo).

        Undo itself refuses while an entry is damaged (``commit.undo_last``): a damaged entry may be the newest
        import, and undoing the one before it would throw its rows away unsaid."""
        undone = {entry.undoes for entry in self if entry.action == "undo"}
        return next((e for e in reversed(self) if e.action == "import" and e.id not in undone), None)


def list_history(folder: Path | None = None) -> History:
    """Every recorded import and undo, oldest first; a damaged entry is skipped and named in ``.damaged``."""
    root = Path(folder or config.data_dir()) / HISTORY_DIR
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
    entries.sort(key=HistoryEntry.order)
    entries.damaged = tuple(damaged)
    return entries


def next_sequence(folder: Path) -> int:
    """The sequence number of the next entry (called under the folder's lock, as every change is)."""
    return max((entry.sequence or 0 for entry in list_history(folder)), default=0) + 1


def entry_name(manifest: dict[str, Any]) -> str:
    """A new entry's folder name: when (UTC, whatever the writer's time zone) and which tables changed."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    return f"{stamp}-{'+'.join(manifest['tables'])}"


def keep_previous(folder: Path, manifest: dict[str, Any], name: str | None = None) -> Path:
    """Copy the files the change will replace into a new ``.history`` entry, manifest included.

    Built under a dot-name and renamed, so a half-written entry is never listed.
    """
    root = folder / HISTORY_DIR
    root.mkdir(exist_ok=True)
    manifest = {**manifest, "sequence": next_sequence(folder)}
    final = root / (name or entry_name(manifest))
    building = _new_building(root)
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


def _new_building(root: Path) -> Path:
    """A new, empty ``.building-XXXXXXXX`` folder in ``root``, with the mode the umask leaves of 0o777 as for any new
    folder (``mkdtemp``'s fixed 0700 hid every entry from the dashboard's account when another one imported: listed as
    damaged, and undo refused)."""
    for _ in range(100):
        path = root / f".building-{secrets.token_hex(4)}"
        try:
            path.mkdir(mode=0o777)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(root))


def new_manifest(
    action: str,
    user: str | None,
    sources: Iterable[str],
    mode: str,
    tables: dict[str, dict[str, Any]],
    undoes: str | None = None,
    signed_in: bool = False,
) -> dict[str, Any]:
    """What an entry's ``manifest.json`` says: the action, who (as claimed and as the OS knows them), when, what.

    ``signed_in``: ``user`` is an account that proved itself with a password or sign-on (the web page); the OS
    account is then the server's, which says nothing of who did it (every web import read "admin1 (OS user
    root)"), and is not recorded. A name from the CLI or local mode is only claimed, and keeps the OS account.
    """
    return {
        "action": action,
        "user": user or config.claimed_user(),
        "os_user": None if signed_in else config.os_user(),
        "at": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
        "sources": list(sources),
        "mode": mode,
        "undoes": undoes,
        "tables": tables,
    }
