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


def _well_formed(entry: dict[str, Any]) -> bool:
    """Whether each field of a parsed line has the type ``record`` writes: ``action`` text, the other fields text or
    absent, ``details`` an object or absent. A line holding anything else (an account written as a number, details as
    a sentence) was not written by it and would break the page that reads the field (sorting the accounts, reading
    the details)."""
    # each field named, not a generator over their names: this runs once a line of the log (0.3 s of 2.1 at 100 MB)
    get = entry.get
    account, role, source, address, details = get("account"), get("role"), get("source"), get("address"), get("details")
    return (
        isinstance(get("action"), str)
        and (account is None or isinstance(account, str))
        and (role is None or isinstance(role, str))
        and (source is None or isinstance(source, str))
        and (address is None or isinstance(address, str))
        and (details is None or isinstance(details, dict))
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
        readable = _readable_entry(raw)
        if readable is None:
            skipped += 1
            continue
        read.append(readable)
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


# ---------------------------------------------------------------- the audit page's view, kept between runs


class _FileIndex:
    """One file's readable lines, indexed: each line's time, account and action and where it lies in the file (the
    decompressed stream, for a copy gzipped), never the parsed line, which is read again only to be shown."""

    def __init__(self, key: tuple[int, ...]):
        self.key = key
        self.rows: list[tuple[datetime, str | None, str, int, int]] = []  # at, account, action, start, end
        self.skipped = 0
        self.consumed = 0  # bytes of whole lines indexed (a plain file grown since is indexed from there)
        self.partial = 0  # a last line not ended yet: skipped, as ``read_audit`` skips it, and read again next time
        self.tail = b""  # the last bytes indexed: a file rewritten in place (not only grown) is read afresh
        self.pending: tuple[datetime, str | None, str, int, int] | None = None  # a last line read, not ended
        self.extends: _FileIndex | None = None  # the index this one grew from (its rows, then the lines added)


_TAIL = 64


def _file_key(log: Path) -> tuple[int, ...] | None:
    try:
        status = log.stat()
    except OSError:
        return None
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def _indexed_row(raw: bytes, start: int, end: int) -> tuple[datetime, str | None, str, int, int] | None:
    """A line's time, account, action and place, or None for a line that is not a readable entry."""
    readable = _readable_entry(raw)
    if readable is None:
        return None
    at, entry = readable
    return (at, entry.get("account"), entry["action"], start, end)


_decode = json.JSONDecoder().decode  # what ``json.loads`` of a text calls


def _parsed(raw: str | bytes) -> Any:
    """``json.loads(raw)``. A line of the log's own form (``{`` and then no zero byte, which would make it UTF-16 or
    UTF-32 to ``json.loads``) is decoded from UTF-8 with ``surrogatepass`` here, as ``json.loads`` would decode it,
    without its look at the encoding and the checks of its arguments on each of the log's lines."""
    if isinstance(raw, bytes) and raw[:1] == b"{" and raw[1:2] != b"\x00":
        return _decode(raw.decode("utf-8", "surrogatepass"))
    return json.loads(raw)


def _readable_entry(raw: str | bytes) -> tuple[datetime, dict[str, Any]] | None:
    """A line's time and entry, or None for a line that is not a readable entry (not JSON, no time, ill-formed).

    A time that cannot be taken to UTC (year 1 at +05:00: ``OverflowError``) and a line nested past the parser's depth
    (``RecursionError``) are unreadable lines too: either stopped the 审计日志 page with a traceback."""
    try:
        entry = _parsed(raw)
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(entry, dict):
        return None
    at_text = entry.get("at")
    if not isinstance(at_text, str) or not _well_formed(entry):
        return None
    try:
        at = _as_utc(at_text)
    except (ValueError, OverflowError):
        return None
    if at is None:
        return None
    return at, entry


def _index_lines(data: bytes, start: int, index: _FileIndex, whole: bool) -> None:
    """Index the lines of ``data`` (which begins at byte ``start`` of the file); with ``whole``, a last line without
    its line break is one too (a gzipped copy's); otherwise it is read as ``read_audit`` reads it (an entry, or a
    line skipped) but indexed again next time, when it may have been finished."""
    position = 0
    while position < len(data):
        end = data.find(b"\n", position)
        if end < 0 and not whole:
            row = _indexed_row(data[position:], start + position, start + len(data))
            index.pending, index.partial = row, (0 if row is not None or not data[position:].strip() else 1)
            break
        end = len(data) if end < 0 else end
        raw = data[position:end]
        line_start, position = start + position, end + 1
        if not raw.strip():
            continue
        row = _indexed_row(raw, line_start, start + end)
        if row is None:
            index.skipped += 1
        else:
            index.rows.append(row)
    whole_lines = min(position, len(data))
    index.tail = (index.tail + data[:whole_lines])[-_TAIL:]
    index.consumed = start + whole_lines


# Bytes read at a time, indexing a file or reading its lines back: the page held a 100 MB log whole in memory (and
# its rows besides) while indexing it, 382 MB at its peak; a block at a time, the rows alone.
_BLOCK = 4 << 20


def _blocks(log: Path, start: int = 0) -> Iterator[tuple[int, bytes]]:
    """The file's whole lines from byte ``start`` of it (of its decompressed stream, for a copy gzipped), a block at a
    time with where each block begins, and last what follows the last line break (``b""`` where nothing does). A copy
    compressed only in part ends with ``_CUT``: the lines before the break are kept, as ``read_audit`` keeps them."""
    if log.name.endswith(".gz"):
        yield from _gzip_blocks(log)
        return
    with open(log, "rb") as stream:
        stream.seek(start)
        rest = b""
        while block := stream.read(_BLOCK):
            data = rest + block
            cut = data.rfind(b"\n") + 1
            if cut:
                yield start, data[:cut]
                start, rest = start + cut, data[cut:]
            else:
                rest = data
        yield start, rest


_CUT = -1  # where ``_blocks`` says a gzipped copy was cut short


def _gzip_blocks(log: Path) -> Iterator[tuple[int, bytes]]:
    """``_blocks`` of a gzipped copy: by line, as ``read_audit`` reads it, so a copy cut short keeps the same lines."""
    start, lines, size = 0, [], 0
    with gzip.open(log, "rb") as stream:
        try:
            for line in stream:
                lines.append(line)
                size += len(line)
                if size >= _BLOCK:
                    yield start, b"".join(lines)
                    start, lines, size = start + size, [], 0
        except (EOFError, gzip.BadGzipFile, zlib.error):
            yield start, b"".join(lines)
            yield _CUT, b""
            return
    yield start, b"".join(lines)


def _index_file(log: Path, start: int, index: _FileIndex) -> None:
    """Index the file's lines from byte ``start`` (a plain file's last line not ended is left pending, a gzipped
    copy's is a line); a copy cut short counts one more line skipped."""
    plain = not log.name.endswith(".gz")
    for at, data in _blocks(log, start):
        if at == _CUT:
            index.skipped += 1
        elif data:
            _index_lines(data, at, index, whole=not plain)


def _indexed(log: Path, key: tuple[int, ...], previous: _FileIndex | None) -> _FileIndex:
    """The file's index: the one kept where the file is unchanged, grown by the lines added where a plain file only
    grew (the live log), otherwise read afresh."""
    if previous is not None and previous.key == key:
        return previous
    grown = (
        previous is not None
        and not log.name.endswith(".gz")
        and previous.key[:2] == key[:2]
        and key[2] >= previous.consumed
    )
    if grown and previous is not None:
        with open(log, "rb") as stream:
            stream.seek(previous.consumed - len(previous.tail))
            grown = stream.read(len(previous.tail)) == previous.tail
    index = _FileIndex(key)
    if grown and previous is not None:
        index.rows, index.skipped, index.tail = list(previous.rows), previous.skipped, previous.tail
        index.extends = previous
        _index_file(log, previous.consumed, index)
    else:
        _index_file(log, 0, index)
    return index


class AuditLog:
    """The log and its rotated copies as the 审计日志 page reads them at each run: every readable line's time, account
    and action, oldest first (as ``read_audit`` orders them), and the lines themselves read only for the entries
    shown or downloaded. Kept between runs and by file (``audit_log``): a run stats the files and reads only what
    changed, the live log from where it was last read. Each run read and parsed every copy: 400 rotated copies
    (100 MB of lines) took 21 to 50 s a run and 0.9 to 1.7 GB of memory."""

    def __init__(self, files: list[tuple[Path, _FileIndex]], grown_from: AuditLog | None = None):
        """``grown_from``: the view before lines were added to the live log, the other files unchanged (where the
        lines added come after every line it holds, they are added to its rows, not sorted in again)."""
        self.files = files
        self.skipped = sum(index.skipped + index.partial for _log, index in files)
        self.rows: list[tuple[Any, ...]]
        self.accounts: frozenset[str | None]
        self.actions: frozenset[str]
        live = len(files) - 1
        if grown_from is not None:
            added = self._rows(live, files[live][1], len(grown_from.files[live][1].rows))
            if not added or added[0][:3] >= grown_from.rows[-1][:3]:
                self.rows = [*grown_from.rows, *added]
                self.accounts = grown_from.accounts | {row[3] for row in added}
                self.actions = grown_from.actions | {row[4] for row in added}
                return
        rows = [row for position, (_log, index) in enumerate(files) for row in self._rows(position, index, 0)]
        rows.sort(key=lambda row: row[:3])
        self.rows = rows
        self.accounts = frozenset(row[3] for row in rows)
        self.actions = frozenset(row[4] for row in rows)

    @staticmethod
    def _rows(position: int, index: _FileIndex, start: int) -> list[tuple[Any, ...]]:
        """A file's rows from its ``start``-th line on (its last line not ended yet included), in time order."""
        rows = [*index.rows[start:], *([index.pending] if index.pending else [])]
        return sorted((at, position, begin, account, action, end) for at, account, action, begin, end in rows)

    def __len__(self) -> int:
        return len(self.rows)

    def select(
        self,
        account: str | None = None,
        action: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
    ) -> list[tuple[Any, ...]]:
        """The rows matching every filter given, as ``select`` matches entries."""
        since, until = _as_utc(since), _as_utc(until)
        return [
            row
            for row in self.rows
            if (account is None or row[3] == account)
            and (action is None or row[4] == action)
            and (since is None or row[0] >= since)
            and (until is None or row[0] < until)
        ]

    def entries(self, rows: list[tuple[Any, ...]]) -> AuditEntries:
        """The entries of these rows, in their order, read from their files: each file once, front to back, a block
        at a time (the page's 2,000 newest lines read the whole 100 MB log into memory to take 0.5 MB of it)."""
        wanted: dict[int, list[int]] = {}
        for number, row in enumerate(rows):
            wanted.setdefault(row[1], []).append(number)
        read: list[dict[str, Any] | None] = [None] * len(rows)
        for position, numbers in wanted.items():
            found = _where_now(*self.files[position])
            if found is None:  # removed since (an old copy rotated away): its lines are no longer anywhere
                continue
            log = found
            numbers.sort(key=lambda number: rows[number][2])
            for number, raw in zip(
                numbers, _lines_at(log, [(rows[number][2], rows[number][5]) for number in numbers]), strict=True
            ):
                with contextlib.suppress(ValueError, RecursionError):
                    read[number] = json.loads(raw)
        entries = AuditEntries(entry for entry in read if entry is not None)
        entries.skipped = self.skipped
        return entries


def _where_now(log: Path, index: _FileIndex) -> Path | None:
    """The file an index was made of: where it was, or the copy it became since, holding the bytes indexed where they
    were. The download of the whole log is built on the click, minutes after the page read it: a rotation in between
    (``audit.jsonl`` renamed ``audit.jsonl.1``) left out every line of the renamed file, unsaid. Found by its device
    and inode, and then only where the last bytes indexed are still there: a file deleted gives its inode to the next
    one made (logrotate's gzipped copy deleted the plain one, and the new log took its inode: a later line was read
    back in place of another). A plain copy gzipped since (``compress``: ``audit.jsonl.1`` to ``audit.jsonl.2.gz``)
    is found by the same bytes in the newest gzipped copy that can hold them."""
    siblings = audit_log_files(log.parent / re.sub(_ROTATED + "$", "", log.name))
    gzipped = log.name.endswith(".gz")
    for candidate in [log, *siblings]:
        key = _file_key(candidate)
        if key is None or key[:2] != index.key[:2] or candidate.name.endswith(".gz") != gzipped:
            continue
        # a gzipped copy is never written again: its size and time say it is the same, without decompressing it
        if key == index.key if gzipped else _holds_what_was_indexed(candidate, index):
            return candidate
    if gzipped:
        return None
    for candidate in reversed(siblings):  # newest first: the copy gzipped at the last rotation
        if candidate.name.endswith(".gz") and _holds_what_was_indexed(candidate, index):
            return candidate
    return None


def _holds_what_was_indexed(candidate: Path, index: _FileIndex) -> bool:
    """Whether ``candidate`` (its decompressed stream, for a gzipped copy) has the index's last bytes where they were
    indexed. A gzipped copy's size, from its trailer, rules most copies out before any is decompressed."""
    begin = index.consumed - len(index.tail)
    try:
        if candidate.name.endswith(".gz"):
            with open(candidate, "rb") as stream:
                stream.seek(-4, os.SEEK_END)
                size = int.from_bytes(stream.read(4), "little")  # the size decompressed, modulo 2**32
                if index.consumed < 1 << 32 and size < index.consumed:
                    return False
        with _open_log(candidate) as stream:
            stream.seek(begin)
            return bool(stream.read(len(index.tail)) == index.tail)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error):
        return False


def _lines_at(log: Path, places: list[tuple[int, int]]) -> Iterator[bytes]:
    """The bytes at each ``(start, end)`` of ``places`` (in the order of their starts) of the file: a plain file read
    where they lie (lines close together in one read), a gzipped copy decompressed once, front to back."""
    if not log.name.endswith(".gz"):
        with open(log, "rb") as stream:
            at = 0
            while at < len(places):
                first, last = at, at  # the lines within one block of the first, read at once
                while last + 1 < len(places) and places[last + 1][1] - places[first][0] <= _BLOCK:
                    last += 1
                stream.seek(places[first][0])
                data = stream.read(places[last][1] - places[first][0])
                for start, end in places[first : last + 1]:
                    yield data[start - places[first][0] : end - places[first][0]]
                at = last + 1
        return
    at = 0
    for begins, data in _gzip_blocks(log):
        if begins == _CUT:
            break
        while at < len(places) and places[at][1] <= begins + len(data):
            yield data[places[at][0] - begins : places[at][1] - begins]
            at += 1
    for _missing in places[at:]:  # a copy changed since it was indexed: nothing there any more
        yield b""


_kept_logs: dict[Path, dict[tuple[int, ...], _FileIndex]] = {}  # by the file's device and inode: a rename keeps it
_kept_views: dict[Path, tuple[tuple[tuple[Path, tuple[int, ...]], ...], AuditLog]] = {}  # unchanged: the same view
_kept_lock = threading.Lock()


def _grown_from(
    last: tuple[tuple[tuple[Path, tuple[int, ...]], ...], AuditLog] | None,
    listing: tuple[tuple[Path, tuple[int, ...]], ...],
    live: _FileIndex,
) -> AuditLog | None:
    """The last view where only the live log changed since, and only by growing (a download, a sign-in written):
    its rows are kept and the new lines added; 0.6 s of sorting 384,000 rows again after each line at 100 MB."""
    if last is None or not listing or len(last[0]) != len(listing) or last[0][:-1] != listing[:-1]:
        return None
    previous = last[1]
    if last[0][-1][0] != listing[-1][0] or live.extends is not previous.files[-1][1] or not previous.rows:
        return None
    if previous.files[-1][1].pending is not None:  # its last line was unfinished: read again, merged afresh
        return None
    return previous


def audit_log(path: Path | None = None) -> AuditLog:
    """The log as the 审计日志 page reads it (``AuditLog``), each file indexed once and kept while it is unchanged."""
    path = Path(path or audit_log_path())
    with _kept_lock:
        kept = _kept_logs.get(path, {})
        files: list[tuple[Path, _FileIndex]] = []
        for log in audit_log_files(path):
            key = _file_key(log)
            if key is None:  # the log before its first line, or a copy rotated away since the listing
                continue
            try:
                files.append((log, _indexed(log, key, kept.get(key[:2]))))
            except FileNotFoundError:
                continue
        _kept_logs[path] = {index.key[:2]: index for _log, index in files}  # copies gone are forgotten
        listing = tuple((log, index.key) for log, index in files)
        last = _kept_views.get(path)
        if last is None or last[0] != listing:  # a file written, renamed or removed: merged again (0.6 s at 100 MB)
            last = _kept_views[path] = (listing, AuditLog(files, _grown_from(last, listing, files[-1][1])))
    return last[1]
