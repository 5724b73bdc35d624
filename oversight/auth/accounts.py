"""Who may see what: accounts, roles, unit scope, sign-in with throttling, and how the app decides its mode.

Three roles: ``admin`` (everything, manages data), ``leader`` (reads every unit,
downloads) and ``unit`` (reads only the units assigned to the account).

Accounts live in a TOML file outside the repository (``OVERSIGHT_USERS_FILE``,
default ``$XDG_CONFIG_HOME/oversight/users.toml``), one table per user with an
argon2id password hash. Writes go to a file beside it, are flushed to disk and
renamed into place with mode 0600, under a lock, so a crash or a second writer
never leaves half a file.

The unit scope is meant to be applied where data is read (``scoped_run`` or
``scoped_filter`` before ``queries.run``), not only in widgets: an empty unit
list means "all units" to the SQL, so a unit account whose request falls
outside its units gets the ``NO_UNIT`` sentinel, which matches no row.

Nothing here imports streamlit: ``oversight/ui.py`` calls these functions.
"""
from __future__ import annotations

import ipaddress
import json
import os
import re
import threading
import time
import tomllib
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from oversight import config
from oversight.core import atomic, i18n, locking

ADMIN, LEADER, UNIT = "admin", "leader", "unit"
ROLES = (ADMIN, LEADER, UNIT)
LOCAL, ACCOUNTS, OIDC = "local", "accounts", "oidc"
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # argon2 copes with more; a megabyte "password" is an attack, not a user
MAX_USERNAME_LENGTH = 64  # as _USERNAME allows; anything longer is logged cut short
MAX_THROTTLE_ENTRIES = 10_000  # names and addresses remembered; a flood of made-up names must not grow the file

# Unit ids are slugs (``ingest._SLUG``), so a string starting with NUL can never be one: as the only element of
# ``$units`` it makes ``in_units`` false for every row, where an empty list would mean "all units".
NO_UNIT = "\x00none"
# Queries without ``$units`` whose result says nothing about any unit's records.
SCOPE_FREE_QUERIES = frozenset({"data_span"})

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
_UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_EMAIL = re.compile(r"^[^@\s\"\\]+@[^@\s\"\\]+\.[^@\s\"\\]+$")
_FILE_HEADER = (
    "# Oversight (派驻监督工作看板) accounts, managed with `python -m oversight user ...`.\n"
    "# Passwords are argon2id hashes. Keep this file outside git, readable by the app's user only (0600).\n"
)

# Default argon2id parameters (RFC 9106 low-memory profile); tests swap in a cheaper hasher.
_hasher = PasswordHasher()
_dummy_hash: str | None = None


class AccountError(ValueError):
    """A problem with an account or the users file; ``render(lang)`` is the sentence to show."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key} {params}" if params else key)
        self.key = key
        self.params = params

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.t(self.key, lang, **self.params)


# ---------------------------------------------------------------- values

@dataclass(frozen=True)
class Scope:
    """The units an account may read: ``allowed_units`` None means every unit; an empty tuple means none."""

    allowed_units: tuple[str, ...] | None

    @classmethod
    def everything(cls) -> "Scope":
        return cls(None)

    @property
    def unrestricted(self) -> bool:
        return self.allowed_units is None

    def allows(self, unit_id: str) -> bool:
        return self.allowed_units is None or unit_id in self.allowed_units


@dataclass(frozen=True)
class Account:
    """A signed-in person: what they are called, their role and, for a ``unit`` account, its units."""

    username: str
    role: str
    units: tuple[str, ...] = ()
    email: str | None = None
    source: str = "password"  # "password", "oidc" or "local"

    @property
    def scope(self) -> Scope:
        return Scope(tuple(self.units)) if self.role == UNIT else Scope.everything()


def local_account(username: str | None = None) -> Account:
    """Who uses the app in local mode: the person at this machine, with every right."""
    if username is None:
        from oversight.ingest.import_history import (
            current_user,  # the OS user, as the import history records it
        )

        username = current_user()
    return Account(username=username, role=ADMIN, source=LOCAL)


def can_import(account: Account | None) -> bool:
    """The Data page, CLI import and undo."""
    return account is not None and account.role == ADMIN


def can_download(account: Account | None) -> bool:
    """Chart images, data files and the briefing pack (always within the account's scope)."""
    return account is not None and account.role in (ADMIN, LEADER)


def can_view_audit(account: Account | None) -> bool:
    return account is not None and account.role == ADMIN


def can_manage_users(account: Account | None) -> bool:
    return account is not None and account.role == ADMIN


# Pages by the name of their file without the number (``pages/07_data.py`` → ``data``); ``overview`` is app.py.
READ_PAGES = frozenset({"overview", "meetings", "issues", "suggestions", "reminders", "unit_profile"})
_PAGE_RULES: dict[str, Callable[[Account | None], bool]] = {
    "data": can_import, "audit": can_view_audit, "users": can_manage_users, "briefing": can_download}


def can_open_page(account: Account | None, page: str) -> bool:
    """Whether the page may render for the account. An admin opens everything; a page this module does not
    know is closed to everyone else until it is listed (a new page must not open to unit accounts by default)."""
    if account is None:
        return False
    if account.role == ADMIN or page in READ_PAGES:
        return True
    rule = _PAGE_RULES.get(page)
    return rule is not None and rule(account)


def role_label(role: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    return i18n.t(f"auth.role.{role}", lang)


# ---------------------------------------------------------------- scope enforcement

def scoped_units(requested: Iterable[str], scope: Scope) -> tuple[str, ...]:
    """The units a query may read: what was asked for, cut down to the scope.

    Unrestricted scope: the request as is (empty = all). Restricted scope: the
    request's units that are allowed, or all allowed units when nothing was
    asked for; if none of the request is allowed (a tampered URL), ``(NO_UNIT,)``
    so the query selects nothing rather than everything.
    """
    requested = tuple(dict.fromkeys(requested))
    if scope.allowed_units is None:
        return requested
    if not requested:
        return tuple(scope.allowed_units) or (NO_UNIT,)
    chosen = tuple(unit for unit in requested if unit in scope.allowed_units)
    return chosen or (NO_UNIT,)


def selects_nothing(units: Iterable[str]) -> bool:
    return tuple(units) == (NO_UNIT,)


def scoped_filter(filter_: Any, scope: Scope) -> Any:
    """``filter_`` (a ``filters.Filter``) with its units cut down to the scope; pass this one to the queries.

    Keep the user's own filter for the widgets and the URL: the scoped one may hold ``NO_UNIT``.
    """
    return filter_.with_units(scoped_units(filter_.units, scope))


def scoped_span(span: Any, scope: Scope) -> Any:
    """``span`` (a ``filters.DataSpan``) with only the units the scope allows: what the unit selector offers."""
    if scope.allowed_units is None:
        return span
    return replace(span, unit_ids=tuple(unit for unit in span.unit_ids if unit in scope.allowed_units))


def scoped_rows(frame: Any, scope: Scope, column: str = "unit_id") -> Any:
    """The rows of a DataFrame whose ``column`` is a unit the scope allows."""
    if scope.allowed_units is None or column not in frame.columns:
        return frame
    return frame[frame[column].isin(scope.allowed_units)].reset_index(drop=True)


def scoped_run(connection: Any, name: str, filter_: Any, scope: Scope, **extra: object) -> Any:
    """``queries.run`` within a scope; what the pages should call instead of ``queries.run``.

    A query that binds ``$units`` gets the scoped units (``units=`` in ``extra``
    counts as the request too, so it cannot widen the scope). A query that does
    not filter by unit but returns a ``unit_id`` column (``units``,
    ``unit_metrics``) has its rows cut down to the scope. Any other query
    without ``$units`` is refused to a restricted scope unless it is known to
    hold nothing of any unit (``SCOPE_FREE_QUERIES``): a new all-units total
    must not reach a unit account by accident.
    """
    from oversight.data import queries

    needed = queries.parameter_names(queries.sql_text(name))
    requested = extra.pop("units", None)
    if "units" in needed:
        if requested is None:
            requested = filter_.units if filter_ is not None else ()
        extra["units"] = list(scoped_units(requested, scope))  # extra wins over filter_.sql_params() in run()
    frame = queries.run(connection, name, filter_, **extra)
    if "units" in needed or scope.allowed_units is None or name in SCOPE_FREE_QUERIES:
        return frame
    if "unit_id" not in frame.columns:
        raise PermissionError(f"{name}.sql neither filters by $units nor returns unit_id: not for a unit account")
    return scoped_rows(frame, scope)


# ---------------------------------------------------------------- the users file

@dataclass(frozen=True)
class UserRecord:
    """One entry of the users file."""

    username: str
    role: str
    units: tuple[str, ...] = ()
    email: str | None = None
    password_hash: str | None = None

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


def accounts_for_cli() -> tuple[Path, dict[str, UserRecord]]:
    """The users file the CLI signs in against, and its accounts (none: local trust).

    The environment may move the accounts file, not switch accounts off: when the configured file
    (``OVERSIGHT_USERS_FILE``) has no accounts — missing, empty — but the OS account's default file does,
    that one is used. So pointing the variable at a missing file does not make the CLI trust its caller.
    """
    configured = users_file()
    users = load_users(configured)
    if users:
        return configured, users
    default = os_default_users_file()
    if default.resolve() != configured.resolve() and default.exists():
        fallback = load_users(default)
        if fallback:
            return default, fallback
    return configured, users


def throttle_file(users_path: Path | None = None) -> Path:
    return Path(users_path or users_file()).with_name("login-throttle.json")


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def loggable_username(username: str | None) -> str:
    """The name as the audit log and the throttle file keep it: normalised, control characters spelled out,
    at most ``MAX_USERNAME_LENGTH`` characters (a 5 MB "name" is written as its start and a mark)."""
    name = normalise_username((username or "")[:MAX_USERNAME_LENGTH * 4])
    name = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", lambda m: f"\\x{ord(m.group()):02x}", name)
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
    except (OSError, UnicodeDecodeError) as error:
        raise AccountError("auth.error.users_file_invalid", path=path, detail=str(error)) from error
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
        except (AccountError, TypeError, ValueError) as error:
            raise AccountError("auth.error.users_file_invalid", path=path, detail=f"{username}: {error}") from error
        records[record.username] = record
    return records


def _record_from_toml(username: str, entry: Any) -> UserRecord:
    if not isinstance(entry, dict):
        raise ValueError("not a table")
    if normalise_username(username) != username or not _USERNAME.match(username):
        raise ValueError("bad user name")
    role = entry.get("role")
    units = entry.get("units", [])
    email = entry.get("email")
    password_hash = entry.get("password_hash")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if not isinstance(units, list) or not all(isinstance(u, str) and _UNIT_ID.match(u) for u in units):
        raise ValueError("units must be a list of unit ids")
    if role == UNIT and not units:
        raise ValueError("a unit account needs units")
    if email is not None and (not isinstance(email, str) or not _EMAIL.match(email)):
        raise ValueError("bad e-mail")
    if password_hash is not None and not isinstance(password_hash, str):
        raise ValueError("bad password hash")
    return UserRecord(username, role, tuple(units) if role == UNIT else (), normalise_email(email), password_hash)


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
        lines = [f"[users.{_toml_string(username)}]", f"role = {_toml_string(record.role)}",
                 "units = [" + ", ".join(_toml_string(u) for u in record.units) + "]"]
        if record.email:
            lines.append(f"email = {_toml_string(record.email)}")
        if record.password_hash:
            lines.append(f"password_hash = {_toml_string(record.password_hash)}")
        parts.append("\n" + "\n".join(lines) + "\n")
    return "".join(parts)


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` atomically, readable by its owner only (it holds password hashes)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic.write_bytes(path, text.encode("utf-8"), mode=0o600)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer at a time: ``flock`` on ``<file>.lock`` (``oversight.locking``), across threads and processes."""
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
    malformed = [u for u in units if not _UNIT_ID.match(u)]
    unknown = malformed if known_units is None else [u for u in units if u not in set(known_units)]
    if unknown:
        raise AccountError("auth.error.unknown_units", units=", ".join(unknown))
    return units


def add_user(username: str, password: str | None, role: str, units: Iterable[str] = (), email: str | None = None,
             *, path: Path | None = None, known_units: Iterable[str] | None = None) -> Account:
    """Create an account. ``password`` None is allowed only with an e-mail (sign-in through OIDC only).

    ``known_units``: the unit ids of the data; a unit account naming any other id is refused.
    """
    path = Path(path or users_file())
    username = normalise_username(username)
    if not _USERNAME.match(username):
        raise AccountError("auth.error.bad_username", username=username)
    if role not in ROLES:
        raise AccountError("auth.error.unknown_role", role=role, roles=", ".join(ROLES))
    units = _check_units(role, units, known_units)
    email = normalise_email(email)
    if email is not None and not _EMAIL.match(email):
        raise AccountError("auth.error.bad_email", email=email)
    if password is None and email is None:
        raise AccountError("auth.error.password_empty")
    if password is not None:
        _check_password(password, username)
    password_hash = _hasher.hash(password) if password is not None else None
    with _locked(path):
        records = load_users(path)
        if username in records:
            raise AccountError("auth.error.duplicate_username", username=username)
        if email and any(r.email == email for r in records.values()):
            raise AccountError("auth.error.duplicate_email", email=email)
        records[username] = UserRecord(username, role, units, email, password_hash)
        write_private(path, render_users(records))
    return records[username].account()


def set_password(username: str, password: str, *, path: Path | None = None) -> None:
    path = Path(path or users_file())
    username = normalise_username(username)
    _check_password(password, username)
    password_hash = _hasher.hash(password)
    with _locked(path):
        records = load_users(path)
        if username not in records:
            raise AccountError("auth.error.no_such_user", username=username)
        records[username] = replace(records[username], password_hash=password_hash)
        write_private(path, render_users(records))


def remove_user(username: str, *, path: Path | None = None) -> None:
    path = Path(path or users_file())
    username = normalise_username(username)
    with _locked(path):
        records = load_users(path)
        if username not in records:
            raise AccountError("auth.error.no_such_user", username=username)
        del records[username]
        write_private(path, render_users(records))


_users_by_stat: dict[Path, tuple[tuple[int, int, int], dict[str, UserRecord]]] = {}
_users_by_stat_guard = threading.Lock()


def _users_cached(path: Path) -> dict[str, UserRecord]:
    """``load_users``, parsed again only when the file's inode, size or modification time changes."""
    try:
        status = path.stat()
        key = (status.st_ino, status.st_size, status.st_mtime_ns)
    except FileNotFoundError:
        return {}
    with _users_by_stat_guard:
        cached = _users_by_stat.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    records = load_users(path)
    with _users_by_stat_guard:
        _users_by_stat[path] = (key, records)
    return records


def account_fingerprint(username: str, path: Path | None = None) -> str | None:
    """A digest of the account's entry in the users file (role, units, e-mail, password hash); None if absent.

    A session keeps the fingerprint it signed in with; any change to the entry (removed, demoted, new
    password) changes it, and the session ends. Cheap: the file is parsed again only when it changed.
    """
    import hashlib

    record = _users_cached(Path(path or users_file())).get(normalise_username(username))
    if record is None:
        return None
    return hashlib.sha256(repr(record).encode("utf-8")).hexdigest()


def list_users(path: Path | None = None) -> list[Account]:
    """Every account (without its hash), sorted by name."""
    records = load_users(path)
    return [records[name].account() for name in sorted(records)]


def authenticate(username: str, password: str, *, path: Path | None = None) -> Account | None:
    """The account if the password is right, else None (unknown user, wrong or empty password alike).

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
    if _hasher.check_needs_rehash(record.password_hash):
        try:
            set_password(record.username, password, path=path)
        except (AccountError, OSError):
            pass  # signing in matters more than upgrading the hash
    return record.account()


def account_for_email(email: str | None, users: Mapping[str, UserRecord] | Iterable[UserRecord | Account],
                      email_verified: bool | None = None) -> Account | None:
    """The account an OIDC sign-in (``st.user.email``) maps to, by the users file's ``email``; None if none.

    An identity provider that says the address is not verified gets no account.
    """
    email = normalise_email(email)
    if email is None or email_verified is False:
        return None
    entries = users.values() if isinstance(users, Mapping) else users
    matches = [entry for entry in entries if normalise_email(entry.email) == email]
    if len(matches) != 1:
        return None  # two accounts with one address is a broken file: grant neither
    entry = matches[0]
    return Account(entry.username, entry.role, tuple(entry.units), entry.email, OIDC)


# ---------------------------------------------------------------- mode and client address

def oidc_configured(secrets: Mapping[str, Any] | None) -> bool:
    """``[auth]`` in ``.streamlit/secrets.toml`` with something in it: ``st.login`` is the way in."""
    try:
        section = secrets.get("auth") if secrets else None
        return section is not None and hasattr(section, "keys") and len(section) > 0
    except Exception:  # streamlit's Secrets raises when there is no secrets file at all
        return False


def auth_mode(users_path: Path | None, secrets: Mapping[str, Any] | None = None) -> str:
    """``"oidc"`` if ``[auth]`` is configured, else ``"accounts"`` if the users file holds any, else ``"local"``.

    A users file that exists but cannot be read counts as ``"accounts"``: a broken file must not open the app.
    """
    if oidc_configured(secrets):
        return OIDC
    if users_path is None:
        return LOCAL
    try:
        return ACCOUNTS if load_users(Path(users_path)) else LOCAL
    except AccountError:
        return ACCOUNTS


def is_local_client(address: str | None) -> bool:
    """True only for a loopback peer: 127.0.0.0/8, ::1, ::ffff:127.x.x.x. Unknown or unparseable: False."""
    if not address:
        return False
    text = address.strip()
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    text = text.split("%", 1)[0]  # an IPv6 zone id
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


# Headers a proxy, CDN or load balancer adds for the client behind it. Behind any of them every visitor would
# look local, so local mode refuses a request that carries one (and any X-Forwarded-*/X-Original-* at all).
_PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip", "x-forwarded-host", "x-forwarded-proto", "via",
                  "cf-connecting-ip", "true-client-ip", "x-client-ip", "x-original-forwarded-for",
                  "x-cluster-client-ip", "fastly-client-ip", "x-originating-ip", "forwarded-for", "x-proxyuser-ip",
                  "client-ip", "x-azure-clientip", "x-appengine-user-ip")
_PROXY_HEADER_PREFIXES = ("x-forwarded-", "x-original-")
LOOPBACK_NAMES = ("localhost",)


def _loopback_host(host: str) -> bool:
    """``localhost`` or a loopback address (``127.0.0.1``, ``::1``): a name no other machine's page can own."""
    host = host.strip().lower().rstrip(".")
    return host in LOOPBACK_NAMES or is_local_client(host)


def _split_host(value: str) -> tuple[str, int | None] | None:
    """``host[:port]`` as sent in ``Host`` (``[::1]:8501`` for IPv6); None if malformed."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(f"//{value.strip()}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.username or parts.password or parts.path or parts.query or parts.fragment:
        return None
    return parts.hostname, port


def is_loopback_host_header(host: str | None, port: int | None = None) -> bool:
    """The ``Host`` a browser sends for this machine: a loopback name, and the server's port when it has one.

    A DNS-rebinding page sends its own name (``rebind.attacker.test``) to 127.0.0.1: refused here.
    """
    if not host:
        return False
    split = _split_host(host)
    if split is None or not _loopback_host(split[0]):
        return False
    return port is None or split[1] is None or split[1] == int(port)


def is_loopback_origin(origin: str | None, port: int | None = None) -> bool:
    """The websocket's ``Origin``: absent (not a browser), or an http(s) page on a loopback name and our port."""
    from urllib.parse import urlsplit

    if origin is None:
        return True
    try:
        parts = urlsplit(origin.strip())
        origin_port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or not _loopback_host(parts.hostname):
        return False
    return port is None or origin_port is None or origin_port == int(port)


def is_local_request(address: str | None, headers: Mapping[str, str] | None = None, port: int | None = None) -> bool:
    """A loopback peer, asked for by a loopback name from a loopback page, with no proxy relaying someone else.

    ``headers`` are the websocket request's (``st.context.headers``); without any (a test double, a caller
    that has none) only the peer address and forwarding headers are checked.
    """
    if not is_local_client(address):
        return False
    lowered = {str(name).lower(): value for name, value in (headers or {}).items()}
    if set(lowered).intersection(_PROXY_HEADERS) or any(name.startswith(_PROXY_HEADER_PREFIXES) for name in lowered):
        return False
    if not lowered:
        return True
    return is_loopback_host_header(lowered.get("host"), port) and is_loopback_origin(lowered.get("origin"), port)


# ---------------------------------------------------------------- throttling

@dataclass(frozen=True)
class ThrottlePolicy:
    """After ``max_failures`` within ``window_s``, refuse for ``base_delay_s``, doubling each time, up to a cap."""

    max_failures: int = 5
    window_s: float = 15 * 60
    base_delay_s: float = 30
    max_delay_s: float = 60 * 60


USER_POLICY = ThrottlePolicy()
ADDRESS_POLICY = ThrottlePolicy(max_failures=20)  # many names tried from one place


def _prune(entry: Mapping[str, Any] | None, now: float, policy: ThrottlePolicy) -> dict[str, Any]:
    entry = dict(entry or {})
    failures = [t for t in entry.get("failures", []) if now - t < policy.window_s]
    locked_until = float(entry.get("locked_until", 0.0))
    lockouts = int(entry.get("lockouts", 0))
    if not failures and now >= locked_until:
        lockouts = 0  # a quiet window forgives
    return {"failures": failures, "locked_until": locked_until, "lockouts": lockouts}


def retry_after(state: Mapping[str, Any], key: str, now: float, policy: ThrottlePolicy = USER_POLICY) -> float:
    """Seconds until ``key`` may try again; 0 if it may try now."""
    entry = state.get(key)
    if not entry:
        return 0.0
    return max(0.0, float(entry.get("locked_until", 0.0)) - now)


def record_failure(state: Mapping[str, Any], key: str, now: float,
                   policy: ThrottlePolicy = USER_POLICY) -> dict[str, Any]:
    """A new state with one more failure for ``key`` (and a lock-out if that makes too many)."""
    entry = _prune(state.get(key), now, policy)
    entry["failures"].append(now)
    if len(entry["failures"]) >= policy.max_failures:
        entry["lockouts"] += 1
        delay = min(policy.base_delay_s * 2 ** (entry["lockouts"] - 1), policy.max_delay_s)
        entry["locked_until"] = now + delay
    return {**state, key: entry}


def record_success(state: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in state.items() if k != key}


def forget_stale(state: Mapping[str, Any], now: float, policy: ThrottlePolicy = USER_POLICY,
                 limit: int = MAX_THROTTLE_ENTRIES) -> dict[str, Any]:
    """The state without keys that have nothing left to remember, and at most ``limit`` keys: those locked
    out longest and most recently failing are kept (a flood of made-up names cannot grow the file)."""
    kept = {}
    for key, entry in state.items():
        pruned = _prune(entry, now, ADDRESS_POLICY if key.startswith("addr:") else policy)
        if pruned["failures"] or pruned["locked_until"] > now or pruned["lockouts"]:
            kept[key] = pruned
    if len(kept) > limit:
        ranked = sorted(kept, key=lambda k: (kept[k]["locked_until"], max(kept[k]["failures"], default=0.0)),
                        reverse=True)
        kept = {key: kept[key] for key in ranked[:limit]}
    return kept


def _valid_entry(entry: Any) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("failures", []), list)
            and all(isinstance(t, (int, float)) for t in entry.get("failures", []))
            and isinstance(entry.get("locked_until", 0.0), (int, float))
            and isinstance(entry.get("lockouts", 0), int))


def _throttle_keys(username: str | None, address: str | None) -> list[tuple[str, ThrottlePolicy]]:
    keys = []
    if username:
        keys.append((f"user:{normalise_username(username)}", USER_POLICY))
    if address:
        keys.append((f"addr:{address}", ADDRESS_POLICY))
    return keys


@dataclass
class Throttle:
    """Failure counts per user name and per client address, kept in a small JSON file (0600).

    If the file cannot be written (a read-only folder), the state is kept in memory for this process.
    ``clock`` is injectable so tests move time instead of sleeping.
    """

    path: Path | None
    clock: Callable[[], float] = time.time
    _memory: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _load(self) -> dict[str, Any]:
        if self.path is None:
            return dict(self._memory)
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
            return {key: entry for key, entry in state.items() if _valid_entry(entry)} if isinstance(state, dict) \
                else dict(self._memory)
        except FileNotFoundError:
            return dict(self._memory)
        except (OSError, ValueError):
            return dict(self._memory)  # a damaged file must not lock everyone out, nor let anyone in unthrottled

    def _save(self, state: dict[str, Any]) -> None:
        self._memory = state
        if self.path is not None:
            try:
                write_private(self.path, json.dumps(state))
            except OSError:
                pass

    @contextmanager
    def _transaction(self) -> Iterator[dict[str, Any]]:
        with self._lock, ExitStack() as stack:
            if self.path is not None:
                try:
                    stack.enter_context(_locked(self.path))
                except OSError:
                    pass  # a read-only folder: this process's memory is all there is
            yield self._load()

    def retry_after(self, username: str | None, address: str | None = None) -> float:
        now = self.clock()
        state = self._load()
        return max([retry_after(state, key, now, policy) for key, policy in _throttle_keys(username, address)],
                   default=0.0)

    def failure(self, username: str | None, address: str | None = None) -> float:
        """Count a failed attempt; returns the seconds the user must now wait (0 if none)."""
        now = self.clock()
        with self._transaction() as state:
            for key, policy in _throttle_keys(username, address):
                state = record_failure(state, key, now, policy)
            state = forget_stale(state, now)
            self._save(state)
        return max([retry_after(state, key, now, policy) for key, policy in _throttle_keys(username, address)],
                   default=0.0)

    def success(self, username: str | None, address: str | None = None) -> None:
        """A right password clears the user name's count (not the address's: one account's success
        says nothing about the other names tried from there)."""
        with self._transaction() as state:
            if username:
                state = record_success(state, f"user:{normalise_username(username)}")
            self._save(state)


# ---------------------------------------------------------------- sign-in, as the login form calls it

@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: ``ok``, ``invalid`` or ``throttled`` (then ``retry_after`` seconds)."""

    outcome: str
    account: Account | None = None
    retry_after: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        if self.outcome == "throttled":
            return i18n.t("auth.login.throttled", lang, minutes=max(1, -(-int(self.retry_after) // 60)))
        if self.outcome == "invalid":
            return i18n.t("auth.login.invalid", lang)
        return i18n.t("auth.login.welcome", lang, username=self.account.username if self.account else "")


def sign_in(username: str, password: str, address: str | None = None, *, path: Path | None = None,
            throttle: Throttle | None = None, audit_path: Path | None = None) -> SignIn:
    """Check a password with throttling, and write the audit line (sign-in, failure or refusal).

    A throttled attempt is refused before the password is looked at, and does not itself count as a failure.
    """
    from oversight.auth import audit

    path = Path(path or users_file())
    throttle = throttle or Throttle(throttle_file(path))
    # whatever was typed (or sent past the form's limit) is logged and counted as a short, printable name
    name = loggable_username(username)
    password = (password or "")[:MAX_PASSWORD_LENGTH + 1]  # one over the limit still fails as too long
    wait = throttle.retry_after(name, address)
    if wait > 0:
        audit.record("refused", account=name or None, address=address, path=audit_path,
                     details={"reason": "throttled", "retry_after_s": round(wait)})
        return SignIn("throttled", retry_after=wait)
    account = authenticate(name, password, path=path)
    if account is None:
        wait = throttle.failure(name, address)
        audit.record("sign_in_failed", account=name or None, address=address, path=audit_path,
                     details={"throttled_for_s": round(wait)} if wait else None)
        return SignIn("throttled", retry_after=wait) if wait > 0 else SignIn("invalid")
    throttle.success(name, address)
    audit.record("sign_in", account=account, address=address, path=audit_path, details={"method": "password"})
    return SignIn("ok", account)
