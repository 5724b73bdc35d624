"""The audit log: one JSON line per sign-in, failure, sign-out, download, import, undo or refusal.

Append-only: each line is written with a single ``write`` on a descriptor
opened with ``O_APPEND``, then flushed to disk (``fsync``) before the action's
caller goes on; a thread lock and ``flock`` keep lines from different threads
and processes whole. Nothing ever rewrites the file. Reading skips (and counts)
a line that is not a JSON object, so one damaged line never hides the rest.

Path: ``OVERSIGHT_AUDIT_LOG``, else ``audit.jsonl`` beside the users file. The log is rotated by renaming
(logrotate's ``audit.jsonl.1``, ``audit.jsonl.2.gz``, ``audit.jsonl-20261204``): reading takes the rotated files
beside it too, oldest first, so rotating never takes a line out of the page an inspector reads.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import fcntl
import gzip
import json
import os
import re
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oversight import config
from oversight.auth import accounts
from oversight.auth.unit_scope import NO_UNIT

SIGN_IN, SIGN_IN_FAILED, SIGN_OUT = "sign_in", "sign_in_failed", "sign_out"
DOWNLOAD, IMPORT, UNDO, REFUSED = "download", "import", "undo", "refused"
USER_ADDED, USER_REMOVED, PASSWORD_CHANGED = "user_added", "user_removed", "password_changed"
USER_CHANGED, USER_DISABLED, USER_ENABLED = "user_changed", "user_disabled", "user_enabled"
PUSH = "push"  # a digest or brief sent to a messenger robot or by e-mail (a line before sending, one after)
# An import or undo whose line was written (before its first file was replaced) but whose commit then failed
# and was rolled back: the same entry id, so the first line is read as "tried, not done".
IMPORT_ROLLED_BACK, UNDO_ROLLED_BACK = "import_rolled_back", "undo_rolled_back"
ROLLED_BACK = {IMPORT: IMPORT_ROLLED_BACK, UNDO: UNDO_ROLLED_BACK}
# A download audited before its files were handed over (the command line's brief) whose files then could not be
# written: a second line, so the first is read as "asked for, not delivered".
DOWNLOAD_FAILED = "download_failed"
ACTIONS = (
    SIGN_IN,
    SIGN_IN_FAILED,
    SIGN_OUT,
    DOWNLOAD,
    IMPORT,
    UNDO,
    REFUSED,
    USER_ADDED,
    USER_REMOVED,
    PASSWORD_CHANGED,
    USER_CHANGED,
    USER_DISABLED,
    USER_ENABLED,
    PUSH,
    IMPORT_ROLLED_BACK,
    UNDO_ROLLED_BACK,
    DOWNLOAD_FAILED,
)
# Why an action was refused (``details["reason"]``).
REFUSAL_REASONS = (
    "non_local_client",
    "throttled",
    "busy",
    "forbidden_page",
    "forbidden_action",
    "no_account_for_email",
    "sign_in_required",
    "account_disabled",
)

_write_lock = threading.Lock()
# What every line this process writes says of where it came from, under the line's own details: the command line
# sets ``via`` and ``os_user`` for the whole command (``from_command_line``), so a password tried at a shell, a
# refusal or a template written there names the OS account that did it, not only the name it claimed. A context
# variable, not a module-wide dict: a thread of its own (a page run beside a command in one process, as in the tests)
# starts without the marks; the dict marked a download made in a page run "via: cli" while a command ran beside it.
_origin: contextvars.ContextVar[tuple[tuple[str, Any], ...]] = contextvars.ContextVar("audit_origin", default=())
# Free space below which the log counts as full: a line is at most a few KB (a download's filter, a long name), so
# with less than this left the next lines may not fit whole.
LINE_ROOM = 64 * 1024


class AuditError(OSError):
    """The audit line could not be written; the action it records should not go ahead."""


@contextlib.contextmanager
def from_command_line() -> Iterator[None]:
    """Within: every line is marked ``via: cli`` with the operating-system account (``os_user``) that ran it."""
    token = _origin.set(tuple({**dict(_origin.get()), "via": "cli", "os_user": config.os_user()}.items()))
    try:
        yield
    finally:
        _origin.reset(token)


def record_rolled_back(action: str, user: str | None, entry_id: str, reason: str) -> None:
    """Pair an audited import or undo (``action``) with its rollback: ``import_rolled_back``, the same entry id.

    Best effort: the failure may well be the full disk that also refuses this line; the caller reports the
    original failure, and the history (which keeps no entry for a rolled-back change) tells the truth either way.
    """
    rolled_back = ROLLED_BACK.get(action)
    if rolled_back is None:
        return
    try:
        record(rolled_back, account=user, details={"entry": entry_id, "history": entry_id, "error": reason})
    except (AuditError, OSError):
        pass


def audit_log_path() -> Path:
    configured = config.setting("OVERSIGHT_AUDIT_LOG")
    if configured:
        return Path(configured).expanduser()
    return accounts.users_file().with_name("audit.jsonl")


def _now() -> datetime:
    return datetime.now(UTC)


def describe_filter(filter_: Any) -> dict[str, Any]:
    """What a download covered, in the URL's terms: ``{"units": [...], "from": "2020Q1", "to": "2020Q4"}``.

    Pass the *scoped* filter, so the line says what the person actually received
    (a unit account's "all units" is its own units).
    """
    return {
        "units": [u for u in filter_.units if u != NO_UNIT],
        "nothing": NO_UNIT in filter_.units,
        "from": str(filter_.start),
        "to": str(filter_.end),
    }


def make_entry(
    action: str,
    *,
    account: Any = None,
    role: str | None = None,
    address: str | None = None,
    details: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """One audit line as a dict. ``account`` is an ``roles.Account`` (its role is taken too) or a name."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    username = getattr(account, "username", account)
    role = role or getattr(account, "role", None)
    at = (at or _now()).astimezone(UTC)
    return {
        "at": at.isoformat(timespec="milliseconds"),
        "action": action,
        "account": None if username is None else str(username),
        "role": role,
        "source": getattr(account, "source", None),
        "address": address,
        "details": {
            **(details or {}),
            **{key: value for key, value in dict(_origin.get()).items() if key not in (details or {})},
        },
    }


def record(
    action: str,
    *,
    account: Any = None,
    role: str | None = None,
    address: str | None = None,
    details: Mapping[str, Any] | None = None,
    path: Path | None = None,
    clock: Callable[[], datetime] | None = None,
) -> dict[str, Any]:
    """Append one line and flush it to disk; returns the entry. Raises ``AuditError`` if it cannot be written."""
    entry = make_entry(action, account=account, role=role, address=address, details=details, at=(clock or _now)())
    # json escapes every control character, so a newline in a name cannot split the line.
    line = (json.dumps(entry, ensure_ascii=False, default=str, separators=(",", ":")) + "\n").encode(
        "utf-8", "backslashreplace"
    )
    path = Path(path or audit_log_path())
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with _write_lock:
            try:  # read too, to see whether a killed writer left a fragment
                descriptor, readable = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600), True
            except PermissionError:  # a log the app may append to but not read (another account owns it)
                descriptor, readable = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), False
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
                _append_whole(descriptor, line, path, readable)
            finally:
                os.close(descriptor)  # closing releases the flock
    except AuditError:
        raise
    except OSError as error:
        raise AuditError(error.errno, f"audit log {path}: {error}") from error
    return entry


def _append_whole(descriptor: int, line: bytes, path: Path, readable: bool) -> None:
    """Append ``line`` (the flock held) so that the log gains the whole line or nothing.

    A full disk takes part of a line (measured: 67 of 441 bytes on a full tmpfs); left there, the next line
    written once space is freed would be glued onto that fragment and read as one damaged line, losing a record
    that was reported written. So a line not written whole, or not flushed, is cut off again, and a fragment left
    by a process killed mid-write is closed with a newline before this line starts.
    """
    start = os.fstat(descriptor).st_size
    if readable and start and os.pread(descriptor, 1, start - 1) != b"\n":
        line = b"\n" + line  # the fragment stays a line of its own, skipped and counted by ``read_audit``
    try:
        written = os.write(descriptor, line)
        if written != len(line):
            raise AuditError(errno.ENOSPC, f"audit log: wrote {written} of {len(line)} bytes to {path}")
        os.fsync(descriptor)
    except OSError:
        # the action will not go ahead, so its line must not stay behind to say it did
        with contextlib.suppress(OSError):
            os.ftruncate(descriptor, start)
        raise


def ensure_writable(path: Path | None = None) -> None:
    """Raise ``AuditError`` unless a line could be appended now: asked before a change that cannot wait for its
    line to be written first (an account's change is made by the accounts module, which writes the users file)."""
    path = Path(path or audit_log_path())
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
        room = os.statvfs(path)
    except OSError as error:
        raise AuditError(error.errno, f"audit log {path}: {error}") from error
    # a full disk still lets the file be opened: only the write fails, after the page offered the download
    if room.f_bavail * room.f_frsize < LINE_ROOM:
        raise AuditError(errno.ENOSPC, f"audit log {path}: {room.f_bavail * room.f_frsize} bytes left on its disk")


class AuditEntries(list[dict[str, Any]]):
    """The entries read (oldest first), with ``skipped``: how many lines were not readable entries."""

    skipped: int = 0


def _as_utc(moment: datetime | str | None) -> datetime | None:
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # a time without a zone is taken as UTC, as the log writes
    return moment.astimezone(UTC)


# what ``record`` writes in each field besides ``at``: a line holding anything else (an account written as a number,
# details as a sentence) was not written by it and would break the page that reads the field (sorting the accounts,
# reading the details)
_TEXT_FIELDS = ("account", "role", "source", "address")


def _well_formed(entry: dict[str, Any]) -> bool:
    """Whether each field of a parsed line has the type ``record`` writes: ``action`` text, the other fields text or
    absent, ``details`` an object or absent."""
    return (
        isinstance(entry.get("action"), str)
        and all(isinstance(entry.get(name), str | None) for name in _TEXT_FIELDS)
        and isinstance(entry.get("details"), dict | None)
    )


# what logrotate names a rotated copy of ``audit.jsonl``: ``.1`` … (``rotate``), ``-20261204`` or ``-2026120400``
# (``dateext``), either compressed (``.gz``, ``compress``); anything else beside the log (a ``.bak`` made by hand, an
# editor's ``~``) is not read as part of it
_ROTATED = r"(?:\.\d+|-\d{8}(?:\d{2})?)(?:\.gz)?"


def audit_log_files(path: Path | None = None) -> list[Path]:
    """The log and its rotated copies, oldest first: the copies by when each was last written, the log itself last.

    Replicas open the log per line, so after a rename the next line starts a new file, and a line being written as
    the rename happens ends the renamed copy: each copy's last write says where it stands.
    """
    path = Path(path or audit_log_path())
    pattern = re.compile(re.escape(path.name) + _ROTATED)
    try:
        siblings = [sibling for sibling in path.parent.iterdir() if pattern.fullmatch(sibling.name)]
    except OSError:  # no folder yet: no log either
        siblings = []
    rotated: list[tuple[int, str, Path]] = []
    for sibling in siblings:
        try:
            rotated.append((sibling.stat().st_mtime_ns, sibling.name, sibling))
        except OSError:  # removed (an old copy rotated away) while listing
            continue
    return [sibling for _, _, sibling in sorted(rotated)] + [path]


def _open_log(path: Path) -> Any:
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def read_audit(
    path: Path | None = None,
    account: str | None = None,
    action: str | None = None,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
) -> AuditEntries:
    """The entries of the log and its rotated copies (``audit_log_files``), oldest first by their time, those matching
    every filter given: ``account`` and ``action`` exactly, ``since <= at < until``. A missing log is empty; a
    malformed line is skipped and counted in ``.skipped`` (so is a compressed copy cut short, once).

    By time, not by file: a replica that opened the log just before it was renamed ends the renamed copy with a line
    later than the new file's first (equal times keep the order they were read in).
    """
    read: list[tuple[datetime, dict[str, Any]]] = []
    skipped = 0
    for log in audit_log_files(path):
        try:
            stream = _open_log(log)
        except FileNotFoundError:  # the log before its first line, or a copy rotated away since the listing
            continue
        with stream:
            try:
                skipped += _read_lines(stream, read)
            except (EOFError, gzip.BadGzipFile, zlib.error):  # a copy compressed only in part: what it held is kept
                skipped += 1
    read.sort(key=lambda timed: timed[0])  # stable; one file alone is all but in order already
    entries = AuditEntries(entry for _, entry in read)
    entries.skipped = skipped
    return select(entries, account=account, action=action, since=since, until=until)


def _read_lines(stream: Any, read: list[tuple[datetime, dict[str, Any]]]) -> int:
    """Append each readable entry of ``stream`` to ``read`` with its time; returns how many lines were not."""
    skipped = 0
    for raw in stream:
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
            at = _as_utc(entry["at"]) if isinstance(entry, dict) and isinstance(entry.get("at"), str) else None
        except (ValueError, TypeError):
            at = None
        if at is None or not _well_formed(entry):
            skipped += 1
            continue
        read.append((at, entry))
    return skipped


def select(
    entries: AuditEntries,
    account: str | None = None,
    action: str | None = None,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
) -> AuditEntries:
    """The entries (as ``read_audit`` returns them) matching every filter given, with the same ``skipped``: so a
    page that needs the whole log and a filtered view of it reads the file once (70 MB took 4.7 s a read)."""
    since, until = _as_utc(since), _as_utc(until)
    chosen = AuditEntries()
    chosen.skipped = entries.skipped
    for entry in entries:
        if account is not None and entry.get("account") != account:
            continue
        if action is not None and entry["action"] != action:
            continue
        if since is not None or until is not None:
            at = _as_utc(entry["at"])  # never None: read_audit keeps only entries whose time it could read
            if at is None or (since is not None and at < since) or (until is not None and at >= until):
                continue
        chosen.append(entry)
    return chosen
