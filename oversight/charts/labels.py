"""Value labels fitted to the width a chart is drawn at: shown only where each stands apart from the others.

Plotly writes every value label it is given. On a phone the labels of a grouped bar chart's neighbouring bars ran
together into false numbers (3 and 3 read 33), and the labels of a line's close points ran into each other and over
the plot's edge (115.5 cut to l15.5, 109111.8111). The screen draws a chart at its column's width
(``assets/chart_view.js``), an export at the picture's size; both ask here which labels fit at that width. A label
left out keeps its value in the hover and the data download.

- **Bars** with labels outside them: a label is written only over a bar at least as wide as the label and a gap
  (as tall, for bars across), so it stays over its own bar, apart from its neighbour's.
- **Stacked bars** with counts inside their parts (in ``fitted``, for a picture): a count is written only in a part
  that holds it, so a thin part's count neither runs into the next part's nor under the axis.
- **A heatmap's counts** in its cells: Plotly sets them in the size their cells hold, one size for all, down to
  8 px in a phone's card of twelve quarters (the least text on screen is 12 px): written at a width only where that
  size is the least at least, else none, the cells' colour and hover carrying them.
- **Lines** with value labels: each label sits above its point or below it, on the side the line leaves free (and
  away from another line's point close by at the same quarter, whose own label takes that side); the
  first and last point, the highest and the lowest, are placed first, then the others left to right, each only where
  it overlaps no label already placed, crosses no line or marker and stays inside the plot, clear of the value axis's
  ticks at its left edge.

``fitted(figure, width, height)`` is the figure with only the labels that fit; ``for_screen(figure)`` carries, in each
labelled trace's ``meta``, every label and the least width it is shown from, for the page's script to pick at the
column's width (and the labels that fit a phone's card, for a page drawn without that script).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import plotly.graph_objects as go

from oversight.charts import ticks
from oversight.charts.style import CARD_WIDTH_PX, LEAST_TEXT_PX, TEMPLATE, label_width

GAP_PX = 4  # the least room between two labels, or beside a label over its bar
# the value axis writes its ticks' labels against the plot's left edge (1 px outside it): a line's label closer to
# that edge than GAP_PX read with the tick beside it as one number, 100 and 87 as 10087 on a phone's twelve quarters
_TICKS_SIDE_GAP_PX = GAP_PX
LINE_HEIGHT = 1.25  # a label's line of type, in its font size
_MARKER_GAP_PX = 3  # between a point's marker and its label
_TEXT_PAD_PX = 3  # Plotly's room around a count written inside its bar
_PLOTLY_LINE_SPACING = 1.3  # plotly.js's LINE_SPACING, with which it sizes a heatmap's counts to their cells
# the widths a screen chart's labels are worked out at: a phone's card up to a wide screen's full row
SCREEN_WIDTHS = tuple(range(280, 1601, 10))
META_KEY = "oversight_labels"  # in a trace's meta: {"text": every label, "from": the least width it is shown at}

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in px, y downwards
Shown = dict[int, list[bool]]


def _list(values: Any) -> list[Any]:
    if isinstance(values, dict) and "bdata" in values:
        # a figure's dict holds a NumPy column as Plotly's typed array: its type and its bytes in base64
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        return array.reshape(values["shape"]).tolist() if "shape" in values else array.tolist()
    return [] if values is None else list(values)


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _texts(trace: dict) -> list[str]:
    text = trace.get("text")
    if text is None:
        return []
    if isinstance(text, str):
        return [text] * len(_list(trace.get("x")) or _list(trace.get("y")))
    return ["" if value is None else str(value) for value in text]


def _margin(layout: dict, side: str) -> float:
    own = (layout.get("margin") or {}).get(side)
    return float(own if own is not None else getattr(TEMPLATE.layout.margin, side))


def _font_size(layout: dict, trace: dict) -> float:
    own = (trace.get("textfont") or {}).get("size")
    return float(own or (layout.get("font") or {}).get("size") or TEMPLATE.layout.font.size or 14)


@dataclass
class _Axis:
    """One axis: where its domain lies across the plot, and the values its ends stand for."""

    domain: tuple[float, float]
    low: float
    high: float
    categories: dict[Any, int] = field(default_factory=dict)

    def position(self, value: Any, fallback: int) -> float | None:
        if self.categories:
            return float(self.categories.get(value, fallback))
        return _number(value)


def _axes(figure: dict, letter: str) -> dict[str, _Axis]:
    layout, traces = figure.get("layout") or {}, figure.get("data") or []
    axes: dict[str, _Axis] = {}
    for ref in {trace.get(f"{letter}axis") or letter for trace in traces}:
        own = layout.get(f"{letter}axis{ref[1:]}") or {}
        on_it = [trace for trace in traces if (trace.get(f"{letter}axis") or letter) == ref]
        values = [value for trace in on_it for value in _list(trace.get(letter))]
        categories: dict[Any, int] = {}
        if own.get("type") == "category" or any(isinstance(value, str) for value in values):
            # not the legend's "…: 0" entry (a trace of no point, ``none_entry``): Plotly draws no row for its None,
            # and counted as one it halved one unit's row, its counts hidden as too thin for them
            for value in values:
                if value is not None:
                    categories.setdefault(value, len(categories))
        if own.get("range") is not None:
            low, high = (float(end) for end in own["range"])
        elif categories:
            low, high = -0.5, len(categories) - 0.5
        else:
            numbers = [number for number in map(_number, values) if number is not None]
            if layout.get("barmode") == "stack":  # a stack reaches as far as its parts together
                numbers += _stack_totals(on_it, letter)
            low, high = 0.0, max(max(numbers, default=1.0) * 1.05, 1.0)
        if own.get("autorange") == "reversed":
            low, high = high, low
        axes[ref] = _Axis(tuple(own.get("domain") or (0.0, 1.0)), low, high, categories)
    return axes


def _stack_totals(traces: list[dict], letter: str) -> list[float]:
    """Each category's stacked bars together, along the value axis ``letter``."""
    other = "y" if letter == "x" else "x"
    totals: dict[Any, float] = {}
    for trace in traces:
        if trace.get("type") != "bar":
            continue
        for key, value in zip(_list(trace.get(other)), _list(trace.get(letter))):
            number = _number(value)
            if number is not None and number > 0:
                totals[key] = totals.get(key, 0.0) + number
    return list(totals.values())


@dataclass
class _Frame:
    """The figure's plot areas at a size: px of a value on each axis."""

    figure: dict
    width: float
    height: float
    x_axes: dict[str, _Axis]
    y_axes: dict[str, _Axis]

    def __post_init__(self) -> None:
        layout = self.figure.get("layout") or {}
        self.left, self.right, self.top, self.bottom = (_margin(layout, side) for side in "lrtb")
        self.plot_w = max(self.width - self.left - self.right, 1.0)
        self.plot_h = max(self.height - self.top - self.bottom, 1.0)

    def area(self, trace: dict) -> Box:
        x, y = self.x_axes[trace.get("xaxis") or "x"], self.y_axes[trace.get("yaxis") or "y"]
        return (
            self.left + x.domain[0] * self.plot_w,
            self.top + (1 - y.domain[1]) * self.plot_h,
            self.left + x.domain[1] * self.plot_w,
            self.top + (1 - y.domain[0]) * self.plot_h,
        )

    def px(self, trace: dict, x_value: float, y_value: float) -> tuple[float, float]:
        x, y = self.x_axes[trace.get("xaxis") or "x"], self.y_axes[trace.get("yaxis") or "y"]
        x0, y0, x1, y1 = self.area(trace)
        return (
            x0 + (x_value - x.low) / (x.high - x.low) * (x1 - x0),
            y1 - (y_value - y.low) / (y.high - y.low) * (y1 - y0),
        )


def _frame(figure: dict, width: float, height: float | None) -> _Frame:
    height = float(height or (figure.get("layout") or {}).get("height") or 450)
    return _Frame(figure, float(width), height, _axes(figure, "x"), _axes(figure, "y"))


# ---------------------------------------------------------------- bars


def _labelled_bars(figure: dict) -> list[int]:
    return [
        index
        for index, trace in enumerate(figure.get("data") or [])
        if trace.get("type") == "bar" and trace.get("textposition") != "inside" and any(_texts(trace))
    ]


def _bar_room(frame: _Frame, index: int, apart: bool = False) -> float:
    """How wide one bar of trace ``index`` is drawn, in px (how tall, for bars across); ``apart``: how far its
    labels stand from their neighbours', the bar's width where bars stand side by side, else the category's."""
    traces, layout = frame.figure["data"], frame.figure.get("layout") or {}
    trace = traces[index]
    across = trace.get("orientation") == "h"
    x0, y0, x1, y1 = frame.area(trace)
    axis = frame.y_axes[trace.get("yaxis") or "y"] if across else frame.x_axes[trace.get("xaxis") or "x"]
    per_category = ((y1 - y0) if across else (x1 - x0)) / max(abs(axis.high - axis.low), 1e-9)
    side_by_side = 1
    if layout.get("barmode") in (None, "group"):
        side_by_side = sum(
            1
            for other in traces
            if other.get("type") == "bar"
            and (other.get("orientation") == "h") == across
            and other.get("visible") is not False
            and (other.get("xaxis"), other.get("yaxis")) == (trace.get("xaxis"), trace.get("yaxis"))
        )
    if apart and side_by_side == 1:
        return per_category
    bargap = 0.2 if layout.get("bargap") is None else float(layout["bargap"])
    return per_category * (1 - bargap) / max(side_by_side, 1) * (1 - float(layout.get("bargroupgap") or 0))


def _bar_labels_shown(frame: _Frame, index: int) -> list[bool]:
    trace = frame.figure["data"][index]
    room = _bar_room(frame, index)
    size = _font_size(frame.figure.get("layout") or {}, trace)
    if trace.get("orientation") == "h":
        # labels beside bars across stand one above the other: a line of type and a little air each; one bar to a
        # row, a row apart (a province's 16 rows of a picture wrote no figure beside bars 15 px thick)
        apart = _bar_room(frame, index, apart=True)
        return [bool(text) and size + GAP_PX / 2 <= apart for text in _texts(trace)]
    if written_upright(trace):
        # a figure written up its bar is as wide as its line of type, whatever its digits
        return [bool(text) and size + GAP_PX <= room for text in _texts(trace)]
    return [bool(text) and label_width(text, size) + GAP_PX <= room for text in _texts(trace)]


def written_upright(trace: dict | Any) -> bool:
    """Whether a bar's figures are written up the bar (turned a quarter), as a picture writes them over bars too
    narrow for them across."""
    angle = trace.get("textangle") if isinstance(trace, dict) else trace.textangle
    return isinstance(angle, (int, float)) and abs(angle) == 90


def _inside_labelled_bars(figure: dict) -> list[int]:
    return [
        index
        for index, trace in enumerate(figure.get("data") or [])
        if trace.get("type") == "bar" and trace.get("textposition") == "inside" and any(_texts(trace))
    ]


def _inside_labels_shown(frame: _Frame, index: int) -> list[bool]:
    """A count inside its part of a stack is written only where the part holds it: as long as the count's line (as
    long as the count is wide, for bars across) with Plotly's padding, and as thick as the count is wide (as its type
    is tall, across). A document's picture keeps its counts at the charts' size (``constraintext``), so Plotly no
    longer hides one that does not fit: a part of 1 among 14 reminders wrote its "1" over the next part's "1" and
    under the axis."""
    trace = frame.figure["data"][index]
    across = trace.get("orientation") == "h"
    size = _font_size(frame.figure.get("layout") or {}, trace)
    thickness = _bar_room(frame, index)
    axis = frame.x_axes[trace.get("xaxis") or "x"] if across else frame.y_axes[trace.get("yaxis") or "y"]
    x0, y0, x1, y1 = frame.area(trace)
    per_unit = ((x1 - x0) if across else (y1 - y0)) / max(abs(axis.high - axis.low), 1e-9)
    shown = []
    for text, value in zip(_texts(trace), _list(trace.get("x" if across else "y"))):
        number = _number(value)
        if not text or number is None:
            shown.append(False)
            continue
        wide, tall = label_width(text, size) + 2 * _TEXT_PAD_PX, size * LINE_HEIGHT + 2 * _TEXT_PAD_PX
        length = abs(number) * per_unit
        shown.append(length >= wide and thickness >= size if across else length >= tall and thickness >= wide)
    return shown


# ---------------------------------------------------------------- heatmaps


def _labelled_heatmaps(figure: dict) -> list[int]:
    return [
        index
        for index, trace in enumerate(figure.get("data") or [])
        if trace.get("type") == "heatmap" and any(any(map(bool, _list(row))) for row in _list(trace.get("text")))
    ]


def heatmap_text_px(frame: _Frame, index: int) -> float:
    """The size plotly.js writes a heatmap's counts at, where the trace sets none: its cells' width over the longest
    count's characters and its height over its lines, by its line spacing, never above the layout's font (its
    ``heatmap/plot.js``)."""
    trace = frame.figure["data"][index]
    x0, y0, x1, y1 = frame.area(trace)
    x_axis, y_axis = frame.x_axes[trace.get("xaxis") or "x"], frame.y_axes[trace.get("yaxis") or "y"]
    texts = [str(text) for row in _list(trace.get("text")) for text in _list(row) if text]
    characters = max((len(line) for text in texts for line in text.split("<br>")), default=1)
    lines = max((text.count("<br>") + 1 for text in texts), default=1)
    # a cell is one category of each axis (the axis's range may leave room beyond the cells), in whole pixels:
    # plotly.js measures it between cells placed on whole pixels (eight quarters' 15.75 px held 11 px counts, not 12)
    cell_w = math.floor((x1 - x0) / max(abs(x_axis.high - x_axis.low), 1e-9)) - float(trace.get("xgap") or 0)
    cell_h = math.floor((y1 - y0) / max(abs(y_axis.high - y_axis.low), 1e-9)) - float(trace.get("ygap") or 0)
    own = (trace.get("textfont") or {}).get("size")
    if isinstance(own, int | float):
        return float(own)
    base = _font_size(frame.figure.get("layout") or {}, {})
    return min(
        float(int(cell_w / characters / (_PLOTLY_LINE_SPACING / 2))),
        float(int(cell_h / lines / _PLOTLY_LINE_SPACING)),
        base,
    )


def _heatmap_text_shown(frame: _Frame, index: int) -> list[bool]:
    """Each row of the heatmap's counts written, all of them or none: where the size Plotly gives them is the least
    text on screen at least."""
    written = heatmap_text_px(frame, index) >= LEAST_TEXT_PX
    return [written] * len(_list(frame.figure["data"][index].get("text")))


# ---------------------------------------------------------------- lines


def _labelled_lines(figure: dict) -> list[int]:
    return [
        index
        for index, trace in enumerate(figure.get("data") or [])
        if trace.get("type") == "scatter" and "text" in (trace.get("mode") or "") and any(_texts(trace))
    ]


def _marker_radius(trace: dict) -> float:
    size = (trace.get("marker") or {}).get("size")
    return float(size if isinstance(size, int | float) else 6) / 2


def _points(frame: _Frame, trace: dict) -> list[tuple[float, float] | None]:
    axis = frame.x_axes[trace.get("xaxis") or "x"]
    out: list[tuple[float, float] | None] = []
    for at, (x, y) in enumerate(zip(_list(trace.get("x")), _list(trace.get("y")))):
        x_value, y_value = axis.position(x, at), _number(y)
        out.append(None if x_value is None or y_value is None else frame.px(trace, x_value, y_value))
    return out


def _crosses(box: Box, start: tuple[float, float], end: tuple[float, float]) -> bool:
    """Whether the segment from ``start`` to ``end`` passes through ``box`` (Liang–Barsky)."""
    x0, y0, x1, y1 = box
    dx, dy = end[0] - start[0], end[1] - start[1]
    low, high = 0.0, 1.0
    for p, q in ((-dx, start[0] - x0), (dx, x1 - start[0]), (-dy, start[1] - y0), (dy, y1 - start[1])):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _overlaps(a: Box, b: Box, gap: float = 0.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _label_box(point: tuple[float, float], width: float, height: float, radius: float, position: str) -> Box:
    """Where Plotly writes a label at ``position`` ("top center", "bottom right" …) of a marker at ``point``."""
    vertical, horizontal = position.split()
    offset = radius + _MARKER_GAP_PX
    x, y = point
    top = y - offset - height if vertical == "top" else y + offset
    left = {"center": x - width / 2, "right": x + radius, "left": x - radius - width}[horizontal]
    return (left, top, left + width, top + height)


def line_label_positions(figure: dict) -> dict[int, list[str]]:
    """Each labelled line's ``textposition`` for each label, the same at every width: above the point or below it,
    on the side the line leaves free (below a valley, above a peak, on a slope beside the gentler segment) unless
    the label would leave the plot there; the first label to the point's right and the last to its left where,
    centred, they would run over the plot's edge on a phone's card (or, the first, come near the value axis's ticks)."""
    frame = _frame(figure, CARD_WIDTH_PX, None)
    positions: dict[int, list[str]] = {}
    # every line's points in each plot area, by trace, for a label to keep clear of another line's point beside it
    others = {
        index: (frame.area(trace), _points(frame, trace))
        for index, trace in enumerate(figure.get("data") or [])
        if trace.get("type") == "scatter"
    }
    for index in _labelled_lines(figure):
        trace = figure["data"][index]
        values = [_number(value) for value in _list(trace.get("y"))]
        points = _points(frame, trace)
        texts = _texts(trace)
        size = _font_size(figure.get("layout") or {}, trace)
        x0, y0, x1, y1 = frame.area(trace)
        radius = _marker_radius(trace)
        known = [at for at, point in enumerate(points) if point is not None]
        chosen = []
        for at, (value, point) in enumerate(zip(values, points)):
            if value is None or point is None:
                chosen.append("top center")
                continue
            near = [values[j] for j in (at - 1, at + 1) if 0 <= j < len(values) and values[j] is not None]
            rise = max((v - value for v in near if v is not None), default=0.0)
            drop = max((value - v for v in near if v is not None), default=0.0)
            order = ("bottom", "top") if rise > 0 and rise > drop else ("top", "bottom")
            reach = radius + _MARKER_GAP_PX + size * LINE_HEIGHT
            fits = {"top": point[1] - reach >= y0, "bottom": point[1] + reach <= y1}
            vertical = order[0] if fits[order[0]] or not fits[order[1]] else order[1]
            # another line's point close under (over) it at the same quarter takes that side for its own label: the
            # year-earlier 90.6 went under its point, onto 69.2's label above the point beneath, and was dropped
            other = "top" if vertical == "bottom" else "bottom"
            if fits[other] and _crowded(others, index, point, vertical, 2 * reach):
                if not _crowded(others, index, point, other, 2 * reach):
                    vertical = other
            half = label_width(texts[at] if at < len(texts) else "", size) / 2
            horizontal = "center"
            if at == known[0] and len(known) > 1 and point[0] - half < x0 + _TICKS_SIDE_GAP_PX:
                horizontal = "right"
            elif at == known[-1] and len(known) > 1 and point[0] + half > x1:
                horizontal = "left"
            chosen.append(f"{vertical} {horizontal}")
        positions[index] = chosen
    return positions


def _crowded(
    others: dict[int, tuple[Box, list[tuple[float, float] | None]]],
    index: int,
    point: tuple[float, float],
    side: str,
    within: float,
) -> bool:
    """Whether another line (not trace ``index``) in the same plot area has a point at ``point``'s quarter (within a
    px), on ``side`` of it ("top": above) and closer than ``within`` px: the room a label there would share."""
    area = others[index][0]
    for other, (other_area, points) in others.items():
        if other == index or other_area != area:
            continue
        for near in points:
            if near is None or abs(near[0] - point[0]) > 1:
                continue
            gap = point[1] - near[1] if side == "top" else near[1] - point[1]
            if 0 < gap < within:
                return True
    return False


def _priority(values: list[float | None]) -> list[int]:
    """First and last, highest and lowest, then the rest left to right."""
    known = [at for at, value in enumerate(values) if value is not None]
    if not known:
        return []
    highest = max(known, key=lambda at: values[at] or 0.0)
    lowest = min(known, key=lambda at: values[at] or 0.0)
    return list(dict.fromkeys([known[0], known[-1], highest, lowest, *known]))


def _line_labels_shown(frame: _Frame, positions: dict[int, list[str]]) -> Shown:
    traces, layout = frame.figure.get("data") or [], frame.figure.get("layout") or {}
    shown = {index: [False] * len(_texts(traces[index])) for index in positions}
    # what a label must keep clear of in its plot area: every line's segments and markers drawn there
    segments: dict[Box, list[tuple[tuple[float, float], tuple[float, float]]]] = {}
    markers: dict[Box, list[Box]] = {}
    candidates: list[tuple[Box, int, int, Box]] = []
    for index, trace in enumerate(traces):
        if trace.get("type") != "scatter":
            continue
        area = frame.area(trace)
        points = _points(frame, trace)
        mode = trace.get("mode") or ""
        if "lines" in mode:
            segments.setdefault(area, []).extend(
                (a, b) for a, b in zip(points, points[1:]) if a is not None and b is not None
            )
        radius = _marker_radius(trace)
        if "markers" in mode:
            markers.setdefault(area, []).extend(
                (p[0] - radius, p[1] - radius, p[0] + radius, p[1] + radius) for p in points if p is not None
            )
        if index in positions:
            size, texts = _font_size(layout, trace), _texts(trace)
            for at in _priority([None if p is None else p[1] for p in points]):
                point = points[at]
                if point is not None and at < len(texts) and texts[at]:
                    box = _label_box(
                        point, label_width(texts[at], size), size * LINE_HEIGHT, radius, positions[index][at]
                    )
                    candidates.append((area, index, at, box))
    placed: dict[Box, list[Box]] = {}
    for area, index, at, box in candidates:
        if box[0] < area[0] + _TICKS_SIDE_GAP_PX or box[2] > area[2] or box[1] < area[1] or box[3] > area[3]:
            continue  # it would be cut at the plot's edge, or read with the value axis's tick beside it
        if any(_overlaps(box, other, GAP_PX) for other in placed.get(area, [])):
            continue
        if any(_overlaps(box, marker) for marker in markers.get(area, [])):
            continue
        if any(_crosses(box, a, b) for a, b in segments.get(area, [])):
            continue
        placed.setdefault(area, []).append(box)
        shown[index][at] = True
    return shown


# ---------------------------------------------------------------- the figure at a width


def _as_dict(figure: go.Figure | dict) -> dict:
    return figure if isinstance(figure, dict) else figure.to_dict()


def labels_shown(
    figure: go.Figure | dict, width: float, height: float | None = None, positions: dict[int, list[str]] | None = None
) -> Shown:
    """For each trace with value labels, which of them are written at ``width`` × ``height`` px (the figure's own
    height if none), its lines' labels at ``positions`` (``line_label_positions`` if none)."""
    plain = _as_dict(figure)
    frame = _frame(plain, width, height)
    shown = {index: _bar_labels_shown(frame, index) for index in _labelled_bars(plain)}
    shown.update({index: _heatmap_text_shown(frame, index) for index in _labelled_heatmaps(plain)})
    shown.update(_line_labels_shown(frame, line_label_positions(plain) if positions is None else positions))
    return shown


def _apply(plain: dict, shown: Shown, positions: dict[int, list[str]]) -> None:
    for index, flags in shown.items():
        trace = plain["data"][index]
        if trace.get("type") == "heatmap":  # a row of counts each, all written or none
            rows = [_list(row) for row in _list(trace.get("text"))]
            trace["text"] = [row if flag else [""] * len(row) for row, flag in zip(rows, flags)]
            continue
        trace["text"] = [text if flag else "" for text, flag in zip(_texts(trace), flags)]
        if index in positions:
            trace["textposition"] = positions[index]


def _thinned(plain: dict, tick_texts: ticks.TickTexts) -> bool:
    return any(list(plain["layout"][name]["ticktext"]) != texts for name, texts in tick_texts.items())


def fitted(figure: go.Figure, width: float, height: float | None = None) -> go.Figure:
    """A copy of ``figure`` writing only the value labels that fit at ``width`` × ``height`` px (its own height if
    none), lines' labels on the side their line leaves free, and only the quarters' ticks that stand apart
    (``ticks``); ``figure`` itself when it has no value labels (or a heatmap's, every one written) and every tick
    fits."""
    plain = figure.to_dict()
    inside = _inside_labelled_bars(plain)
    tick_texts = ticks.fitted_ticks(plain.get("layout") or {}, width)
    frame = _frame(plain, width, height)
    # a heatmap whose counts are all written at this size is as it was
    hidden = [index for index in _labelled_heatmaps(plain) if not all(_heatmap_text_shown(frame, index))]
    if not (_labelled_bars(plain) or _labelled_lines(plain) or hidden or inside or _thinned(plain, tick_texts)):
        return figure
    ticks.apply(plain["layout"], tick_texts)  # and the quarters' ticks that stand apart there
    positions = line_label_positions(plain)
    shown = labels_shown(plain, width, height, positions)
    shown.update({index: _inside_labels_shown(frame, index) for index in inside})
    _apply(plain, shown, positions)
    return go.Figure(plain)


def _any_text(text: Any) -> bool:
    return any(map(bool, text)) if isinstance(text, list) else bool(text)


def for_screen(plain: dict, widths: Sequence[int] = SCREEN_WIDTHS) -> dict:
    """The figure's JSON (``plain``, changed in place and returned) for the page: its labels those that fit a phone's
    card, and each labelled trace's ``meta`` holding every label with the least width (of ``widths``) from which it
    is written at every wider one (``None``: at none), for ``assets/chart_view.js`` to pick at the column's width."""
    labelled = _labelled_bars(plain) + _labelled_lines(plain) + _labelled_heatmaps(plain)
    if not labelled:
        return plain
    positions = line_label_positions(plain)
    # a heatmap's by row (each row's counts written or not together)
    texts = {
        index: _list(trace["text"]) if trace.get("type") == "heatmap" else _texts(trace)
        for index, trace in ((index, plain["data"][index]) for index in labelled)
    }
    starts: dict[int, list[int | None]] = {index: [None] * len(texts[index]) for index in labelled}
    # narrowest first; a label shown at a width is shown at every wider one unless a wider width hides it again
    for width in widths:
        shown = labels_shown(plain, width, None, positions)
        for index, flags in shown.items():
            for at, flag in enumerate(flags):
                if not flag:
                    starts[index][at] = None
                elif starts[index][at] is None:
                    starts[index][at] = width
        if all(flag or not _any_text(text) for index in labelled for flag, text in zip(shown[index], texts[index])):
            break  # every label fits: it does at every wider width too
    for index in _labelled_heatmaps(plain):
        # a heatmap's counts from the very pixel their cells hold the least text: a step of ``widths`` late, eight
        # quarters' counts (12 px in a 326 px card, from 323 px) were left out of a phone's card
        start = starts[index][0] if starts[index] else None
        if start is not None:
            start = next(
                width
                for width in range(max(widths[0], start - 9), start + 1)
                if all(_heatmap_text_shown(_frame(plain, width, None), index))
            )
            starts[index] = [start] * len(starts[index])
    _apply(plain, labels_shown(plain, CARD_WIDTH_PX, None, positions), positions)
    for index in labelled:
        plain["data"][index]["meta"] = {META_KEY: {"text": texts[index], "from": starts[index]}}
    return plain
