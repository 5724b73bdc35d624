"""A password sign-in remembered across a reload: the signed, expiring value of the browser's HttpOnly cookie.

A reload replaces the Streamlit session, and with it the sign-in. ``oversight.ui.remembered_sign_in`` sets a cookie
(HttpOnly, SameSite=Strict, from a route of our own: Streamlit gives a page no way to set one) whose value this
module makes and checks:

- **signed** with HMAC-SHA256 and a secret kept beside the users file (``<users file>.session-key``, 0600, made on
  first use; every replica reading that users file shares it);
- **expiring**: ``OVERSIGHT_REMEMBER_HOURS`` after the sign-in (default 8, a working day; 0 remembers nothing);
- **bound to the account's entry** (``accounts.account_fingerprint``): a new password, another role or units, a
  disabled or removed account, and the value no longer lets anyone in;
- **revocable**: a sign-out writes its id to ``<users file>.revoked`` until it would have expired.

No password and no hash is in the value; a restored sign-in is audited like any other (``sign_in``,
``method: remembered``) by the caller.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from oversight import config
from oversight.auth import accounts
from oversight.auth.roles import AccountError
from oversight.core import atomic, locking

COOKIE_NAME = "oversight_signed_in"
DEFAULT_HOURS = 8.0
_LONGEST_S = 30 * 24 * 3600.0  # what OVERSIGHT_REMEMBER_HOURS may ask for at most: a month
_MAX_VALUE_LENGTH = 1024  # a value ours is about 200 characters; anything far longer is not read


@dataclass(frozen=True)
class Remembered:
    """What a valid value says: whose sign-in, which entry of theirs it was made for, its id and when it ends."""

    username: str
    fingerprint: str
    id: str
    expires: float
    issued: float


def remember_seconds() -> float:
    """``OVERSIGHT_REMEMBER_HOURS`` in seconds: 0 (or a value that is no number) remembers nothing."""
    text = (config.setting("OVERSIGHT_REMEMBER_HOURS") or "").strip()
    try:
        hours = float(text) if text else DEFAULT_HOURS
    except ValueError:
        return 0.0
    if not math.isfinite(hours):
        return 0.0
    return max(0.0, min(hours * 3600, _LONGEST_S))


def _beside_users_file(suffix: str, users: Path | None = None) -> Path:
    users = Path(users or accounts.users_file())
    return users.with_name(users.name + suffix)


def _secret() -> bytes:
    """The signing key, made once (32 random bytes, 0600) under the users file's lock so two processes agree."""
    path = _beside_users_file(".session-key")
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (FileNotFoundError, ValueError):
        pass
    with accounts.locked_file(accounts.users_file()):
        try:
            return bytes.fromhex(path.read_text(encoding="ascii").strip())
        except (FileNotFoundError, ValueError):
            key = secrets.token_bytes(32)
            atomic.write_bytes(path, key.hex().encode("ascii"), mode=0o600)
            return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str) -> str:
    return _b64(hmac.new(_secret(), payload.encode("ascii"), hashlib.sha256).digest())


def issue(username: str, fingerprint: str, now: float | None = None) -> tuple[str, Remembered] | None:
    """The cookie's value for a sign-in just made, and what it says; None when nothing is to be remembered."""
    seconds = remember_seconds()
    if seconds <= 0:
        return None
    now = now or time.time()
    made = Remembered(username, fingerprint, secrets.token_urlsafe(16), now + seconds, now)
    fields = {"u": made.username, "f": made.fingerprint, "i": made.id, "e": made.expires, "t": made.issued}
    payload = _b64(json.dumps(fields).encode("utf-8"))
    return f"{payload}.{_signature(payload)}", made


def check(value: str | None, now: float | None = None) -> Remembered | None:
    """The sign-in a cookie's value remembers, if it is ours, unexpired, not revoked, and its account's entry is
    still the one it was made for (enabled, same password, role and units); else None."""
    if not value or len(value) > _MAX_VALUE_LENGTH or remember_seconds() <= 0:
        return None
    payload, _, signature = value.partition(".")
    try:
        if not hmac.compare_digest(signature.encode("ascii"), _signature(payload).encode("ascii")):
            return None
        fields = json.loads(_unb64(payload))
        remembered = Remembered(
            str(fields["u"]), str(fields["f"]), str(fields["i"]), float(fields["e"]), float(fields["t"])
        )
    except (ValueError, KeyError, TypeError, UnicodeError):
        return None
    if remembered.expires <= (now or time.time()) or _is_revoked(remembered, _revoked(now)):
        return None
    try:
        if accounts.account_fingerprint(remembered.username) != remembered.fingerprint:
            return None
    except AccountError:  # a users file that cannot be read keeps nobody signed in
        return None
    return remembered


def signed_out(remembered: Remembered) -> bool:
    """Whether this remembered sign-in has been signed out since, in any tab that held it (``revoke``): asked on every
    run of a session made from it, not only when a cookie is read, so a tab left open after a sign-out elsewhere is not
    still signed in. Only that sign-out counts here: an account disabled or changed ends its sessions by its entry
    (``accounts.account_fingerprint``), and a damaged list, which refuses every cookie, ends no open session."""
    return f"id:{remembered.id}" in _revoked()


def _is_revoked(remembered: Remembered, revoked: dict[str, float]) -> bool:
    if "*" in revoked or f"id:{remembered.id}" in revoked:
        return True
    return remembered.issued <= revoked.get(f"user:{remembered.username}", float("-inf"))


def _revoked(now: float | None = None, users: Path | None = None) -> dict[str, float]:
    """The revocation list, without entries that no longer matter: ``id:<id>`` → when that value expires (a
    sign-out), ``user:<name>`` → every value of the account made up to then (``user disable``)."""
    try:
        entries = json.loads(_beside_users_file(".revoked", users).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {"*": float("inf")}  # a damaged list refuses every remembered sign-in rather than none
    if not isinstance(entries, dict):
        return {"*": float("inf")}
    now = now or time.time()
    kept = {}
    for key, moment in entries.items():
        if not isinstance(moment, int | float):
            continue
        ends = moment + _LONGEST_S if str(key).startswith("user:") else moment
        if ends > now:
            kept[str(key)] = float(moment)
    return kept


def _add_revoked(key: str, moment: float, users: Path | None = None) -> None:
    path = _beside_users_file(".revoked", users)
    with locking.held(path.with_name(path.name + ".lock"), timeout=accounts.USERS_LOCK_TIMEOUT_S, purpose="users"):
        entries = _revoked(users=users)
        entries.pop("*", None)  # rewritten whole: a damaged list is replaced by a readable one
        entries[key] = max(moment, entries.get(key, moment))
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic.write_bytes(path, json.dumps(entries).encode("utf-8"), mode=0o600)


def account_revoked_at(username: str, *, users: Path | None = None) -> float | None:
    """When every value of this account was last refused (``revoke_account``: it was disabled), None if never."""
    return _revoked(users=users).get(f"user:{accounts.normalise_username(username)}")


def revoke(remembered_id: str, expires: float) -> None:
    """Refuse the value with this id from now on (a sign-out)."""
    _add_revoked(f"id:{remembered_id}", expires)


def revoke_account(username: str, now: float | None = None, *, users: Path | None = None) -> None:
    """Refuse every value made for this account so far (``user disable``: enabling it again does not bring back the
    sign-ins remembered before; a new password, role or units already changed their fingerprint for good)."""
    _add_revoked(f"user:{accounts.normalise_username(username)}", now or time.time(), users)


def cookie_header(value: str, seconds: float, *, secure: bool, path: str = "/") -> str:
    """The ``Set-Cookie`` header: HttpOnly (no script reads it), SameSite=Strict (no other site sends it)."""
    secure_flag = "; Secure" if secure else ""
    return f"{COOKIE_NAME}={value}; Max-Age={int(seconds)}; Path={path}; HttpOnly; SameSite=Strict{secure_flag}"


def expired_cookie_header(*, secure: bool, path: str = "/") -> str:
    return cookie_header("", 0, secure=secure, path=path)
