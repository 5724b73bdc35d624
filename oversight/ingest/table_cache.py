"""A columnar copy of each validated table beside the data, so a start does not parse the spreadsheets again.

``<data>/.cache/<table>.<key>.parquet`` holds the frame ``ingest.read_table``
returned for one exact input. The key is a hash of everything that decides
that frame:

- the file's name, size and the SHA-256 of its bytes (hashing 40 MB takes a tenth of a second; parsing it, many
  seconds). Not its modification time: the bytes decide the frame, and a file given back by undo (the same bytes,
  a new time) found its frame gone and parsed 190,000 meetings again;
- the keys of the tables it is checked against (every table names units;
  suggestions name issues), so editing ``units.xlsx`` re-reads the rest;
- the source of the contract, the reader and this module, so a new version
  of the code never serves a frame the old one parsed.

Only frames that passed validation are written; a file with problems is
parsed (and reported) every time. Beside each Parquet file, ``<name>.check``
records its row count and the SHA-256 of its bytes; a cache file is used only
when both match, so a valid-looking Parquet file that is not what its name
says (copied over, restored from elsewhere, cut short) is rebuilt, not shown. Files are written beside their final name
and renamed, so a reader sees a whole file or none; a cache file that cannot
be read is ignored and rebuilt; a folder that cannot be written to (read-only,
full disk) only means the next start parses again.

Several processes (replicas behind nginx, the CLI) share one folder: a cache
file is written by one process at a time, under ``.cache/.write.lock``
(``oversight.core.locking``). A process that finds the lock taken does not wait: it
goes on with the frame it has just parsed and leaves the writing to the holder.
The holder writes only when no verified file for the key is there yet, so a key
is written once, not once per replica. Readers take no lock: they see a whole
file or none (renames), verify it against its check, and a file removed under
them (an older entry dropped after an import, the whole cache cleared to free a full disk) is parsed again,
never shown wrong; a file removed between being found and DuckDB opening it fails that read, and the store
parses the spreadsheets instead (``store.open_folder``).

A history entry keeps, beside the ledger an import replaced, that ledger's cache files (``kept_for``, hard links: a
cache file is only ever replaced by a rename, never written in place); undo puts them back (``adopt``), so the
ledger it restores is read from Parquet, as the append that replaced it was.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from oversight.core import atomic, locking

CACHE_DIR_NAME = ".cache"
WRITE_LOCK = ".write.lock"
# as the umask leaves it, as the data folder's lock (``folder_lock.LOCK_MODE``): made 0600 by the admin's command line,
# the dashboard's account could never take it, and never wrote the cache of a folder they share
WRITE_LOCK_MODE = 0o666
FORMAT_VERSION = "1"
# Every non-units table resolves its unit column against units; suggestions check issue_id against issues.
DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "units": (),
    "meetings": ("units",),
    "issues": ("units",),
    "suggestions": ("units", "issues"),
    "reminders": ("units",),
    "activities": ("units",),
}
_HASH_CHUNK = 1 << 20

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileKey:
    """What identifies one input file's content: name, size, modification time and a hash of its bytes."""

    name: str
    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> FileKey:
        stat = path.stat()
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            while chunk := stream.read(_HASH_CHUNK):
                digest.update(chunk)
        return cls(path.name, stat.st_size, stat.st_mtime_ns, digest.hexdigest())


@cache
def code_version() -> str:
    """A hash of the code that turns a file into a frame: a changed reader invalidates every entry."""
    from oversight.contract import schema
    from oversight.core import i18n

    digest = hashlib.sha256(FORMAT_VERSION.encode())
    # the contract and every module of this package (files, headers, cells, sheets, this cache): the reader
    # is spread over several of them, so a change to any one must invalidate the cache
    for path in (Path(str(schema.__file__)), *sorted(Path(__file__).parent.glob("*.py"))):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    # Enum cells are also matched against their English labels.
    english = i18n.catalog("en")
    digest.update(repr(sorted((k, v) for k, v in english.items() if k.startswith("code."))).encode())
    pa_version = pa.__version__.split(".")[0]
    digest.update(f"pandas {pd.__version__} pyarrow {pa_version}".encode())
    return digest.hexdigest()


def table_key(table: str, file: FileKey, dependencies: dict[str, str]) -> str:
    """The cache key of ``table`` read from ``file``, given the keys of the tables it is checked against."""
    parts = [code_version(), table, file.name, str(file.size), file.sha256]
    parts += [f"{name}={dependencies[name]}" for name in DEPENDENCIES[table]]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def cache_dir(folder: Path) -> Path:
    return Path(folder) / CACHE_DIR_NAME


def cache_path(folder: Path, table: str, key: str) -> Path:
    return cache_dir(folder) / f"{table}.{key}.parquet"


def check_path(path: Path) -> Path:
    """The file beside a cache file that records its row count and content hash."""
    return path.with_name(path.name + ".check")


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with atomic.open_regular(path) as stream:  # a cache file replaced by a named pipe is not waited on
        while chunk := stream.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _verified(path: Path) -> bool:
    """The cache file is the one written for its name: same bytes (hash) and as many rows as recorded."""
    try:
        recorded = json.loads(atomic.read_regular(check_path(path)).decode("utf-8"))
        return (
            isinstance(recorded, dict)
            and recorded.get("sha256") == _digest(path)
            and recorded.get("rows") == pq.read_metadata(path).num_rows
        )
    except Exception:  # missing, unreadable or foreign: not verified
        return False


def load(folder: Path, table: str, key: str) -> pd.DataFrame | None:
    """The cached frame, or ``None`` when there is none, it is not verified, or cannot be read (then removed)."""
    path = cache_path(folder, table, key)
    if not path.is_file():
        return None
    if not _verified(path):
        if _removed_meanwhile(path):
            return None
        log.warning("ignoring cache file %s: its rows or hash differ from what was recorded", path)
        discard(path)
        return None
    try:
        frame = pq.read_table(path).to_pandas()
    except Exception as error:  # a truncated or foreign file: never fatal, the spreadsheet is the truth
        if _removed_meanwhile(path):
            return None
        log.warning("ignoring unreadable cache file %s: %s", path, error)
        discard(path)
        return None
    return frame


def _removed_meanwhile(path: Path) -> bool:
    """Whether the cache file went since it was found (``clear``, or a newer key's ``store``, in another process):
    the reader parses the spreadsheet, as for no file at all. Said as a forged file ("its rows or hash differ"), it
    sent whoever read the log looking for tampering."""
    if path.exists():
        return False
    log.debug("cache file %s was removed while being read; reading the spreadsheet", path)
    return True


def usable_path(folder: Path, table: str, key: str) -> Path | None:
    """The cache file for ``key`` if one is there and verified (for readers that open Parquet themselves)."""
    path = cache_path(folder, table, key)
    if not path.is_file():
        return None
    if not _verified(path):
        if not _removed_meanwhile(path):
            discard(path)
        return None
    return path


@contextmanager
def _held(folder: Path) -> Iterator[int]:
    """The folder's cache folder (made if need be) opened from the data folder, never through a link, with its write
    lock held: a descriptor the sweeps remove files through (``os.unlink(name, dir_fd=…)``). A .cache planted as a link
    to a folder of the admin's is refused (``atomic.NotARegularFile``): the sweeps, removing every ``.*.tmp`` and
    ``*.parquet`` there, took the private folder's files of those names (another program's write in progress), and the
    cache was written in it. ``locking.LockBusy`` when another process writes the cache now."""
    directory = cache_dir(folder)
    directory.mkdir(exist_ok=True)
    with (
        atomic.open_folder(directory, Path(folder)) as opened,
        locking.held(directory / WRITE_LOCK, timeout=0, purpose="cache", mode=WRITE_LOCK_MODE),
    ):
        yield opened


def _remove(directory: int, names: Iterable[str]) -> int:
    """The files ``names`` of the opened cache folder removed where they are; the bytes freed."""
    freed = 0
    for name in names:
        try:
            size = os.stat(name, dir_fd=directory, follow_symlinks=False).st_size
            os.unlink(name, dir_fd=directory)
            freed += size
        except OSError:
            continue  # gone meanwhile (a reader's ``discard``), or not ours to remove
    return freed


def store(folder: Path, table: str, key: str, frame: pd.DataFrame) -> Path | None:
    """Write the frame atomically and drop the table's older entries; ``None`` when the folder is not writable."""
    path = cache_path(folder, table, key)
    try:
        with _held(folder) as directory:
            return _store_locked(directory, table, path, frame)
    except locking.LockBusy:
        return None  # another process is writing the cache now; this one has its frame and goes on
    except OSError as error:  # the lock file cannot be made (a read-only folder), or .cache is a link
        log.warning("could not write cache file %s: %s", path, error)
        return None


def _store_locked(directory: int, table: str, path: Path, frame: pd.DataFrame) -> Path | None:
    _remove_leftovers(directory)
    if path.is_file() and _verified(path):
        return path  # another process wrote this very key a moment ago
    try:
        sink = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
        data = sink.getvalue().to_pybytes()
        # as readable as the data beside it; the check first, so a file never stands without one
        record = {"rows": len(frame), "sha256": hashlib.sha256(data).hexdigest()}
        atomic.write_bytes(check_path(path), json.dumps(record).encode("utf-8"), mode=0o644)
        atomic.write_bytes(path, data, mode=0o644)
    except Exception as error:  # read-only folder, full disk, an odd frame: the dashboard goes on without
        log.warning("could not write cache file %s: %s", path, error)
        discard(path)  # a check written without its file (or the reverse) is never left to be trusted
        return None
    older = [name for name in os.listdir(directory) if _is_cache_file(name, table) and name != path.name]
    _remove(directory, [name for old in older for name in (old, check_path(Path(old)).name)])
    return path


def _is_cache_file(name: str, table: str = "") -> bool:
    """A cache file's name (``<table>.<key>.parquet``; of ``table`` where one is given)."""
    return name.endswith(".parquet") and not name.startswith(".") and name.startswith(f"{table}." if table else "")


def clear(folder: Path) -> int:
    """Remove every cache file of the folder, for the room they take; the bytes freed (0 where there were none, or
    another process is writing the cache now). Nothing is lost: the next read parses the spreadsheets again."""
    freed = 0
    if not cache_dir(folder).is_dir():
        return freed  # no cache to free: none is made for it
    try:
        with _held(folder) as directory:
            freed += _remove_leftovers(directory)
            cached = [name for name in os.listdir(directory) if _is_cache_file(name)]
            freed += _remove(directory, cached)
            _remove(directory, [check_path(Path(name)).name for name in cached])
    except (locking.LockBusy, OSError):
        return freed
    return freed


def _remove_leftovers(directory: int) -> int:
    """What writers killed mid-``store`` left, removed under the write lock (no writer is at work): each one's
    temporary, as large as the cache file it was to become, and its check, written first, standing without it. Every
    kill left both for good, under a key no later write reuses, and ``clear`` freed none of it on a full disk. The bytes
    freed."""
    names = set(os.listdir(directory))
    leftovers = [name for name in names if name.startswith(".") and name.endswith(".tmp")]
    leftovers += [
        name for name in names if name.endswith(".parquet.check") and name.removesuffix(".check") not in names
    ]
    return _remove(directory, leftovers)


def discard(path: Path) -> None:
    for victim in (path, check_path(path)):
        try:
            victim.unlink(missing_ok=True)
        except OSError:
            pass


def kept_for(folder: Path, tables: Iterable[str]) -> list[Path]:
    """The cache files (Parquet and check) of ``tables`` now in the folder's cache: what a history entry keeps of the
    ledgers an import replaces. Whatever their keys: a file is only ever used under its own key, after its check.
    None from a .cache that is a link (listed through it, the files there were refused by ``link_or_copy``, and the
    import failed): that undo parses its ledgers."""
    directory = cache_dir(folder)
    try:
        with atomic.open_folder(directory, Path(folder)) as opened:
            # regular files only: a link or a pipe planted among them was refused by the keeping, and the import failed
            names = {name for name in os.listdir(opened) if _is_regular(name, opened)}
    except OSError:  # no cache, or a link (``atomic.NotARegularFile``)
        return []
    found: list[Path] = []
    for table in tables:
        for name in sorted(name for name in names if _is_cache_file(name, table)):
            if check_path(Path(name)).name in names:
                found += [directory / name, check_path(directory / name)]
    return found


def _is_regular(name: str, directory: int) -> bool:
    try:
        return stat.S_ISREG(os.stat(name, dir_fd=directory, follow_symlinks=False).st_mode)
    except OSError:
        return False


def link_or_copy(source: Path, target: Path, within: Path) -> None:
    """``target`` holds ``source``'s bytes: a hard link where the file system allows one, else a copy. Only for files
    that are replaced by renames and never written in place (cache files, kept history files). ``source`` is in the
    data folder ``within`` (its cache, or a history entry's), and is reached from there without following a link."""
    # Never through a link (``atomic.open_regular``): a kept cache file swapped for a link after ``cached_files`` left
    # the links out was linked as that link into the data folder's cache (os.link does not follow it), or, across file
    # systems, what it pointed at (a file only the admin may read) copied there as the umask leaves it. Nor through a
    # folder on its way swapped for a link (the entry's cache folder, after it was listed): os.link and open follow
    # every part but the last, and the private folder's file of that name was linked or copied into the cache.
    try:
        with atomic.open_folder(source.parent, within) as folder:
            os.link(source.name, target, src_dir_fd=folder, follow_symlinks=False)
    except atomic.NotARegularFile:
        raise
    except OSError:
        with atomic.open_regular(source, within) as kept, open(target, "wb") as copy:
            shutil.copyfileobj(kept, copy)
        return
    link = os.path.islink(target)
    if link or not os.path.isfile(target):  # what was linked is a link itself, or a FIFO: taken out again
        target.unlink()
        raise atomic.NotARegularFile(source, link=link)


def adopt(folder: Path, files: Iterable[Path], within: Path) -> None:
    """Put kept cache files (``kept_for``, an entry's ``cached_files``: all in the data folder ``within``) back in the
    folder's cache, each under its own name, beside what is there.
    Never fatal: a file not put back only means its ledger is parsed again. A reader uses one only after its check."""
    directory = cache_dir(folder)
    try:
        with _held(folder):
            # the check first, as ``store`` writes them: a Parquet file never stands without one
            for source in sorted(files, key=lambda path: not path.name.endswith(".check")):
                target = directory / source.name
                if not target.exists():
                    link_or_copy(source, target, within)
    except (locking.LockBusy, OSError) as error:
        log.warning("could not put kept cache files back in %s: %s", directory, error)
