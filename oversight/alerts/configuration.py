"""The alerts settings file: which rules run, whose scope they run in, and where pushes go.

One TOML file, ``OVERSIGHT_ALERTS_FILE`` or ``alerts.toml`` in the config folder beside the
users file (``~/.config/oversight/``). It holds webhook keys, robot secrets and an SMTP
password, so, like the users file, it must live outside the repository (git also ignores the
name) and should be readable by its owner only. An absent file means: every rule on, the
default thresholds, no channels. docs/ALERTS.md shows a complete example.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.utils import getaddresses
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from oversight import config
from oversight.auth import accounts, audit, roles, throttle
from oversight.core import i18n

CHANNEL_KINDS = ("wecom", "dingtalk", "email")
MESSAGE_KINDS = ("alerts", "brief")
EMAIL_SECURITY = ("ssl", "starttls", "none")
MAX_ATTEMPTS = 10  # a push retried more often than this is hammering a service that said no
# The documented example is 2 KB; a file beyond this is not a settings file (/dev/zero was read until memory ran out)
MAX_SETTINGS_BYTES = 1024 * 1024
# The keys each table may hold: a typo (``secrett``, ``dayz``) is refused, not silently ignored
RULE_NAMES = ("overdue", "due_soon", "no_consultation", "meetings_rising")
RULE_KEYS = {
    "overdue": {"enabled"},
    "due_soon": {"enabled", "days"},
    "no_consultation": {"enabled"},
    "meetings_rising": {"enabled", "min_increase"},
}
PUSH_KEYS = {"attempts", "backoff_seconds", "timeout_seconds", "state_file", "dashboard_url"}
CHANNEL_KEYS = {
    "name", "kind", "send", "url", "secret", "host", "port", "security", "username", "password", "sender", "to"
}  # fmt: skip


FILE_AS_A_WHOLE = "-"  # a SettingsError's setting where the file itself is the problem (not TOML, unreadable)


class SettingsError(ValueError):
    """The settings file cannot be used; ``render`` names the file, the setting and what is wrong with it in the
    user's language. The problem is kept as a key (``alerts.settings.detail.*``) and its values, not as a
    sentence: the language is known only when it is told (the file's own ``lang`` may be the broken setting)."""

    def __init__(self, path: Path, setting: str, key: str, **params: object) -> None:
        self.path, self.setting, self.key, self.params = path, setting, key, params
        super().__init__(f"{path}: {setting}: {self.detail('en')}")

    def detail(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        # the choices (a tuple) listed in the reader's punctuation: 应为以下之一：zh、en / one of zh, en
        params = {
            name: _kind_name(value, lang)
            if name == "kind"
            else i18n.listed(value, lang)
            if isinstance(value, tuple)
            else value
            for name, value in self.params.items()
        }
        return i18n.t(self.key, lang, **params)

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        if self.setting == FILE_AS_A_WHOLE:  # no setting to name: "有误：-：不是有效的 TOML" named a "-"
            return i18n.t("alerts.settings.invalid_file", lang, path=self.path, detail=self.detail(lang))
        return i18n.t("alerts.settings.invalid", lang, path=self.path, setting=self.setting, detail=self.detail(lang))


@dataclass(frozen=True)
class Rules:
    """Which alert rules run and their thresholds (the definitions themselves are the ``queries/alert_*.sql``)."""

    overdue: bool = True
    due_soon: bool = True
    due_within_days: int = 30
    no_consultation: bool = True
    meetings_rising: bool = True
    min_increase: int = 1

    def with_due_within(self, days: int | None) -> Rules:
        return self if days is None else replace(self, due_within_days=days)

    def enabled(self) -> tuple[str, ...]:
        return tuple(
            rule for rule in ("overdue", "due_soon", "no_consultation", "meetings_rising") if getattr(self, rule)
        )


@dataclass(frozen=True)
class Channel:
    """One place a digest or a brief goes: a 企业微信 or 钉钉 group robot, or a list of e-mail addresses."""

    name: str
    kind: str
    send: tuple[str, ...] = MESSAGE_KINDS
    url: str | None = field(default=None, repr=False)  # wecom, dingtalk; the address holds the robot's key
    secret: str | None = field(default=None, repr=False)  # dingtalk 加签 secret ("SEC…")
    host: str | None = None  # email
    port: int | None = None
    security: str = "ssl"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str | None = None
    to: tuple[str, ...] = ()

    def wants(self, message_kind: str) -> bool:
        return message_kind in self.send


@dataclass(frozen=True)
class PushOptions:
    attempts: int = 3
    backoff_seconds: float = 2.0  # doubled after each failed attempt
    timeout_seconds: float = 10.0
    state_file: Path | None = None  # None: push-state.json beside the settings file
    # the dashboard's address as its readers open it: the robots' digest links there, filtered as the digest is
    dashboard_url: str | None = None

    def longest_run_seconds(self, channels: int) -> float:
        """How long a run may take to push to ``channels`` channels: every attempt timing out, every pause taken."""
        pauses = sum(self.backoff_seconds * 2**attempt for attempt in range(self.attempts - 1))
        return channels * (self.attempts * self.timeout_seconds + pauses)


@dataclass(frozen=True)
class Settings:
    path: Path
    account: str | None = None  # the account whose unit scope digests and briefs are built in
    lang: str = i18n.DEFAULT_LANGUAGE
    rules: Rules = Rules()
    push: PushOptions = PushOptions()
    channels: tuple[Channel, ...] = ()

    @property
    def state_file(self) -> Path:
        return self.push.state_file or self.path.with_name("push-state.json")

    def channels_for(self, message_kind: str) -> tuple[Channel, ...]:
        return tuple(channel for channel in self.channels if channel.wants(message_kind))


def settings_file() -> Path:
    """``OVERSIGHT_ALERTS_FILE``, else ``alerts.toml`` in the config folder; never inside the repository."""
    path = Path(config.setting("OVERSIGHT_ALERTS_FILE") or config.config_dir() / "alerts.toml").expanduser()
    return outside_repository(path, "OVERSIGHT_ALERTS_FILE")


def outside_repository(path: Path, origin: str) -> Path:
    """``path``, unless it lies inside the repository, where a secret would be one ``git add`` from being shared;
    ``origin`` names where the path came from (the variable or the command-line option) in the error."""
    path = Path(path).expanduser()
    if path.resolve().is_relative_to(config.PROJECT_ROOT):
        raise SettingsError(path, origin, "alerts.settings.in_repo")
    return path


def readable_by_others(path: Path) -> bool:
    """True when group or others may read the file: its webhook keys and passwords would be theirs too."""
    try:
        return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return False


def load_settings(path: Path | None = None) -> Settings:
    """The settings in ``path`` (default: ``settings_file()``); an absent file gives the defaults. Only a regular
    file of at most ``MAX_SETTINGS_BYTES`` is read: a device (``/dev/zero``) or a pipe is refused, not read forever."""
    path = Path(path or settings_file())
    try:
        document = tomllib.loads(_read_bounded(path).decode("utf-8"))
    except FileNotFoundError:
        return Settings(path)
    except SettingsError:
        raise
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _unreadable(path, error) from error
    return _Parser(path).settings(document)


def _read_bounded(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file no larger than ``MAX_SETTINGS_BYTES``; opened without blocking
    (a pipe with no writer would hold the command at ``open``)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(status.st_mode):
            raise SettingsError(path, FILE_AS_A_WHOLE, "alerts.settings.detail.not_regular")
        if status.st_size > MAX_SETTINGS_BYTES:
            raise SettingsError(
                path, FILE_AS_A_WHOLE, "alerts.settings.detail.too_large", size=status.st_size, limit=MAX_SETTINGS_BYTES
            )
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_SETTINGS_BYTES:  # the file may grow between fstat and read
            chunk = os.read(descriptor, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_SETTINGS_BYTES:
            raise SettingsError(
                path, FILE_AS_A_WHOLE, "alerts.settings.detail.too_large", size=size, limit=MAX_SETTINGS_BYTES
            )
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _is_entry_key(key: str) -> bool:
    """A push-state key: ``["channel", "kind", "period", "account", "lang"]`` as JSON (``sent_log.entry_key``)."""
    try:
        parts = json.loads(key)
    except ValueError:
        return False
    return isinstance(parts, list) and len(parts) == 5 and all(isinstance(part, str) for part in parts)


def is_push_state(path: Path) -> bool:
    """True when ``path`` may be replaced by the push record: absent, empty, or a JSON object of entries as the
    record writes them. Anything else (the audit log, the users file, a document) would be wiped by the first push.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return False
        with os.fdopen(os.dup(descriptor), "rb") as stream:
            raw = stream.read()
    except OSError:
        return False
    finally:
        os.close(descriptor)
    if not raw.strip():
        return True
    try:
        document = json.loads(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is one
        return False
    return isinstance(document, dict) and all(
        _is_entry_key(key) and isinstance(entry, dict) for key, entry in document.items()
    )


def _same_file(one: Path, other: Path) -> bool:
    """The same file, by resolved path or, where both exist, by device and inode (a hard link)."""
    try:
        return one.resolve() == other.resolve() or os.path.samefile(one, other)
    except (OSError, RuntimeError):  # absent (samefile), or a loop of symbolic links (resolve)
        return False


def _files_not_to_replace(settings_path: Path) -> list[tuple[Path, str]]:
    """The files a push record must never be written over, each with the problem that names it."""
    files = [(settings_path, "state_file_settings")]
    try:
        users = accounts.users_file()
        files += [(users, "state_file_users"), (throttle.throttle_file(users), "state_file_throttle")]
    except roles.AccountError:  # a users file inside the repository: its own error, where accounts are read
        pass
    try:
        files.append((audit.audit_log_path(), "state_file_audit_log"))
    except roles.AccountError:
        pass
    return files


def state_file_problem(state: Path, settings_path: Path) -> tuple[str, dict[str, object]] | None:
    """Why ``state`` cannot be the push record (a problem key under ``alerts.settings.detail`` and its values), or
    None. The record replaces its file whole: pointed at the audit log it wiped every line, at the users file every
    account."""
    for other, problem in _files_not_to_replace(settings_path):
        if _same_file(state, other):
            return problem, {"file": other}
    data = config.data_dir()
    try:
        in_data = state.resolve().is_relative_to(data.resolve())
    except (OSError, RuntimeError):  # a loop of symbolic links: no file can be written there anyway
        in_data = False
    if in_data:
        return "state_file_data_folder", {"folder": data}
    if not is_push_state(state):
        return "state_file_not_ours", {"file": state}
    return None


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _unreadable(path: Path, error: Exception) -> SettingsError:
    """Why the file could not be read as TOML, in words of ours: tomllib's and the system's are English only."""
    if isinstance(error, tomllib.TOMLDecodeError):
        position = _TOML_POSITION.search(str(error))
        if position:
            return SettingsError(
                path, FILE_AS_A_WHOLE, "alerts.settings.detail.toml_at", line=position[1], column=position[2]
            )
        return SettingsError(path, FILE_AS_A_WHOLE, "alerts.settings.detail.toml")
    if isinstance(error, UnicodeDecodeError):
        return SettingsError(path, FILE_AS_A_WHOLE, "alerts.settings.detail.not_utf8")
    if isinstance(error, IsADirectoryError):
        return SettingsError(path, FILE_AS_A_WHOLE, "alerts.settings.detail.is_folder")
    if isinstance(error, PermissionError):
        return SettingsError(path, FILE_AS_A_WHOLE, "alerts.settings.detail.no_permission")
    code = getattr(error, "errno", None)
    return SettingsError(
        path, FILE_AS_A_WHOLE, "alerts.settings.detail.unreadable", reason=errno.errorcode.get(code or 0, "?")
    )


# Settings whose value is a secret or carries one (a webhook's key is in its query): never quoted back in an error
_SECRET_KEYS = frozenset({"url", "secret", "password"})


def _toml_text(value: object) -> str:
    """A value as the settings file spells it (``"thirty"``, ``true``), to quote it back."""
    return json.dumps(value, ensure_ascii=False, default=str)


class _Parser:
    """Reads each setting with its type checked, naming it (``channels[2].url``) when it is wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, setting: str, problem: str, **params: object) -> SettingsError:
        """The error for ``setting``; ``problem`` names its sentence, ``alerts.settings.detail.<problem>``."""
        return SettingsError(self.path, setting, f"alerts.settings.detail.{problem}", **params)

    def table(self, document: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = document.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(where, "not_a_table", table=f"[{where}]")
        return value

    def value(self, table: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...], default: Any) -> Any:
        value = table.get(key, default)
        if value is default:
            return value
        # TOML booleans are ints to Python: a boolean is only accepted where a boolean is asked for
        wrong = isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,))
        if wrong or not isinstance(value, kind):
            setting = f"{where}.{key}" if where else key
            if (
                key in _SECRET_KEYS
            ):  # password = 20240601 (unquoted) was printed whole to the terminal and the timer's log
                raise self.fail(setting, "wrong_kind_hidden", kind=kind)
            raise self.fail(setting, "wrong_kind", kind=kind, value=_toml_text(value))
        return value

    def whole(self, table: Mapping[str, Any], key: str, where: str, default: int, low: int, high: int) -> int:
        value = self.value(table, key, where, int, default)
        if not low <= value <= high:
            raise self.fail(f"{where}.{key}", "out_of_range", low=low, high=high, value=_toml_text(value))
        return value

    def settings(self, document: Mapping[str, Any]) -> Settings:
        known = {"account", "lang", "rules", "push", "channels"}
        unknown = sorted(set(document) - known)
        if unknown:
            raise self.fail(unknown[0], "unknown_setting")
        account = self.value(document, "account", "", str, None)
        lang = self.value(document, "lang", "", str, i18n.DEFAULT_LANGUAGE)
        if lang not in i18n.LANGUAGES:
            raise self.fail("lang", "one_of", choices=tuple(i18n.LANGUAGES))
        channels = document.get("channels", [])
        if not isinstance(channels, list):
            raise self.fail("channels", "channels_tables")
        parsed = tuple(self.channel(entry, f"channels[{index}]") for index, entry in enumerate(channels, start=1))
        seen: set[str] = set()  # one pass: names.count for each channel took 13 s for 20,000 channels
        for channel in parsed:
            if channel.name in seen:
                raise self.fail("channels", "duplicate_channel", name=_toml_text(channel.name))
            seen.add(channel.name)
        settings = Settings(
            self.path,
            accounts.normalise_username(account) or None,
            lang,
            self.rules(document),
            self.push(document),
            parsed,
        )
        # checked now, not when a message has gone out and its record would be written over someone else's file
        problem = state_file_problem(settings.state_file, self.path)
        if problem is not None:
            raise self.fail("push.state_file", problem[0], **problem[1])
        return settings

    def known_keys(self, table: Mapping[str, Any], known: set[str], where: str) -> None:
        """Refuse a key ``table`` does not take, named with its table (``channels[2].secrett``): ignored, a typo
        turned a setting off without a word."""
        unknown = sorted(set(table) - known)
        if unknown:
            raise self.fail(f"{where}.{unknown[0]}", "unknown_setting")

    def text(self, table: Mapping[str, Any], key: str, where: str) -> str | None:
        """A text setting without control or invisible formatting characters: a line break in an e-mail address
        became a header of its own (``Bcc:``), and an escape sequence in a name reached the terminal."""
        value = self.value(table, key, where, str, None)
        if value is not None and _has_control(value):
            raise self.fail(f"{where}.{key}", "control_characters")
        return value

    def rules(self, document: Mapping[str, Any]) -> Rules:
        rules = self.table(document, "rules", "rules")
        unknown = sorted(set(rules) - set(RULE_NAMES))
        if unknown:
            raise self.fail(f"rules.{unknown[0]}", "unknown_rule")
        tables = {name: self.table(rules, name, f"rules.{name}") for name in RULE_NAMES}
        for name, table in tables.items():
            self.known_keys(table, RULE_KEYS[name], f"rules.{name}")
        enabled = {name: self.value(table, "enabled", f"rules.{name}", bool, True) for name, table in tables.items()}
        return Rules(
            enabled["overdue"],
            enabled["due_soon"],
            self.whole(tables["due_soon"], "days", "rules.due_soon", 30, 0, 366),
            enabled["no_consultation"],
            enabled["meetings_rising"],
            self.whole(tables["meetings_rising"], "min_increase", "rules.meetings_rising", 1, 1, 100_000),
        )

    def push(self, document: Mapping[str, Any]) -> PushOptions:
        push = self.table(document, "push", "push")
        self.known_keys(push, PUSH_KEYS, "push")
        state_file = self.value(push, "state_file", "push", str, None)
        backoff = self.value(push, "backoff_seconds", "push", (int, float), 2.0)
        timeout = self.value(push, "timeout_seconds", "push", (int, float), 10.0)
        if not 0 <= backoff <= 600:
            raise self.fail("push.backoff_seconds", "out_of_range", low=0, high=600, value=_toml_text(backoff))
        if not 0 < timeout <= 300:
            raise self.fail("push.timeout_seconds", "timeout_range", high=300, value=_toml_text(timeout))
        state_path = None if state_file is None else Path(state_file).expanduser()
        # checked now, not when a message has been sent and its state cannot be kept (it would be sent again)
        if state_path is not None and (state_path.is_dir() or not state_path.parent.is_dir()):
            raise self.fail("push.state_file", "state_file")
        dashboard = self.value(push, "dashboard_url", "push", str, None)
        if dashboard is not None and not _plain_address(dashboard):
            raise self.fail("push.dashboard_url", "dashboard_url")
        return PushOptions(
            self.whole(push, "attempts", "push", 3, 1, MAX_ATTEMPTS),
            float(backoff),
            float(timeout),
            state_path,
            dashboard,
        )

    def channel(self, entry: Any, where: str) -> Channel:
        if not isinstance(entry, dict):
            raise self.fail(where, "not_a_table", table="[[channels]]")
        self.known_keys(entry, CHANNEL_KEYS, where)
        kind = self.value(entry, "kind", where, str, None)
        if kind not in CHANNEL_KINDS:
            raise self.fail(f"{where}.kind", "one_of", choices=tuple(CHANNEL_KINDS))
        name = self.text(entry, "name", where)
        if name is not None and not name.strip():
            # a name given and blank (" ", a full-width space) named its lines "pushed\t \talerts": nobody could tell
            # which channel, nor find it in the file; a channel without a name is called by its place
            raise self.fail(f"{where}.name", "blank_name")
        name = name or where
        send = self.value(entry, "send", where, list, list(MESSAGE_KINDS))
        if not send or any(item not in MESSAGE_KINDS for item in send):
            raise self.fail(f"{where}.send", "list_of", choices=tuple(MESSAGE_KINDS))
        text = {key: self.value(entry, key, where, str, None) for key in ("url", "secret", "security", "password")}
        text |= {key: self.text(entry, key, where) for key in ("host", "username", "sender")}
        if kind in ("wecom", "dingtalk"):
            url = text["url"]
            # no space or control character: a line break in it went into the request's first line, and the
            # error that followed printed the address, the robot's key with it
            if not url or any(ch.isspace() or not ch.isprintable() for ch in url):
                raise self.fail(f"{where}.url", "webhook_spaces")
            parts = _webhook_parts(url)
            if parts is None:
                # an unclosed "[" stopped the run as an unexpected failure (exit 2); a port that is none ("abc",
                # 99999, 0) was tried and retried as a robot refusing the connection (exit 4, restarted in vain)
                raise self.fail(f"{where}.url", "webhook_host_port")
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise self.fail(f"{where}.url", "webhook")
            if not url.isascii():
                # urllib sends the address as it is: "?key=群机器人" stopped the run with a UnicodeEncodeError
                raise self.fail(f"{where}.url", "webhook_ascii")
            if "@" in parts.netloc:
                # a robot's address carries its key in the query; "user:password@" before the host was printed and
                # audited whole (only the query is taken out), and urllib never sends it anyway
                raise self.fail(f"{where}.url", "webhook_credentials")
            return Channel(name, kind, tuple(send), url=url, secret=text["secret"] if kind == "dingtalk" else None)
        return self.email_channel(entry, where, name, tuple(send), text)

    def email_channel(
        self, entry: Mapping[str, Any], where: str, name: str, send: tuple[str, ...], text: Mapping[str, str | None]
    ) -> Channel:
        security = text["security"] or "ssl"
        if security not in EMAIL_SECURITY:
            raise self.fail(f"{where}.security", "one_of", choices=tuple(EMAIL_SECURITY))
        if not text["host"]:
            raise self.fail(f"{where}.host", "smtp_host")
        default_port = {"ssl": 465, "starttls": 587, "none": 25}[security]
        port = self.whole(entry, "port", where, default_port, 1, 65535)
        to = self.value(entry, "to", where, list, [])
        if not to or not all(isinstance(address, str) and "@" in address for address in to):
            raise self.fail(f"{where}.to", "addresses")
        if any(_has_control(address) for address in to):  # "a@x.cn\r\nBcc: spy@evil.cn" added a header
            raise self.fail(f"{where}.to", "control_characters")
        seen: set[str] = set()
        for item in to:
            # "a@x.cn;b@x.cn" went to a@x.cn alone and "a@@x.cn" to "<>", each said 已推送: the "@" was all we checked
            address = _one_address(item)
            if address is None:
                raise self.fail(f"{where}.to", "address_invalid", address=item)
            if address.lower() in seen:  # the same leader mailed twice
                raise self.fail(f"{where}.to", "address_repeated", address=item)
            seen.add(address.lower())
        if not text["sender"] or _one_address(text["sender"]) is None:
            raise self.fail(f"{where}.sender", "sender")
        if bool(text["username"]) != bool(text["password"]):
            raise self.fail(f"{where}.password", "username_password")
        return Channel(
            name,
            "email",
            send,
            host=text["host"],
            port=port,
            security=security,
            username=text["username"],
            password=text["password"],
            sender=text["sender"],
            to=tuple(to),
        )


# One mailbox as SMTP takes it: a local part and a domain, neither empty, with nothing that separates or quotes
# addresses (the domain may be an intranet's single label, or not ASCII: a server that cannot take it says so)
_MAILBOX = re.compile(r'[^@\s<>(),;:"\[\]]+@[^@\s<>(),;:"\[\].]+(\.[^@\s<>(),;:"\[\].]+)*')


def _plain_address(url: str) -> bool:
    """An http(s) address of ASCII without spaces, brackets, user name, query or fragment: a link the digest adds its
    filter to (``?unit=…``) and writes into markdown as ``[…](address)``, which a ``)`` or a space would end early."""
    if not url.isascii() or any(ch.isspace() or not ch.isprintable() or ch in "()<>" for ch in url):
        return False
    parts = _webhook_parts(url)
    return (
        parts is not None
        and parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and not parts.query
        and not parts.fragment
        and "?" not in url
        and "#" not in url
    )


def _webhook_parts(url: str) -> SplitResult | None:
    """The address split, or None where its host or port cannot be read: urllib would fail on it at every try."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a port that is not a number or is out of range
    except ValueError:
        return None
    return None if port == 0 else parts


def _one_address(entry: str) -> str | None:
    """The one mailbox ``entry`` names (``zuzhang@example.gov.cn`` or ``张三 <zuzhang@example.gov.cn>``), else None."""
    found = getaddresses([entry])
    if len(found) != 1 or not _MAILBOX.fullmatch(found[0][1]):
        return None
    return found[0][1]


def _has_control(text: str) -> bool:
    """Control characters (line breaks, ESC), invisible format characters (a right-to-left override) or line and
    paragraph separators."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def _kind_name(kind: object, lang: str) -> str:
    """``int`` → 整数 / a whole number; ``(int, float)`` → 整数或数字 / a whole number or a number."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {bool: "bool", int: "int", float: "float", str: "str", list: "list"}
    return i18n.t("alerts.settings.kind.or", lang).join(i18n.t(f"alerts.settings.kind.{names[k]}", lang) for k in kinds)
