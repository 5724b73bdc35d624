"""Warm-up at server start: the store with its running totals, the default view's Overview data and the image server,
built once per process in a background thread, so that the first leader finds them ready (issue 15).

``python -m oversight.ui.serve`` (what ``make run``, the cluster and the benchmarks start) calls ``start()``
before Streamlit's server; the thread waits for the server's runtime, then fills the same caches the pages
read (``page.open_store``, ``page.cached_span``, ``page.cached_query``, ``page.cached_alerts``, with the same
arguments the Overview passes for an account that sees every unit) and renders one blank image so that
kaleido's browser and its tabs are up. A failure is logged and left to the first page, which builds the same
things as before; nothing here changes what a page shows.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from oversight.ui import stopping

log = logging.getLogger(__name__)

_RUNTIME_WAIT_S = 60.0
_lock = threading.Lock()
_thread: threading.Thread | None = None
finished = threading.Event()
# What the warm-up built, for its log line: "store", "overview", "alerts", "images".
warmed: list[str] = []


def start() -> threading.Thread:
    """Start the warm-up once per process (a second call returns the thread already started)."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_warm, name="oversight-warm-up", daemon=True)
            _thread.start()
        return _thread


def _wait_for_runtime() -> None:
    # The caches must be the server's own: st.cache_* calls made before its runtime exists could use others.
    from streamlit import runtime

    deadline = time.monotonic() + _RUNTIME_WAIT_S
    while not runtime.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def _warm() -> None:
    started = time.perf_counter()
    try:
        _wait_for_runtime()
        _warm_data()
        _warm_images()
        log.info("warm-up done in %.1f s: %s", time.perf_counter() - started, ", ".join(warmed))
    finally:
        finished.set()


def _warm_data() -> None:
    from oversight import charts
    from oversight.data import store
    from oversight.ingest import table_files
    from oversight.present import changes
    from oversight.ui import page

    try:
        folder = str(store.data_dir())
        fingerprint = table_files.fingerprint(Path(folder))
        page.open_store(folder, fingerprint)
        span, _units = page.cached_span(folder, fingerprint)
        warmed.append("store")
        view = span.resolve(span.default_filter())  # what a first visit without URL parameters shows
        earlier = span.year_earlier(view)
        asked = [("kpi_totals", view), *((spec.query, view) for spec in charts.OVERVIEW_CHARTS)]
        if earlier is not None:
            asked.append(("kpi_totals", earlier))
        for name, filter_ in asked:
            page.cached_query(folder, fingerprint, name, filter_, (), None)
        # the card "what changed since last quarter" under the 预警 strip: its own four queries, asked as it asks
        changes.quarter_changes(
            lambda name, filter_: page.cached_query(folder, fingerprint, name, filter_, (), None), span, view
        )
        warmed.append("overview")
        _warm_alerts(folder, fingerprint, view)
    except Exception:  # a broken folder, say: the first page reports it in the user's language
        log.warning("warm-up: the data was not loaded; the first page will load it", exc_info=True)


def _warm_alerts(folder: str, fingerprint: str, view) -> None:  # noqa: ANN001 — a Filter
    from oversight import alerts
    from oversight.alerts.configuration import SettingsError, load_settings
    from oversight.ui import page

    try:
        rules = load_settings().rules
    except SettingsError:
        rules = alerts.DEFAULT_RULES
    page.cached_alerts(folder, fingerprint, view.as_of, tuple(view.units), None, rules)
    warmed.append("alerts")


def _warm_images() -> None:
    import plotly.graph_objects as go

    from oversight.export import rendering

    try:
        if rendering.find_browser() is None:
            return  # no Chromium: image downloads say so on the page
        rendering.render_image(go.Figure(), "png")  # starts the browser and opens its tabs
        warmed.append("images")
    except Exception:
        if stopping.is_requested():
            return  # the server stopped while the browser opened: nothing to warn about
        log.warning("warm-up: the image server did not start; the first download will start it", exc_info=True)
