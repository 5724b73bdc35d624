"""The Overview's figures and the ``ChartSpec`` that ties a chart to its query.

Builders are pure: a query's DataFrame in, a ``go.Figure`` out, carrying ``chart_style.TEMPLATE``
(re-exported here with the colours, as the export modules use them).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from oversight.charts import kinds, labels
from oversight.charts.style import (  # noqa: F401  (COLOURS re-exported for the briefing's documents)
    CARD_WIDTH_PX,
    COLOURS,
    MIN_PLOT_PX,
    SEQUENCE,
    TEMPLATE,
    base_layout,
    count_ticks,
    hover,
    label_width,
    quarter_axis,
    quarter_labels,
    ticks_below,
    year_earlier,
)
from oversight.contract.schema import CATEGORIES, REMINDER_FORMS
from oversight.core import i18n
from oversight.core.numbers import fixed, percent_change, signed

FORM_COLOURS = {"written": SEQUENCE[0], "in_person": SEQUENCE[1], "meeting": SEQUENCE[2]}


def make_issues_suggestions_by_unit_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Grouped bars per unit, issues beside suggestions; ``customdata`` holds the unit id for click-to-filter."""
    return kinds.unit_bars(
        frame,
        lang,
        "chart.issues_suggestions_by_unit",
        [("issues", "series.issues", COLOURS["primary"]), ("suggestions", "series.suggestions", COLOURS["secondary"])],
        stacked=False,
        axis_key="axis.issues_suggestions",
    )


def _above_the_bar_labels(top: float, row: int) -> dict[str, object]:
    """The row of changes, a fixed distance in pixels above the tallest bar's own label: placed at a share of the
    axis (116% of the tallest bar) it sat on the label 87 in a chart card of 1280 px, where the plot is short.
    ``row`` 0 is the lowest; a change in row ``n`` stands ``n`` rows higher (``_change_rows``)."""
    return dict(y=top, yanchor="bottom", yshift=_BAR_LABEL_PX + row * _CHANGE_ROW_PX, showarrow=False)


_BAR_LABEL_PX = 20  # a bar's count outside its end, at the layout's 13 px font, with a little air
_CHANGE_PX = 13  # a change's type (无可比 is written a size smaller)
# one row of changes above another: a line of the change's type and the least air between labels. At 16 px, less
# than the line, the two staggered rows of nine quarters on a phone stood one on the other, each change half over
# the next quarter's
_CHANGE_ROW_PX = math.ceil(_CHANGE_PX * labels.LINE_HEIGHT + labels.GAP_PX)
# More quarters than this and the changes lose their decimal (-31.0%, ~45 px)
_CHANGES_WITH_DECIMAL = 8


def _change_rows(texts: list[tuple[str | None, int]]) -> int:
    """The fewest rows the changes over the bars (each text with its font size, "" for none) take so that, on a
    phone's chart card, each stands apart from the next one in its row: change ``i`` goes in row ``i % rows``.
    Worked out at the narrowest card: the same rows are drawn at every width, and a wider one only has more air.
    By the count alone, two rows for more than four quarters, twelve quarters' -65% and -100% ran into one another
    in a row ("-65%-100%") on a phone."""
    plot_px = CARD_WIDTH_PX - TEMPLATE.layout.margin.l - TEMPLATE.layout.margin.r
    per_quarter = plot_px / max(len(texts), 1)
    for rows in range(1, len(texts) + 1):
        fits = True
        for row in range(rows):
            written = [
                (at, label_width(text, size)) for at, (text, size) in enumerate(texts) if at % rows == row and text
            ]
            for (left, left_w), (right, right_w) in zip(written, written[1:]):
                fits = fits and (right - left) * per_quarter >= (left_w + right_w) / 2 + labels.GAP_PX
        if fits:
            return rows
    return max(len(texts), 1)


def _change_headroom(rows: int) -> float:
    """The value axis's top, as a share of the tallest bar, that leaves room over it for its own label and ``rows``
    rows of changes on the least plot ``base_layout`` draws: the changes stay under the note above the plot."""
    above = _BAR_LABEL_PX + (rows - 1) * _CHANGE_ROW_PX + _CHANGE_PX * labels.LINE_HEIGHT + labels.GAP_PX
    return MIN_PLOT_PX / (MIN_PLOT_PX - above)


def make_meetings_by_quarter_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """This period's meetings beside the same quarter a year earlier, with the change in percent on top."""
    labels = quarter_labels(frame, lang)
    # unknown (before the records begin, or already a bar of the range) is NaN: no bar, no change label
    previous = frame["prev_meetings"].astype("float64")
    meetings = frame["meetings"].astype("float64")  # NaN for a quarter after the data date
    # the year-earlier bar's own label, cut at the same day where its quarter is: 2019年第3季度（截至8月14日）: 51,
    # not 2019年第3季度: 51 (the whole of it held 84)
    previous_labels = quarter_labels(year_earlier(frame), lang)
    figure = go.Figure()
    if previous.notna().any():
        figure.add_bar(
            x=labels,
            y=previous,
            name=i18n.t("series.meetings_prev", lang),
            marker_color=COLOURS["muted"],
            text=[fixed(v, 0, grouping=True) for v in previous],
            textposition="outside",
            customdata=previous_labels,
            hovertemplate=hover("%{customdata}: %{y:,}<extra></extra>", lang),
        )
    figure.add_bar(
        x=labels,
        y=meetings,
        name=i18n.t("series.meetings", lang),
        marker_color=COLOURS["primary"],
        text=[fixed(v, 0, grouping=True) for v in meetings],
        textposition="outside",
        hovertemplate=hover("%{x}: %{y:,}<extra></extra>", lang),
    )
    top = max(previous.fillna(0).max(), meetings.fillna(0).max(), 1)
    # the change over a bar: against the grey bar, or against the range's own bar a year earlier (no grey bar there)
    compared = kinds.with_earlier_bars_of_the_range(frame, "meetings", "prev_meetings")["prev_meetings"]
    # a recorded quarter with no year-earlier figure says so (无可比数据), rather than simply lacking a bar
    uncompared = meetings.notna() & compared.isna()
    # two years side by side compare within themselves: 2020's year earlier is the 2019 drawn beside it
    if uncompared.any() and previous.isna().all() and not kinds.compares_within(frame):
        kinds.add_no_comparison_note(figure, lang)
    digits = 1 if len(labels) <= _CHANGES_WITH_DECIMAL else 0
    changes = [percent_change(now, before) for now, before in zip(meetings, compared)]  # None for zero and unknown
    no_comparison = i18n.t("chart.note.no_comparison_short", lang)
    texts = [
        (signed(change, digits, "%"), _CHANGE_PX)
        if change is not None
        else (no_comparison if unknown and previous.notna().any() else "", _CHANGE_PX - 1)
        for change, unknown in zip(changes, uncompared)
    ]
    rows = _change_rows(texts)
    for index, (label, change, (text, _)) in enumerate(zip(labels, changes, texts)):
        place = _above_the_bar_labels(top, index % rows)
        if change is not None:
            figure.add_annotation(
                x=label,
                text=text,
                **place,
                # one grey, a rise as a fall, as the key-figure cards write every change: green for fewer meetings
                # judged a figure the cards leave unjudged, and read backwards to a Chinese reader (red is a rise)
                font=dict(color=COLOURS["muted_text"], size=_CHANGE_PX),
            )
        elif text:
            figure.add_annotation(
                x=label,
                text=text,
                **place,
                font=dict(color=COLOURS["muted_text"], size=_CHANGE_PX - 1),  # the least text on screen
            )
    if previous.isna().all() and any(
        percent_change(now, before) is not None for now, before in zip(meetings, compared)
    ):
        # no grey bar beside them (a range of two years compares within itself): the percentages over
        # the bars said nothing of what they were against
        kinds.add_no_comparison_note(figure, lang, "chart.note.change_vs_year_earlier")
    headroom = _change_headroom(rows)  # room above the bars for the rows of changes
    return base_layout(
        figure,
        i18n.t("chart.meetings_by_quarter", lang),
        barmode="group",
        height=420,
        yaxis=dict(
            title=i18n.t("axis.meetings", lang),
            range=[0, top * headroom],
            # ticks only as high as the bars reach: a tick beside the row of changes above them read, on a phone,
            # as one label with the first change ("100 -31.0%")
            **ticks_below(top * 1.05, count_ticks(top * headroom, kinds.MOST_TICKS_UP)),
        ),
        xaxis=quarter_axis(labels, frame, lang),
    )


def make_issues_by_category_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.code_bars(
        frame, lang, "chart.issues_by_category", "category", "issues", CATEGORIES, axis_key="axis.issues"
    )


def make_reminders_by_form_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.donut(
        frame,
        lang,
        "chart.reminders_by_form",
        "form",
        "reminders",
        lambda code, language: i18n.choice_label(REMINDER_FORMS, code, language),
        FORM_COLOURS,
        codes=tuple(REMINDER_FORMS),
        total_key="chart.total.reminders",
        unit_key="unit.times",
    )


def is_empty(frame: pd.DataFrame, value_columns: tuple[str, ...]) -> bool:
    """No rows, or nothing but zeros: a chart of it would say nothing."""
    return frame.empty or not frame[list(value_columns)].fillna(0).to_numpy().any()


@dataclass(frozen=True)
class ChartSpec:
    """One chart of a page: the query it reads, the builder that draws it, and the columns that hold its values."""

    key: str
    query: str
    build: Callable[[pd.DataFrame, str], go.Figure]
    value_columns: tuple[str, ...]
    # True where the bars carry unit ids in customdata: clicking one narrows the dashboard to that unit
    selects_unit: bool = False
    # what the chart counts, for the sentence that stands in its place when the view has none of it
    # (``empty.none_in_view.<nothing>``): 省政府参事室2020年第4季度未指出问题, not 暂无数据, which reads as the
    # unknown the charts mark （尚无数据） while the cards above say 0个
    nothing: str = "records"
    # a donut's: the column its slices are shares of. The chart's data file gives the shares beside the counts, as
    # the slices show them; a test finds the donuts by their figures and fails for one without it
    slices_of: str | None = None

    def title(self, lang: str) -> str:
        return i18n.t(f"chart.{self.key}", lang)

    @property
    def empty_key(self) -> str:
        """The locale key of the sentence shown instead of this chart when the view holds none of what it counts
        ({scope}, {period}: a page's ``in_view``). A view the charts are drawn for has begun (a range starting after
        the data date stops the page above them), so an empty chart is a count of zero, said as one."""
        return f"empty.none_in_view.{self.nothing}"


OVERVIEW_CHARTS = (
    ChartSpec(
        "issues_suggestions_by_unit",
        "issues_suggestions_by_unit",
        make_issues_suggestions_by_unit_figure,
        ("issues", "suggestions"),
        selects_unit=True,
        nothing="issues_suggestions",
    ),
    ChartSpec(
        "meetings_by_quarter",
        "meetings_by_quarter",
        make_meetings_by_quarter_figure,
        ("meetings", "prev_meetings"),
        nothing="meetings",
    ),
    ChartSpec(
        "issues_by_category", "issues_by_category", make_issues_by_category_figure, ("issues",), nothing="issues"
    ),
    ChartSpec(
        "reminders_by_form",
        "reminders_by_form",
        make_reminders_by_form_figure,
        ("reminders",),
        nothing="reminders",
        slices_of="reminders",
    ),
)
