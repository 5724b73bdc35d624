"""A Chromium that ends without quitting leaves nothing in the temporary folder either.

At its start Chromium makes ``$TMPDIR/org.chromium.Chromium.XXXXXX`` for its single-instance socket (a socket
and a cookie; the profile holds symlinks to both) and removes it when it quits. One that is killed instead —
by choreographer when it did not quit within 3 s (a loaded machine, a stop), by ``kill -9``, by a crash, by the
timeout of the PDF fallback's ``subprocess.run`` — leaves that folder: one more in /tmp each time, for weeks on a
server. choreographer removes only the profile, so the folder the profile's ``SingletonSocket`` points to is
removed here once the Chromium has ended, on every way a browser of ours is closed (``Browser.close``, which
choreographer's watchdog also calls when the Chromium died by itself).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

PREFIX = "org.chromium.Chromium."


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


def _profile_of(browser: Any) -> Any:
    return getattr(getattr(getattr(browser, "_browser_impl", None), "tmp_dir", None), "path", None)


def install() -> None:
    """Every choreographer browser closed from now on removes its single-instance folder (idempotent)."""
    from choreographer.browser_async import Browser

    original: Callable[[Any], Coroutine[Any, Any, None]] = Browser.close
    if getattr(original, "removes_singleton_folder", False):
        return

    async def close(self: Any) -> None:
        profile = _profile_of(self)
        folder = folder_of(profile) if profile is not None else None  # read before the profile is removed
        await original(self)
        process = getattr(self, "subprocess", None)
        if process is None or process.poll() is not None:  # still running (close failed): the folder is in use
            remove(folder)

    close.removes_singleton_folder = True  # type: ignore[attr-defined]
    Browser.close = close  # type: ignore[method-assign]
