"""Sign-in with a password, as the login form calls it: throttled, and audited whatever the outcome."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path

from oversight.auth import audit
from oversight.auth.accounts import (
    MAX_PASSWORD_LENGTH,
    AccountDisabled,
    account_fingerprint,
    authenticate,
    load_users,
    loggable_username,
    normalise_username,
    password_matches,
    users_file,
)
from oversight.auth.roles import Account
from oversight.auth.throttle import Throttle, throttle_file
from oversight.core import i18n

# One ``Throttle`` per throttle file for the life of the process: while the file cannot be written (a full disk) the
# count lives in its memory only, and a fresh ``Throttle`` per attempt forgot it, so no name was ever locked.
_THROTTLES: dict[Path, Throttle] = {}
_THROTTLES_LOCK = threading.Lock()


def process_throttle(path: Path) -> Throttle:
    with _THROTTLES_LOCK:
        return _THROTTLES.setdefault(path, Throttle(path))


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: ``ok``, ``invalid``, ``disabled`` (a right password for a disabled
    account) or ``throttled`` (then ``retry_after`` seconds). An ``ok`` carries the account's ``fingerprint``
    (``accounts.account_fingerprint``) as it was when the sign-in was audited: what the session keeps."""

    outcome: str
    account: Account | None = None
    retry_after: float = 0.0
    fingerprint: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        if self.outcome == "throttled":
            # the wait as it is: the first lock is 30 s, which "about 1 minute(s)" overstated
            seconds = max(1, math.ceil(self.retry_after))
            if seconds < 60:
                return i18n.t("auth.login.throttled_seconds", lang, count=seconds)
            return i18n.t("auth.login.throttled", lang, count=math.ceil(seconds / 60))
        if self.outcome == "invalid":
            return i18n.t("auth.login.invalid", lang)
        if self.outcome == "disabled":
            return i18n.t("auth.login.disabled", lang)
        return i18n.t("auth.login.welcome", lang, username=self.account.username if self.account else "")


def sign_in(
    username: str,
    password: str,
    address: str | None = None,
    *,
    path: Path | None = None,
    throttle: Throttle | None = None,
    audit_path: Path | None = None,
) -> SignIn:
    """Check a password with throttling, and write the audit line (sign-in, failure or refusal).

    A throttled attempt is refused before the password is looked at, and does not itself count as a failure.
    """
    path = Path(path or users_file())
    throttle = throttle or process_throttle(throttle_file(path))
    # whatever was typed (or sent past the form's limit) is logged and counted as a short, printable name
    name = loggable_username(username)
    password = (password or "")[: MAX_PASSWORD_LENGTH + 1]  # one over the limit still fails as too long
    wait = throttle.claim(name, address)  # checked and counted at once: attempts in parallel cannot all pass
    if wait > 0:
        # held back by a lock (one line a lock: a loop of attempts must not flood the log), or refused after waiting
        # up to busy_wait_s for other attempts' pending checks: each such refusal has cost its caller that wait, so
        # a line each cannot flood the log, and it had none (anything that cannot be audited does not happen)
        locked = throttle.retry_after(name, address) > 0
        if not locked or throttle.first_refusal(name, address):
            audit.record(
                "refused",
                account=name or None,
                address=address,
                path=audit_path,
                details={"reason": "throttled" if locked else "busy", "retry_after_s": round(wait)},
            )
        return SignIn("throttled", retry_after=wait)
    # the entry as it was before argon2 checked the password against it (``authenticate`` reads it too): where the one
    # the session keeps has another password hash, the password is checked against that one as well (below)
    entry_before = load_users(path).get(normalise_username(name))
    try:
        account = authenticate(name, password, path=path)
    except AccountDisabled:
        # counted as a failure (its right password does not clear the name's count) and refused in the log
        throttle.failure(name, address, claimed=True)
        audit.record("refused", account=name, address=address, path=audit_path, details={"reason": "account_disabled"})
        return SignIn("disabled")
    if account is None:
        wait = throttle.failure(name, address, claimed=True)
        audit.record(
            "sign_in_failed",
            account=name or None,
            address=address,
            path=audit_path,
            details={"throttled_for_s": round(wait)} if wait else None,
        )
        return SignIn("throttled", retry_after=wait) if wait > 0 else SignIn("invalid")
    # what the session will keep, read before the line says "signed in": the page read it after, so an account
    # disabled or removed while argon2 checked its password (the file is read before) was logged
    # as signed in and then signed out, and a users file damaged meanwhile logged a sign-in the page then stopped
    # with a traceback. Now the line says what the session gets; an AccountError here is the form's users_file_broken.
    fingerprint = account_fingerprint(account.username, path=path)
    if fingerprint is None:
        throttle.failure(name, address, claimed=True)
        record = load_users(path).get(account.username)
        if record is not None and record.disabled:
            audit.record(
                "refused", account=name, address=address, path=audit_path, details={"reason": "account_disabled"}
            )
            return SignIn("disabled")
        audit.record("sign_in_failed", account=name, address=address, path=audit_path)
        return SignIn("invalid")
    # and the account as that fingerprint describes it, read after it: the one ``authenticate`` returned is the entry
    # read before argon2, so an admin demoted meanwhile signed in as admin with the demoted entry's fingerprint, which
    # every later check found unchanged. (An entry changed between these two reads ends the session at its next run.)
    current = load_users(path).get(account.username)
    # a password changed meanwhile (``user passwd`` for a password that leaked): the old one was checked against the
    # entry before, the fingerprint is of the entry after, and the session signed in with the old password was kept,
    # every later check finding that entry unchanged. A hash upgraded by ``authenticate`` itself matches still.
    if (
        current is not None
        and current.password_hash != (entry_before.password_hash if entry_before else None)
        and not password_matches(current, password)
    ):
        throttle.failure(name, address, claimed=True)
        audit.record("sign_in_failed", account=name, address=address, path=audit_path)
        return SignIn("invalid")
    if current is not None and not current.disabled:
        account = current.account()
    # the line first: a sign-in that cannot be audited does not happen, and must not clear the name's failures
    # either (a right password on a full disk reset the count, and so told a guesser which password was right)
    audit.record("sign_in", account=account, address=address, path=audit_path, details={"method": "password"})
    throttle.success(name, address)
    return SignIn("ok", account, fingerprint=fingerprint)
