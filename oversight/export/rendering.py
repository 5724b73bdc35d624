"""The process's image server, and a figure as PNG/SVG bytes through it.

Images come from kaleido driving Debian's Chromium. Starting Chromium costs
about 2–3 s, a render after that about 0.2 s, so one browser (``image_server``)
runs per process, started on first use and shared by every session; its tabs
take figures from any thread, side by side.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path

import plotly.graph_objects as go

from oversight import config
from oversight.charts import labels
from oversight.core import atomic, i18n
from oversight.export.image_server import ImageServer
from oversight.export.names import EXPORT_HEIGHT, EXPORT_SCALE, EXPORT_WIDTH

# Kaleido renders this many figures at once (one browser tab each); two cores make more pointless.
RENDER_TABS = 2

_server: ImageServer | None = None
# The start under way, if any. Chromium's start ran while holding ``_server_lock``: on a loaded machine the warm-up's
# start took the whole minute of ``browser_thread.START_TIMEOUT_SECONDS``, and every PNG click queued on the lock with
# nothing on screen. The lock now guards these two names only; the start runs in a thread of its own.
_starting: Future[ImageServer] | None = None
_server_lock = threading.Lock()


class ImageRendererMissing(RuntimeError):
    """No Chromium to render images with; ``message(lang)`` tells the user how to install one."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or "no Chromium browser found for image export")

    def message(self, lang: str, on_page: bool = True) -> str:
        """How to install one, then to reload the page or, at a terminal (``on_page`` False), to run it again."""
        return i18n.t("export.error.no_browser" if on_page else "export.error.no_browser_cli", lang)


def find_browser() -> str | None:
    """The Chromium kaleido would start (``BROWSER_PATH`` first, then the PATH), if it really is there."""
    # choreographer is kaleido's own browser finder: asking it means we agree with what kaleido will launch.
    from choreographer.browsers.chromium import Chromium

    path = Chromium.find_browser(skip_local=False)
    if path and Path(path).is_file() and os.access(path, os.X_OK):
        return str(path)
    return None


def require_browser() -> str:
    path = find_browser()
    if path is None:
        raise ImageRendererMissing(f"BROWSER_PATH={config.setting('BROWSER_PATH', '')!r}, no chromium on PATH")
    return path


class ImagesNotReady(RuntimeError):
    """The image server did not answer within a click's wait: still starting (``starting``), or its start failed.
    ``message(lang)`` says which, and what to do; a failed start is not remembered (the next click starts it again)."""

    def __init__(self, starting: bool) -> None:
        super().__init__("the image browser is still starting" if starting else "the image browser did not start")
        self.starting = starting
        self.key = "export.error.images_starting" if starting else "export.error.images_failed"

    def message(self, lang: str) -> str:
        return i18n.t(self.key, lang)


def _server_future() -> Future[ImageServer]:
    """The running server, or the start under way (one is begun if there is none, or the browser has gone)."""
    global _server, _starting
    gone = None
    with _server_lock:
        if _server is not None and not _server.is_alive():
            gone, _server = _server, None
        if _server is not None:
            running: Future[ImageServer] = Future()
            running.set_result(_server)
            return running
        if _starting is None:
            _starting = Future()
            threading.Thread(target=_start, args=(_starting,), name="oversight-image-start", daemon=True).start()
        starting = _starting
    if gone is not None:  # closed outside the lock: its quit can take seconds
        gone.close()
    return starting


def _start(future: Future[ImageServer]) -> None:
    global _server, _starting
    try:
        server = ImageServer(RENDER_TABS)  # bounded by START_TIMEOUT_SECONDS; closes its browser where it fails
    except BaseException as error:  # noqa: BLE001 — handed to whoever waits
        with _server_lock:
            if _starting is future:
                _starting = None  # not remembered: the next call starts a browser again
        future.set_exception(error)
        return
    with _server_lock:
        if _starting is future:
            _starting, _server = None, server
    future.set_result(server)


def images_ready(wait: float) -> None:
    """Start the image server if it is not running, and wait at most ``wait`` seconds for it; raises
    ``ImagesNotReady`` (``starting`` or failed) rather than keep a click waiting out Chromium's whole start, and
    ``atomic.TemporaryFolderFull`` where the start found no room in the temporary folder."""
    future = _server_future()
    try:
        future.result(wait)
    except TimeoutError:
        if not future.done():
            raise ImagesNotReady(starting=True) from None
        raise ImagesNotReady(starting=False) from future.exception()  # the start's own timeout
    except atomic.TemporaryFolderFull:
        raise  # its own cause, said as such: another click does not free the disk
    except Exception as error:
        raise ImagesNotReady(starting=False) from error


def _image_server() -> ImageServer:
    """The process's image server: started on first use, and afresh if its browser has gone (a crash)."""
    return _server_future().result()  # the start is bounded by browser_thread.START_TIMEOUT_SECONDS


def _forget_server(server: ImageServer) -> None:
    global _server
    with _server_lock:
        if _server is server:
            _server = None
    server.close()


def _render(figures: Sequence[tuple[go.Figure, dict[str, object]]]) -> list[bytes]:
    # Checked on every call, not just at server start: a server whose browser cannot start would hang.
    require_browser()
    # only the value labels that stand apart at the picture's size (neighbouring bars' 3 and 3 read 33)
    figures = [
        (labels.fitted(figure, float(options["width"]), float(options["height"])), options)  # type: ignore[arg-type]
        for figure, options in figures
    ]
    server = _image_server()
    try:
        return server.render(figures)
    except Exception:
        # a failed render may leave its tab half drawn: the next call gets a fresh browser
        _forget_server(server)
        raise


def export_size(figure: go.Figure) -> tuple[int, int]:
    """Logical width and height: a 16:9 slide, taller only where the figure itself needs more room."""
    own_height = figure.layout.height or 0
    return EXPORT_WIDTH, max(EXPORT_HEIGHT, int(own_height))


def render_image(figure: go.Figure, image_format: str = "png", scale: float = EXPORT_SCALE) -> bytes:
    """The figure as PNG or SVG bytes, at the export size; raises ``ImageRendererMissing`` without Chromium."""
    width, height = export_size(figure)
    return _render([(figure, {"format": image_format, "width": width, "height": height, "scale": scale})])[0]


def figure_png(figure: go.Figure) -> bytes:
    return render_image(figure, "png")


def render_pngs(figures: Sequence[tuple[go.Figure, tuple[int, int]]], scale: float = EXPORT_SCALE) -> list[bytes]:
    """Several figures (each with its logical width and height) as PNGs, rendered side by side in the tabs."""
    if not figures:
        return []
    return _render(
        [
            (figure, {"format": "png", "width": width, "height": height, "scale": scale})
            for figure, (width, height) in figures
        ]
    )


def figure_svg(figure: go.Figure) -> bytes:
    # SVG is vector: scale would only change the declared size, so keep it at logical pixels.
    return render_image(figure, "svg", scale=1)
