"""Sign-in throttling: failure counts per user name and per client address, kept in a small file beside the users file."""

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
    if not failures and now >= locked_until:
        lockouts = 0  # a quiet window forgives
    return {"failures": failures, "locked_until": locked_until, "lockouts": lockouts}


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
    return {k: v for k, v in state.items() if k != key}


def forget_stale(
    state: Mapping[str, Any], now: float, policy: ThrottlePolicy = USER_POLICY, limit: int = MAX_THROTTLE_ENTRIES
) -> dict[str, Any]:
    """The state without keys that have nothing left to remember, and at most ``limit`` keys: those locked
    out longest and most recently failing are kept (a flood of made-up names cannot grow the file)."""
    kept = {}
    for key, entry in state.items():
        pruned = _prune(entry, now, ADDRESS_POLICY if key.startswith("addr:") else policy)
        if pruned["failures"] or pruned["locked_until"] > now or pruned["lockouts"]:
            kept[key] = pruned
    if len(kept) > limit:
        ranked = sorted(
            kept, key=lambda k: (kept[k]["locked_until"], max(kept[k]["failures"], default=0.0)), reverse=True
        )
        kept = {key: kept[key] for key in ranked[:limit]}
    return kept


def _valid_entry(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("failures", []), list)
        and all(isinstance(t, (int, float)) for t in entry.get("failures", []))
        and isinstance(entry.get("locked_until", 0.0), (int, float))
        and isinstance(entry.get("lockouts", 0), int)
    )


def _throttle_keys(username: str | None, address: str | None) -> list[tuple[str, ThrottlePolicy]]:
    keys = []
    if username:
        keys.append((f"user:{accounts.normalise_username(username)}", USER_POLICY))
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
                pass

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
        return max(
            [retry_after(state, key, now, policy) for key, policy in _throttle_keys(username, address)], default=0.0
        )

    def failure(self, username: str | None, address: str | None = None) -> float:
        """Count a failed attempt; returns the seconds the user must now wait (0 if none)."""
        now = self.clock()
        with self._transaction() as state:
            for key, policy in _throttle_keys(username, address):
                state = record_failure(state, key, now, policy)
            state = forget_stale(state, now)
            self._save(state)
        return max(
            [retry_after(state, key, now, policy) for key, policy in _throttle_keys(username, address)], default=0.0
        )

    def success(self, username: str | None, address: str | None = None) -> None:
        """A right password clears the user name's count (not the address's: one account's success
        says nothing about the other names tried from there)."""
        with self._transaction() as state:
            if username:
                state = record_success(state, f"user:{accounts.normalise_username(username)}")
            self._save(state)
