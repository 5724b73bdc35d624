"""Generic figure builders the analysis pages share: bars per unit, per category, per quarter, donuts,
lines and a heatmap. Each takes a query's DataFrame and the language and returns a ``go.Figure``
carrying ``chart_style.TEMPLATE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from oversight.charts import none_entry, ticks
from oversight.charts.style import (
    AXIS_TITLE_LINE_PX,
    CARD_WIDTH_PX,
    COLOURS,
    HEAT_TEXT,
    MIN_PLOT_PX,
    QUARTER_TICK_FONT,
    SEQUENCE,
    TEMPLATE,
    UNIT_LABEL_FONT,
    base_layout,
    count_ticks,
    fitted_axis_title,
    heat_colorscale,
    hover,
    inside_text_colour,
    label_width,
    left_margin_for,
    quarter_axis,
    quarter_labels,
    ticks_across,
    ticks_below,
    unit_labels,
)
from oversight.core import i18n
from oversight.core.numbers import fixed, is_missing, plain, round_half_up, shares
from oversight.data.filters import Quarter

# (column, translation key of its series name, colour)
Series = tuple[str, str, str]

# whole-number ticks on count axes (``count_ticks``): how many fit across a phone's card, up a full-size
# chart, and up one small chart of a stack
MOST_TICKS_ACROSS, MOST_TICKS_UP, MOST_TICKS_SMALL = 6, 6, 3


def count_labels(values) -> list[str]:
    """Bar labels: the count, or nothing for a zero or an unknown value (never "0" squeezed in, never "NaN"); grouped
    in thousands as the cards write a figure (1,234, not 1234)."""
    return ["" if is_missing(value) or value <= 0 else fixed(value, 0, grouping=True) for value in values]


def rounded(values, digits: int = 1) -> list[float | None]:
    """Values rounded half up for the chart's own numbers (hover, axis), so they agree with cards and tables."""
    return [None if is_missing(value) else float(round_half_up(value, digits)) for value in values]


# The most units a heatmap draws (a province-wide deployment has ~500), and the units a chart of bars per unit
# names before one row adds up the rest: as many rows as a document's picture (440 px, its text at 13 px, 10 pt
# printed) labels every one of, each row at 16 px or more. With 30 and 20 + 1 rows the pictures labelled every
# other unit and wrote no figure beside the bars, and the reading's fewest could be a row without its name.
MAX_UNIT_ROWS = 20
TOP_UNIT_ROWS = 15


# The figure the by-unit queries rank the units by (``order by issues desc …``): a frame's total column where it has
# one (the grouped chart's issues, a stack's whole), else the sum of the parts drawn.
UNIT_RANK_COLUMNS = ("issues", "suggestions", "reminders", "activities")
# The most units drawn apart where the units tied at the cut would be drawn with the top: no more than the top itself.
# Drawn with it up to 19 bars, a document's picture (440 px, a legend of four rows) had bars too thin for their counts
# and wrote none of them (各单位会商、专题研究、通报与抽调 at 504 units, 18 units and the rest); a tie at the cut is said
# instead (``tie_in_rest_note``), in the chart's title and its reading.
MOST_UNIT_BARS = TOP_UNIT_ROWS


def unit_rank(frame: pd.DataFrame, value_columns: Sequence[str]) -> pd.Series:
    """Each unit's figure in the ranking its query sorts by (``UNIT_RANK_COLUMNS``)."""
    for column in UNIT_RANK_COLUMNS:
        if column in frame.columns:
            return frame[column].fillna(0)
    return frame[list(value_columns)].fillna(0).sum(axis=1)


@dataclass(frozen=True)
class UnitCut:
    """Where a chart of bars per unit cuts (``top_units``): the units in drawing order (those with something first),
    how many are drawn apart, and, where more units tie at the cut than a picture has rows for, how many of them are
    left in the rest's row (``tied_in_rest``) at which figure (``tied_at``)."""

    ordered: pd.DataFrame
    drawn: int
    with_some: int
    tied_in_rest: int = 0
    tied_at: float = 0.0


def unit_cut(frame: pd.DataFrame, value_columns: Sequence[str]) -> UnitCut | None:
    """The cut of ``top_units``; None where every unit is drawn as itself."""
    if len(frame) <= TOP_UNIT_ROWS + 1:
        return None
    some = frame[list(value_columns)].fillna(0).sum(axis=1) > 0
    frame, with_some = pd.concat([frame[some], frame[~some]]), int(some.sum())  # in the query's order otherwise
    drawn = min(TOP_UNIT_ROWS, with_some)
    if drawn == with_some:
        return UnitCut(frame, drawn, with_some)
    # the units tied with the last one drawn: "the units with 10 issues" were 6 of 7, the seventh folded into the rest
    # without a word. Drawn with it where the picture has rows for them (``MOST_UNIT_BARS``); else they stay in the
    # rest, and the chart and its reading say how many more share the figure
    rank = unit_rank(frame, value_columns).to_numpy()
    cut = rank[drawn - 1]
    end = drawn
    while end < with_some and rank[end] == cut:
        end += 1
    if end <= MOST_UNIT_BARS:
        if len(frame) - end <= 1:  # one unit left over is drawn as itself, not as "1 other unit"
            return None if len(frame) <= MAX_UNIT_ROWS else UnitCut(frame, end, with_some)
        return UnitCut(frame, end, with_some)
    return UnitCut(frame, drawn, with_some, end - drawn, float(cut))


def top_units(frame: pd.DataFrame, value_columns: Sequence[str]) -> pd.DataFrame:
    """At most ``MOST_UNIT_BARS`` + 1 rows: the first ``TOP_UNIT_ROWS`` units (the query sorts most first), with every
    unit tied with the last of them where the picture has rows for them (``unit_cut``; else the tie is said,
    ``tie_in_rest_note``), and one row adding up the rest, so the totals still add up. The rest row has no unit id, so a click on it narrows nothing. One unit more than those is
    drawn as itself (a row of "1 other unit" would hide its name).

    Of more units than that, only units with something have a row of their own: at a province's scale a quarter
    with 9 units consulted drew those 9 and 6 rows of 0 among "the top 15". The rest then holds only units with
    none, and its row says so (其余495家单位：无), not a bar of 0 named like a sum."""
    cut = unit_cut(frame, value_columns)
    if cut is None:
        return frame
    top, rest = cut.ordered.iloc[: cut.drawn], cut.ordered.iloc[cut.drawn :]
    others = {column: rest[column].sum() for column in value_columns}
    key = "chart.other_units" if cut.drawn < cut.with_some else "chart.other_units_none"
    others.update(
        {
            "unit_id": "",
            "name_zh": i18n.t(key, "zh", count=len(rest)),
            "name_en": i18n.t(key, "en", count=len(rest)),
        }
    )
    return pd.concat([top, pd.DataFrame([others])], ignore_index=True)


def tie_in_rest_note(frame: pd.DataFrame, value_columns: Sequence[str], lang: str, key: str) -> str:
    """Where more units tie at the cut than the picture has rows for, the words that say so (``key``: the chart's
    title suffix or the reading's sentence: 另有25家单位与图中最后一家并列（均为1），计入“其他489家单位”); else ""."""
    cut = unit_cut(frame, value_columns)
    if cut is None or not cut.tied_in_rest:
        return ""
    rest = i18n.t("chart.other_units", lang, count=len(cut.ordered) - cut.drawn)
    value = fixed(cut.tied_at, 0, grouping=True)
    noun = next((column for column in UNIT_RANK_COLUMNS if column in frame.columns), None)
    if noun is not None:  # 同为1个 / also at 1 issue: of the grouped chart's two series, the one it ranks by
        value = i18n.t(f"export.count.{noun}.{'one' if cut.tied_at == 1 else 'other'}", lang, n=value)
    key += "_one" if cut.tied_in_rest == 1 else ""  # "1 more unit … is", not "1 more units … are"
    return i18n.t(key, lang, count=fixed(cut.tied_in_rest, 0, grouping=True), value=value, rest=rest)


_LEAST_TEXT_PX = 13  # the least size of a donut's words (centre, slices): 10 pt when printed (test_marking)
# A part of a stack too thin for its count at that size shows none (its count is in the hover, the stack's total
# above it): Plotly shrank a 1 in a sliver of a stack to ~5 px, a speck on the screen and on paper.
_HIDE_THIN_COUNTS = dict(minsize=_LEAST_TEXT_PX, mode="hide")


def parts_drawn(frame: pd.DataFrame, series: Sequence[Series]) -> list[Series]:
    """The parts of a stacked whole that have something in the frame: a status or form with no record in view
    draws no bar, so it gets no coloured legend entry either (a swatch beside no bar); the legend names it with its 0
    instead (``add_none_entry``). A frame with nothing at all keeps every part (the empty chart says so itself)."""
    shown = [part for part in series if frame[part[0]].fillna(0).to_numpy().any()]
    return shown or list(series)


def add_none_entry(
    figure: go.Figure,
    frame: pd.DataFrame,
    series: Sequence[Series],
    lang: str,
    plot_left: float = 70,
    plot_right: float | None = None,
) -> None:
    """A legend entry without a colour naming the kinds of ``series`` with none in ``frame`` (借调参与办案：0, 未整改：0;
    ``none_entry``): a leader reading the legend sees that the kind exists and had none. Nothing where every kind
    has some, or none has any (the empty chart says so itself). ``plot_left``, ``plot_right``: the chart's margins
    (the template's where not given), between which its legend is drawn."""
    drawn = {column for column, _, _ in parts_drawn(frame, series)}
    kinds = [(i18n.label(key, lang), column in drawn) for column, key, _ in series]
    none_entry.add(figure, kinds, lang, plot_left, plot_right)


# The thickness asked for each bar of a group across (a unit's issues beside its suggestions): room for its value
# label outside it, a line of 14 px type and a little air, at the default bar gap.
GROUPED_BAR_PX = 24


def unit_bars(
    frame: pd.DataFrame,
    lang: str,
    title_key: str,
    series: Sequence[Series],
    *,
    stacked: bool,
    axis_key: str,
    name_the_none: bool = False,
) -> go.Figure:
    """Horizontal bars, one row per unit (first row of the frame on top); ``customdata`` holds the unit id.
    ``axis_key`` titles the value axis with what is counted and its unit (指出问题（个）), never a bare 数量.
    ``name_the_none``: the kinds with none in view are named in the legend (``add_none_entry``)."""
    columns = [column for column, _, _ in series]
    title = i18n.t(title_key, lang)
    tie_note = tie_in_rest_note(frame, columns, lang, "chart.tie_in_rest_suffix")
    if tie_note:
        title = f"{title}{tie_note}"
    frame = top_units(frame, columns)
    ordered = frame.iloc[::-1]
    names, full_names = unit_labels(ordered, lang)
    row_totals = frame[columns].sum(axis=1) if stacked else frame[columns].max(axis=1)
    total = row_totals.max()
    rest_cut = _rest_cut(frame, row_totals)
    figure = go.Figure()
    # A stack's rest row cut at the plot's end showed only its first part, as if all of it were that kind (582 ▸ in
    # 定期会商's red, of 233 consultations in all); drawn whole in one slate bar it lost what the chart is about (how
    # many of the rest's issues are still open) and had no legend entry. Its parts are drawn in their own colours,
    # each its share of the plot's width, with its count in it and in the hover (the trace's ``meta``,
    # ``REST_ROW_VALUE``).
    rest_apart = stacked and rest_cut is not None
    rest_total = float(row_totals.iloc[-1]) if rest_apart else 0.0
    for column, label_key, colour in parts_drawn(frame, series) if stacked else reversed(series):
        labels = count_labels(ordered[column])
        values = ordered[column].tolist()
        meta = None
        if rest_cut is not None and not stacked:
            labels[0] = (
                ""  # the rest row (first from the bottom) runs past the plot: its figures are written at its end
            )
        if rest_apart and rest_cut is not None:
            meta = {REST_ROW_VALUE: values[0]}
            values[0] = (values[0] or 0) / rest_total * rest_cut * _REST_CUT_ROOM if rest_total else 0
        template = hover("%{hovertext}: %{x:,}<extra>%{fullData.name}</extra>", lang)
        hovers: str | list[str] = template
        if meta is not None:  # the cut rest row's true count, not its share of the plot's width
            true_count = fixed(meta[REST_ROW_VALUE], 0, grouping=True)
            rest = hover("%{hovertext}: %{meta}<extra>%{fullData.name}</extra>", lang).replace("%{meta}", true_count)
            hovers = [rest] + [template] * (len(values) - 1)
        figure.add_bar(
            y=names,
            x=values,
            orientation="h",
            name=i18n.label(label_key, lang),
            marker_color=colour,
            text=labels,
            textposition="inside" if stacked else "outside",
            insidetextfont=dict(color=inside_text_colour(colour)),
            textangle=0,
            insidetextanchor="middle",
            cliponaxis=False,
            customdata=ordered["unit_id"],
            hovertext=full_names,
            hovertemplate=hovers,
            meta=meta,
        )
    left, right = left_margin_for(names, UNIT_LABEL_FONT), 40
    if rest_apart and rest_cut is not None:
        _clear_of_the_rest_total(figure, rest_total, CARD_WIDTH_PX - left - right)
    if name_the_none and stacked:  # broken for the plot between the margins the figure is given below
        add_none_entry(figure, frame, series, lang, plot_left=left, plot_right=right)
    pitch = 34 if stacked else GROUPED_BAR_PX * len(series)  # a unit's row: the least plot is as many of them
    value_axis: dict = {}
    axis_title = fitted_axis_title(i18n.t(axis_key, lang), CARD_WIDTH_PX - left - right, right)
    if rest_cut is not None:
        total = rest_cut
        value_axis["range"] = [0, rest_cut * _REST_CUT_ROOM]
        rest = frame.iloc[-1]
        # side by side, each bar's figure on a line of its own, level with it (the first series on top); a stack,
        # its total, as over the others: on one line beside a phone's unit names "14,509 / 15,189" ran into them
        figures = [rest[column] for column in columns] if not stacked else [row_totals.iloc[-1]]
        figure.add_annotation(
            x=rest_cut * _REST_CUT_ROOM,
            y=names[0],
            xanchor="right",
            # ▸ only after a bar that runs past the plot's end: the rest's 0 issues beside its 6 suggestions read
            # "0 ▸", as if cut
            text="<br>".join(
                f"{fixed(value, 0, grouping=True)}{' ▸' if value > rest_cut * _REST_CUT_ROOM else ''}"
                for value in figures
            ),
            showarrow=False,
            bgcolor="rgba(255,255,255,0.9)",
            font=dict(size=UNIT_LABEL_FONT),
        )
    figure = base_layout(
        figure,
        title,
        barmode="stack" if stacked else "group",
        height=340,
        plot_px=pitch * len(frame),
        xaxis=dict(
            title=axis_title,
            **ticks_across(total, CARD_WIDTH_PX - left - right, MOST_TICKS_ACROSS),
            **value_axis,
        ),
        yaxis=dict(title=None, tickfont=dict(size=UNIT_LABEL_FONT)),
        legend=dict(traceorder="normal" if stacked else "reversed"),
        # a stack of one part still says what its colour is (Plotly hides the legend of a single trace: one grey
        # bar of 已提出 read as nothing in particular)
        showlegend=True,
        clickmode="event+select",
        margin=dict(l=left, r=right, b=TEMPLATE.layout.margin.b + AXIS_TITLE_LINE_PX * axis_title.count("<br>")),
        uniformtext=_HIDE_THIN_COUNTS if stacked else None,
        # the ticks and title above are a phone's card's: the page and the pictures fit them to their width
        meta=ticks.value_axis_note(total, MOST_TICKS_ACROSS, i18n.t(axis_key, lang), TEMPLATE.layout.margin.b),
    )
    return _no_slabs(figure, pitch)


# Where the rest row (``top_units``: 484 other units together) is more than this many times the largest unit, its
# bar runs past the plot's end, the plot scaled to the units (room ``_REST_CUT_ROOM`` for their labels), its figures
# written at the end (9,775 ▸): at the province's scale the units' bars were slivers beside it, their labels gone.
_REST_CUT_OVER = 1.5
_REST_CUT_ROOM = 1.3


def _rest_cut(frame: pd.DataFrame, row_totals: pd.Series) -> float | None:
    """The largest unit's total where the frame's last row adds up the other units and outgrows it; else None."""
    if len(frame) < 2 or frame["unit_id"].iloc[-1] != "":
        return None
    largest = float(row_totals.iloc[:-1].max())
    return largest if largest > 0 and row_totals.iloc[-1] > _REST_CUT_OVER * largest else None


def _clear_of_the_rest_total(figure: go.Figure, total: float, plot_px: float) -> None:
    """No count on a part of the cut rest row where, on a phone's card (``plot_px`` wide), it would run under the
    total written over the bar's end (其他489家单位 read "9 1,478 ▸", of 980 rectified): its count is in the hover.
    Worked out at the phone's width, so a wider picture (a document's) leaves it out too."""
    parts = [trace for trace in figure.data if trace.type == "bar" and trace.x is not None and trace.x[0]]
    end = sum(float(trace.x[0]) for trace in parts)  # the plot's end: the parts fill it
    if not end:
        return
    clear_px = plot_px - label_width(f"{fixed(total, 0, grouping=True)} ▸", UNIT_LABEL_FONT) - 8
    start = 0.0
    for trace in parts:
        label = str(trace.text[0]) if trace.text is not None else ""
        centre_px = (start + float(trace.x[0]) / 2) / end * plot_px
        if label and centre_px + label_width(label, _LEAST_TEXT_PX) / 2 > clear_px:
            trace.text = ["", *list(trace.text)[1:]]
        start += float(trace.x[0])


# In the ``meta`` of a stack's part whose rest row is cut at the plot's end (``unit_bars``): the rest's true count of
# that part; its bar there is drawn as its share of the plot's width.
REST_ROW_VALUE = "rest_row_value"


def bar_values(trace: object) -> list[float]:
    """A bar trace's counts, row by row: its ``x``, but the rest row's true count where that row is cut at the plot's
    end and drawn as its share of it (``REST_ROW_VALUE``)."""
    values = [0.0 if is_missing(value) else float(value) for value in (getattr(trace, "x", None) or ())]
    meta = getattr(trace, "meta", None)
    if isinstance(meta, dict) and REST_ROW_VALUE in meta and values:
        values[0] = float(meta[REST_ROW_VALUE] or 0)
    return values


_BAR_SHARE = 0.8  # of a row, a bar's thickness at Plotly's own gap between rows (0.2)
_CATEGORY_ROW_PX = 40  # a category's row in a chart of many


ROW_PX_META = "oversight_row_px"  # in the layout's meta of bars across: a row's height the builder asked for


def _no_slabs(figure: go.Figure, pitch_px: float) -> go.Figure:
    """``figure`` (changed in place) with its bars across no thicker than at ``pitch_px`` a row: a chart's least
    height shared by one unit or three categories drew each bar as a slab (one unit's issues and suggestions, two
    red and blue blocks filling the picture); the gap between the rows takes the rest of the room. The row's height
    is kept in the layout's ``meta`` (``row_px``), for a picture of another height to work the gap out again."""
    meta = figure.layout.meta if isinstance(figure.layout.meta, dict) else {}
    figure.layout.meta = {**meta, ROW_PX_META: pitch_px}
    return bars_no_thicker(figure)


def row_px(figure: go.Figure) -> float | None:
    """The height of a row of bars across the builder asked for (``_no_slabs``); None for any other chart."""
    meta = figure.layout.meta
    value = meta.get(ROW_PX_META) if isinstance(meta, dict) else None
    return float(value) if value else None


def bars_no_thicker(figure: go.Figure, height: float | None = None) -> go.Figure:
    """``figure`` (changed in place), where it has bars across of a known row (``row_px``), with its bars as thick as
    at that row in a picture ``height`` px tall (the figure's own height unless given): the gap worked out for the
    screen's height left one unit's bar a slab 50 to 130 px thick in a document's picture of another height, and
    in a card's 16:9 download (720 px) a slab of 140."""
    pitch = row_px(figure)
    bars = [trace for trace in figure.data if trace.type == "bar" and trace.orientation == "h"]
    if pitch is None or not bars:
        return figure
    rows = max(len(bars[0].y) if bars[0].y is not None else 0, 1)
    per_row = _plot_height(figure, height) / rows
    figure.layout.bargap = round(1 - _BAR_SHARE * pitch / per_row, 3) if per_row > pitch else None
    return figure


# A quarter's column of upright bars, at most: about a year's quarter in a card's 16:9 picture (1280 px over four)
QUARTER_COLUMN_MAX_PX = 300


def bars_no_wider(figure: go.Figure, width: float) -> go.Figure:
    """``figure`` (changed in place), where it has upright bars, with each quarter's bars no wider together than in a
    column of ``QUARTER_COLUMN_MAX_PX`` in a picture ``width`` px wide: one quarter's four kinds of activity were four
    slabs 170 px wide across a card's picture, and a quarter beside its year before two of 350 px."""
    bars = [trace for trace in figure.data if trace.type == "bar" and trace.orientation != "h"]
    if not bars:
        return figure
    columns = max(len({value for trace in bars for value in (trace.x if trace.x is not None else ())}), 1)
    layout = figure.layout
    left = layout.margin.l if layout.margin.l is not None else TEMPLATE.layout.margin.l
    right = layout.margin.r if layout.margin.r is not None else TEMPLATE.layout.margin.r
    per_column = (width - left - right) / columns
    if per_column > QUARTER_COLUMN_MAX_PX:
        layout.bargap = round(1 - _BAR_SHARE * QUARTER_COLUMN_MAX_PX / per_column, 3)
    return figure


def heatmap_rows_on_axis(figure: go.Figure, height: float | None = None) -> go.Figure:
    """``figure`` (changed in place), where it is a heatmap, with its rows of cells no taller than a unit's row
    (``HEATMAP_ROW_PX``) in a picture ``height`` px tall (the figure's own height unless given): one unit's quarters
    were one red block filling the picture. The rows sit on the quarters' axis and the room left is above them: a
    single row centred in the plot left its quarter ticks far below it."""
    if not figure.data or figure.data[0].type != "heatmap":
        return figure
    rows = len(figure.data[0].y)
    layout = figure.layout
    top = layout.margin.t if layout.margin.t is not None else TEMPLATE.layout.margin.t
    bottom = layout.margin.b if layout.margin.b is not None else TEMPLATE.layout.margin.b
    room = ((height or layout.height or 450) - top - bottom) / HEATMAP_ROW_PX  # the rows the plot holds
    layout.yaxis.range = [-0.5, room - 0.5] if room > rows + 0.05 else None
    return figure


def _plot_height(figure: go.Figure, height: float | None = None) -> float:
    layout = figure.layout
    top = layout.margin.t if layout.margin.t is not None else TEMPLATE.layout.margin.t
    bottom = layout.margin.b if layout.margin.b is not None else TEMPLATE.layout.margin.b
    return (height or layout.height or 450) - top - bottom


def code_bars(
    frame: pd.DataFrame,
    lang: str,
    title_key: str,
    code_column: str,
    value_column: str,
    choices: dict[str, str],
    colour: str = COLOURS["primary"],
    *,
    axis_key: str,
) -> go.Figure:
    """Horizontal bars per enumeration code (category, source …), labelled in the user's language."""
    ordered = frame.iloc[::-1]
    labels = [i18n.choice_label(choices, code, lang) for code in ordered[code_column]]
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=ordered[value_column],
            orientation="h",
            marker_color=colour,
            text=count_labels(ordered[value_column]),
            textposition="outside",
            cliponaxis=False,
            customdata=ordered[code_column],
            hovertemplate=hover("%{y}: %{x:,}<extra></extra>", lang),
        )
    )
    left, right = left_margin_for(labels), 40
    top = frame[value_column].max()
    figure = base_layout(
        figure,
        i18n.t(title_key, lang),
        height=max(300, 90 + _CATEGORY_ROW_PX * len(frame)),
        showlegend=False,
        xaxis=dict(title=i18n.t(axis_key, lang), **ticks_across(top, CARD_WIDTH_PX - left - right, MOST_TICKS_ACROSS)),
        yaxis=dict(title=None),
        clickmode="event+select",  # a click on a bar selects it: the page opens the list behind it
        margin=dict(l=left, r=right),
        # the ticks are a phone's card's: the page and the pictures fit them to their width
        meta=ticks.value_axis_note(top, MOST_TICKS_ACROSS, i18n.t(axis_key, lang), TEMPLATE.layout.margin.b),
    )
    return _no_slabs(figure, _CATEGORY_ROW_PX)


# The hole of a donut, and the width its centre's words may take: on a phone's card the ring, shrunk by the
# outside labels, is about 160 px across, its hole ~100 px at 0.6; "意见建议总数" and "Suggestions" at 16 px ran
# over the ring (red words on the red slice) in a hole of 0.5.
_DONUT_HOLE = 0.5
_CENTRE_TEXT_PX = 84
_CENTRE_FONT = 16
_DONUT_SIDES = (30, 30)  # a donut's left and right margins: its legend's row runs between them


def _centre_font_size(word: str) -> int:
    """The centre's type size: 16 px, smaller where the word would be wider than the hole on a phone."""
    fitting = int(_CENTRE_FONT * _CENTRE_TEXT_PX / max(label_width(word, _CENTRE_FONT), 1))
    return max(_LEAST_TEXT_PX, min(_CENTRE_FONT, fitting))


def donut(
    frame: pd.DataFrame,
    lang: str,
    title_key: str,
    code_column: str,
    value_column: str,
    label_of,
    colours: dict[str, str] | None = None,
    *,
    codes: Sequence[str],
    total_key: str,
    unit_key: str,
) -> go.Figure:
    """A donut with the total in the middle, saying what it counts (日常提醒总数 42次); ``label_of(code, lang)``
    names each slice. Shares are the app's own, rounded half up like every other figure (not Plotly's).

    ``codes``: every form or status the donut can have, in order; those with none in view draw no slice (nor a
    coloured entry) and the legend names them with their 0, as the bar charts' legends do (``none_entry``).
    ``colours`` (code → colour) keeps a status the same colour here as in the page's other charts.
    """
    drawn = [(code, int(value)) for code, value in zip(frame[code_column], frame[value_column]) if value > 0]
    values = [value for _, value in drawn]
    slice_shares = shares(values)
    # The legend names each slice with its count and share; the slice carries its share, inside the ring. Labels
    # outside the ring needed Plotly's automargin, which laid the donut out six times a draw (30–40 ms on every
    # filter change, against 4–10 ms) and still left a phone's donut small and its labels cramped. A slice too
    # thin for its share at the charts' least type size shows none: the legend still says it.
    names = [
        i18n.t("chart.slice_label", lang, label=label_of(code, lang), value=fixed(value, 0, grouping=True), share=share)
        for (code, value), share in zip(drawn, slice_shares)
    ]
    fills = [colours.get(code, COLOURS["muted"]) for code, _ in drawn] if colours else SEQUENCE[: len(drawn)]
    figure = go.Figure(
        go.Pie(
            labels=names,
            values=values,
            hole=_DONUT_HOLE,
            sort=False,
            direction="clockwise",
            marker=dict(colors=fills),
            textposition="inside",
            insidetextfont=dict(color=[inside_text_colour(fill) for fill in fills]),
            insidetextorientation="horizontal",
            automargin=False,  # nothing outside the ring to make room for: one layout a draw
            text=slice_shares,
            textinfo="text",
            hovertemplate="%{label}<extra></extra>",
        )
    )
    if values:  # a donut of nothing says so itself
        with_some = {code for code, _ in drawn}
        none_entry.add(figure, [(label_of(code, lang), code in with_some) for code in codes], lang, *_DONUT_SIDES)
    total = i18n.t(unit_key, lang, value=fixed(sum(values), 0, grouping=True))
    word = i18n.t(total_key, lang)
    figure.add_annotation(
        text=f"{word}<br><b>{total}</b>",
        x=0.5,
        y=0.5,
        showarrow=False,
        font=dict(size=_centre_font_size(word), color=COLOURS["primary"]),
    )
    # the "…: 0" entry is a scatter trace: its (empty) axes are not drawn around the ring
    axes = dict(visible=False) if len(figure.data) > 1 else {}
    return base_layout(
        figure,
        i18n.t(title_key, lang),
        height=400,
        margin=dict(b=24, l=_DONUT_SIDES[0], r=_DONUT_SIDES[1]),
        uniformtext=_HIDE_THIN_COUNTS,
        xaxis=axes,
        yaxis=axes,
    )


def quarter_bars(
    frame: pd.DataFrame,
    lang: str,
    title_key: str,
    series: Sequence[Series],
    *,
    axis_key: str,
    stacked: bool = True,
    name_the_none: bool = False,
) -> go.Figure:
    """Bars per quarter, stacked or side by side; a part (a kind) with none in view draws no bar and gets no coloured
    legend entry either way, and where ``name_the_none`` the legend names it as having none (``add_none_entry``)."""
    labels = quarter_labels(frame, lang)
    values = frame[[column for column, _, _ in series]]
    highest = float((values.sum(axis=1) if stacked else values.max(axis=1)).max())
    figure = go.Figure()
    for column, label_key, colour in parts_drawn(frame, series):
        figure.add_bar(
            x=labels,
            y=frame[column],
            name=i18n.label(label_key, lang),
            marker_color=colour,
            text=count_labels(frame[column]),
            textposition="inside" if stacked else "outside",
            insidetextfont=dict(color=inside_text_colour(colour)),
            textangle=0,
            hovertemplate=hover("%{x}: %{y:,}<extra>%{fullData.name}</extra>", lang),
        )
    if name_the_none:
        add_none_entry(figure, frame, series, lang)
    yaxis: dict = dict(title=i18n.t(axis_key, lang), **count_ticks(highest, MOST_TICKS_UP))
    if stacked and highest > 0:
        # each quarter's total over its stack (a reader added 5 + 6 + 3 in their head), in room of its own above
        # the highest: the tallest stack touched the plot's top, right under the legend
        totals = values.sum(axis=1, min_count=1)
        parts = (values.fillna(0) > 0).sum(axis=1)
        for label, total, text, count in zip(labels, totals, count_labels(totals), parts):
            # a stack of one part already says its count inside it, unless that part is too short for it (at the
            # least plot of 200 px): "1" stood over "1"
            if text and not (count == 1 and float(total) / (highest * 1.15) * MIN_PLOT_PX >= 2 * _LEAST_TEXT_PX):
                figure.add_annotation(
                    x=label, y=float(total), text=text, showarrow=False, yanchor="bottom", font=dict(size=13)
                )
        yaxis.update(range=[0, highest * 1.15], **ticks_below(highest, count_ticks(highest * 1.15, MOST_TICKS_UP)))
    return base_layout(
        figure,
        i18n.t(title_key, lang),
        barmode="stack" if stacked else "group",
        height=400,
        xaxis=quarter_axis(labels, frame, lang),
        yaxis=yaxis,
        legend=dict(traceorder="normal"),  # stacked bars would otherwise list the series backwards
        showlegend=True,  # as ``unit_bars``: one part drawn still names its colour
        uniformtext=_HIDE_THIN_COUNTS if stacked else None,
    )


def compares_within(frame: pd.DataFrame) -> bool:
    """Whether the range holds a quarter and the same quarter a year earlier (two years side by side): the year-earlier
    figures are then the range's own bars and points, and nothing says 上年同期无可比数据 over them."""
    keys = {int(key) for key in frame["quarter_key"]} if "quarter_key" in frame.columns else set()
    return any(key - 10 in keys for key in keys)


def with_earlier_bars_of_the_range(frame: pd.DataFrame, value: str, previous: str) -> pd.DataFrame:
    """``previous`` filled, where the query left it blank because the quarter a year earlier is itself a bar of the
    range (drawn once), with that bar's figure: what the change over a bar and the reading compare with. Over
    2019Q1–2020Q4 the chart said n/a and the reading 上年同期无可比数据 over 2020 bars each below 2019's. A quarter
    the data stop inside is not set against a whole one: the query gives it its own year earlier, cut at the same day."""
    if "quarter_key" not in frame.columns or "through_day" not in frame.columns:
        return frame
    quarters = [Quarter.from_key(int(key)) for key in frame["quarter_key"]]
    bars = dict(zip(quarters, frame[value]))
    filled = [
        bars.get(quarter.shift(-4), earlier)
        if is_missing(earlier) and quarter.reached_by(through) == "whole"
        else earlier
        for quarter, through, earlier in zip(quarters, frame["through_day"], frame[previous])
    ]
    numbers = [float("nan") if is_missing(figure) else float(figure) for figure in filled]
    return frame.assign(**{previous: pd.Series(numbers, index=frame.index, dtype="float64")})


def add_no_comparison_note(figure: go.Figure, lang: str, key: str = "chart.note.no_comparison") -> None:
    """上年同期无可比数据 at the plot's top left, where a chart has no year-earlier figure in its whole range (or
    another note on the comparison, ``key``, in the same place)."""
    figure.add_annotation(
        xref="paper",
        yref="paper",
        x=0,
        y=1,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        text=i18n.t(key, lang),
        font=dict(color=COLOURS["muted_text"], size=12),
    )


def line_range(labels: Sequence[str]) -> list[float]:
    """A category axis of lines with half a quarter of room at each end: at the edge, the first quarter's label
    sat under the value axis's 0 (02020年) and the first point on the axis line."""
    return [-0.5, len(labels) - 0.5]


_OVERLAID_WIDTHS = (4.5, 3, 1.8)
_OVERLAID_MARKERS = (("circle", 12), ("square", 9), ("diamond", 6))
# A thinner line over a wider one left 0.6 px of the wider one showing either side: 列席 (blue) under 合并召开
# (amber) at 25.0% → 33.3% (省外办, 2020) read as one olive line. Each later line is dashed too, so the line under it
# shows through its gaps, on screen and in the pack's pictures, and in a grey print each line keeps its own pattern.
_OVERLAID_DASHES = ("solid", "dash", "dot")
# Two lines (this year's and the year before's) keep their value labels; the later one's marker is smaller, so at a
# quarter where both are the same the first one's shows round it (two 8 px dots were one).
_PAIR_MARKER_SIZES = (8, 5)


def quarter_lines(
    frame: pd.DataFrame,
    lang: str,
    title_key: str,
    series: Sequence[Series],
    *,
    axis_key: str,
    percent: bool = False,
    dashed: Sequence[str] = (),
) -> go.Figure:
    """One line per series over the quarters; columns in ``dashed`` are drawn dashed (the year before)."""
    labels = quarter_labels(frame, lang)
    figure = go.Figure()
    suffix = "%" if percent else ""
    # with more than two lines the value labels collide; the hover still gives every value
    mode = "lines+markers+text" if len(series) <= 2 else "lines+markers"
    many = len(series) > 2
    for index, (column, label_key, colour) in enumerate(series):
        raw = frame[column].astype("float64")
        if raw.isna().all() and column in dashed and any(frame[c].notna().any() for c, _, _ in series if c != column):
            # no year-earlier figure anywhere in the range: a legend entry for a line that is not drawn read as if
            # there were one. The note says so, as the bars do, unless the range compares within itself (two years:
            # 2020's year earlier is the 2019 the chart draws)
            if not compares_within(frame):
                add_no_comparison_note(figure, lang)
            continue
        if many:
            # without value labels two lines at the same value drew as one (列席 and 合并 both 21.2%: the yellow hid
            # the blue): each later line is thinner, its marker smaller and of its own shape, so one drawn over
            # another leaves the first showing round it
            symbol, size = _OVERLAID_MARKERS[index % 3]
            marker = dict(size=size, symbol=symbol)
            width, dash = _OVERLAID_WIDTHS[index % 3], _OVERLAID_DASHES[index % 3]
        else:
            width, marker = 3, dict(size=_PAIR_MARKER_SIZES[index % 2])
            dash = "dash" if column in dashed else "solid"
        # labels from the raw value, rounded once, half up, to the tenth the card and the reading write (73.3): a
        # slide's 70 beside its reading's 69.5分钟 read as two figures; a whole number keeps no ".0"
        figure.add_scatter(
            x=labels,
            y=rounded(raw, 1),
            name=i18n.label(label_key, lang),
            mode=mode,
            line=dict(color=colour, width=width, dash=dash),
            marker=marker,
            text=[
                (fixed(v, 1) if percent else plain(v, 1, grouping=True)) + suffix if not is_missing(v) else ""
                for v in raw
            ],
            textposition="top center",
            # a point at the axis's 0 (a quarter in which none of a unit's meetings was merged) is drawn whole, not
            # as the half of its marker above the plot's bottom edge; with value labels (two lines) the labels stay
            # clipped to the plot, and those lines (meeting lengths) have no 0
            cliponaxis=not many,
            hovertemplate=hover(f"%{{x}}: %{{y:,}}{suffix}<extra>%{{fullData.name}}</extra>", lang),
        )
    # room above the highest point for its value label (Plotly's own range ends at the point, cutting "115")
    highest = max((float(frame[column].max()) for column, _, _ in series if frame[column].notna().any()), default=0.0)
    top = 105.0 if percent else max(highest, 1.0) * 1.15
    return base_layout(
        figure,
        i18n.t(title_key, lang),
        height=400,
        # the hover names every line's value at the quarter pointed at: at the closest point it named only the line
        # drawn on top where two share a value
        hovermode="x",
        xaxis=quarter_axis(labels, frame, lang, range=line_range(labels)),
        yaxis=dict(
            title=i18n.t(axis_key, lang), range=[0, top], **({} if percent else count_ticks(top, MOST_TICKS_UP))
        ),
    )


# Room above a small chart's highest point for its value label, under the chart's own title: in a document the
# picture is 0.8 of the screen's height, a small chart about 60 px high, and a label (its 13 px line, half the
# marker and a gap) about 23 px; with 1.35 the label of a point near the top ("87") touched the title above it
_SMALL_CHART_HEADROOM = 1.75


def quarter_small_multiples(
    frame: pd.DataFrame, lang: str, title_key: str, series: Sequence[tuple[str, str, str, str]]
) -> go.Figure:
    """One small line chart per series, stacked over the same quarters, each on its own scale and titled with
    what it counts and its unit (``series``: column, series name key, colour, axis title key). On one shared
    axis a unit's 90 meetings flatten its 3 issues and 4 suggestions into one line along the bottom."""
    from plotly.subplots import make_subplots

    labels = quarter_labels(frame, lang)
    figure = make_subplots(
        rows=len(series),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.09,
        subplot_titles=[i18n.t(axis_key, lang) for _, _, _, axis_key in series],
    )
    for row, (column, label_key, colour, _) in enumerate(series, start=1):
        raw = frame[column].astype("float64")
        figure.add_scatter(
            x=labels,
            y=rounded(raw, 1),
            name=i18n.label(label_key, lang),
            mode="lines+markers+text",
            line=dict(color=colour, width=3),
            marker=dict(size=7),
            text=[fixed(v, 0, grouping=True) if not is_missing(v) else "" for v in raw],
            textposition="top center",
            cliponaxis=False,
            hovertemplate=hover("%{x}: %{y:,}<extra>%{fullData.name}</extra>", lang),
            row=row,
            col=1,
        )
        top = max(float(raw.max()) if raw.notna().any() else 0.0, 1.0) * _SMALL_CHART_HEADROOM
        figure.update_yaxes(range=[0, top], **count_ticks(top, MOST_TICKS_SMALL), row=row, col=1)
    figure.update_xaxes(type="category", showticklabels=False, range=line_range(labels))
    figure.update_xaxes(quarter_axis(labels, frame, lang), showticklabels=True, row=len(series), col=1)
    figure.update_annotations(font=dict(size=14), x=0.0, xanchor="left")  # each small chart's title, at its left
    return base_layout(
        figure, i18n.t(title_key, lang), height=110 + 150 * len(series), showlegend=False, margin=dict(t=80)
    )


def heatmap_rows(totals: pd.Series) -> pd.Index:
    """The units a heatmap draws, by the labels of ``totals`` (each unit's count over the quarters, in the units
    sheet's order): beyond ``MAX_UNIT_ROWS`` those with the most, a tie going to the first in the sheet. The
    briefing's reading ranks the same units, so that it names none the picture leaves out."""
    return totals.nlargest(MAX_UNIT_ROWS).index if len(totals) > MAX_UNIT_ROWS else totals.index


def heatmap_tie_left_out(totals: pd.Series) -> tuple[int, float]:
    """How many units the heatmap leaves out though they held as many as the fewest drawn (``heatmap_rows``: a tie
    at the cut goes to the first in the sheet), and that figure; (0, 0) where none is."""
    if len(totals) <= MAX_UNIT_ROWS:
        return 0, 0.0
    drawn = totals.loc[heatmap_rows(totals)]
    cut = drawn.min()
    return int((totals == cut).sum() - (drawn == cut).sum()), float(cut)


def heatmap_tie_words(totals: pd.Series, lang: str, key: str) -> str:
    """The words (``key``: the title's suffix or the reading's sentence) for the units left out of the heatmap at
    the figure of the fewest drawn: 另有3家单位同为12次，未列出; else ""."""
    left, cut = heatmap_tie_left_out(totals)
    if not left:
        return ""
    value = fixed(cut, 0, grouping=True)
    value = i18n.t(f"export.count.meetings.{'one' if cut == 1 else 'other'}", lang, n=value)
    # none held as a figure read "同为0次" (also at 0 meetings): said in words, as the reading says the fewest's none;
    # one unit left out takes its own English wording ("1 more unit … is", not "1 more units … are")
    key += ("_none" if cut == 0 else "") + ("_one" if left == 1 else "")
    return i18n.t(key, lang, count=fixed(left, 0, grouping=True), value=value)


def unit_quarter_heatmap(frame: pd.DataFrame, lang: str, title_key: str, value_column: str) -> go.Figure:
    """Units down, quarters across, the count in every cell (the units sheet's order, first on top).

    With more than ``MAX_UNIT_ROWS`` units only those with the most are drawn, and the title says so.
    """
    # one row per unit and quarter; a quarter after the data date stays unknown (NaN), not 0
    frame = (
        frame.assign(short_name_en=frame["short_name_en"].fillna(""))
        if "short_name_en" in frame
        else frame.assign(short_name_en="")
    )
    table = frame.pivot(
        index=["ordinal", "unit_id", "name_zh", "name_en", "short_name_en"], columns="quarter_key", values=value_column
    ).astype("float64")
    title = i18n.t(title_key, lang)
    if len(table) > MAX_UNIT_ROWS:
        totals = table.sum(axis=1)
        table = table.loc[heatmap_rows(totals)]
        # units with as many meetings as the fewest drawn, left out (a tie at the cut): "the 20 with most" was false
        tie = heatmap_tie_words(totals, lang, "chart.heatmap_tie")
        key = "chart.top_units_tie_suffix" if tie else "chart.top_units_suffix"
        title = i18n.t(key, lang, title=title, count=MAX_UNIT_ROWS, tie=tie)
    table = table.sort_index(level="ordinal", ascending=False)
    names, full_names = unit_labels(table.index.to_frame(index=False), lang)
    quarters = frame.drop_duplicates("quarter_key").set_index("quarter_key").loc[list(table.columns)].reset_index()
    quarters = quarters.assign(year=quarters["quarter_key"] // 10, quarter=quarters["quarter_key"] % 10)
    columns = quarter_labels(quarters, lang)
    figure = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=columns,
            y=names,
            colorscale=heat_colorscale(),
            textfont=dict(color=HEAT_TEXT),  # one colour that reads on every cell (style.HEAT_SCALE)
            # the scale starts at no meetings, not at the fewest shown: one unit's 9, 9, 10, 10 drew the 9s as white
            # as an empty quarter, and a leader reads a pale cell as none
            zmin=0,
            zmax=max(1.0, float(np.nanmax(table.to_numpy()))) if table.notna().any().any() else 1.0,
            text=[[fixed(value, 0, grouping=True) for value in row] for row in table.to_numpy()],
            texttemplate="%{text}",
            hovertext=[[name] * len(columns) for name in full_names],
            hovertemplate=hover("%{hovertext} · %{x}: %{z:,}<extra></extra>", lang),
            showscale=False,  # every cell carries its number; a colour bar would only take width from the grid
        )
    )
    figure = base_layout(
        figure,
        title,
        # as tall as its rows, the title and the ticks need (base_layout adds their room to the plot's): at a fixed
        # 340 px one unit's row stood alone in the middle of a tall plot, its quarter ticks far below it
        height=1,
        plot_px=HEATMAP_ROW_PX * len(names),
        # a cell is narrower than a whole quarter's label beside the units' names: short ticks at any count
        # no grid lines: the cells cover them, but for the room left above one unit's row (``heatmap_rows_on_axis``)
        xaxis=quarter_axis(
            columns,
            quarters,
            lang,
            side="bottom",
            short_tick_font=QUARTER_TICK_FONT,  # 10 px was too small to read on screen (12 px at least)
            most_whole=0,
            showgrid=False,
        ),
        yaxis=dict(title=None, tickfont=dict(size=UNIT_LABEL_FONT), showgrid=False),
        # the bottom margin of every chart of quarters (the template's, or what the ticks need): at 50 px a document
        # picture's marking sat on the ticks' year line, "Internal — handle with care2020" under one unit's row
        margin=dict(l=left_margin_for(names, UNIT_LABEL_FONT)),
    )
    return heatmap_rows_on_axis(figure)


HEATMAP_ROW_PX = 34  # a unit's row of cells, as tall as a unit's row of bars
