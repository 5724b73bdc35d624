"""The users file: accounts with argon2id password hashes, outside the repository, changed under a lock.

Accounts live in a TOML file (``OVERSIGHT_USERS_FILE``, default ``$XDG_CONFIG_HOME/oversight/users.toml``), one
table per user. Writes go to a file beside it, are flushed to disk and renamed into place with mode 0600, under a
lock, so a crash or a second writer never leaves half a file. Roles are ``oversight.auth.roles``; the unit scope
``oversight.auth.unit_scope``; sign-in ``oversight.auth.login``.
"""

from __future__ import annotations

import os
import re
import threading
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from oversight import config
from oversight.auth.roles import ADMIN, OIDC, ROLES, UNIT, Account, AccountError
from oversight.core import atomic, i18n, locking, safe_text

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # argon2 copes with more; a megabyte "password" is an attack, not a user
MAX_USERNAME_LENGTH = 64  # as _USERNAME allows; anything longer is logged cut short

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
_UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_EMAIL = re.compile(r"^[^@\s\"\\]+@[^@\s\"\\]+\.[^@\s\"\\]+$")
# The keys an account's table may hold (README, "The users file"); any other is refused: "disable = true" typed by
# hand for "disabled" was read as nothing, and the account it was meant to switch off stayed enabled
ENTRY_KEYS = ("role", "units", "email", "password_hash", "disabled", "generation")
_FILE_HEADER = (
    "# Oversight (派驻监督工作看板) accounts, managed with `python -m oversight user ...`.\n"
    "# Passwords are argon2id hashes. Keep this file outside git, readable by the app's user only (0600).\n"
)

# Default argon2id parameters (RFC 9106 low-memory profile); tests swap in a cheaper hasher.
_hasher = PasswordHasher()
_dummy_hash: str | None = None


@dataclass(frozen=True)
class UserRecord:
    """One entry of the users file."""

    username: str
    role: str
    units: tuple[str, ...] = ()
    email: str | None = None
    password_hash: str | None = None
    # kept, not removed: its password, its role and its place in the audit log stay for when it is enabled again
    disabled: bool = False
    # advanced by every ``user disable``: part of the fingerprint a session and a remembered sign-in carry, so an
    # account disabled and enabled again before its open session's next click does not find that session valid
    # (the entry was otherwise the same as when it signed in)
    generation: int = 0

    def account(self, source: str = "password") -> Account:
        return Account(self.username, self.role, self.units, self.email, source)


def users_file() -> Path:
    """``OVERSIGHT_USERS_FILE``, else ``$XDG_CONFIG_HOME/oversight/users.toml``; never inside the repository."""
    path = Path(config.setting("OVERSIGHT_USERS_FILE") or config.config_dir() / "users.toml").expanduser()
    if path.resolve().is_relative_to(config.PROJECT_ROOT):
        raise AccountError("auth.error.users_file_in_repo", path=path)
    return path


def os_default_users_file() -> Path:
    """The users file's default place for the OS account running this process, from the password database:
    neither ``$HOME`` nor ``$XDG_CONFIG_HOME`` moves it."""
    import pwd

    try:
        home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    except KeyError:  # no passwd entry (some containers): the environment is all there is
        home = Path.home()
    return home / ".config" / "oversight" / "users.toml"


def accounts_for_cli(data_dir: Path | None = None) -> tuple[Path, dict[str, UserRecord]]:
    """The users file the CLI signs in against, and its accounts (none: local trust).

    The environment may move the accounts file, not switch accounts off:

    - a users file named by ``OVERSIGHT_USERS_FILE`` that does not exist is an error, never "no accounts"
      (``auth.error.users_file_missing``): a typo or a moved file must not open the data to its caller;
    - when the named file has no accounts (empty) but the OS account's default file does, that one is used;
    - when ``data_dir`` has been changed by a signed-in account before (``accounts_marker``), a users file
      without accounts is an error too (``auth.error.accounts_required``).

    Local trust is left for an install that never had accounts: the variable unset and the default file
    absent, or a users file that exists and is empty, on a data folder no account has changed.
    """
    configured = users_file()
    if config.setting("OVERSIGHT_USERS_FILE") and not configured.exists():
        raise AccountError("auth.error.users_file_missing", path=configured)
    path, users = configured, load_users(configured)
    if not users:
        default, fallback = _default_file_accounts(configured)
        if fallback:
            path, users = default, fallback
    if not users and data_dir is not None:
        refusal = _guarded_folder_refusal(data_dir, configured)
        if refusal is not None:
            raise refusal
    return path, users


def _default_file_accounts(configured: Path) -> tuple[Path, dict[str, UserRecord]]:
    """The OS account's default users file and its accounts, when it is another file than ``configured``."""
    default = os_default_users_file()
    if default.resolve() == configured.resolve() or not default.exists():
        return default, {}
    return default, load_users(default)


def _guarded_folder_refusal(data_dir: Path, configured: Path) -> AccountError | None:
    """The refusal for a folder a signed-in account has changed (``accounts_marker``), None for any other."""
    from oversight.auth import accounts_marker

    remembered = accounts_marker.remembered_users_file(data_dir)
    if remembered is None:
        return None
    return AccountError(
        "auth.error.accounts_required",
        path=configured,
        remembered=remembered,
        marker=Path(data_dir) / accounts_marker.MARKER,
    )


def local_trust_refusal(data_dir: Path) -> AccountError | None:
    """Why the app may not serve local mode on ``data_dir`` (None: it may): the folder has been changed by a
    signed-in account before (``accounts_marker``), or the OS account's default users file holds accounts while
    the configured one has none. Either way this install has accounts, and the environment pointing the users
    file at nothing does not open the data. (Unlike the CLI, a named file that is missing alone does not refuse:
    the app's caller is the operator, and local mode serves only this machine.)"""
    configured = users_file()
    if load_users(configured):
        return None
    default, fallback = _default_file_accounts(configured)
    if fallback:
        return AccountError("auth.error.accounts_required", path=configured, remembered=default, marker="-")
    return _guarded_folder_refusal(data_dir, configured)


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def loggable_username(username: str | None) -> str:
    """The name as the audit log and the throttle file keep it: normalised, control characters and invisible ones
    (direction overrides, zero widths) spelled out, at most ``MAX_USERNAME_LENGTH`` characters (a 5 MB "name" is
    written as its start and a mark). A name typed at the sign-in form as "\\u202enimda" read "admin" in the log."""
    name = normalise_username((username or "")[: MAX_USERNAME_LENGTH * 4])
    name = safe_text.spelled_out(name)
    return name if len(name) <= MAX_USERNAME_LENGTH else name[:MAX_USERNAME_LENGTH] + "…"


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    return email or None


def load_users(path: Path | None = None) -> dict[str, UserRecord]:
    """Every account in the users file, by username; an absent file has none. Raises ``AccountError`` if unreadable."""
    path = Path(path or users_file())
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:  # said in the reader's language by AccountError.render
        raise AccountError("auth.error.users_file_invalid", path=path, detail=error) from error
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AccountError("auth.error.users_file_invalid", path=path, detail=str(error)) from error
    users = document.get("users", {})
    if not isinstance(users, dict):
        raise AccountError("auth.error.users_file_invalid", path=path, detail="[users] is not a table")
    records: dict[str, UserRecord] = {}
    for username, entry in users.items():
        try:
            record = _record_from_toml(username, entry)
        except _BadEntry as bad:
            raise UsersEntryError(path, _toml_string(username), bad.reason) from bad
        except (AccountError, TypeError, ValueError) as error:
            raise AccountError(
                "auth.error.users_file_invalid", path=path, detail=f"{_toml_string(username)}: {error}"
            ) from error
        records[record.username] = record
    return records


class _BadEntry(ValueError):
    """What is wrong with one account's table in the users file: ``reason`` names it (``auth.users_entry.*``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UsersEntryError(AccountError):
    """The users file cannot be read because of one account's table: said in the reader's language (the file's
    account names and the reason came out in English inside a Chinese sentence), the name escaped (a line break in
    it was printed raw across two lines)."""

    def __init__(self, path: Path, user: str, reason: str) -> None:
        super().__init__("auth.error.users_entry", path=path, user=user, reason=reason)

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        problem = i18n.t(f"auth.users_entry.{self.params['reason']}", lang)
        return i18n.t(self.key, lang, path=self.params["path"], user=self.params["user"], problem=problem)


def _record_from_toml(username: str, entry: Any) -> UserRecord:
    if not isinstance(entry, dict):
        raise _BadEntry("not_a_table")
    # fullmatch: "$" also matches before a final line break, so "gov_office\n" passed as a unit id
    if normalise_username(username) != username or not _USERNAME.fullmatch(username):
        raise _BadEntry("bad_name")
    if not set(entry) <= set(ENTRY_KEYS):
        raise _BadEntry("unknown_key")
    role = entry.get("role")
    units = entry.get("units", [])
    email = entry.get("email")
    password_hash = entry.get("password_hash")
    if role not in ROLES:
        raise _BadEntry("unknown_role")
    if not isinstance(units, list) or not all(isinstance(u, str) and _UNIT_ID.fullmatch(u) for u in units):
        raise _BadEntry("bad_units")
    if role == UNIT and not units:
        raise _BadEntry("unit_needs_units")
    if role != UNIT and units:
        # a hand-edited leader with units read every unit: a scope that looks narrowed must not widen silently
        raise _BadEntry("units_only_for_unit_role")
    if email is not None and (not isinstance(email, str) or not _EMAIL.fullmatch(email)):
        raise _BadEntry("bad_email")
    if password_hash is not None and not isinstance(password_hash, str):
        raise _BadEntry("bad_hash")
    disabled = entry.get("disabled", False)
    if not isinstance(disabled, bool):  # "no" or 0 typed by hand must not read as enabled, nor as disabled
        raise _BadEntry("bad_disabled")
    generation = entry.get("generation", 0)
    # bool is an int to Python: "generation = true" is a hand-edit's mistake, not generation 1
    if not isinstance(generation, int) or isinstance(generation, bool) or generation < 0:
        raise _BadEntry("bad_generation")
    return UserRecord(username, role, tuple(units), normalise_email(email), password_hash, disabled, generation)


def _toml_string(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def render_users(records: Mapping[str, UserRecord]) -> str:
    """The users file's text: a header and one ``[users."name"]`` table per account, sorted by name."""
    parts = [_FILE_HEADER]
    for username in sorted(records):
        record = records[username]
        lines = [
            f"[users.{_toml_string(username)}]",
            f"role = {_toml_string(record.role)}",
            "units = [" + ", ".join(_toml_string(u) for u in record.units) + "]",
        ]
        if record.email:
            lines.append(f"email = {_toml_string(record.email)}")
        if record.password_hash:
            lines.append(f"password_hash = {_toml_string(record.password_hash)}")
        if record.disabled:
            lines.append("disabled = true")
        if record.generation:
            lines.append(f"generation = {record.generation}")
        parts.append("\n" + "\n".join(lines) + "\n")
    return "".join(parts)


def write_private(path: Path, text: str, before_rename: Callable[[], None] | None = None) -> None:
    """Replace ``path`` atomically, readable by its owner only (it holds password hashes); ``before_rename`` as
    ``atomic.write_bytes``'s."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic.write_bytes(path, text.encode("utf-8"), mode=0o600, before_rename=before_rename)


# The accounts before and after a change, told to whoever records it (the CLI's audit line) before the users file is
# replaced: recorded after, a kill in between (kill -9, a power cut) left an account added, changed or removed with no
# line to say so; recorded before, a line that cannot be written stops the change.
UsersChange = Callable[[Mapping[str, UserRecord], Mapping[str, UserRecord]], None]
_before_users_replaced: ContextVar[UsersChange | None] = ContextVar("before_users_replaced", default=None)


@contextmanager
def before_replacing(record: UsersChange) -> Iterator[None]:
    """Inside the block, ``record(before, after)`` runs before each change replaces the users file; if it raises,
    the file is not replaced."""
    token = _before_users_replaced.set(record)
    try:
        yield
    finally:
        _before_users_replaced.reset(token)


def _write_users(path: Path, before: Mapping[str, UserRecord], after: Mapping[str, UserRecord]) -> None:
    """The users file holds ``after``; ``before_replacing``'s record is made first."""
    record = _before_users_replaced.get()
    write_private(path, render_users(after), None if record is None else lambda: record(before, after))


@contextmanager
def locked_file(path: Path) -> Iterator[None]:
    """One writer at a time: ``flock`` on ``<file>.lock`` (``oversight.core.locking``), across threads and processes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with locking.held(path.with_name(path.name + ".lock"), timeout=USERS_LOCK_TIMEOUT_S, purpose="users"):
        yield


USERS_LOCK_TIMEOUT_S = 30.0


def _check_password(password: str | None, username: str) -> None:
    if not password:
        raise AccountError("auth.error.password_empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("auth.error.password_short", min=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError("auth.error.password_long", max=MAX_PASSWORD_LENGTH)
    if password.strip() == "" or len(set(password)) == 1 or password.lower() == username:
        raise AccountError("auth.error.password_weak")


def _check_units(role: str, units: Iterable[str], known_units: Iterable[str] | None) -> tuple[str, ...]:
    units = tuple(dict.fromkeys(u.strip() for u in units))
    if role != UNIT:
        if units:
            raise AccountError("auth.error.units_only_for_unit_role", role=role)
        return ()
    if not units:
        raise AccountError("auth.error.unit_account_without_units")
    malformed = [u for u in units if not _UNIT_ID.fullmatch(u)]
    unknown = malformed if known_units is None else [u for u in units if u not in set(known_units)]
    if unknown:
        raise AccountError("auth.error.unknown_units", units=tuple(unknown))
    return units


def add_user(
    username: str,
    password: str | None,
    role: str,
    units: Iterable[str] = (),
    email: str | None = None,
    *,
    path: Path | None = None,
    known_units: Iterable[str] | None = None,
) -> Account:
    """Create an account. ``password`` None is allowed only with an e-mail (sign-in through OIDC only).

    ``known_units``: the unit ids of the data; a unit account naming any other id is refused.
    """
    path = Path(path or users_file())
    username = normalise_username(username)
    if not _USERNAME.fullmatch(username):
        raise AccountError("auth.error.bad_username", username=username)
    if role not in ROLES:
        raise AccountError("auth.error.unknown_role", role=role, roles=tuple(ROLES))
    units = _check_units(role, units, known_units)
    email = normalise_email(email)
    if email is not None and not _EMAIL.fullmatch(email):
        raise AccountError("auth.error.bad_email", email=email)
    if password is None and email is None:  # --no-password without --email: "the password must not be empty" puzzled
        raise AccountError("auth.error.no_password_needs_email")
    if password is not None:
        _check_password(password, username)
    password_hash = _hasher.hash(password) if password is not None else None
    with locked_file(path):
        records = load_users(path)
        if username in records:
            raise AccountError("auth.error.duplicate_username", username=username)
        if email and any(r.email == email for r in records.values()):
            raise AccountError("auth.error.duplicate_email", email=email)
        before = dict(records)
        records[username] = UserRecord(username, role, units, email, password_hash)
        _write_users(path, before, records)
    return records[username].account()


def set_password(username: str, password: str, *, path: Path | None = None) -> None:
    path = Path(path or users_file())
    username = normalise_username(username)
    _check_password(password, username)
    password_hash = _hasher.hash(password)
    with locked_file(path):
        records = load_users(path)
        if username not in records:
            raise AccountError("auth.error.no_such_user", username=username)
        before = dict(records)
        records[username] = replace(records[username], password_hash=password_hash)
        _write_users(path, before, records)


def remove_user(username: str, *, path: Path | None = None) -> None:
    """Delete an account. The last enabled admin cannot be removed, as it cannot be disabled or demoted."""
    path = Path(path or users_file())
    username = normalise_username(username)
    with locked_file(path):
        records = load_users(path)
        _existing(records, username)
        _keep_an_admin(records, username)
        before = dict(records)
        del records[username]
        _write_users(path, before, records)


@dataclass(frozen=True)
class Change:
    """An account before and after ``change_user`` or ``set_disabled`` (equal: nothing was changed)."""

    before: UserRecord
    after: UserRecord

    @property
    def changed(self) -> bool:
        return self.before != self.after


def change_user(
    username: str,
    *,
    role: str | None = None,
    units: Iterable[str] | None = None,
    path: Path | None = None,
    known_units: Iterable[str] | None = None,
) -> Change:
    """Give an account another role or other units, keeping its password and e-mail.

    ``units`` None keeps the account's units while it stays a ``unit`` account and drops them when it becomes a
    ``leader`` or ``admin`` (those see every unit); a ``unit`` account needs units. ``known_units`` checks only units
    named here: units kept from before are not refused because the data changed since. The last enabled admin cannot
    be made anything else (nobody would be left to manage the accounts on the app's Data and Audit pages).
    """
    path = Path(path or users_file())
    username = normalise_username(username)
    if role is not None and role not in ROLES:
        raise AccountError("auth.error.unknown_role", role=role, roles=tuple(ROLES))
    with locked_file(path):
        records = load_users(path)
        before = _existing(records, username)
        new_role = role or before.role
        if units is None:
            new_units = _check_units(new_role, before.units if new_role == UNIT else (), None)
        else:
            new_units = _check_units(new_role, units, known_units)
        after = replace(before, role=new_role, units=new_units)
        if before.role == ADMIN and new_role != ADMIN:
            _keep_an_admin(records, username)
        if after != before:
            _write_users(path, records, {**records, username: after})
    return Change(before, after)


def set_disabled(username: str, disabled: bool, *, path: Path | None = None) -> Change:
    """Disable an account (it cannot sign in, its open sessions end at their next run) or enable it again. The last
    enabled admin cannot be disabled. Disabling advances the account's ``generation``: the sessions and remembered
    sign-ins made before stay ended once it is enabled again."""
    path = Path(path or users_file())
    username = normalise_username(username)
    with locked_file(path):
        records = load_users(path)
        before = _existing(records, username)
        after = replace(before, disabled=disabled)
        if disabled and before.role == ADMIN:
            _keep_an_admin(records, username)
        if disabled and after != before:
            _forget_remembered_sign_ins(username, path)
            after = replace(after, generation=before.generation + 1)
        if after != before:
            _write_users(path, records, {**records, username: after})
    return Change(before, after)


def _forget_remembered_sign_ins(username: str, path: Path) -> None:
    """Sign-ins remembered across a reload (``auth.remembered``) end for good, before the account is disabled: its
    fingerprint alone would let them back in once it is enabled again. Not written, nothing is disabled."""
    from oversight.auth import remembered

    try:
        remembered.revoke_account(username, users=path)
    except OSError as error:  # the file not writable, or its lock held too long (LockBusy)
        raise AccountError("auth.error.remembered_not_revoked", detail=str(error)) from error


def _existing(records: Mapping[str, UserRecord], username: str) -> UserRecord:
    if username not in records:
        raise AccountError("auth.error.no_such_user", username=username)
    return records[username]


def _keep_an_admin(records: Mapping[str, UserRecord], leaving: str) -> None:
    """Refuses to let ``leaving`` stop being an enabled admin when no other enabled admin remains."""
    others = [r for r in records.values() if r.role == ADMIN and not r.disabled and r.username != leaving]
    if not others and records[leaving].role == ADMIN and not records[leaving].disabled:
        raise AccountError("auth.error.last_admin", username=leaving)


_users_by_stat: dict[Path, tuple[tuple[int, int, int], dict[str, UserRecord]]] = {}
_users_by_stat_guard = threading.Lock()


def _users_cached(path: Path) -> dict[str, UserRecord]:
    """``load_users``, parsed again only when the file's inode, size or modification time changes; each account
    found disabled is noted (``_note_disabled``)."""
    try:
        status = path.stat()
        key = (status.st_ino, status.st_size, status.st_mtime_ns)
    except FileNotFoundError:
        return {}
    with _users_by_stat_guard:
        cached = _users_by_stat.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    import time

    seen_at = time.time()  # before reading: a sign-in made after an enable written since is not ended
    records = load_users(path)
    _note_disabled(path, records, seen_at)
    with _users_by_stat_guard:
        _users_by_stat[path] = (key, records)
    return records


_disabled_noted: set[tuple[Path, str]] = set()


def _note_disabled(path: Path, records: Mapping[str, UserRecord], seen_at: float) -> None:
    """Every sign-in an account found disabled made until ``seen_at`` ends for good, whatever wrote the flag.

    ``user disable`` advances the entry's ``generation``; ``disabled = true`` typed into the file by hand did not, and
    removed by hand before the session's next click, the entry was the one it signed in with: the session carried on,
    its remembered sign-in too. So whoever reads the file and finds an account disabled (a page run, the app
    server's watch, ``oversight.ui.account_watch``) writes it to the revocation list beside the users file, which
    ``account_fingerprint`` covers. Once per account per process while it stays disabled."""
    from oversight.auth import remembered

    for name, record in records.items():
        noted = (path, name)
        if not record.disabled:
            _disabled_noted.discard(noted)
        elif noted not in _disabled_noted:
            try:
                remembered.revoke_account(name, seen_at, users=path)
            except OSError as error:  # tried again at the file's next change; the account is refused meanwhile
                import logging

                logging.getLogger(__name__).error("disabled account %s not noted: %s", name, error)
                continue
            _disabled_noted.add(noted)


def watch_disabled(path: Path | None = None) -> None:
    """Read the users file if it changed, noting the accounts it disables (the app server calls this every few
    seconds, so an account disabled and enabled again by hand between two clicks is still seen)."""
    _users_cached(Path(path or users_file()))


def account_fingerprint(username: str, path: Path | None = None) -> str | None:
    """A digest of the account's entry in the users file (role, units, e-mail, password hash); None if absent.

    A session keeps the fingerprint it signed in with; any change to the entry (removed, demoted, disabled, new
    password) changes it, and the session ends; disabled and enabled again, the entry's ``generation`` (``user
    disable``) or the moment it was last found disabled (by hand, ``_note_disabled``) has moved on. Cheap: the file
    is parsed again only when it changed.
    """
    import hashlib

    from oversight.auth import remembered

    path = Path(path or users_file())
    record = _users_cached(path).get(normalise_username(username))
    if record is None or record.disabled:  # a disabled account keeps no session
        return None
    # when it was last found disabled (``_note_disabled``): a disable written by hand and taken back ends the
    # sessions made before it as ``user disable``'s generation does
    disabled_until = remembered.account_revoked_at(record.username, users=path)
    return hashlib.sha256(repr((record, disabled_until)).encode("utf-8")).hexdigest()


def list_users(path: Path | None = None) -> list[Account]:
    """Every account (without its hash), sorted by name."""
    records = load_users(path)
    return [records[name].account() for name in sorted(records)]


class AccountDisabled(AccountError):
    """The password was right but the account is disabled: said only to whoever gave its right password."""

    def __init__(self, username: str) -> None:
        super().__init__("auth.login.disabled", username=username)


def list_records(path: Path | None = None) -> list[UserRecord]:
    """Every account's entry, with whether it is disabled, sorted by name (``user list``)."""
    records = load_users(path)
    return [records[name] for name in sorted(records)]


def authenticate(username: str, password: str, *, path: Path | None = None) -> Account | None:
    """The account if the password is right, else None (unknown user, wrong or empty password alike).

    A disabled account raises ``AccountDisabled``, and only after its password was checked: a wrong password for it
    is None like any other, so the refusal tells nobody more than a wrong password would.

    An unknown user costs the same argon2 verification as a known one, so timing does not tell
    which user names exist. A hash made with older parameters is replaced on success.
    """
    global _dummy_hash
    path = Path(path or users_file())
    record = load_users(path).get(normalise_username(username))
    password = password or ""
    if record is None or not record.password_hash or len(password) > MAX_PASSWORD_LENGTH:
        if _dummy_hash is None:
            _dummy_hash = _hasher.hash("not a password of anyone")
        try:
            _hasher.verify(_dummy_hash, password[:MAX_PASSWORD_LENGTH] or "-")
        except VerificationError:
            pass
        return None
    try:
        _hasher.verify(record.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if record.disabled:
        raise AccountDisabled(record.username)
    if _hasher.check_needs_rehash(record.password_hash):
        try:
            set_password(record.username, password, path=path)
        except (AccountError, OSError):
            pass  # signing in matters more than upgrading the hash
    return record.account()


def password_matches(record: UserRecord, password: str) -> bool:
    """Whether ``password`` is the one ``record``'s hash was made from (False for an entry without a password)."""
    if not record.password_hash or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(record.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def account_for_email(
    email: str | None,
    users: Mapping[str, UserRecord] | Iterable[UserRecord | Account],
    email_verified: bool | None = None,
) -> Account | None:
    """The account an OIDC sign-in (``st.user.email``) maps to, by the users file's ``email``; None if none.

    Only an address the identity provider says it verified (``email_verified`` true) gets an account: one that
    says nothing may hand out addresses nobody proved they hold.
    """
    email = normalise_email(email)
    if email is None or email_verified is not True:
        return None
    entries = users.values() if isinstance(users, Mapping) else users
    matches = [entry for entry in entries if normalise_email(entry.email) == email]
    if len(matches) != 1:
        return None  # two accounts with one address is a broken file: grant neither
    entry = matches[0]
    if getattr(entry, "disabled", False):  # an open OIDC session asks this on every run: it ends at the next one
        return None
    return Account(entry.username, entry.role, tuple(entry.units), entry.email, OIDC)
