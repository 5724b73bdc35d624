"""One writer at a time, across threads, processes and (on a shared POSIX file system) replicas.

``held(path)`` takes an exclusive ``flock`` on ``path`` for the duration of a
``with`` block; ``shared(path)`` the shared one readers take, so that a reader never sees a change half made
(several readers at once, none while the writer holds it). The kernel ties the lock to the open file, so a holder that
dies (killed, crashed, power cut of its container) releases it at once: there
is no stale lock to clean up and no pid file to trust. A second taker waits up
to ``timeout`` seconds, then gets ``LockBusy``, which names what holds the lock
and since when, so the caller can say "another import is running" instead of
hanging.

The lock file itself stays (deleting it while another process waits on it
would let two holders in); its content is only a note about the last holder,
for people reading the folder.

Used around the data folder's plan-check-write (``ingest.folder_lock``) and the users
file (``accounts``).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT_S = 30.0
_POLL_S = 0.05
# Locks this thread already holds, by path, with their depth: a nested ``held`` on the same path passes through
# (``flock`` on a second descriptor would wait for the first one, that is, for itself).
_held_here = threading.local()


class LockBusy(TimeoutError):
    """The lock was not free within the timeout; ``holder`` is the note the holder left (may be empty), ``waited``
    the timeout, in seconds."""

    def __init__(self, path: Path, holder: dict[str, Any], waited: float = 0.0):
        self.path, self.holder, self.waited = path, holder, waited
        super().__init__(f"{path} is held by {holder or 'another process'}")


def _read_note(descriptor: int) -> dict[str, Any]:
    try:
        raw = os.pread(descriptor, 4096, 0)
        note = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        return note if isinstance(note, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_note(descriptor: int, purpose: str) -> None:
    note = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "purpose": purpose,
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    try:
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps(note).encode("utf-8"), 0)
    except OSError:
        pass  # the note is for people; a full disk must not stop the lock itself


def _take(descriptor: int, mode: int, path: Path, timeout: float) -> None:
    """``flock`` in ``mode`` (exclusive or shared), polling until ``timeout``; then ``LockBusy`` naming the holder."""
    deadline = time.monotonic() + max(timeout, 0.0)
    while True:
        try:
            fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
            return
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            if time.monotonic() >= deadline:
                raise LockBusy(path, _read_note(descriptor), timeout) from None
            time.sleep(_POLL_S)


# A lock file is opened where it is, never through a link: a symbolic link planted as the lock file (by anyone who may
# write in a shared folder) had the next holder's note written over the file it points at (truncated: a private key
# became {"pid": …}) and, for an older release's 0600 file of the holder's own, its mode opened up to 0664.
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


class LockIsALink(PermissionError):
    """The lock file is a symbolic link: not opened, neither written nor widened, whatever it points at."""

    def __init__(self, path: Path):
        super().__init__(errno.ELOOP, os.strerror(errno.ELOOP), str(path))


def _open_lock(path: Path, mode: int) -> int:
    """The lock file opened (created with ``mode``, which the umask narrows, if missing). Read-only where it is another
    account's that this one may read but not write: ``flock`` needs an open descriptor, not the right to write (the
    CLI's admin made the data folder's lock 0600, and every change from the dashboard's account was then refused as
    "the data folder cannot be written", in a folder it could write)."""
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | _NO_FOLLOW, mode)
    except PermissionError as refused:
        try:
            return os.open(path, os.O_RDONLY | _NO_FOLLOW)
        except FileNotFoundError:
            # no lock file, and this account may not make one: the folder is not writable (another account's, or
            # 0555), and the error names the folder, not the lock: an import said 处理失败（FileNotFoundError）
            code = refused.errno or errno.EACCES
            raise PermissionError(code, os.strerror(code), str(path.parent)) from None
    except OSError as refused:
        if refused.errno == errno.ELOOP:
            raise LockIsALink(path) from None
        if refused.errno != errno.EROFS:
            raise
        # a read-only mount: nothing can be written in the folder, whoever's lock file it holds (it was said to be
        # "another account's lock file, which this account may not read", sending an admin after the wrong file)
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path.parent)) from None
    _open_up_if_older(descriptor, path, mode)
    return descriptor


# the mode every lock file got before a caller could ask for a wider one
_OLDER_RELEASES_MODE = 0o600


def _open_up_if_older(descriptor: int, path: Path, mode: int) -> None:
    """A lock file an older release made 0600 for its account, where ``mode`` is wider now, is given by its owner
    ``mode`` as far as the folder it is in lets others in (0664 in a group's 2775 folder, 0644 in a 0755 one): an
    upgraded office kept the admin's 0600 lock, and the dashboard's account could take it no more than before."""
    if mode == _OLDER_RELEASES_MODE:
        return
    try:
        status = os.fstat(descriptor)
        if status.st_mode & 0o777 != _OLDER_RELEASES_MODE or status.st_uid != os.geteuid():
            return
        if not stat.S_ISREG(status.st_mode) or status.st_nlink != 1:
            return  # a hard link to another file of this account's (a key) is not the lock this release made
        wanted = mode & os.stat(path.parent).st_mode & 0o666
        if wanted & 0o066:
            os.fchmod(descriptor, wanted | _OLDER_RELEASES_MODE)
    except OSError:
        pass  # left as it is: it still locks


@contextmanager
def held(path: Path, timeout: float = DEFAULT_TIMEOUT_S, purpose: str = "", mode: int = 0o600) -> Iterator[None]:
    """Hold the exclusive lock on ``path`` (created if missing) inside the block; ``LockBusy`` after ``timeout``.

    ``mode``: the lock file's, when this call creates it (0o666 where several accounts share the folder: the umask
    then says who may take it, as for the files it guards).

    ``timeout=0`` tries once. Re-entrant within one thread: an inner ``held`` on a lock the thread holds passes.
    The folder the lock file goes in must exist (``FileNotFoundError`` otherwise): a caller that wants it made makes
    it. Taking the data folder's lock made a mistyped ``OVERSIGHT_DATA_DIR``, after which every command read an empty
    folder instead of naming the typo.
    """
    path = Path(path)
    key = str(path.resolve())
    depth: dict[str, int] = _held_here.__dict__.setdefault("depth", {})
    if depth.get(key):
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    descriptor = _open_lock(path, mode)
    try:
        _take(descriptor, fcntl.LOCK_EX, path, timeout)
        _write_note(descriptor, purpose)
        depth[key] = 1
        try:
            yield
        finally:
            depth.pop(key, None)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)  # closing releases the lock too, should unlocking have failed


@contextmanager
def shared(path: Path, timeout: float = DEFAULT_TIMEOUT_S, mode: int = 0o600) -> Iterator[None]:
    """Hold the shared lock on ``path`` inside the block: wait while a writer holds ``held(path)``.

    Passes through when this thread already holds the lock (a writer re-reading what it wrote) and when the
    lock file neither exists nor can be made (a read-only folder: nothing can write there either).
    ``LockBusy`` after ``timeout``.
    """
    path = Path(path)
    key = str(path.resolve())
    depth: dict[str, int] = _held_here.__dict__.setdefault("depth", {})
    if depth.get(key):
        yield
        return
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | _NO_FOLLOW, mode)
    except OSError:
        try:
            descriptor = os.open(path, os.O_RDONLY | _NO_FOLLOW)
        except OSError:
            yield  # no lock file and no right to make one: no writer can be at work here
            return
    try:
        _take(descriptor, fcntl.LOCK_SH, path, timeout)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
