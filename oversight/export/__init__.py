"""Per-chart downloads: the screen's figure as PNG/SVG, plus (re-exported) its data and file names.

Images come from kaleido driving Debian's Chromium. Starting Chromium costs
about 2–3 s, a render after that about 0.2 s, so one browser (``image_server``)
runs per process, started on first use and shared by every session; its tabs
take figures from any thread, side by side.
"""

from __future__ import annotations

import functools
import math
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from oversight import charts, config
from oversight.charts import kinds, labels, none_entry, ticks
from oversight.charts.style import (
    COLOURS,
    FONT_FAMILY,
    filled_lines,
    label_width,
    left_margin_for,
    legend_names,
    refit_title,
)
from oversight.core import atomic, i18n, safe_text
from oversight.core.numbers import grouped
from oversight.export import legend_room
from oversight.export import marking as marking_style
from oversight.export.data_files import (  # noqa: F401  (the UI's one import)
    chart_data_table,
    table_csv_bytes,
    table_xlsx_bytes,
)
from oversight.export.image_server import ImageServer
from oversight.export.marking import NO_MARKING, Marking
from oversight.export.names import (  # noqa: F401
    EXPORT_HEIGHT,
    EXPORT_SCALE,
    EXPORT_WIDTH,
    ExportContext,
    plotly_config,
)

# The subtitle takes a line under the title; the legend, on the line below, moves down by as much.
_SUBTITLE_LINE_PX = 30
# Images inside the briefing's documents are rendered at the size they are placed, so that the charts'
# smallest text (13 px) prints at 10 pt or more: 580 logical px across 16 cm of A4 is 0.78 pt per px,
# and on a 16:9 slide the picture is placed 8.2 in or more wide (10 pt when the slide is printed on A4).
DOCUMENT_WIDTH = 580
# 360 px is 9.9 cm on A4: two charts with captions to a page; taller would shrink the text when fitted to a slide.
# 440 px (12.1 cm) gives each of nine units' two bars room for its figure; the documents place it 16 cm wide all the
# same (report.PICTURE_MAX_HEIGHT_CM): placed narrower to fit two to a page, its text printed at 9.2 pt, and at 398 px
# the bars were too thin to write their figures.
DOCUMENT_MIN_HEIGHT, DOCUMENT_MAX_HEIGHT = 360, 440
DOCUMENT_LEAST_TEXT_PX = 13  # that smallest text: tick labels set smaller for a phone's card are set so much
_DOCUMENT_TOP_MARGIN = 50  # no title in a document's picture (the slide or caption says it): the legend's line only
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


def _margin(figure: go.Figure, side: str, default: int) -> int:
    own = getattr(figure.layout.margin, side)
    if own is not None:
        return int(own)
    # the template only when the figure sets nothing: reading it builds Plotly objects (0.6 ms a call, 160 calls
    # in a full pack)
    template = figure.layout.template.layout.margin if figure.layout.template else None
    return int((getattr(template, side, None) if template else None) or default)


def with_subtitle(figure: go.Figure, text: str, marking: Marking = NO_MARKING) -> go.Figure:
    """A copy of the figure with ``text`` as a subtitle under the title, and the marking and watermark;
    the screen's figure is not touched."""
    copied = go.Figure(figure)  # a deep copy: layout changes below stay on the copy
    size = export_size(copied)
    refit_title(copied, size[0])  # the screen's title is broken into lines for a phone; the picture is 16:9
    none_entry.refit(copied, size[0])  # and so is the legend's "…: 0" entry
    _refit_value_axis(copied, size[0])  # and the value axis's ticks and title under bars across
    # on as many lines as the picture's width takes: four units' English names ran the line off the picture
    # ("… Big Data Administration • 2020 Q1 to 2020 (", no period's end, no data date)
    lines = _subtitle_lines(text, size[0] - _SUBTITLE_EDGE_PX)
    copied.update_layout(
        title=dict(
            subtitle=dict(
                text="<br>".join(safe_text.plotly(line) for line in lines),
                font=dict(size=13, color=COLOURS["muted_text"]),
            )
        ),
        margin=dict(t=_margin(copied, "t", 80) + _SUBTITLE_LINE_PX + _SUBTITLE_MORE_PX * (len(lines) - 1)),
    )
    # a heatmap's rows and bars across at the picture's height (a 16:9 slide's, taller than one unit's row needs on
    # screen), after the marking has taken its room: one unit's bar was a slab filling the picture
    add_marking(copied, marking, size)
    kinds.bars_no_thicker(copied, size[1])
    kinds.bars_no_wider(copied, size[0])
    # every bar's figure written, as the documents write them (up the bar where it is too narrow across): twelve
    # quarters of four kinds at a province's scale wrote none in a card's picture
    _every_grouped_bar_labelled(copied, size)
    return kinds.heatmap_rows_on_axis(copied, size[1])


_SUBTITLE_EDGE_PX = 80  # the title's indent and the picture's right edge
_SUBTITLE_MORE_PX = 18  # each further line of the subtitle (13 px type)
# where a subtitle may break: after its parts' separator (·, •), a Chinese list comma, a comma, or at a space
_SUBTITLE_BREAKS = re.compile(r"(?<=[·•、，,])|(?= )")


def _subtitle_lines(text: str, room_px: float) -> list[str]:
    """``text`` filled line by line into ``room_px`` at 13 px, broken only at ``_SUBTITLE_BREAKS``."""
    return filled_lines(text, _SUBTITLE_BREAKS, room_px, lambda line: label_width(line, 13))


def document_size(figure: go.Figure) -> tuple[int, int]:
    """The logical size of a figure's picture in the documents (``document_figure`` sets it on the figure)."""
    return int(figure.layout.width), int(figure.layout.height)


_LABEL_LINE_CHARS = 30  # an English unit name wraps to two lines of about this many characters
_LABEL_MARGIN_SHARE = 0.45  # of the picture's width, at most, for the category labels beside horizontal bars


def _wrap(label: str) -> str:
    """A long Latin label on two lines at a space (``<br>``); Chinese names are short enough as they are."""
    if len(label) <= _LABEL_LINE_CHARS or " " not in label:
        return label
    words, first = label.split(" "), ""
    while words and len(first) + len(words[0]) + 1 <= max(len(label) // 2 + 4, _LABEL_LINE_CHARS // 2):
        first = f"{first} {words.pop(0)}".strip()
    return f"{first}<br>{' '.join(words)}" if first and words else label


def _wrap_category_labels(figure: go.Figure) -> bool:
    """Wrap long labels on the y axis (units beside bars, heatmap rows); True if any now takes two lines."""
    wrapped = False
    lines: list[str] = []
    for trace in figure.data:
        horizontal = trace.type == "heatmap" or (trace.type == "bar" and trace.orientation == "h")
        if not horizontal or trace.y is None:
            continue
        labels = [_wrap(str(label)) for label in trace.y]
        wrapped = wrapped or any("<br>" in label for label in labels)
        trace.y = labels
        lines += [line for label in labels for line in label.split("<br>")]
    if lines:
        margin = min(left_margin_for(lines), int(DOCUMENT_WIDTH * _LABEL_MARGIN_SHARE))
        figure.update_layout(margin=dict(l=margin))
    return wrapped


def _document_legend_top(figure: go.Figure) -> int | None:
    """The top margin a document's picture needs for its legend alone, as many rows as it takes at the picture's
    width; None where something else sits above the plot (a note, the small charts' titles) or the legend is not
    there. The screen's margin keeps room for the title's lines and for the rows a phone's card needs: in a
    document, with no title, that room was a blank band over a squeezed plot (three title lines and four legend
    rows of an English chart left its bars a third of the picture)."""
    # a figure written in the plot (the row adding up the other units, 1,478 ▸) takes no room above it
    if figure.layout.showlegend is False or any(_above_plot(note) for note in figure.layout.annotations):
        return None
    legend = figure.layout.legend
    if legend.yanchor == "top" or (legend.y is not None and legend.y < 1):
        return None  # a legend under the plot (the units' comparison)
    names = legend_names(figure)
    if len(names) < 2:
        return None
    # the rows as Plotly draws them in the picture's font (the screen's estimate, erring on more, kept 40 to 50 px of
    # blank over the legend): a column of the widest entry's width each, where they do not fit side by side (four rows
    # drawn where three were counted, over the bars of the units' activities)
    plot_width = DOCUMENT_WIDTH - _margin(figure, "l", 70) - _margin(figure, "r", 30)
    font_px = max(DOCUMENT_LEAST_TEXT_PX, figure.layout.legend.font.size or figure.layout.font.size or 14)
    return _DOCUMENT_TOP_MARGIN + legend_room.extra_rows_px(names, plot_width, font_px)


def _above_plot(note) -> bool:
    """Whether an annotation may sit above the plot: any placed on the paper at its top or higher (a note on the
    comparison, a small chart's title), none placed at a value of the data."""
    if (note.yref or "y") != "paper":
        return False
    return note.y is None or note.y >= 1


def document_figure(figure: go.Figure, marking: Marking = NO_MARKING, copy: bool = True) -> go.Figure:
    """A copy for a slide or a report page, at the size it is placed (``document_size``): no title inside
    the picture (the slide's title or the caption gives it), the top margin the legend needs, long unit
    names on two lines, and the marking and watermark. ``copy=False`` changes ``figure`` itself instead,
    for a figure built for the documents alone (the deep copy is a third of the time otherwise)."""
    copied = go.Figure(figure) if copy else figure
    heatmap = bool(copied.data) and copied.data[0].type == "heatmap"
    # a heatmap has no legend over it: its rows start under the picture's top edge (a legend's line of blank over
    # them otherwise)
    top = _HEATMAP_TOP_MARGIN if heatmap else max(_DOCUMENT_TOP_MARGIN, _margin(copied, "t", 90) - 40)
    # a bar's value keeps the charts' text size rather than shrinking to the (thinner) bar
    copied.update_traces(constraintext="none", selector=dict(type="bar"))
    # the builders size their height for the 1280 px screen: a picture half as wide needs about 0.8 of it,
    # and names on two lines need the most height a slide allows
    height = DOCUMENT_MAX_HEIGHT if _wrap_category_labels(copied) else int((copied.layout.height or 0) * 0.8)
    if heatmap:
        # as tall as its rows of cells: one unit's row stood under a blank picture's height of 360 px
        height = top + _margin(copied, "b", 60) + kinds.HEATMAP_ROW_PX * len(copied.data[0].y)
    # the legend's "…: 0" entry on the lines the picture needs (a phone's three where one fits), before its rows
    # are counted
    none_entry.refit(copied, DOCUMENT_WIDTH)
    legend_top = _document_legend_top(copied)  # once the names' margin is known: it narrows the legend's row
    if legend_top is not None:
        top = min(top, legend_top)
    copied.update_layout(
        title=dict(text=""),
        margin=dict(t=top),
        width=DOCUMENT_WIDTH,
        height=min(DOCUMENT_MAX_HEIGHT, height if heatmap else max(DOCUMENT_MIN_HEIGHT, height)),
    )
    _refit_value_axis(copied, DOCUMENT_WIDTH)  # once the names' margin is known: it narrows the plot
    _ticks_for_print(copied)
    _every_row_named(copied)
    _as_tall_as_the_rows(copied, marking)
    if heatmap:
        _heatmap_room_for_the_marking(copied, marking)
    add_marking(copied, marking, document_size(copied))
    kinds.bars_no_thicker(copied)  # at the picture's height, not the screen's
    kinds.bars_no_wider(copied, DOCUMENT_WIDTH)  # and upright ones at its width
    _every_grouped_bar_labelled(copied)  # once the marking has taken its room under the plot
    return kinds.heatmap_rows_on_axis(copied)


def _as_tall_as_the_rows(figure: go.Figure, marking: Marking) -> None:
    """A picture of bars across no taller than its rows need at the row the builder asked for (``kinds.row_px``),
    with the margins and the marking's band under the plot: one unit's bar stood alone in a picture 360 px tall."""
    pitch = kinds.row_px(figure)
    bars = [trace for trace in figure.data if trace.type == "bar" and trace.orientation == "h"]
    if pitch is None or not bars:
        return
    band = 0
    if marking.label:
        type_px, lines = fitted_marking(marking.label, DOCUMENT_WIDTH)
        band = _marking_band_px(figure, document_size(figure), type_px, lines)
    needed = (
        _margin(figure, "t", 90)
        + _margin(figure, "b", 60)
        + band
        + round(pitch * len(bars[0].y if bars[0].y is not None else ()))
    )
    if needed < document_size(figure)[1]:
        figure.layout.height = needed


_HEATMAP_TOP_MARGIN = 16


def _heatmap_room_for_the_marking(figure: go.Figure, marking: Marking) -> None:
    """A heatmap's picture, as tall as its rows of cells and its margins, taller by the band the marking takes under
    its ticks (``add_marking`` grows the bottom margin by as much): one unit's row to 18 November, under the three
    lines of "Q4 (to 18 Nov)", was left a strip 8 px thick, its counts cut by the ticks."""
    if not marking.label:
        return
    type_px, lines = fitted_marking(marking.label, DOCUMENT_WIDTH)
    band = _marking_band_px(figure, document_size(figure), type_px, lines)
    figure.layout.height = min(DOCUMENT_MAX_HEIGHT, document_size(figure)[1] + band)


def _every_row_named(figure: go.Figure) -> None:
    """Each row of units (bars across, a heatmap's rows) named beside it: Plotly's own choice named every other
    unit where the rows were closer than its estimate of a label's room, and a reading's unit could be one unnamed
    (the builders draw no more rows than a picture has room to name, ``kinds.MAX_UNIT_ROWS``)."""
    if any(trace.type == "heatmap" or (trace.type == "bar" and trace.orientation == "h") for trace in figure.data):
        figure.update_yaxes(tickmode="linear", tick0=0, dtick=1)


# Bars side by side may close up to this gap between units before their figures go beside each row instead
_TIGHTEST_BARGAPS = (0.15, 0.1)
_ROW_LABEL_GAP_PX = 6  # between a row's longer bar and its figures


def _every_grouped_bar_labelled(figure: go.Figure, size: tuple[int, int] | None = None) -> None:
    """Bars across side by side (a unit's issues beside its suggestions) in a picture ``size`` px (a document's,
    ``document_size``, unless given: a card's download is 16:9) with every figure written (in place): each bar's own
    at the documents' least type where the bars are thick enough for it (closing the gap between the units
    a little if need be), else one label a row, after its longer bar, the figures in the legend's colours and order
    as the value axis's title names them (3 / 2 under 问题（个）/ 建议（条）). Nine units' bars of 14 px beside
    13 px type wrote no figure at all in the documents: a leader guessed them from the grid."""
    if any(trace.type == "bar" and trace.orientation != "h" for trace in figure.data):
        _every_upright_bar_labelled(figure, size)
        return
    at = [index for index, trace in enumerate(figure.data) if trace.type == "bar" and trace.orientation == "h"]
    bars = [figure.data[index] for index in at]
    if bars and figure.layout.barmode == "stack":
        _stack_thick_enough(figure, bars, size)
        return
    if len(bars) < 2 or figure.layout.barmode not in (None, "group") or any(t.textposition != "outside" for t in bars):
        return
    left = _shown_by_closing_gap(figure, at, bars, size)
    if left is None:
        return
    _, size, texts = left
    _figures_beside_rows(figure, bars, texts, size)


_UPRIGHT_LABEL_GAP_PX = 6  # between a bar's top and the figure written up from it, and that figure and the plot's top


def _every_upright_bar_labelled(figure: go.Figure, size: tuple[int, int] | None = None) -> None:
    """Upright bars side by side (four kinds of activity a quarter) with every figure written at the documents' least
    type: across over its bar where every one fits (closing the gap between the quarters a little if need be), else
    each written up its bar (turned a quarter), the value axis long enough for the longest over the tallest bar. At
    a province's scale the figures (3 and 4 digits) were wider than the bars and only the thinnest kind's, or none,
    were written."""
    at = [index for index, trace in enumerate(figure.data) if trace.type == "bar" and trace.orientation != "h"]
    bars = [figure.data[index] for index in at]
    if len(bars) < 2 or figure.layout.barmode not in (None, "group") or any(t.textposition != "outside" for t in bars):
        return
    left = _shown_by_closing_gap(figure, at, bars, size)
    if left is None:
        return
    all_shown, size, texts = left
    if any((note.yref or "y") != "paper" for note in figure.layout.annotations):
        return  # a row placed over the bars' own figures (the changes on a year before) would run into them turned
    for trace in bars:
        trace.textangle = -90
        trace.cliponaxis = False
    if not all_shown():  # too many quarters for even a line of type a bar: as before, the ones that fit
        for trace in bars:
            trace.textangle = 0
        return
    values = pd.concat([pd.Series(trace.y, dtype="float64") for trace in bars if trace.y is not None])
    highest = float(values.max()) if values.notna().any() else 0.0
    longest = max((label_width(text, DOCUMENT_LEAST_TEXT_PX) for own in texts for text in own), default=0.0)
    plot_px = size[1] - _margin(figure, "t", 90) - _margin(figure, "b", 60)
    room = plot_px - longest - 2 * _UPRIGHT_LABEL_GAP_PX
    if highest > 0 and room > 0:
        needed = highest * plot_px / room
        own = figure.layout.yaxis.range
        if own is None or float(own[1]) < needed:
            figure.update_yaxes(range=[0, needed], autorange=False)


def _shown_by_closing_gap(
    figure: go.Figure, at: list[int], bars: list, size: tuple[int, int] | None = None
) -> tuple[Callable[[], bool], tuple[int, int], list[list[str]]] | None:
    """Bars side by side (``bars``, at ``at`` in the figure) with their figures at the documents' least type: None
    where every figure is shown, the gap between the groups closed to ``_TIGHTEST_BARGAPS`` if need be; else, the
    gap as it was, the check (for a next try), the picture's size and the figures' texts."""
    for trace in bars:
        trace.textfont.size = DOCUMENT_LEAST_TEXT_PX
    size = size or document_size(figure)
    texts = [[str(text) for text in trace.text or ()] for trace in bars]

    def all_shown() -> bool:
        shown = labels.labels_shown(figure, *size)
        return all(flag or not text for index, own in zip(at, texts) for flag, text in zip(shown.get(index, []), own))

    if all_shown():
        return None
    own_gap = figure.layout.bargap
    for gap in _TIGHTEST_BARGAPS:
        figure.layout.bargap = gap
        if all_shown():
            return None
    figure.layout.bargap = own_gap
    return all_shown, size, texts


def _stack_thick_enough(figure: go.Figure, bars: list, size: tuple[int, int] | None = None) -> None:
    """Stacks across (a unit's issues by status) thick enough for their counts at the documents' least type, closing
    the gap between the units to ``_TIGHTEST_BARGAPS``' least at most: a province's sixteen units in a picture
    drew parts 13 px thick, too thin for 14 px counts, and wrote none."""
    for trace in bars:
        trace.textfont.size = DOCUMENT_LEAST_TEXT_PX
    plot_px = (size or document_size(figure))[1] - _margin(figure, "t", 90) - _margin(figure, "b", 60)
    pitch = plot_px / max(len(bars[0].y or ()), 1)
    own = 0.2 if figure.layout.bargap is None else float(figure.layout.bargap)
    needed = 1 - (DOCUMENT_LEAST_TEXT_PX + 1) / pitch
    if needed < own:
        figure.layout.bargap = round(max(min(_TIGHTEST_BARGAPS), needed), 3)


def _figures_beside_rows(figure: go.Figure, bars: list, texts: list[list[str]], size: tuple[int, int]) -> None:
    in_order = bars[::-1]  # the builder adds the series last to first (the first on top in each group)
    rows: list[tuple[object, float, str, float]] = []
    for row, name in enumerate(bars[0].y):
        if not any(row < len(text) and text[row] for text in texts):
            continue  # nothing to write (none of either), or a row whose figures the builder writes itself
        values = [float(trace.x[row] or 0) for trace in in_order]
        parts = [
            f'<span style="color:{trace.marker.color}">{grouped(value)}</span>'
            for trace, value in zip(in_order, values)
        ]
        plain_text = " / ".join(grouped(value) for value in values)
        rows.append((name, max(values), " / ".join(parts), label_width(plain_text, DOCUMENT_LEAST_TEXT_PX)))
    for trace in bars:
        trace.text = [""] * len(trace.y)
    if not rows:
        return
    plot_px = size[0] - _margin(figure, "l", 70) - _margin(figure, "r", 30)
    # the axis long enough that each row's figures end inside the picture, after the longest bar
    needed = max(value * plot_px / max(plot_px - width - _ROW_LABEL_GAP_PX, 1) for _, value, _, width in rows)
    own = figure.layout.xaxis.range
    if own is None or float(own[1]) < needed:
        figure.update_xaxes(range=[0, needed])
    figure.layout.annotations = (
        *figure.layout.annotations,
        *(
            dict(
                x=value,
                y=name,
                xanchor="left",
                xshift=_ROW_LABEL_GAP_PX,
                text=text,
                showarrow=False,
                font=dict(size=DOCUMENT_LEAST_TEXT_PX),
            )
            for name, value, text, _ in rows
        ),
    )


def _refit_value_axis(figure: go.Figure, width: int) -> None:
    """The value axis under bars across with the ticks and title lines a picture ``width`` px wide takes (the
    figure comes with a phone card's)."""
    fitted = ticks.fitted_value_axis(figure.layout.to_plotly_json(), width)
    if fitted is not None:
        figure.update_layout(fitted)


def _ticks_for_print(figure: go.Figure) -> None:
    """Every text at the documents' least text size: tick labels (the units' names at 12 px, short quarters at 12,
    set small to fit a phone's card, printed at 9.4 pt), the charts' notes (上年同期无可比数据 and 百分比：较上年同期增减
    at 12 px, 无可比 at 12), a legend or a value set smaller. A picture half the screen's width has room for them at
    13 px, 10 pt on A4 (the names' margin is worked out at 14 px, ``_wrap_category_labels``)."""

    def enlarge(font) -> None:
        if isinstance(font.size, (int, float)) and font.size < DOCUMENT_LEAST_TEXT_PX:  # not a size per point
            font.size = DOCUMENT_LEAST_TEXT_PX

    figure.for_each_xaxis(lambda axis: enlarge(axis.tickfont))
    figure.for_each_yaxis(lambda axis: enlarge(axis.tickfont))
    figure.for_each_annotation(lambda note: enlarge(note.font))
    enlarge(figure.layout.legend.font)
    for trace in figure.data:
        if "textfont" in trace:
            enlarge(trace.textfont)


_MARKING_PX, _MARKING_LEAST_PX = 13, 12  # the marking's type, and the least it shrinks to (the screen's least text)
_MARKING_EDGE_PX = 8  # from the picture's left and right edges
_MARKING_GAP_PX = 8  # the least room between the marking and the axis title beside it
# where a long marking wraps: at its spaces, else (a Chinese marking without them) before any wide character
_MARKING_SPACES = re.compile(r"(?= )")
_MARKING_ANYWHERE = re.compile(r"(?= )|(?=[^\x00-\u2e7f])")
# One copy of the watermark per tile of about this size (px) of the plot: a crop of any part still carries one.
_WATERMARK_TILE = (340, 230)


def _watermark_spots(figure: go.Figure, size: tuple[int, int]) -> list[tuple[float, float]]:
    width, height = size
    plot_width = width - _margin(figure, "l", 70) - _margin(figure, "r", 30)
    plot_height = height - _margin(figure, "t", 90) - _margin(figure, "b", 60)
    columns, rows = max(1, plot_width // _WATERMARK_TILE[0]), max(1, plot_height // _WATERMARK_TILE[1])
    return [((column + 0.5) / columns, (row + 0.5) / rows) for column in range(columns) for row in range(rows)]


_WATERMARK_PX, _WATERMARK_TURN = 18, 25  # the watermark's type and its turn (degrees) where the picture has room
_WATERMARK_EDGE_PX = 4  # the least room between the turned line and the picture's top or bottom edge


def _watermark_reach(line_px: float, turn: float, lines: int = 1) -> float:
    """How far a block of ``lines`` lines, the widest ``line_px`` long, turned ``turn`` degrees about its middle
    reaches above (and below) it."""
    angle = math.radians(turn)
    return line_px / 2 * math.sin(angle) + lines * _WATERMARK_PX * 1.2 / 2 * math.cos(angle)


def _watermark_placed(
    figure: go.Figure, size: tuple[int, int], line_px: float, lines: int = 1
) -> list[tuple[float, float, float]]:
    """Each copy of the watermark: its middle (paper x, y) and its turn in degrees. Turned 25° about the middle of its
    tile where the picture has the room; in a picture too short for that (one unit's bars or heatmap row, 110 px
    tall, the line about 330 px) about the picture's middle and turned no more than stays inside it: at 25° the
    time that traces a leaked copy was cut off at the picture's top (zhang.wei.p…team.a 2026-1)."""
    height = size[1]
    top, bottom = _margin(figure, "t", 90), _margin(figure, "b", 60)
    plot_height = max(height - top - bottom, 1)
    placed: list[tuple[float, float, float]] = []
    for x, y in _watermark_spots(figure, size):
        centre = top + (1 - y) * plot_height
        if _watermark_reach(line_px, _WATERMARK_TURN, lines) + _WATERMARK_EDGE_PX > min(centre, height - centre):
            centre = height / 2
            y = 1 - (centre - top) / plot_height
        room = centre - _WATERMARK_EDGE_PX
        turn = next((t for t in range(_WATERMARK_TURN, 0, -1) if _watermark_reach(line_px, t, lines) <= room), 0)
        placed.append((x, y, turn))
    return placed


def _marking_line_px(size: float) -> int:
    return round(size * 1.4) + 6  # a line of the marking's type and the gap under it (24 px at 13 px)


def fitted_marking(label: str, width: int) -> tuple[float, list[str]]:
    """The marking's type size and lines across a picture ``width`` px wide: 13 px where it fits, else smaller down
    to ``_MARKING_LEAST_PX``, else wrapped at that size (at its spaces, or between Chinese characters where a part
    is wider than the picture): an office's 44-character marking ran past a download's edge on one line."""
    room = width - 2 * _MARKING_EDGE_PX
    needed = label_width(label, _MARKING_PX)
    if needed <= room:
        return _MARKING_PX, [label]
    size = max(_MARKING_LEAST_PX, int(_MARKING_PX * room / needed))
    if label_width(label, size) <= room:
        return size, [label]
    lines = filled_lines(label, _MARKING_SPACES, room, lambda line: label_width(line, size))
    if any(label_width(line, size) > room for line in lines):
        lines = filled_lines(label, _MARKING_ANYWHERE, room, lambda line: label_width(line, size))
    return size, lines


def _x_axis_content_px(figure: go.Figure) -> float:
    """How far below the plot an x axis's ticks and title reach, estimated high: Plotly draws the ticks from the
    plot's edge down and the title about 1.5 of its lines under them, moved up only where the margin is too short
    for it (under bars 问题（个）/ 建议（条） sat at the foot of a 60 px margin, where the marking was). 0 where no x
    axis is drawn (a donut)."""
    reach = 0.0
    font = figure.layout.font.size or 14

    def measure(axis) -> None:
        nonlocal reach
        if axis.visible is False or axis.showticklabels is False or axis.side == "top":
            return
        texts = [str(tick) for tick in axis.ticktext or ()] or [""]
        size = axis.tickfont.size or font
        content = (axis.ticklen or 5) + 6 + max(tick.count("<br>") + 1 for tick in texts) * size * 1.3
        title = axis.title.text if axis.title else None
        if title:
            title_px = axis.title.font.size or font
            content += 10 + title_px * 1.5 + (str(title).count("<br>") + 1) * title_px * 1.3
        reach = max(reach, content)

    if any(trace.type != "pie" for trace in figure.data):
        figure.for_each_xaxis(measure)
    return reach


def _title_start_px(figure: go.Figure, size: tuple[int, int]) -> float | None:
    """Where the x axis's title starts, from the picture's left (Plotly centres it under the plot); None without."""
    title = figure.layout.xaxis.title.text if figure.layout.xaxis.title else None
    if not title:
        return None
    left, right = _margin(figure, "l", 70), _margin(figure, "r", 30)
    widest = max(label_width(line, figure.layout.xaxis.title.font.size or 14) for line in str(title).split("<br>"))
    return left + (size[0] - left - right) / 2 - widest / 2


def _marking_band_px(figure: go.Figure, size: tuple[int, int], type_px: float, lines: list[str]) -> int:
    """How much the bottom margin grows so that the marking, in the picture's bottom-left corner, touches nothing:
    nothing where it fits under the x axis's ticks and title, or beside them (left of the title Plotly centres under
    the plot; under the category names left of the quarters' ticks), else what its lines need below them. A long
    marking (内部资料 仅供……违者依纪依规追究责任) ran over 问题（个）/ 建议（条） in every picture."""
    needed = _marking_line_px(type_px) * len(lines)
    legend_below = figure.layout.showlegend is not False and (figure.layout.legend.y or 0) < 0
    if any(trace.type == "pie" for trace in figure.data) or legend_below:
        # a pie has no axis under it and a narrow bottom margin, and a legend under the quarters (units side by side)
        # fills the bottom margin: the marking gets lines of its own beneath them (it sat on 办公厅)
        return needed
    widest = max(label_width(line, type_px) for line in lines)
    title_start = _title_start_px(figure, size)
    beside = title_start - _MARKING_GAP_PX if title_start is not None else _margin(figure, "l", 70) - _MARKING_EDGE_PX
    if len(lines) == 1 and _MARKING_EDGE_PX + widest <= beside:
        return 0
    # less than nothing where the title already reaches past the margin (its baseline 61 px under the plot, its
    # foot cut at the picture's edge under 60 px)
    free = _margin(figure, "b", 60) - _x_axis_content_px(figure)
    return 0 if needed <= free else int(needed - free) + 1


def add_marking(figure: go.Figure, marking: Marking, size: tuple[int, int]) -> go.Figure:
    """The marking in the bottom-left corner, fitted to the picture's width and clear of the axis's title and ticks,
    and a light diagonal watermark over the plot (in place)."""
    added: list[dict[str, object]] = []
    if marking.label:
        type_px, lines = fitted_marking(marking.label, size[0])
        band = _marking_band_px(figure, size, type_px, lines)
        if band:
            figure.update_layout(margin=dict(b=_margin(figure, "b", 60) + band))
        # in the bottom-left corner of the picture, under the category names: in the bottom-right one it ran into
        # the value axis's title (Issues), which Plotly centres under a plot pushed right by long unit names
        width, height = size
        top, bottom = _margin(figure, "t", 90), _margin(figure, "b", 60)
        left, right = _margin(figure, "l", 70), _margin(figure, "r", 30)
        plot_height = max(height - top - bottom, 1)
        added.append(
            dict(
                text="<br>".join(safe_text.plotly(line) for line in lines),  # an office's text: no tag is read
                xref="paper",
                yref="paper",
                x=-(left - _MARKING_EDGE_PX) / max(width - left - right, 1),
                xanchor="left",
                align="left",
                y=-(bottom - 4) / plot_height,
                yanchor="bottom",
                showarrow=False,
                font=dict(
                    family=FONT_FAMILY, size=type_px, color="#" + marking_style.hex_colour(marking_style.MARKING_RGB)
                ),
            )
        )
    if marking.watermark:
        colour = marking_style.css_rgba(marking_style.WATERMARK_RGB, marking_style.WATERMARK_OPACITY + 0.1)
        added += [
            dict(
                # the name, then the time, as a slide sets them: on one line, name, time and zone ran 373 px across a
                # tile of 340 (a name from an account file or a sign-on: no tag is read)
                text="<br>".join(safe_text.plotly(line) for line in marking.watermark_lines),
                xref="paper",
                yref="paper",
                x=x,
                y=y,
                # its middle at (x, y), turned about it: Plotly's "auto" anchors a copy below a third of the plot by
                # its foot and one above two thirds by its head
                xanchor="center",
                yanchor="middle",
                showarrow=False,
                textangle=-turn,
                font=dict(family=FONT_FAMILY, size=_WATERMARK_PX, color=colour),
            )
            for x, y, turn in _watermark_placed(
                figure,
                size,
                max(label_width(line, _WATERMARK_PX) for line in marking.watermark_lines),
                len(marking.watermark_lines),
            )
        ]
    if added:
        # one assignment, in add_annotation's order: each add_annotation call validates the whole list again
        figure.layout.annotations = (*figure.layout.annotations, *added)
    return figure


@dataclass(frozen=True)
class ChartDownload:
    """One download of a chart card: its file name, MIME type, and a callable that makes the bytes on demand."""

    kind: str  # "png", "svg", "csv", "xlsx"
    file_name: str
    mime: str
    make: Callable[[], bytes]
    needs_browser: bool  # images need Chromium; the data downloads never do


_MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def chart_downloads(
    spec: charts.ChartSpec, frame: pd.DataFrame, figure: go.Figure, context: ExportContext
) -> list[ChartDownload]:
    """PNG, SVG, CSV and XLSX of one chart as the card shows it; nothing is rendered until ``make()`` is called."""
    return figure_downloads(
        spec.key, spec.title(context.lang), figure, lambda: chart_data_table(frame, context.lang, spec.key), context
    )


def figure_downloads(
    key: str, title: str, figure: go.Figure, table: Callable[[], pd.DataFrame], context: ExportContext
) -> list[ChartDownload]:
    """The same four downloads of any figure (one a page builds itself, without a ``ChartSpec``): ``key`` names
    the file as ``export.file.<key>`` says, ``table`` makes the data it draws."""
    stem = context.chart_file_stem(key, title)
    # built on the first click, not on every rerun of the page that shows the buttons
    exported = functools.cache(lambda: with_subtitle(figure, context.subtitle(), context.marking))
    data = functools.cache(table)
    makers: dict[str, Callable[[], bytes]] = {
        "png": lambda: figure_png(exported()),
        "svg": lambda: figure_svg(exported()),
        "csv": lambda: table_csv_bytes(data()),
        "xlsx": lambda: table_xlsx_bytes(data(), title),
    }
    return [
        ChartDownload(kind, f"{stem}.{kind}", _MIME[kind], make, kind in ("png", "svg"))
        for kind, make in makers.items()
    ]
