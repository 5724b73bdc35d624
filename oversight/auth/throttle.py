"""Sign-in throttling: failure counts per user name, per client address and per name from an address, kept in a small
file beside the users file.

Five failures for one name lock that name, from every address: guessing from many places is held back. So that
nobody can keep an account locked from elsewhere (five wrong passwords every half hour kept an admin out all day,
the right password refused before it was looked at), an address the name has signed in from before is not held by
the name's lock nor by its address's lock (an office behind one address was locked out by one person's typos): only
by the failures of that name from that address. Where a lock refuses, one line is audited per lock, not one per
attempt (a loop of attempts wrote 100,000 lines in a minute, and the audit page took 10 s to draw)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oversight.auth import accounts

MAX_THROTTLE_ENTRIES = 10_000  # names and addresses remembered; a flood of made-up names must not grow the file
# names known from an address they signed in from: made by right passwords only, kept apart from the failures (a
# flood of failures must not push them out), the most recent first
MAX_KNOWN_ENTRIES = 5_000
KNOWN_FOR_S = 90 * 24 * 3600
# An attempt let through to the password check is "pending" until its outcome: pending and failed attempts together
# may not pass the limit (twelve wrong passwords sent at once get five checks), but pending ones lock nobody out —
# thirty right sign-ins at once of one shared account (the office's tabs after a restart) were 15 refused for 30 s,
# each counted a failure before its password was looked at. One whose outcome never came (its process died in the
# check) counts as a failure after ``PENDING_S``; an attempt over the limit while others are pending waits for their
# outcomes, up to ``Throttle.busy_wait_s``.
PENDING_S = 30.0


def throttle_file(users_path: Path | None = None) -> Path:
    return Path(users_path or accounts.users_file()).with_name("login-throttle.json")


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
    pending = list(entry.get("pending", []))
    if not failures and now >= locked_until:
        lockouts = 0  # a quiet window forgives
    return {"failures": failures, "locked_until": locked_until, "lockouts": lockouts, "pending": pending}


def retry_after(state: Mapping[str, Any], key: str, now: float, policy: ThrottlePolicy = USER_POLICY) -> float:
    """Seconds until ``key`` may try again; 0 if it may try now."""
    entry = state.get(key)
    if not entry:
        return 0.0
    return max(0.0, float(entry.get("locked_until", 0.0)) - now)


def record_failure(
    state: Mapping[str, Any], key: str, now: float, policy: ThrottlePolicy = USER_POLICY
) -> dict[str, Any]:
    """A new state with one more failure for ``key`` (and a lock-out if that makes too many)."""
    entry = _prune(state.get(key), now, policy)
    entry["failures"].append(now)
    if len(entry["failures"]) >= policy.max_failures:
        entry["lockouts"] += 1
        delay = min(policy.base_delay_s * 2 ** (entry["lockouts"] - 1), policy.max_delay_s)
        entry["locked_until"] = now + delay
    return {**state, key: entry}


def record_success(state: Mapping[str, Any], key: str) -> dict[str, Any]:
    """The state without ``key``'s failures and lock; the attempts still pending beside this one stay counted."""
    pending = list((state.get(key) or {}).get("pending", []))[1:]
    rest = {k: v for k, v in state.items() if k != key}
    return {**rest, key: {"failures": [], "locked_until": 0.0, "lockouts": 0, "pending": pending}} if pending else rest


def _with_pending(state: Mapping[str, Any], key: str, now: float, policy: ThrottlePolicy) -> dict[str, Any]:
    entry = _prune(state.get(key), now, policy)
    entry["pending"].append(now)
    return {**state, key: entry}


def _resolved(state: Mapping[str, Any], key: str) -> dict[str, Any]:
    """The state with the oldest of ``key``'s pending attempts taken off (its outcome is being recorded)."""
    entry = state.get(key)
    if not entry or not entry.get("pending"):
        return dict(state)
    return {**state, key: {**entry, "pending": list(entry["pending"])[1:]}}


def _expire_pending(state: Mapping[str, Any], key: str, now: float, policy: ThrottlePolicy) -> dict[str, Any]:
    """Pending attempts older than ``PENDING_S`` become failures (a check that never ended is not a success)."""
    entry = state.get(key)
    stale = [t for t in (entry or {}).get("pending", []) if now - t >= PENDING_S]
    for _ in stale:
        state = record_failure(_resolved(state, key), key, now, policy)
    return dict(state)


def _busy_for(state: Mapping[str, Any], key: str, now: float, policy: ThrottlePolicy) -> float:
    """Seconds until a pending attempt of ``key`` ends for sure, if failures and pending ones fill the limit."""
    entry = _prune(state.get(key), now, policy)
    if len(entry["failures"]) + len(entry["pending"]) < policy.max_failures or not entry["pending"]:
        return 0.0
    return max(0.0, float(min(entry["pending"])) + PENDING_S - now)


def forget_stale(
    state: Mapping[str, Any], now: float, policy: ThrottlePolicy = USER_POLICY, limit: int = MAX_THROTTLE_ENTRIES
) -> dict[str, Any]:
    """The state without keys that have nothing left to remember, and at most ``limit`` keys: those locked
    out longest and most recently failing are kept (a flood of made-up names cannot grow the file). Known
    names are kept apart, for ``KNOWN_FOR_S``, at most ``MAX_KNOWN_ENTRIES`` of them."""
    kept, known = {}, {}
    for key, entry in state.items():
        if key.startswith("known:"):
            if now - float(entry.get("seen", 0.0)) < KNOWN_FOR_S:
                known[key] = entry
            continue
        pruned = _prune(entry, now, ADDRESS_POLICY if key.startswith("addr:") else policy)
        if pruned["failures"] or pruned["locked_until"] > now or pruned["lockouts"] or pruned["pending"]:
            kept[key] = {**pruned, **({"audited": entry["audited"]} if "audited" in entry else {})}
    if len(kept) > limit:
        ranked = sorted(
            kept, key=lambda k: (kept[k]["locked_until"], max(kept[k]["failures"], default=0.0)), reverse=True
        )
        kept = {key: kept[key] for key in ranked[:limit]}
    if len(known) > MAX_KNOWN_ENTRIES:
        newest = sorted(known, key=lambda k: float(known[k]["seen"]), reverse=True)[:MAX_KNOWN_ENTRIES]
        known = {key: known[key] for key in newest}
    return {**kept, **known}


def _valid_entry(entry: Any) -> bool:
    if isinstance(entry, dict) and "seen" in entry:  # a known name at an address
        return isinstance(entry["seen"], (int, float))
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("failures", []), list)
        and all(isinstance(t, (int, float)) for t in entry.get("failures", []))
        and isinstance(entry.get("pending", []), list)
        and all(isinstance(t, (int, float)) for t in entry.get("pending", []))
        and isinstance(entry.get("locked_until", 0.0), (int, float))
        and isinstance(entry.get("lockouts", 0), int)
    )


def _known_key(username: str | None, address: str | None) -> str | None:
    if not username or not address:
        return None
    return f"known:{accounts.normalise_username(username)}@{address}"


def _throttle_keys(
    username: str | None, address: str | None, state: Mapping[str, Any] | None = None
) -> list[tuple[str, ThrottlePolicy]]:
    """The counts an attempt adds to; given the ``state``, the ones that hold it back (a name known at this address
    is held by its own failures there only)."""
    name = accounts.normalise_username(username) if username else ""
    known = state is not None and _known_key(username, address) in state
    keys = []
    if name and address:
        keys.append((f"pair:{name}@{address}", USER_POLICY))
    if name and not known:
        keys.append((f"user:{name}", USER_POLICY))
    if address and not known:
        keys.append((f"addr:{address}", ADDRESS_POLICY))
    return keys


def _wait(state: Mapping[str, Any], username: str | None, address: str | None, now: float) -> float:
    """Seconds until an attempt of ``username`` from ``address`` may be made: the longest lock that holds it back."""
    return max(
        [retry_after(state, key, now, policy) for key, policy in _throttle_keys(username, address, state)], default=0.0
    )


@dataclass
class Throttle:
    """Failure counts per user name and per client address, kept in a small JSON file (0600).

    If the file cannot be written (a read-only folder), the state is kept in memory for this process.
    ``clock`` is injectable so tests move time instead of sleeping.
    """

    path: Path | None
    clock: Callable[[], float] = time.time
    busy_wait_s: float = 20.0  # real seconds an attempt waits for pending ones' outcomes before it is told to wait
    _memory: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _unsaved: bool = False  # the last write of the file failed: memory holds counts the file lacks

    def _load(self) -> dict[str, Any]:
        if self.path is None or self._unsaved:
            # the file misses what this process counted since its last write failed: reading it again would drop
            # those failures, and any number of passwords could be tried while the disk stays full
            return dict(self._memory)
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
            return (
                {key: entry for key, entry in state.items() if _valid_entry(entry)}
                if isinstance(state, dict)
                else dict(self._memory)
            )
        except FileNotFoundError:
            return dict(self._memory)
        except (OSError, ValueError):
            return dict(self._memory)  # a damaged file must not lock everyone out, nor let anyone in unthrottled

    def _save(self, state: dict[str, Any]) -> None:
        self._memory = state
        if self.path is not None:
            try:
                accounts.write_private(self.path, json.dumps(state))
            except OSError:
                self._unsaved = True  # this process's count holds until a write succeeds again
            else:
                self._unsaved = False

    @contextmanager
    def _transaction(self) -> Iterator[dict[str, Any]]:
        with self._lock, ExitStack() as stack:
            if self.path is not None:
                try:
                    stack.enter_context(accounts.locked_file(self.path))
                except OSError:
                    pass  # a read-only folder: this process's memory is all there is
            yield self._load()

    def retry_after(self, username: str | None, address: str | None = None) -> float:
        now = self.clock()
        state = self._load()
        return _wait(state, username, address, now)

    def first_refusal(self, username: str | None, address: str | None = None) -> bool:
        """Whether a refusal now is the first under the lock that holds this attempt back: only that one is
        audited (the lock's failures are, each); a loop of attempts under one lock writes one line."""
        now = self.clock()
        with self._transaction() as state:
            held = [
                key
                for key, policy in _throttle_keys(username, address, state)
                if retry_after(state, key, now, policy) > 0
            ]
            fresh = any(state[key].get("audited") != state[key].get("locked_until") for key in held)
            if fresh:
                for key in held:
                    state[key] = {**state[key], "audited": state[key].get("locked_until")}
                self._save(state)
            return fresh

    def claim(self, username: str | None, address: str | None = None) -> float:
        """Before a password is checked, under the lock: the seconds the attempt must wait (then it is not checked),
        or 0 with the attempt counted as pending for the name (``failure`` or ``success`` records its outcome).
        Checked first and counted after the slow password check, twelve tabs submitted at once each passed the check
        before any failure was counted: eleven wrong passwords were tried against one name, and the twelfth, right,
        got in. Pending and failed attempts together stay within the limit; an attempt over it while some are
        pending waits for their outcomes (``PENDING_S``)."""
        deadline = time.monotonic() + self.busy_wait_s
        while True:
            now = self.clock()
            with self._transaction() as state:
                names = [
                    (key, policy) for key, policy in _throttle_keys(username, address) if not key.startswith("addr:")
                ]
                for key, policy in names:
                    state = _expire_pending(state, key, now, policy)
                wait = _wait(state, username, address, now)
                holding = [key for key, _ in _throttle_keys(username, address, state)]  # a known name: its pair's
                busy = max([_busy_for(state, key, now, policy) for key, policy in names if key in holding], default=0.0)
                if wait <= 0 and busy <= 0:
                    for key, policy in names:  # the name's counts; the address's waits for the outcome
                        state = _with_pending(state, key, now, policy)
                    self._save(forget_stale(state, now))
                    return 0.0
                self._save(forget_stale(state, now))
            if wait > 0 or time.monotonic() >= deadline:
                return max(wait, busy)
            time.sleep(0.05)  # the pending checks take a fraction of a second each

    def failure(self, username: str | None, address: str | None = None, *, claimed: bool = False) -> float:
        """Count a failed attempt (``claimed``: its name's part was counted by ``claim``, only the address's is
        left); returns the seconds the user must now wait (0 if none)."""
        now = self.clock()
        with self._transaction() as state:
            for key, policy in _throttle_keys(username, address):
                if claimed and not key.startswith("addr:"):
                    state = _resolved(state, key)
                state = record_failure(state, key, now, policy)
            state = forget_stale(state, now)
            self._save(state)
        return _wait(state, username, address, now)

    def success(self, username: str | None, address: str | None = None) -> None:
        """A right password clears the name's counts (not the address's: one account's success says nothing about
        the other names tried from there) and makes the name known at this address."""
        with self._transaction() as state:
            if username:
                name = accounts.normalise_username(username)
                state = record_success(record_success(state, f"user:{name}"), f"pair:{name}@{address}")
                known = _known_key(username, address)
                if known:
                    state = {**state, known: {"seen": self.clock()}}
            self._save(forget_stale(state, self.clock()))
