"""A stopped server lets the pages still running end before the interpreter shuts down.

On Ctrl+C or SIGTERM Streamlit closes every session and asks its script run to stop, which happens at the run's
next Streamlit call (a briefing pack's progress bar, for one), then returns. Its script threads are daemons: the
interpreter's shutdown went on beside them, and a pack being built at that moment failed in its next step
("cannot schedule new futures after interpreter shutdown", concurrent.futures being shut down first), printed
as a traceback on the terminal of the stopped server, while its images were rendered by a browser already closing.
Waiting here, a bounded time, lets each run reach its stop first; the browsers are closed after it, at exit
(``export.browser_thread``). From the signal on (``is_requested``), the warm-up, whose browser may still have
been opening, ends without a warning: its open fails because the process is ending, which is no fault to report.
"""

from __future__ import annotations

import concurrent.futures.thread  # noqa: F401 — its exit hook registered before ours, so ours runs first
import threading
import time

# Streamlit's name for the thread that runs a session's page script (streamlit/runtime/scriptrunner/script_runner.py)
SCRIPT_THREAD_NAME = "ScriptRunner.scriptThread"
# within deploy/cluster.py's grace before SIGKILL (15 s), with time left to close the two browsers at once
# (``export.browser_thread.EXIT_SECONDS`` and the kill after it: 7 s at most)
WAIT_SECONDS = 6.0
requested = threading.Event()
_lock = threading.Lock()
_at_exit = False


def is_requested() -> bool:
    """The server is stopping: Streamlit's runtime has been told to stop, or has stopped and returned."""
    from streamlit import runtime

    if requested.is_set():
        return True
    if not runtime.exists():
        return False
    return runtime.get_instance().state in (runtime.RuntimeState.STOPPING, runtime.RuntimeState.STOPPED)


def running_scripts() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == SCRIPT_THREAD_NAME and thread.is_alive()]


def wait_for_script_runs(timeout: float = WAIT_SECONDS) -> list[threading.Thread]:
    """Wait until no page script runs, or ``timeout`` has passed; the ones still running are returned."""
    deadline = time.monotonic() + timeout
    for thread in running_scripts():
        thread.join(max(0.0, deadline - time.monotonic()))
    return running_scripts()


def wait_at_exit() -> None:
    """Under a bare ``streamlit run app.py`` nothing of ours runs after Streamlit has stopped (``serve`` waits in its
    ``finally``): have the interpreter's exit wait, once per process, before concurrent.futures shuts down and
    before the browsers are closed. ``threading._register_atexit`` is CPython's hook "called before joining
    threads" — the one concurrent.futures uses; functions registered later run first, so ours runs before its
    shutdown (imported above) and before every ``atexit`` function, the browsers' close among them."""
    global _at_exit
    with _lock:
        if _at_exit:
            return
        _at_exit = True
    try:
        threading._register_atexit(_stop_at_exit)  # type: ignore[attr-defined]
    except RuntimeError:  # a first page run as the interpreter already shuts down: nothing left to wait for
        pass


def _stop_at_exit() -> None:
    requested.set()
    wait_for_script_runs()
