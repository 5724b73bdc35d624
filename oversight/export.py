"""Per-chart downloads: the screen's figure as PNG/SVG, plus (re-exported) its data and file names.

Images come from kaleido driving Debian's Chromium. Starting Chromium costs
about 2–3 s, a render after that about 0.3 s, so one kaleido server runs per
process, started on first use and shared by every session; kaleido's server
is a single queue, so calls are serialised with a lock.
"""
from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from oversight import charts, i18n, safe_text
from oversight.export_data import chart_data_table, table_csv_bytes, table_xlsx_bytes  # noqa: F401  (the UI's one import)
from oversight.export_names import (  # noqa: F401
    EXPORT_HEIGHT, EXPORT_SCALE, EXPORT_WIDTH, ExportContext, plotly_config, safe_file_name,
)

# The subtitle takes a line under the title; the legend, on the line below, moves down by as much.
_SUBTITLE_LINE_PX = 30

# The server sends these headers with every request; its per-call kopts are ignored and warn, so keep them empty.
pio.defaults.headers = {}

_render_lock = threading.Lock()


class ImageRendererMissing(RuntimeError):
    """No Chromium to render images with; ``message(lang)`` tells the user how to install one."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or "no Chromium browser found for image export")

    def message(self, lang: str) -> str:
        return i18n.t("export.error.no_browser", lang)


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
        raise ImageRendererMissing(f"BROWSER_PATH={os.environ.get('BROWSER_PATH', '')!r}, no chromium on PATH")
    return path


def _ensure_server() -> None:
    """Start kaleido's process-wide server, or restart it if its thread has died (a crashed browser)."""
    import kaleido

    server = kaleido._global_server  # noqa: SLF001 — the only way to see whether the server thread still lives
    thread = getattr(server, "_thread", None)
    if server.is_running() and thread is not None and not thread.is_alive():
        kaleido.stop_sync_server(silence_warnings=True)
    if not server.is_running():
        # mathjax=False: no formulas in our charts, and the default would fetch MathJax from a CDN.
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)


def export_size(figure: go.Figure) -> tuple[int, int]:
    """Logical width and height: a 16:9 slide, taller only where the figure itself needs more room."""
    own_height = figure.layout.height or 0
    return EXPORT_WIDTH, max(EXPORT_HEIGHT, int(own_height))


def render_image(figure: go.Figure, image_format: str = "png", scale: float = EXPORT_SCALE) -> bytes:
    """The figure as PNG or SVG bytes, at the export size; raises ``ImageRendererMissing`` without Chromium."""
    # Checked on every call, not just at server start: a server whose browser cannot start would hang the queue.
    require_browser()
    width, height = export_size(figure)
    with _render_lock:
        _ensure_server()
        return pio.to_image(figure, format=image_format, width=width, height=height, scale=scale)


def figure_png(figure: go.Figure) -> bytes:
    return render_image(figure, "png")


def figure_svg(figure: go.Figure) -> bytes:
    # SVG is vector: scale would only change the declared size, so keep it at logical pixels.
    return render_image(figure, "svg", scale=1)


def with_subtitle(figure: go.Figure, text: str) -> go.Figure:
    """A copy of the figure with ``text`` as a subtitle under the title; the screen's figure is not touched."""
    copied = go.Figure(figure)  # a deep copy: layout changes below stay on the copy
    template_top = copied.layout.template.layout.margin.t if copied.layout.template else None
    top = (copied.layout.margin.t or template_top or 80) + _SUBTITLE_LINE_PX
    copied.update_layout(
        title=dict(subtitle=dict(text=safe_text.plotly(text), font=dict(size=13, color="#52606D"))),
        margin=dict(t=top),
    )
    return copied


@dataclass(frozen=True)
class ChartDownload:
    """One download of a chart card: its file name, MIME type, and a callable that makes the bytes on demand."""

    kind: str  # "png", "svg", "csv", "xlsx"
    file_name: str
    mime: str
    make: Callable[[], bytes]
    needs_browser: bool  # images need Chromium; the data downloads never do


_MIME = {"png": "image/png", "svg": "image/svg+xml", "csv": "text/csv",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def chart_downloads(spec: charts.ChartSpec, frame: pd.DataFrame, figure: go.Figure,
                    context: ExportContext) -> list[ChartDownload]:
    """PNG, SVG, CSV and XLSX of one chart as the card shows it; nothing is rendered until ``make()`` is called."""
    title = spec.title(context.lang)
    stem = context.chart_file_stem(spec.key, title)
    # built on the first click, not on every rerun of the page that shows the buttons
    exported = functools.cache(lambda: with_subtitle(figure, context.subtitle()))
    table = functools.cache(lambda: chart_data_table(frame, context.lang))
    makers: dict[str, Callable[[], bytes]] = {
        "png": lambda: figure_png(exported()),
        "svg": lambda: figure_svg(exported()),
        "csv": lambda: table_csv_bytes(table()),
        "xlsx": lambda: table_xlsx_bytes(table(), title),
    }
    return [ChartDownload(kind, f"{stem}.{kind}", _MIME[kind], make, kind in ("png", "svg"))
            for kind, make in makers.items()]


def chart_plotly_config(spec: charts.ChartSpec, figure: go.Figure, context: ExportContext) -> dict[str, object]:
    """The ``config=`` for ``st.plotly_chart``: the modebar's PNG gets our file name, size and scale."""
    width, height = export_size(figure)
    return plotly_config(context.chart_file_stem(spec.key, spec.title(context.lang)), width, height)
