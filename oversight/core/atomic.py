"""Atomic file writes: write beside the target, flush to disk, then rename over it.

A reader (or a crash) sees the old file or the new one, never half of one. Every module that
replaces a file — data imports, the sample, accounts, the Parquet cache — goes through here.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import secrets
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def kept_mode(target: Path) -> int | None:
    """The mode the target already has; None for a new file, which takes ``0o666 & ~umask`` as a plain ``open()``
    gives it (mkstemp's own 0600 hid data from others; a fixed 0644 showed a pack to everyone under umask 077)."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        return None


def _create_beside(target: Path) -> tuple[int, Path]:
    """A new, empty file next to ``target`` (``.name.XXXXXXXX.tmp``), opened for writing with mode 0o666, which the
    umask narrows, as ``open()`` would."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target))


# A temporary of ``write_beside`` not written to for this long was left by a writer that died before its rename (kill -9,
# a power cut): a live one is written, flushed and renamed within moments, each write renewing its time.
DEAD_AFTER_S = 60.0


def remove_dead_temporaries(
    target: Path, older_than_s: float = DEAD_AFTER_S, now: float | None = None, keep: Path | None = None
) -> int:
    """Remove the temporaries (``.name.XXXXXXXX.tmp``) that writers of ``target`` left when they died before their
    rename; the bytes freed. Each kill mid-write left one for good, and nothing ever removed it: a copy of the users
    file (its password hashes) or of the sign-in throttle's beside it, of the push record, a briefing PDF in the
    output folder. ``now``: the folder's own time (a file just made there: ``write_beside``'s), else this machine's;
    ``keep``: that file."""
    own = re.compile(re.escape(f".{target.name}.") + r"[0-9a-f]{8}\.tmp")
    now = time.time() if now is None else now
    freed = 0
    for path in target.parent.glob(glob.escape(f".{target.name}.") + "*.tmp"):
        try:
            status = path.lstat()
            if path != keep and own.fullmatch(path.name) and now - status.st_mtime >= older_than_s:
                path.unlink()
                freed += status.st_size
        except OSError:
            continue  # renamed into place by its writer meanwhile, or not ours to remove: left as it is
    return freed


def write_beside(target: Path, data: bytes, mode: int | None = None) -> Path:
    """``data`` flushed to disk next to ``target`` under a temporary name; the caller renames it into place.

    Its mode: ``mode`` if given, else the target's own, else what the umask leaves of 0o666. What an earlier writer of
    the same target left when it was killed before its rename goes before the data is written
    (``remove_dead_temporaries``), its age told by the folder's clock: a file server's times measured against this
    machine's clock, 90 s ahead, had another replica's temporary, written a moment before, removed under its writer."""
    handle, temporary = _create_beside(target)
    try:
        with os.fdopen(handle, "wb") as stream:
            remove_dead_temporaries(target, now=os.fstat(handle).st_mtime, keep=temporary)
            chosen = kept_mode(target) if mode is None else mode
            if chosen is not None:
                os.fchmod(stream.fileno(), chosen)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def sync_directory(folder: Path) -> None:
    """Make a rename inside ``folder`` survive a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_bytes(
    target: Path, data: bytes, mode: int | None = None, before_rename: Callable[[], None] | None = None
) -> None:
    """Replace ``target`` with ``data`` atomically (creating its folder if need be). ``before_rename`` runs once the
    data is flushed beside the target, before it replaces it (a change's audit line): if it raises, nothing is."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = write_beside(target, data, mode)
    try:
        if before_rename is not None:
            before_rename()
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_directory(target.parent)


class TemporaryFolderFull(OSError):
    """The disk of the temporary folder (``TMPDIR``, else /tmp) is full: not the data folder's, nor the output's."""


@contextmanager
def temporary_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder, removed after the block; a full disk or quota met by what the block writes there raises
    ``TemporaryFolderFull`` naming the temporary folder: with /tmp full and the data folder's disk half empty, a check
    said only 磁盘空间不足 (the admin's ``df`` of the data folder showed room), and the Data page showed Streamlit's
    English error."""
    try:
        with tempfile.TemporaryDirectory(prefix=prefix) as made:
            yield Path(made)
    except TemporaryFolderFull:
        raise
    except OSError as error:
        full = temporary_folder_full(error)
        if full is None:
            raise
        raise full from error


def temporary_folder_full(error: BaseException) -> TemporaryFolderFull | None:
    """``error`` as the temporary folder's full disk, where it is a full disk or quota (ENOSPC, EDQUOT) met by what
    was written there (a temporary folder made, a page or a browser's profile written in it); None otherwise."""
    if isinstance(error, TemporaryFolderFull):
        return error
    if not isinstance(error, OSError) or error.errno not in (errno.ENOSPC, errno.EDQUOT):
        return None
    return TemporaryFolderFull(error.errno, os.strerror(error.errno), tempfile.gettempdir())


class NotARegularFile(OSError):
    """A file to be read where it is that is a symbolic link (``link``), or a FIFO, a device or a folder."""

    def __init__(self, path: Path, link: bool):
        code = errno.ELOOP if link else errno.EINVAL
        super().__init__(code, "a symbolic link" if link else "not a regular file", str(path))
        self.link = link


def open_regular(path: Path, within: Path | None = None) -> BinaryIO:
    """``path`` opened for reading where it is: never through a symbolic link, and only a regular file (a FIFO is
    refused, not waited on). A file looked at (``is_symlink``, ``is_file``) and then opened by its name could be
    swapped for a link between the two by anyone who may write in its folder, and what the link pointed at was read.
    With ``within`` (a folder above ``path`` that is trusted), no folder between the two is followed as a link either
    (``open_folder``): ``O_NOFOLLOW`` alone guards the last part, and a folder on the way swapped for a link to a
    private one had its file of that name read. ``FileNotFoundError`` where there is nothing; ``NotARegularFile``
    otherwise."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    try:
        if within is None:
            descriptor = os.open(path, flags)
        else:
            with open_folder(path.parent, within) as folder:
                descriptor = os.open(path.name, flags, dir_fd=folder)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotARegularFile(path, link=True) from None
        raise
    opened = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        opened.close()
        raise NotARegularFile(path, link=False)
    return opened


def read_regular(path: Path) -> bytes:
    """The bytes of a small file of ours that others may write beside (a commit's journal, a history entry's manifest,
    a cache file's check, the accounts marker), read as ``open_regular`` opens it: a named pipe planted under its name
    was opened and waited on for a writer that never came, and every reader of the folder hung (a page for each user,
    the commit's recovery holding the folder's lock). ``FileNotFoundError`` or ``NotARegularFile``."""
    with open_regular(path) as opened:
        return opened.read()


@contextmanager
def open_folder(path: Path, within: Path) -> Iterator[int]:
    """A descriptor of the folder ``path``, opened part by part from ``within`` (trusted, opened as it is named), each
    part by its name in the one above it and never through a link (``O_DIRECTORY | O_NOFOLLOW``): what is read
    relative to it (``dir_fd``) is in that folder, whatever is renamed or linked along the way meanwhile.
    ``NotARegularFile`` (``link`` where it is one) for a part that is not a folder; ``FileNotFoundError`` for none."""
    parts = Path(path).relative_to(within).parts
    descriptor = os.open(within, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts:
            try:
                inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0), dir_fd=descriptor)
            except OSError as error:
                if error.errno not in (errno.ELOOP, errno.ENOTDIR):  # a link is ENOTDIR with O_DIRECTORY on Linux
                    raise
                link = stat.S_ISLNK(os.stat(part, dir_fd=descriptor, follow_symlinks=False).st_mode)
                raise NotARegularFile(Path(path), link=link) from None
            os.close(descriptor)
            descriptor = inner
        yield descriptor
    finally:
        os.close(descriptor)
