"""The charts of each analysis page, as ``ChartSpec``s: which query feeds which builder.

The Overview's own charts stay in ``charts.OVERVIEW_CHARTS``; ``all_charts()`` lists every chart
once, in page order, for the briefing pack.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from oversight.charts import (
    FORM_COLOURS,
    OVERVIEW_CHARTS,
    ChartSpec,
    kinds,
    make_meetings_by_quarter_figure,
    ticks,
)
from oversight.charts.style import (
    CARD_WIDTH_PX,
    COLOURS,
    LEGEND_ROW_PX,
    SEQUENCE,
    TEMPLATE,
    base_layout,
    count_ticks,
    hover,
    left_margin_for,
    legend_rows,
    quarter_axis,
    quarter_labels,
    tick_room,
    ticks_across,
    unit_labels,
)
from oversight.contract.schema import CATEGORIES, ISSUE_SOURCES, ISSUE_STATUSES, SUGGESTION_STATUSES
from oversight.core import i18n, safe_text
from oversight.core.numbers import plain

# A status's place wherever statuses are listed (a stack from its base, a legend, a donut's slices, a table's columns,
# a reading): the contract's order, which reads as progress (未整改 → 整改中 → 已整改, 已提出 → 已采纳 → 已落实). The
# suggestions' two charts listed them in opposite orders, and the issues' stack against its own data file.
ISSUE_STATUS_ORDER = tuple(ISSUE_STATUSES)
ADOPTION_ORDER = tuple(SUGGESTION_STATUSES)
STATUS_COLOURS = {"open": COLOURS["primary"], "in_progress": COLOURS["accent"], "rectified": COLOURS["green"]}
ADOPTION_COLOURS = {"proposed": COLOURS["muted"], "adopted": COLOURS["secondary"], "implemented": COLOURS["green"]}
LINK_ORDER = ("linked", "standalone")  # following an issue, then stand-alone (the query's order)
LINK_COLOURS = {"linked": COLOURS["primary"], "standalone": COLOURS["secondary"]}
FORM_SERIES = [(form, f"code:{form}", colour) for form, colour in FORM_COLOURS.items()]
ACTIVITY_SERIES = [
    ("consultation", "code:consultation", SEQUENCE[0]),
    ("special_study", "code:special_study", SEQUENCE[1]),
    ("notification", "code:notification", SEQUENCE[2]),
    ("secondment", "code:secondment", SEQUENCE[3]),
]


# ---------------------------------------------------------------- meeting supervision


def make_meeting_duration_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.quarter_lines(
        frame,
        lang,
        "chart.meeting_duration_by_quarter",
        [
            ("avg_duration_min", "series.avg_duration", COLOURS["primary"]),
            ("prev_avg_duration_min", "series.avg_duration_prev", COLOURS["muted"]),
        ],
        axis_key="axis.minutes",
        dashed=("prev_avg_duration_min",),
    )


def with_meeting_shares(frame: pd.DataFrame) -> pd.DataFrame:
    """Merged, pre-reviewed and attended meetings as a percentage of the quarter's meetings."""
    shares = frame.copy()
    meetings = shares["meetings"].where(shares["meetings"] > 0)
    for column in ("merged", "prereviewed", "attended"):
        shares[f"{column}_pct"] = shares[column] / meetings * 100
    return shares


def make_meeting_shares_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.quarter_lines(
        with_meeting_shares(frame),
        lang,
        "chart.meeting_shares_by_quarter",
        [
            ("prereviewed_pct", "series.prereviewed_share", COLOURS["primary"]),
            ("attended_pct", "series.attended_share", COLOURS["secondary"]),
            ("merged_pct", "series.merged_share", COLOURS["accent"]),
        ],
        axis_key="axis.percent",
        percent=True,
    )


def make_meeting_heatmap_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.unit_quarter_heatmap(frame, lang, "chart.meetings_by_unit_quarter", "meetings")


MEETING_CHARTS = (
    ChartSpec(
        "meetings_by_quarter",
        "meetings_by_quarter",
        make_meetings_by_quarter_figure,
        ("meetings", "prev_meetings"),
        nothing="meetings",
    ),
    ChartSpec(
        "meeting_duration_by_quarter",
        "meetings_by_quarter",
        make_meeting_duration_figure,
        ("avg_duration_min",),
        nothing="meetings",
    ),
    ChartSpec(
        "meeting_shares_by_quarter",
        "meetings_by_quarter",
        make_meeting_shares_figure,
        ("meetings",),
        nothing="meetings",
    ),
    ChartSpec(
        "meetings_by_unit_quarter",
        "meetings_by_unit_quarter",
        make_meeting_heatmap_figure,
        ("meetings",),
        nothing="meetings",
    ),
)


# ---------------------------------------------------------------- issues and rectification


def make_issues_by_unit_status_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.unit_bars(
        frame,
        lang,
        "chart.issues_by_unit_status",
        [(status, f"code:{status}", STATUS_COLOURS[status]) for status in ISSUE_STATUS_ORDER],
        stacked=True,
        axis_key="axis.issues",
        name_the_none=True,  # 未整改：0 beside the card's 逾期未整改 6, not a status missing from the legend
    )


def make_issues_by_source_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.code_bars(
        frame,
        lang,
        "chart.issues_by_source",
        "source",
        "issues",
        ISSUE_SOURCES,
        COLOURS["secondary"],
        axis_key="axis.issues",
    )


ISSUE_CHARTS = (
    ChartSpec(
        "issues_by_unit_status",
        "issues_by_unit_status",
        make_issues_by_unit_status_figure,
        ISSUE_STATUS_ORDER,
        selects_unit=True,
        nothing="issues",
    ),
    next(spec for spec in OVERVIEW_CHARTS if spec.key == "issues_by_category"),
    ChartSpec("issues_by_source", "issues_by_source", make_issues_by_source_figure, ("issues",), nothing="issues"),
)


# ---------------------------------------------------------------- suggestions


def make_suggestions_by_unit_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.unit_bars(
        frame,
        lang,
        "chart.suggestions_by_unit",
        [(status, f"code:{status}", ADOPTION_COLOURS[status]) for status in ADOPTION_ORDER],
        stacked=True,
        axis_key="axis.suggestions",
        name_the_none=True,
    )


def make_suggestions_by_category_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.code_bars(
        frame,
        lang,
        "chart.suggestions_by_category",
        "category",
        "suggestions",
        CATEGORIES,
        COLOURS["secondary"],
        axis_key="axis.suggestions",
    )


def make_suggestions_by_status_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.donut(
        frame,
        lang,
        "chart.suggestions_by_status",
        "status",
        "suggestions",
        lambda code, language: i18n.choice_label(SUGGESTION_STATUSES, code, language),
        ADOPTION_COLOURS,
        codes=ADOPTION_ORDER,
        total_key="chart.total.suggestions",
        unit_key="unit.items",
    )


def make_suggestions_by_link_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.donut(
        frame,
        lang,
        "chart.suggestions_by_link",
        "link",
        "suggestions",
        lambda code, language: i18n.t(f"link.{code}", language),
        LINK_COLOURS,
        codes=LINK_ORDER,
        total_key="chart.total.suggestions",
        unit_key="unit.items",
    )


SUGGESTION_CHARTS = (
    ChartSpec(
        "suggestions_by_unit",
        "suggestions_by_unit",
        make_suggestions_by_unit_figure,
        ADOPTION_ORDER,
        selects_unit=True,
        nothing="suggestions",
    ),
    ChartSpec(
        "suggestions_by_category",
        "suggestions_by_category",
        make_suggestions_by_category_figure,
        ("suggestions",),
        nothing="suggestions",
    ),
    ChartSpec(
        "suggestions_by_status",
        "suggestions_by_status",
        make_suggestions_by_status_figure,
        ("suggestions",),
        nothing="suggestions",
        slices_of="suggestions",
    ),
    ChartSpec(
        "suggestions_by_link",
        "suggestions_by_link",
        make_suggestions_by_link_figure,
        ("suggestions",),
        nothing="suggestions",
        slices_of="suggestions",
    ),
)


# ---------------------------------------------------------------- reminders and consultations


def make_reminders_by_quarter_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.quarter_bars(
        frame, lang, "chart.reminders_by_quarter_form", FORM_SERIES, axis_key="axis.reminders", name_the_none=True
    )


def make_reminders_by_unit_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.unit_bars(
        frame, lang, "chart.reminders_by_unit", FORM_SERIES, stacked=True, axis_key="axis.reminders", name_the_none=True
    )


def make_activities_by_unit_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.unit_bars(
        frame,
        lang,
        "chart.activities_by_unit",
        ACTIVITY_SERIES,
        stacked=True,
        axis_key="axis.activities",
        name_the_none=True,
    )


def make_activities_by_quarter_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.quarter_bars(
        frame,
        lang,
        "chart.activities_by_quarter",
        ACTIVITY_SERIES,
        stacked=False,
        axis_key="axis.activities",
        name_the_none=True,
    )


REMINDER_CHARTS = (
    ChartSpec(
        "reminders_by_quarter_form",
        "reminders_by_quarter_form",
        make_reminders_by_quarter_figure,
        ("written", "in_person", "meeting"),
        nothing="reminders",
    ),
    ChartSpec(
        "reminders_by_unit",
        "reminders_by_unit",
        make_reminders_by_unit_figure,
        ("written", "in_person", "meeting"),
        selects_unit=True,
        nothing="reminders",
    ),
    ChartSpec(
        "activities_by_unit",
        "activities_by_unit",
        make_activities_by_unit_figure,
        ("consultation", "special_study", "notification", "secondment"),
        selects_unit=True,
        nothing="activities",
    ),
    ChartSpec(
        "activities_by_quarter",
        "activities_by_quarter",
        make_activities_by_quarter_figure,
        ("consultation", "special_study", "notification", "secondment"),
        nothing="activities",
    ),
)


# ---------------------------------------------------------------- unit profile

PROFILE_MEASURES = ("issues", "suggestions", "consultations", "special_studies", "reminders", "meetings")


def unit_beside_average(metrics: pd.DataFrame, unit_id: str) -> pd.DataFrame:
    """One row per measure: the unit's value and the average over all units (``unit_metrics`` rows)."""
    unit = metrics.loc[metrics["unit_id"] == unit_id].iloc[0]
    return pd.DataFrame(
        {
            "measure": list(PROFILE_MEASURES),
            "unit": [float(unit[m]) for m in PROFILE_MEASURES],
            "average": [float(metrics[m].mean()) for m in PROFILE_MEASURES],
        }
    )


def make_unit_vs_average_figure(frame: pd.DataFrame, lang: str, unit_name: str) -> go.Figure:
    """Bars across, one pair per measure (first on top): the measures' names read level at any width, where
    names along the bottom would turn on their side and run off a phone's card. Six measures counted in
    different units (个, 条, 次): each names its own, the value axis none."""
    labels = [i18n.t(f"measure.axis.{m}", lang) for m in frame["measure"]]
    figure = go.Figure()
    for column, name, colour in (
        ("unit", safe_text.plotly(unit_name), COLOURS["primary"]),
        ("average", i18n.t("series.all_unit_average", lang), COLOURS["muted"]),
    ):
        figure.add_bar(
            y=labels,
            x=kinds.rounded(frame[column], 1),
            orientation="h",
            name=name,
            marker_color=colour,
            text=[plain(v, 1, grouping=True) for v in frame[column]],  # 1,234.5, as the cards write it
            textposition="outside",
            cliponaxis=False,
            hovertemplate=hover("%{y}: %{x:,}<extra>%{fullData.name}</extra>", lang),
        )
    top = max(frame["unit"].max(), frame["average"].max(), 1)
    left = left_margin_for(labels)
    return base_layout(
        figure,
        i18n.t("chart.unit_vs_average", lang),
        barmode="group",
        height=420,
        # each measure's two bars as thick as a unit's pair on the other pages: at a fixed 420 px the English
        # title's second line left them too thin for their labels, and every value was dropped
        plot_px=kinds.GROUPED_BAR_PX * 2 * len(frame),
        # every measure a count: whole ticks, as on every axis of counts (Plotly's own for a quarter to 14 August,
        # General Office's 2 meetings beside the average 3.7, were 0, 0.5 … 4: half a meeting); the average's 3.7
        # is written at its bar
        xaxis=dict(
            title=None,
            range=[0, top * 1.2],
            **ticks_across(top * 1.2, CARD_WIDTH_PX - left - 40, kinds.MOST_TICKS_ACROSS),
        ),
        yaxis=dict(title=None, type="category", autorange="reversed"),
        legend=dict(traceorder="normal"),
        margin=dict(l=left, r=40),
        # the ticks are a phone's card's: the page and the pictures fit them to their width, as other bars across
        meta=ticks.value_axis_note(top * 1.2, kinds.MOST_TICKS_ACROSS, "", TEMPLATE.layout.margin.b),
    )


def make_unit_trends_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    return kinds.quarter_small_multiples(
        frame,
        lang,
        "chart.unit_trends",
        [
            ("meetings", "series.meetings", COLOURS["primary"], "axis.meetings"),
            ("reminders", "series.reminders", COLOURS["accent"], "axis.reminders"),
            ("issues", "series.issues", COLOURS["secondary"], "axis.issues"),
            ("suggestions", "series.suggestions", COLOURS["green"], "axis.suggestions"),
        ],
    )


# Units side by side: one colour per unit. Red stands for issues and grey for a year earlier everywhere else, so
# neither marks a unit here.
COMPARED_UNIT_COLOURS = tuple(SEQUENCE[1:5])
# Two units with the same figures drew one line exactly over the other (Big Data Admin.'s blue under Beijing Office's
# purple: two units read as having no issues). Each unit has its own dash and marker shape too, and each later one is
# thinner with a smaller marker: a line drawn over another leaves the first showing round it and through its gaps,
# on the screen and in the picture; the hover names the units that share the value.
COMPARED_UNIT_DASHES = ("solid", "dash", "dot", "dashdot")
COMPARED_UNIT_MARKERS = (("circle", 13), ("square", 10), ("diamond", 9), ("triangle-up", 7))
COMPARED_UNIT_WIDTHS = (5, 3.5, 2.5, 1.8)
COMPARED_MEASURES = (
    ("meetings", "axis.meetings"),
    ("reminders", "axis.reminders"),
    ("issues", "axis.issues"),
    ("suggestions", "axis.suggestions"),
)


def make_compared_trends_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Units side by side (``compare.trends_side_by_side`` rows): one small chart per measure, each on its own
    scale, one line per unit in the same colour on every small chart; a unit's values are never added to
    another's."""
    from plotly.subplots import make_subplots

    units = frame.drop_duplicates("unit_id").sort_values("unit_order")
    short, full = unit_labels(units, lang)
    figure = make_subplots(
        rows=len(COMPARED_MEASURES),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.09,
        subplot_titles=[i18n.t(axis_key, lang) for _, axis_key in COMPARED_MEASURES],
    )
    labels: list[str] = []
    rows = frame.iloc[0:0]
    for row, (column, _) in enumerate(COMPARED_MEASURES, start=1):
        top = 1.0
        by_unit = {
            unit_id: kinds.rounded(frame.loc[frame["unit_id"] == unit_id].sort_values("quarter_key")[column], 1)
            for unit_id in units["unit_id"]
        }
        for index, unit_id in enumerate(units["unit_id"]):
            rows = frame.loc[frame["unit_id"] == unit_id].sort_values("quarter_key")
            labels = quarter_labels(rows, lang)
            raw = rows[column].astype("float64")
            values = by_unit[unit_id]
            sharing = [
                [short[other] for other, other_id in enumerate(units["unit_id"]) if other != index
                 and at < len(by_unit[other_id]) and value is not None and by_unit[other_id][at] == value]
                for at, value in enumerate(values)
            ]  # fmt: skip
            symbol, size = COMPARED_UNIT_MARKERS[index % len(COMPARED_UNIT_MARKERS)]
            figure.add_scatter(
                x=labels,
                y=values,
                name=short[index],
                legendgroup=unit_id,
                showlegend=row == 1,  # one legend entry per unit, not one per small chart
                mode="lines+markers",
                line=dict(
                    color=COMPARED_UNIT_COLOURS[index % len(COMPARED_UNIT_COLOURS)],
                    width=COMPARED_UNIT_WIDTHS[index % len(COMPARED_UNIT_WIDTHS)],
                    dash=COMPARED_UNIT_DASHES[index % len(COMPARED_UNIT_DASHES)],
                ),
                marker=dict(size=size, symbol=symbol),
                # a unit's 0 sits on the plot's bottom edge: clipped there, four units' markers of 0 showed as slivers
                cliponaxis=False,
                customdata=[
                    [
                        full[index],
                        i18n.t(
                            "chart.compared.same_value",
                            lang,
                            units=i18n.t("chart.compared.separator", lang).join(names),
                        )
                        if names
                        else "",
                    ]
                    for names in sharing
                ],  # fmt: skip
                hovertemplate=hover("%{customdata[0]} · %{x}: %{y:,}<br>%{customdata[1]}<extra></extra>", lang),
                row=row,
                col=1,
            )
            if raw.notna().any():
                top = max(top, float(raw.max()))
        figure.update_yaxes(range=[0, top * 1.15], **count_ticks(top * 1.15, kinds.MOST_TICKS_SMALL), row=row, col=1)
    figure.update_xaxes(type="category", showticklabels=False, range=kinds.line_range(labels))
    quarters = quarter_axis(labels, rows, lang)
    figure.update_xaxes(quarters, showticklabels=True, row=len(COMPARED_MEASURES), col=1)
    figure.update_annotations(font=dict(size=14), x=0.0, xanchor="left")  # each small chart's title, at its left
    # the legend below the quarters, not between the title and the first small chart: room for the rows it takes
    # on a phone, where the units' names wrap, is then blank only below the chart on a wide screen, not above it
    rows = legend_rows(short, CARD_WIDTH_PX - 100)  # the plot's width on a phone, less its margins
    ticks_px = tick_room(quarters)  # two lines, or four where a quarter runs past the data date
    bottom = ticks_px + LEGEND_ROW_PX * rows + 10
    height = 80 + 150 * len(COMPARED_MEASURES) + bottom
    figure = base_layout(figure, i18n.t("chart.compared_trends", lang), height=height, showlegend=False)
    plot_height = height - (figure.layout.margin.t or 90) - bottom
    return figure.update_layout(
        showlegend=True,
        margin=dict(b=bottom),
        legend=dict(yanchor="top", y=-ticks_px / plot_height),
    )


UNIT_PROFILE_CHARTS = (
    ChartSpec(
        "unit_trends",
        "trends_by_quarter",
        make_unit_trends_figure,
        ("meetings", "issues", "suggestions", "reminders"),
        nothing="unit_trends",
    ),
)

PAGE_CHARTS = {
    "overview": OVERVIEW_CHARTS,
    "meetings": MEETING_CHARTS,
    "issues": ISSUE_CHARTS,
    "suggestions": SUGGESTION_CHARTS,
    "reminders": REMINDER_CHARTS,
    "unit_profile": UNIT_PROFILE_CHARTS,
}


def all_charts() -> tuple[ChartSpec, ...]:
    """Every chart once (the meetings-by-quarter chart is on two pages), in page order."""
    seen: dict[str, ChartSpec] = {}
    for specs in PAGE_CHARTS.values():
        for spec in specs:
            seen.setdefault(spec.key, spec)
    return tuple(seen.values())
