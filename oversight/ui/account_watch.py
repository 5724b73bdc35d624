"""The app server's watch on the users file: an account disabled by hand is noted even if no page runs meanwhile.

``disabled = true`` typed into the users file does not advance the account's ``generation`` (only ``user disable``
does); a page run that reads the file then notes the account as disabled (``accounts._note_disabled``), and its
sessions and remembered sign-ins end for good. An admin who disabled an account and enabled it again before any
page ran left nothing to note: this thread reads the file whenever it changes (a ``stat`` every few seconds
otherwise), so that short window is the watch's interval, not the time until the next click.
"""

from __future__ import annotations

import logging
import threading

from oversight.auth import accounts
from oversight.auth.roles import AccountError

log = logging.getLogger(__name__)

INTERVAL_S = 2.0
_lock = threading.Lock()
_thread: threading.Thread | None = None
stopping = threading.Event()


def start() -> threading.Thread:
    """Start the watch once per process (a second call returns the thread already started)."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_watch, name="oversight-account-watch", daemon=True)
            _thread.start()
        return _thread


def _watch() -> None:
    said: str | None = None
    while not stopping.wait(INTERVAL_S):
        try:
            accounts.watch_disabled()
            said = None
        except (AccountError, OSError) as error:  # a damaged file refuses every sign-in by itself; said once
            if str(error) != said:
                log.error("users file not watched: %s", error)
                said = str(error)
