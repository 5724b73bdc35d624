"""The confidentiality marking and the viewer's watermark drawn on a chart's picture (``marking`` says what they
are): the marking in the bottom-left corner, fitted to the picture's width and clear of the x axis's ticks and
title, and the watermark turned across the plot, one copy a tile."""

from __future__ import annotations

import math
import re

import plotly.graph_objects as go

from oversight.charts.style import FONT_FAMILY, filled_lines, label_width
from oversight.core import safe_text
from oversight.export import marking as marking_style
from oversight.export.figure_margin import margin_px
from oversight.export.marking import Marking

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
    plot_width = width - margin_px(figure, "l", 70) - margin_px(figure, "r", 30)
    plot_height = height - margin_px(figure, "t", 90) - margin_px(figure, "b", 60)
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
    top, bottom = margin_px(figure, "t", 90), margin_px(figure, "b", 60)
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
    left, right = margin_px(figure, "l", 70), margin_px(figure, "r", 30)
    widest = max(label_width(line, figure.layout.xaxis.title.font.size or 14) for line in str(title).split("<br>"))
    return left + (size[0] - left - right) / 2 - widest / 2


def marking_band_px(figure: go.Figure, size: tuple[int, int], type_px: float, lines: list[str]) -> int:
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
    beside = title_start - _MARKING_GAP_PX if title_start is not None else margin_px(figure, "l", 70) - _MARKING_EDGE_PX
    if len(lines) == 1 and _MARKING_EDGE_PX + widest <= beside:
        return 0
    # less than nothing where the title already reaches past the margin (its baseline 61 px under the plot, its
    # foot cut at the picture's edge under 60 px)
    free = margin_px(figure, "b", 60) - _x_axis_content_px(figure)
    return 0 if needed <= free else int(needed - free) + 1


def add_marking(figure: go.Figure, marking: Marking, size: tuple[int, int]) -> go.Figure:
    """The marking in the bottom-left corner, fitted to the picture's width and clear of the axis's title and ticks,
    and a light diagonal watermark over the plot (in place)."""
    added: list[dict[str, object]] = []
    if marking.label:
        type_px, lines = fitted_marking(marking.label, size[0])
        band = marking_band_px(figure, size, type_px, lines)
        if band:
            figure.update_layout(margin=dict(b=margin_px(figure, "b", 60) + band))
        # in the bottom-left corner of the picture, under the category names: in the bottom-right one it ran into
        # the value axis's title (Issues), which Plotly centres under a plot pushed right by long unit names
        width, height = size
        top, bottom = margin_px(figure, "t", 90), margin_px(figure, "b", 60)
        left, right = margin_px(figure, "l", 70), margin_px(figure, "r", 30)
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
