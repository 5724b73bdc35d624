"""One kaleido browser per process, with tabs that stay loaded between renders.

Kaleido's own sync server reloads a tab after every image, so that each one starts from a fresh page: that
reload parses plotly.js again and took two thirds of the time of a briefing pack's charts (about 0.3 s per
chart against 0.17 s for the render itself, measured with kaleido's profiler). ``Plotly.toImage`` draws into a
div of its own and removes it, so the page does not change from one image to the next: a tab here is reloaded
every ``RELOAD_EVERY`` images, which bounds whatever a long-running server might accumulate, and after a
failed render the caller closes the whole browser (``close``) and starts a fresh one. The images are byte for
byte those of a fresh tab (tests/test_briefing.py checks it).

The browser runs in a thread with its own event loop (``browser_thread``, which also closes it at exit); any thread
may call ``render``, and figures from several calls share the tabs (a queue in kaleido), so no lock is needed
around a render.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import kaleido

from oversight.export import chromium_leftovers, quiet_chromium
from oversight.export.browser_thread import BrowserThread, open_or_close

RELOAD_EVERY = 50  # images per tab between two reloads


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
        self._thread = BrowserThread("oversight-kaleido", lambda: self._open(tabs))
        self._kaleido = self._thread.opened()

    @staticmethod
    async def _open(tabs: int) -> _TabKeepingKaleido:
        quiet_chromium.install()
        chromium_leftovers.install()
        # mathjax=False: no formulas in our charts, and the default would fetch MathJax from a CDN.
        return await open_or_close(_TabKeepingKaleido(n=tabs, mathjax=False))

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def render(self, figures: Sequence[tuple[Any, dict[str, Any]]], timeout: float | None = None) -> list[bytes]:
        """Each ``(figure, opts)`` as image bytes (opts: format, width, height, scale), rendered side by side."""

        async def render_all() -> list[bytes]:
            return list(
                await asyncio.gather(*(self._kaleido.calc_fig(figure, opts=dict(opts)) for figure, opts in figures))
            )

        return self._thread.call(render_all(), timeout)

    def close(self) -> None:
        """Close the browser, waiting for it to end, and stop the thread (idempotent; also run at exit)."""
        self._thread.close()
