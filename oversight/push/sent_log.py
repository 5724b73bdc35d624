"""The record of what was pushed: one entry per channel, message kind, period, account and language.

It makes a scheduled command safe to run twice: a digest or brief already sent for a period is
not sent again unless asked (``--force``). Only successful pushes are recorded, so a channel that
failed is tried again by the next run. Read-modify-write holds ``flock`` on ``<file>.lock``, and
the file is replaced atomically, so two timers firing together neither lose nor tear an entry; and a
whole run holds ``<file>.sending.lock``, so the second of them sends nothing the first has sent. The
second waits only as long as the first could take (``sending``): behind a run that hangs it gives up
with ``LockBusy`` and sends nothing.

The record replaces its file whole, so it never writes over a file that is not a push record (the audit log, the
users file, anything else someone pointed ``state_file`` at): ``check`` refuses before a run sends anything, and
``record`` refuses again under the lock. A damaged record is such a file too: it is named, not silently replaced.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oversight.alerts.configuration import SettingsError, is_push_state
from oversight.core import atomic, locking

# Beyond the time a run's attempts and pauses can take: writing the audit and state lines, an e-mail's attachment
# going out over a slow line (the SMTP timeout bounds each exchange, not the whole message).
SENDING_SLACK_S = 60.0

# an entry's mark while its push is being tried (``SentLog.mark_sending``): when it began, UTC
SENDING_SINCE = "sending_since"


def entry_key(channel: str, kind: str, period: str, account: str, lang: str) -> str:
    return json.dumps([channel, kind, period, account, lang], ensure_ascii=False)


class SentLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @contextmanager
    def _flocked(self, suffix: str) -> Iterator[None]:
        """``flock`` held on ``<file><suffix>`` for the block; a holder that dies releases it."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(self.path.with_name(self.path.name + suffix), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the flock

    def _locked(self):  # noqa: ANN202 — a context manager
        return self._flocked(".lock")

    def check(self) -> None:
        """``SettingsError`` (``push.state_file``) naming the file when it exists and is not a push record."""
        with self._locked():
            self._refuse_unless_ours()

    def _refuse_unless_ours(self) -> None:
        if not is_push_state(self.path):
            raise SettingsError(
                self.path, "push.state_file", "alerts.settings.detail.state_file_not_ours", file=self.path
            )

    def _read(self) -> dict[str, Any]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            # unreadable here, refused by check() before anything is sent; a look-up finds nothing
            return {}
        return document if isinstance(document, dict) else {}

    def sending(self, longest_run_s: float):  # noqa: ANN201 — a context manager
        """Held by a run from its first look-up to its last record: a second run started at the same moment (two
        cron lines, a timer and a hand) waits, then finds what the first sent, instead of sending it again.

        It waits as long as the first run could take (``longest_run_s``, from the settings) and a margin; a run
        still holding the lock then has hung (stopped, or stuck in a call with no timeout), and waiting on would
        stack every later timer run behind it: ``locking.LockBusy`` names it, and nothing is sent.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = self.path.with_name(self.path.name + ".sending.lock")
        return locking.held(lock, timeout=longest_run_s + SENDING_SLACK_S, purpose="push")

    def lookup(self, key: str) -> dict[str, Any] | None:
        with self._locked():
            entry = self._read().get(key)
        return entry if isinstance(entry, dict) else None

    def mark_sending(self, key: str, at: datetime | None = None) -> None:
        """Marks ``key`` as being sent, before its first try: a run killed while its message may be on the wire
        (systemd's stop, a reboot) leaves the mark, and the next run says the message may have gone out instead of
        posting it again. ``record`` replaces the mark, ``clear_sending`` takes it off; an entry sent before (a
        forced resend) is kept under it."""
        with self._locked():
            self._refuse_unless_ours()
            document = self._read()
            entry = document.get(key)
            since = (at or datetime.now(UTC)).isoformat(timespec="seconds")
            document[key] = {**(entry if isinstance(entry, dict) else {}), SENDING_SINCE: since}
            self._write(document)

    def clear_sending(self, key: str) -> None:
        """Takes off ``mark_sending``'s mark once the run has said the try's outcome itself."""
        with self._locked():
            self._refuse_unless_ours()
            document = self._read()
            entry = document.get(key)
            if not isinstance(entry, dict) or SENDING_SINCE not in entry:
                return
            rest = {name: value for name, value in entry.items() if name != SENDING_SINCE}
            if rest:
                document[key] = rest
            else:
                del document[key]
            self._write(document)

    def _write(self, document: dict[str, Any]) -> None:
        text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        atomic.write_bytes(self.path, text.encode("utf-8"), mode=0o600)

    def record(self, key: str, fingerprint: str, attempts: int, at: datetime | None = None) -> dict[str, Any]:
        entry = {
            "sent_at": (at or datetime.now(UTC)).isoformat(timespec="seconds"),
            "fingerprint": fingerprint,
            "attempts": attempts,
        }
        with self._locked():
            self._refuse_unless_ours()  # replaced since the run's check: never written over
            document = self._read()
            document[key] = entry
            self._write(document)
        return entry
