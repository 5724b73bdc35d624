"""A Chromium kept open by choreographer, driven from an event loop in a thread of its own, and closed in order.

Both browsers a process keeps (kaleido's for images, ``image_server``; the PDF printer, ``briefing.pdf_print``)
live this way. Closing one means asking Chromium to quit and waiting for its process to end: choreographer then
removes its temporary profile. Chromium writes into that profile (``Default/Network Persistent State``) while it
shuts down, so a profile removed by the interpreter's exit while Chromium still ran failed with "[Errno 39]
Directory not empty: 'Default'" on a stopped server's terminal, or came back after removal and stayed in /tmp:
the printer, never closed, left one profile per process that printed a PDF, and one more each time a server
replaced a failed printer. So every browser is closed when it is replaced and, at the latest, at exit (``atexit``
runs when Streamlit stops on Ctrl+C or SIGTERM, and when the CLI ends, interrupted or not). At exit both are closed
at once, within one deadline (``EXIT_SECONDS``): closed one after the other, each with its own waits, a stop whose
two Chromiums did not quit took up to twice 12 s, past deploy/cluster.py's 15 s grace before SIGKILL.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import threading
import time
import weakref
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any

from oversight.core import atomic
from oversight.export import chromium_leftovers

START_TIMEOUT_SECONDS = 60
# choreographer waits up to 3 s for Chromium to quit, then up to 6 s after killing it
CLOSE_TIMEOUT_SECONDS = 12
# a browser still opening when closed is waited for this long, not its whole start timeout: a stop must end
# within deploy/cluster.py's 15 s (and `make run`'s Ctrl+C promptly) even while the warm-up's browser starts
OPENING_WAIT_SECONDS = 8
# every browser's close at exit, all at once: the opening still waited for and Chromium's quit share it, and what
# still runs after it is killed (``chromium_leftovers``, at most 2 s more); with ``ui.stopping``'s 6 s for the page
# scripts that makes a stop's worst case 6 + 4 + 1 + 2 = 13 s, within deploy/cluster.py's 15 s
EXIT_SECONDS = 4.0
# the loop's thread, stopped, ends at once; on a loaded machine it is given this long at least
_JOIN_AT_LEAST_SECONDS = 1.0


def _finalizers_run_after_our_closes() -> None:
    # A browser's temporary profile is a TemporaryDirectory, removed at exit by weakref's finalizers. atexit runs
    # last-registered first, and weakref registers its exit hook with the first finalizer made — choreographer's
    # profile, made after our close was registered — so the profile was removed while its Chromium still ran
    # ("[Errno 39] Directory not empty" at a Ctrl+C the moment Chromium starts). Registered now, at import, the
    # finalizers run after every browser's close.
    weakref.finalize(_finalizers_run_after_our_closes, lambda: None)


_finalizers_run_after_our_closes()

_open: set[BrowserThread] = set()  # the browser threads not yet closed, closed together at exit
_open_lock = threading.Lock()


def close_all(seconds: float = EXIT_SECONDS) -> None:
    """Close every browser thread still open, all at once, each within the same deadline (at exit)."""
    deadline = time.monotonic() + seconds
    with _open_lock:
        threads = list(_open)
    closing = [
        threading.Thread(target=browser.close, kwargs={"deadline": deadline}, name="oversight-close", daemon=True)
        for browser in threads
    ]
    for thread in closing:
        thread.start()
    for thread in closing:  # each bounded by the deadline, a join, and the clearing's own bounded wait
        thread.join()


# registered after weakref's exit hook (above): run before it, as each browser's own close was
atexit.register(close_all)


class BrowserThread:
    """An event loop in a daemon thread, and the browser ``open_browser`` opens on it (``browser``, a Future)."""

    def __init__(self, name: str, open_browser: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()
        self.browser: Future = asyncio.run_coroutine_threadsafe(open_browser(), self._loop)
        with _open_lock:
            _open.add(self)

    def opened(self, timeout: float = START_TIMEOUT_SECONDS) -> Any:
        """The browser once open; if it cannot open, the thread is closed and the error raised."""
        try:
            return self.browser.result(timeout)
        except BaseException:
            self.close()
            raise

    def call(self, coroutine: Coroutine[Any, Any, Any], timeout: float | None) -> Any:
        """Run ``coroutine`` on the browser's loop from any thread and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def is_alive(self) -> bool:
        if not self._thread.is_alive() or not self.browser.done() or self.browser.exception() is not None:
            return False
        process = getattr(self.browser.result(), "subprocess", None)
        return process is not None and process.poll() is None

    def close(self, deadline: float | None = None) -> None:
        """Quit Chromium, wait for it to end (its profile is removed then) and stop the thread; idempotent. With a
        ``deadline`` (``time.monotonic()``), the waits for the opening and the quit end by then (``close_all``)."""
        with _open_lock:
            _open.discard(self)
        if not self._thread.is_alive():
            return

        def at_most(seconds: float) -> float:
            return seconds if deadline is None else max(0.0, min(seconds, deadline - time.monotonic()))

        leftovers: tuple[Any, Any, Any] = (None, None, None)
        try:
            # a browser still opening is waited for: one closed half-open would stay running, its profile kept
            browser = self.browser.result(at_most(OPENING_WAIT_SECONDS))
            leftovers = chromium_leftovers.of(browser)
            self.call(browser.close(), at_most(CLOSE_TIMEOUT_SECONDS))
        except TimeoutError:
            if leftovers[0] is None:  # still opening: what it started is ended below, once the loop has stopped
                leftovers = chromium_leftovers.of(chromium_leftovers.opening_on(self._loop))
        except Exception:  # noqa: BLE001 — a browser that failed to open was closed by ``open_or_close``
            pass
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(max(_JOIN_AT_LEAST_SECONDS, at_most(CLOSE_TIMEOUT_SECONDS)))
            # a close that ran out of time (a loaded machine) never reached its own clearing
            chromium_leftovers.clear(*leftovers)


async def open_or_close(browser: Any) -> Any:
    """``browser.open()``, and where it fails, ``browser.close()``: choreographer removes a browser's profile only in
    ``close``, which nothing called for a browser that never finished opening. The browser is noted as opening
    meanwhile, for a ``close`` that cannot wait for the opening to end (a Ctrl+C the moment Chromium starts). A full
    temporary folder met by the opening is raised as ``atomic.TemporaryFolderFull``, which every export says as such."""
    loop = asyncio.get_running_loop()
    chromium_leftovers.opening(loop, browser)
    try:
        await browser.open()
    except BaseException as error:
        with contextlib.suppress(Exception):
            await browser.close()
        # kaleido's page and Chromium's profile are made in the temporary folder before Chromium runs: a full /tmp
        # was a bare "[Errno 28]", said as a browser that did not start (click again) or a chart that failed to render
        full = atomic.temporary_folder_full(error)
        if full is not None and full is not error:
            raise full from error
        raise
    finally:
        chromium_leftovers.opening(loop, None)
    chromium_leftovers.remember(browser)
    return browser
