"""A closed browser of ours leaves nothing behind: no Chromium process still ending, no profile, no socket folder.

choreographer closes a browser by asking Chromium to quit, waiting 3 s for the process it started (a small Python
wrapper that runs Chromium), then signalling the wrapper's process group and removing the profile. On a loaded
machine (a stop, with every session ending at once) Chromium took longer than that: the wrapper gave up on it
after 5 s and ended, choreographer removed the profile, and Chromium, still shutting down, wrote ``Local State``
and ``Default/`` into it again, a profile left in /tmp by a stopped server (tests/test_stopping.py, the "up"
stops, failed so under load). So once choreographer's close has returned, any process still using the profile
is killed and waited for (a bounded time), and the profile removed again.

And at its start Chromium makes ``$TMPDIR/org.chromium.Chromium.XXXXXX`` for its single-instance socket (the
profile holds symlinks to it) and removes it only when it quits: one killed — by choreographer, by ``kill -9``, by
a crash, by the timeout of the PDF fallback's ``subprocess.run`` — left that folder, one more for each. It is
removed here too, on every way a browser of ours is closed (``Browser.close``, which choreographer's watchdog
also calls when the Chromium died by itself), and again by ``browser_thread`` after a close that did not finish in
its time (a stop on a loaded machine: the close's own clearing never ran, its event loop stopped).
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

PREFIX = "org.chromium.Chromium."
# after SIGKILL a process ends at once; this bounds the wait on a loaded machine within a stop's grace
_END_WAIT_SECONDS = 2.0


def folder_of(profile: Path | str) -> Path | None:
    """The single-instance folder the Chromium using ``profile`` made, if the profile still points to one."""
    try:
        target = Path(os.readlink(Path(profile) / "SingletonSocket"))
    except OSError:  # no profile, no link: nothing of ours to remove
        return None
    folder = target.parent
    # only the folder Chromium names so: a link edited to point elsewhere must not make us remove that
    return folder if folder.name.startswith(PREFIX) and target.name == "SingletonSocket" else None


def remove(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def processes_using(profile: Path | str) -> list[int]:
    """The pids of the processes started with ``--user-data-dir=<profile>`` (Chromium and its helpers)."""
    wanted = f"--user-data-dir={profile}".encode()
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if wanted in cmdline.read_bytes().split(b"\0"):
                found.append(int(cmdline.parent.name))
        except (OSError, ValueError):  # ended meanwhile
            continue
    return found


def end_processes_using(profile: Path | str) -> None:
    """Kill whatever still uses ``profile`` and wait, a bounded time, until none does."""
    deadline = time.monotonic() + _END_WAIT_SECONDS
    while pids := processes_using(profile):
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:  # ended meanwhile, or a zombie waiting for its parent
                pass
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)


def _profile_of(browser: Any) -> Any:
    return getattr(getattr(getattr(browser, "_browser_impl", None), "tmp_dir", None), "path", None)


def remember(browser: Any) -> None:
    """Note an opened browser's single-instance folder now: a Chromium that begins to quit removes the profile's
    link to it first, and one killed or stopped after that left the folder with nothing pointing to it (the
    stops of a loaded server did)."""
    profile = _profile_of(browser)
    if profile is not None:
        browser._oversight_singleton_folder = folder_of(profile)


def of(browser: Any) -> tuple[Path | None, Path | None]:
    """A choreographer browser's profile and single-instance folder (as noted at its opening, or read now)."""
    profile = _profile_of(browser)
    if profile is None:
        return None, None
    return Path(profile), getattr(browser, "_oversight_singleton_folder", None) or folder_of(profile)


def clear(profile: Path | None, folder: Path | None) -> None:
    """End what still uses ``profile``, then remove it and ``folder`` (each may be gone already)."""
    if profile is not None:
        end_processes_using(profile)
        folder = folder or folder_of(profile)  # a Chromium killed while starting: its link is still there
        shutil.rmtree(profile, ignore_errors=True)
    remove(folder)


# the browser each event loop is opening (one at a time: a BrowserThread opens one browser on its own loop)
_opening: dict[Any, Any] = {}


def opening(loop: Any, browser: Any | None) -> None:
    """Note (or, with None, forget) the browser ``loop`` is opening, for ``opening_on``."""
    if browser is None:
        _opening.pop(loop, None)
    else:
        _opening[loop] = browser


def opening_on(loop: Any) -> Any | None:
    """The browser still opening on ``loop``: a stop the moment Chromium starts (Ctrl+C just after ``make run``)
    did not wait for its opening to end, and its Chromium, left running, wrote its profile after the process ended."""
    return _opening.get(loop)


def install() -> None:
    """Every choreographer browser closed from now on leaves nothing (idempotent)."""
    from choreographer.browser_async import Browser

    original: Callable[[Any], Coroutine[Any, Any, None]] = Browser.close
    if getattr(original, "leaves_nothing", False):
        return

    async def close(self: Any) -> None:
        profile, folder = of(self)  # read before the profile is removed
        try:
            await original(self)
        finally:
            clear(profile, folder)

    close.leaves_nothing = True  # type: ignore[attr-defined]
    Browser.close = close  # type: ignore[method-assign]
