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

A Chromium killed after making that folder and before linking it from its profile (a stop as it starts, a loaded
machine's stop while it still opens) left it empty, with nothing naming it: so the clearing also removes the empty
ones made in the temporary folder since the browser began to open (``os.rmdir``, which removes only an empty folder:
a live Chromium's holds its socket and cookie from a moment after it is made).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

PREFIX = "org.chromium.Chromium."
# after SIGKILL a process ends at once; this bounds the wait on a loaded machine within a stop's grace
_END_WAIT_SECONDS = 2.0
# a file's time is the kernel's coarse clock, a few ms behind time.time(): a folder made as the opening began counts
_CLOCK_SLACK_SECONDS = 1.0


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


def temp_folder() -> Path:
    """Where Chromium makes its single-instance folder: ``$TMPDIR``, else /tmp (Chromium's base::GetTempDir), which
    is Python's temporary folder in the process that started it."""
    return Path(tempfile.gettempdir())


def remove_empty_made_since(since: float) -> None:
    """Remove the empty single-instance folders made in the temporary folder at ``since`` (``time.time()``) or later."""
    for path in temp_folder().glob(f"{PREFIX}*"):
        try:
            if not path.is_symlink() and path.is_dir() and path.stat().st_mtime >= since - _CLOCK_SLACK_SECONDS:
                path.rmdir()  # fails, and keeps it, where anything is in it
        except OSError:  # not empty, or gone meanwhile
            continue


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


def _group_of(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:  # ended meanwhile
        return None


def end_processes_using(profile: Path | str) -> None:
    """Kill whatever still uses ``profile``, with the process groups they are in, and wait, a bounded time, until
    none does.

    The groups too: choreographer starts its wrapper in a session of its own, and the shell script Debian's
    ``chromium`` is and the Chromium it execs are in its group. A process is found by ``--user-data-dir`` in its
    command line, which a process in the middle of an exec does not show (the new program's arguments are not yet
    set up): on a loaded machine a Chromium being exec'd at a stop is not seen, goes on after our clearing, makes
    its single-instance folder and, its profile gone, quits, the folder left empty — the likeliest maker of the empty
    folder a stopped server left now and then (tests/test_stopping.py)."""
    deadline = time.monotonic() + _END_WAIT_SECONDS
    groups: set[int] = set()
    while pids := processes_using(profile):
        groups |= {group for group in map(_group_of, pids) if group is not None}
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:  # ended meanwhile, or a zombie waiting for its parent
                pass
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for group in groups - {os.getpgrp()}:  # never our own: a browser started in it would take the server with it
        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:  # the group has ended
            pass


def _profile_of(browser: Any) -> Any:
    return getattr(getattr(getattr(browser, "_browser_impl", None), "tmp_dir", None), "path", None)


def remember(browser: Any) -> None:
    """Note an opened browser's single-instance folder now: a Chromium that begins to quit removes the profile's
    link to it first, and one killed or stopped after that left the folder with nothing pointing to it (the
    stops of a loaded server did)."""
    profile = _profile_of(browser)
    if profile is not None:
        browser._oversight_singleton_folder = folder_of(profile)


def of(browser: Any) -> tuple[Path | None, Path | None, float | None]:
    """A choreographer browser's profile and single-instance folder (as noted at its opening, or read now), and when
    it began to open (``opening``)."""
    profile = _profile_of(browser)
    if profile is None:
        return None, None, None
    folder = getattr(browser, "_oversight_singleton_folder", None) or folder_of(profile)
    return Path(profile), folder, getattr(browser, "_oversight_opening_since", None)


def clear(profile: Path | None, folder: Path | None, since: float | None = None) -> None:
    """End what still uses ``profile``, then remove it and ``folder`` (each may be gone already), and the empty
    single-instance folders made ``since`` the browser began to open."""
    if profile is not None:
        end_processes_using(profile)
        folder = folder or folder_of(profile)  # a Chromium killed while starting: its link is still there
        shutil.rmtree(profile, ignore_errors=True)
    remove(folder)
    if since is not None:
        remove_empty_made_since(since)


# the browser each event loop is opening (one at a time: a BrowserThread opens one browser on its own loop)
_opening: dict[Any, Any] = {}


def opening(loop: Any, browser: Any | None) -> None:
    """Note (or, with None, forget) the browser ``loop`` is opening, for ``opening_on``."""
    if browser is None:
        _opening.pop(loop, None)
    else:
        browser._oversight_opening_since = time.time()  # before its Chromium makes its single-instance folder
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
        leftovers = of(self)  # read before the profile is removed
        try:
            await original(self)
        finally:
            clear(*leftovers)

    close.leaves_nothing = True  # type: ignore[attr-defined]
    Browser.close = close  # type: ignore[method-assign]
