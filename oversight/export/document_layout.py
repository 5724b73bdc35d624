"""A chart's figure laid out for print: the picture a slide or a report page places, at the size it is placed.

No title inside the picture (the slide's title or the caption says it), the top margin its legend needs, long unit
names on two lines, every text at 10 pt or more on A4, every row named and every bar's figure written, and the
marking and watermark (``marked_figure``).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from oversight.charts import kinds, labels, none_entry, ticks
from oversight.charts.style import label_width, left_margin_for, legend_names
from oversight.core.numbers import grouped
from oversight.export import legend_room
from oversight.export.figure_margin import margin_px
from oversight.export.marked_figure import add_marking, fitted_marking, marking_band_px
from oversight.export.marking import NO_MARKING, Marking

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
    plot_width = DOCUMENT_WIDTH - margin_px(figure, "l", 70) - margin_px(figure, "r", 30)
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
    top = _HEATMAP_TOP_MARGIN if heatmap else max(_DOCUMENT_TOP_MARGIN, margin_px(copied, "t", 90) - 40)
    # a bar's value keeps the charts' text size rather than shrinking to the (thinner) bar
    copied.update_traces(constraintext="none", selector=dict(type="bar"))
    # the builders size their height for the 1280 px screen: a picture half as wide needs about 0.8 of it,
    # and names on two lines need the most height a slide allows
    height = DOCUMENT_MAX_HEIGHT if _wrap_category_labels(copied) else int((copied.layout.height or 0) * 0.8)
    if heatmap:
        # as tall as its rows of cells: one unit's row stood under a blank picture's height of 360 px
        height = top + margin_px(copied, "b", 60) + kinds.HEATMAP_ROW_PX * len(copied.data[0].y)
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
    refit_value_axis(copied, DOCUMENT_WIDTH)  # once the names' margin is known: it narrows the plot
    _ticks_for_print(copied)
    _every_row_named(copied)
    _as_tall_as_the_rows(copied, marking)
    if heatmap:
        _heatmap_room_for_the_marking(copied, marking)
    add_marking(copied, marking, document_size(copied))
    kinds.bars_no_thicker(copied)  # at the picture's height, not the screen's
    kinds.bars_no_wider(copied, DOCUMENT_WIDTH)  # and upright ones at its width
    every_grouped_bar_labelled(copied)  # once the marking has taken its room under the plot
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
        band = marking_band_px(figure, document_size(figure), type_px, lines)
    needed = (
        margin_px(figure, "t", 90)
        + margin_px(figure, "b", 60)
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
    band = marking_band_px(figure, document_size(figure), type_px, lines)
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


def every_grouped_bar_labelled(figure: go.Figure, size: tuple[int, int] | None = None) -> None:
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
    plot_px = size[1] - margin_px(figure, "t", 90) - margin_px(figure, "b", 60)
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
    plot_px = (size or document_size(figure))[1] - margin_px(figure, "t", 90) - margin_px(figure, "b", 60)
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
    plot_px = size[0] - margin_px(figure, "l", 70) - margin_px(figure, "r", 30)
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


def refit_value_axis(figure: go.Figure, width: int) -> None:
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
