"""One kaleido browser per process, with tabs that stay loaded between renders.

Kaleido's own sync server reloads a tab after every image, so that each one starts from a fresh page: that
reload parses plotly.js again and took two thirds of the time of a briefing pack's charts (about 0.3 s per
chart against 0.17 s for the render itself, measured with kaleido's profiler). ``Plotly.toImage`` draws into a
div of its own and removes it, so the page does not change from one image to the next: a tab here is reloaded
every ``RELOAD_EVERY`` images, which bounds whatever a long-running server might accumulate, and after a
failed render the caller closes the whole browser (``close``) and starts a fresh one. The images are byte for
byte those of a fresh tab (tests/test_briefing.py checks it).

The browser runs in a thread with its own event loop; any thread may call ``render``, and figures from several
calls share the tabs (a queue in kaleido), so no lock is needed around a render.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

import kaleido

from oversight.export import quiet_chromium

RELOAD_EVERY = 50  # images per tab between two reloads
START_TIMEOUT_SECONDS = 60
CLOSE_TIMEOUT_SECONDS = 5


class _TabKeepingKaleido(kaleido.Kaleido):
    """Kaleido, returning a tab to the queue as it is instead of reloading it after every image."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._renders_since_reload: dict[int, int] = {}

    async def _return_kaleido_tab(self, tab) -> None:  # noqa: ANN001 — kaleido 1.5's hook after every render
        count = self._renders_since_reload.get(id(tab), 0) + 1
        if count >= RELOAD_EVERY:
            await super()._return_kaleido_tab(tab)  # reloads the page, then puts the tab back
            count = 0
        else:
            await self.tabs_ready.put(tab)
        self._renders_since_reload[id(tab)] = count


class ImageServer:
    """A started kaleido browser with ``tabs`` tabs, rendering in its own thread."""

    def __init__(self, tabs: int) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="oversight-kaleido", daemon=True)
        self._thread.start()
        # mathjax=False: no formulas in our charts, and the default would fetch MathJax from a CDN.
        self._kaleido = self._call(self._open(tabs), START_TIMEOUT_SECONDS)
        atexit.register(self.close)

    @staticmethod
    async def _open(tabs: int) -> _TabKeepingKaleido:
        quiet_chromium.install()
        server = _TabKeepingKaleido(n=tabs, mathjax=False)
        await server.open()
        return server

    def _call(self, coroutine, timeout: float | None):  # noqa: ANN001, ANN202
        future: Future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout)

    def is_alive(self) -> bool:
        process = getattr(self._kaleido, "subprocess", None)
        return self._thread.is_alive() and process is not None and process.poll() is None

    def render(self, figures: Sequence[tuple[Any, dict[str, Any]]], timeout: float | None = None) -> list[bytes]:
        """Each ``(figure, opts)`` as image bytes (opts: format, width, height, scale), rendered side by side."""

        async def render_all() -> list[bytes]:
            return list(
                await asyncio.gather(*(self._kaleido.calc_fig(figure, opts=dict(opts)) for figure, opts in figures))
            )

        return self._call(render_all(), timeout)

    def close(self) -> None:
        """Close the browser and stop the thread (idempotent; also run at exit)."""
        if not self._thread.is_alive():
            return
        try:
            self._call(self._kaleido.close(), CLOSE_TIMEOUT_SECONDS)
        except Exception:  # noqa: BLE001 — a browser that is already gone is closed enough
            pass
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(CLOSE_TIMEOUT_SECONDS)
            atexit.unregister(self.close)
