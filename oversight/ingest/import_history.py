"""Every change to the data folder is kept: the files as they were before it, and a manifest saying who and what.

An entry is a folder ``.history/<timestamp>-<tables>/`` holding the replaced files and ``manifest.json``.
It is built under a dot-name and renamed, so a half-written entry is never listed; a damaged one is
named, not fatal. A file an older entry already keeps byte for byte is a hard link to that entry's (``_keep``), never
to the live file; the newest entries also keep the replaced ledgers' cache files, for a fast undo.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
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
from oversight.core import atomic
from oversight.ingest import table_cache

HISTORY_DIR = ".history"
MANIFEST = "manifest.json"
CACHE = "cache"  # in an entry: the cache files of the ledgers it keeps (``table_cache.kept_for``)
KEEP_CACHE_IN = 3  # the newest entries that keep their cache files: undo of the last three imports reads no ledger


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
            manifest = json.loads(atomic.read_regular(path / MANIFEST).decode("utf-8"))
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
    """Readable entries, oldest first, with ``damaged``: the ids of entries whose manifest cannot be read, and among
    them ``unreadable``: those this account may not read (another account's, made private by an older release)."""

    damaged: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()

    @property
    def broken(self) -> tuple[str, ...]:
        """The damaged entries that are damaged indeed, not only another account's (``unreadable``)."""
        return tuple(entry_id for entry_id in self.damaged if entry_id not in self.unreadable)

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
    damaged, unreadable = [], []
    for path in sorted(root.iterdir()):
        if path.is_dir() and not path.name.startswith("."):
            _open_up_if_older(root, path)
            try:
                entries.append(HistoryEntry.load(path))
            except DamagedEntry as error:
                damaged.append(error.entry_id)
                if error.reason == PermissionError.__name__:
                    unreadable.append(error.entry_id)
    entries.sort(key=HistoryEntry.order)
    entries.damaged, entries.unreadable = tuple(damaged), tuple(unreadable)
    return entries


# the mode every entry got before they were made as the umask leaves (``tempfile.mkdtemp``'s)
_OLDER_RELEASES_MODE = 0o700


def _open_up_if_older(root: Path, path: Path) -> None:
    """An entry an older release made ``drwx------`` whatever the umask is given, by its owner, the mode an entry is
    made with now: the ``.history`` folder's own. The entries an admin's command-line imports had left stayed
    unreadable to the dashboard's account after an upgrade (listed as damaged, undo refused); the admin's next look
    at the history opens them. Another account's cannot be changed from here: listed as ``unreadable``."""
    try:
        # opened where it is, never through a link: an entry planted as a link to a private folder of the owner's
        # (~/.ssh, 0700) had that folder opened up to the .history folder's mode (2775: the group could write in it)
        descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return  # a link, or a folder that cannot be opened: read as it is (unreadable if this account may not read it)
    try:
        status = os.fstat(descriptor)
        if status.st_mode & 0o777 != _OLDER_RELEASES_MODE or status.st_uid != os.geteuid():
            return
        wanted = root.stat().st_mode & 0o777
        if wanted != _OLDER_RELEASES_MODE:
            os.fchmod(descriptor, wanted)
    except OSError:
        pass  # a folder that cannot be changed is read as it is: listed as unreadable if this account may not read it
    finally:
        os.close(descriptor)


def entry_name(manifest: dict[str, Any]) -> str:
    """A new entry's folder name: when (Beijing time, whatever the writer's time zone) and which tables changed.

    The name is the 记录号 every history line, the undo's confirmation and the CLI's 已导入 show beside the entry's
    time in Beijing time: in UTC an import at 00:30 on 1 January read 2021-01-01 00:30:12（北京时间）… 记录号
    20201231-163012-…, a number dated the year before. Entries sort by their sequence, not by this name."""
    stamp = config.team_now().strftime("%Y%m%d-%H%M%S-%f")
    return f"{stamp}-{'+'.join(manifest['tables'])}"


def keep_previous(folder: Path, manifest: dict[str, Any], name: str | None = None, cached: Iterable[Path] = ()) -> Path:
    """Copy the files the change will replace into a new ``.history`` entry, manifest included, with ``cached`` (their
    cache files, ``table_cache.kept_for``) in its ``cache`` folder, for an undo to read them from.

    Built under a dot-name and renamed, so a half-written entry is never listed.
    """
    root = folder / HISTORY_DIR
    root.mkdir(exist_ok=True)
    history = list_history(folder)
    manifest = {**manifest, "sequence": max((entry.sequence or 0 for entry in history), default=0) + 1}
    final = root / (name or entry_name(manifest))
    building = _new_building(root)
    try:
        for info in manifest["tables"].values():
            for file_name in info["files_before"]:
                _keep(folder / file_name, building / file_name, history)
        cached = list(cached)
        if cached:
            (building / CACHE).mkdir()
            for path in cached:
                table_cache.link_or_copy(path, building / CACHE / path.name, within=folder)
        (building / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.rename(building, final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return final


def _keep(live: Path, kept: Path, history: History) -> None:
    """``kept`` holds the live file's bytes as they are now: a hard link to an older entry's file of the same bytes
    where there is one, else a copy of the live file (never a link to it).

    Each entry kept its own copy, 8 MB a ledger of 190,000 meetings: an import after an undo, or a second undo, kept
    bytes an older entry already held. A link is made only between files inside ``.history``, which nothing writes
    after they are kept (undo and rollback read them and write the data folder's files anew, by rename); the live
    file is copied, since a hand edit writes it in place (a copy over it, a spreadsheet saved where it is) and would
    reach every name of its inode."""
    digest = _sha256(live)
    twin = next((path for path in _kept_files(history, live.name) if _same_bytes(path, live, digest)), None)
    if twin is not None:
        try:
            os.link(twin, kept)
            return
        except OSError:
            pass  # another file system, or links not allowed: a copy
    shutil.copyfile(live, kept)


def _kept_files(history: History, file_name: str) -> list[Path]:
    """The files named ``file_name`` that entries keep, newest first (the likeliest to hold the same bytes)."""
    return [entry.path / file_name for entry in reversed(history) if (entry.path / file_name).is_file()]


def _same_bytes(path: Path, live: Path, digest: str) -> bool:
    try:
        return path.stat().st_size == live.stat().st_size and _sha256(path) == digest
    except OSError:
        return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def cached_files(entry: HistoryEntry) -> list[Path]:
    """The cache files an entry keeps of the ledgers it holds (none in an entry older than that, or pruned). A link
    planted among them is left out (the undo parses that ledger instead): one that pointed at a file its maker could
    not read would have been restored into the data folder by the admin's undo."""
    directory = entry.path / CACHE
    if directory.is_symlink() or not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if not path.is_symlink())


def kept_bytes(path: Path, folder: Path) -> bytes:
    """The bytes of a file an entry of ``folder``'s history kept, read from the file opened where it is
    (``atomic.open_regular``): looked at first (``is_symlink``) and read by its name after, a link put in the file's
    place between the two (by anyone who may write in the history: the folder's group) was followed, and the admin's
    undo restored the file it pointed at, one only the admin may read, into the shared folder. The same for the
    entry's folder, or .history, swapped for a link: each is opened from ``folder`` without following one.
    ``FileNotFoundError`` or ``atomic.NotARegularFile``."""
    with atomic.open_regular(path, within=folder) as kept:
        return kept.read()


def drop_old_caches(folder: Path) -> None:
    """Let go of the cache files no undo will read soon: an entry's are only a faster undo, so they are kept by the
    newest ``KEEP_CACHE_IN`` imports not undone (what the next undos restore), not by an undo's entry (never undone)
    nor an import undone. Their spreadsheets stay; an undo further back parses them. Called once a change is
    committed: an undo reads its import's cache files while it commits."""
    try:
        history = list_history(folder)
    except OSError as error:  # the change is committed: a slower undo later, never a failed commit now
        logging.getLogger(__name__).warning("could not list %s to let go of old cache files: %s", folder, error)
        return
    undone = {entry.undoes for entry in history if entry.action == "undo"}
    live = [entry for entry in history if entry.action == "import" and entry.id not in undone]
    keep = {entry.id for entry in live[-KEEP_CACHE_IN:]}
    for entry in history:
        if entry.id not in keep:
            shutil.rmtree(entry.path / CACHE, ignore_errors=True)


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
