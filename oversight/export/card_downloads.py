"""A chart card's downloads: its figure laid out for a 16:9 picture (a subtitle naming the units, the period and the
data's date, the marking and watermark), and the four files (PNG, SVG, CSV, XLSX) made on the click."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from oversight import charts
from oversight.charts import kinds, none_entry
from oversight.charts.style import COLOURS, filled_lines, label_width, refit_title
from oversight.core import safe_text
from oversight.export import rendering
from oversight.export.data_files import chart_data_table, table_csv_bytes, table_xlsx_bytes
from oversight.export.document_layout import every_grouped_bar_labelled, refit_value_axis
from oversight.export.figure_margin import margin_px
from oversight.export.marked_figure import add_marking
from oversight.export.marking import NO_MARKING, Marking
from oversight.export.names import ExportContext

# The subtitle takes a line under the title; the legend, on the line below, moves down by as much.
_SUBTITLE_LINE_PX = 30


def with_subtitle(figure: go.Figure, text: str, marking: Marking = NO_MARKING) -> go.Figure:
    """A copy of the figure with ``text`` as a subtitle under the title, and the marking and watermark;
    the screen's figure is not touched."""
    copied = go.Figure(figure)  # a deep copy: layout changes below stay on the copy
    size = rendering.export_size(copied)
    refit_title(copied, size[0])  # the screen's title is broken into lines for a phone; the picture is 16:9
    none_entry.refit(copied, size[0])  # and so is the legend's "…: 0" entry
    refit_value_axis(copied, size[0])  # and the value axis's ticks and title under bars across
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
        margin=dict(t=margin_px(copied, "t", 80) + _SUBTITLE_LINE_PX + _SUBTITLE_MORE_PX * (len(lines) - 1)),
    )
    # a heatmap's rows and bars across at the picture's height (a 16:9 slide's, taller than one unit's row needs on
    # screen), after the marking has taken its room: one unit's bar was a slab filling the picture
    add_marking(copied, marking, size)
    kinds.bars_no_thicker(copied, size[1])
    kinds.bars_no_wider(copied, size[0])
    # every bar's figure written, as the documents write them (up the bar where it is too narrow across): twelve
    # quarters of four kinds at a province's scale wrote none in a card's picture
    every_grouped_bar_labelled(copied, size)
    return kinds.heatmap_rows_on_axis(copied, size[1])


_SUBTITLE_EDGE_PX = 80  # the title's indent and the picture's right edge
_SUBTITLE_MORE_PX = 18  # each further line of the subtitle (13 px type)
# where a subtitle may break: after its parts' separator (·, •), a Chinese list comma, a comma, or at a space
_SUBTITLE_BREAKS = re.compile(r"(?<=[·•、，,])|(?= )")


def _subtitle_lines(text: str, room_px: float) -> list[str]:
    """``text`` filled line by line into ``room_px`` at 13 px, broken only at ``_SUBTITLE_BREAKS``."""
    return filled_lines(text, _SUBTITLE_BREAKS, room_px, lambda line: label_width(line, 13))


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
        "png": lambda: rendering.figure_png(exported()),
        "svg": lambda: rendering.figure_svg(exported()),
        "csv": lambda: table_csv_bytes(data()),
        "xlsx": lambda: table_xlsx_bytes(data(), title),
    }
    return [
        ChartDownload(kind, f"{stem}.{kind}", _MIME[kind], make, kind in ("png", "svg"))
        for kind, make in makers.items()
    ]
