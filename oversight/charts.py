"""Pure figure builders: a query's DataFrame in, a ``go.Figure`` out.

Every figure carries the explicit ``TEMPLATE`` below, so what the screen
shows and what an export renders are the same (streamlit's own plotly
template has placeholder colours that export as black).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from oversight import i18n
from oversight.filters import Quarter
from oversight.schema import CATEGORIES, REMINDER_FORMS

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
# Government-report palette: a deep red for the team's own figures, blues and greys beside it.
COLOURS = {
    "primary": "#B3261E",
    "secondary": "#1F5AA6",
    "muted": "#9AA5B1",
    "accent": "#E3A21A",
    "green": "#2E7D32",
}
SEQUENCE = ["#B3261E", "#1F5AA6", "#E3A21A", "#2E7D32", "#6A4C93", "#00838F", "#9AA5B1", "#D4690F"]

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT_FAMILY, size=14, color="#1F2933"),
        # title on the first line of the top margin, legend on the second: long titles never run into it
        title=dict(font=dict(size=18, color="#1F2933"), x=0.01, xanchor="left", y=0.98, yanchor="top"),
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        colorway=SEQUENCE,
        margin=dict(l=20, r=20, t=90, b=40),
        xaxis=dict(gridcolor="#E4E7EB", linecolor="#9AA5B1", zerolinecolor="#CBD2D9", automargin=True),
        yaxis=dict(gridcolor="#E4E7EB", linecolor="#9AA5B1", zerolinecolor="#CBD2D9", automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0.0),
        hoverlabel=dict(font=dict(family=FONT_FAMILY)),
        separators=".,",
    )
)


def unit_names(frame: pd.DataFrame, lang: str) -> list[str]:
    return list(frame["name_zh"] if lang == "zh" else frame["name_en"])


def base_layout(figure: go.Figure, title: str, **layout: object) -> go.Figure:
    figure.update_layout(template=TEMPLATE, title=dict(text=title), **layout)
    return figure


def make_issues_suggestions_by_unit_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Grouped horizontal bars, one row per unit; ``customdata`` holds the unit id for click-to-filter."""
    ordered = frame.iloc[::-1]  # plotly draws the first row at the bottom; the table is sorted most first
    names = unit_names(ordered, lang)
    figure = go.Figure()
    # Horizontal groups stack their first trace lowest: add suggestions first so issues sit on top.
    for column, colour in (("suggestions", COLOURS["secondary"]), ("issues", COLOURS["primary"])):
        figure.add_bar(
            y=names, x=ordered[column], orientation="h", name=i18n.t(f"series.{column}", lang),
            marker_color=colour, text=ordered[column], textposition="outside", cliponaxis=False,
            customdata=ordered["unit_id"], hovertemplate="%{y}: %{x}<extra>%{fullData.name}</extra>",
        )
    return base_layout(
        figure, i18n.t("chart.issues_suggestions_by_unit", lang),
        barmode="group", height=max(360, 60 + 46 * len(frame)),
        xaxis=dict(title=i18n.t("axis.count", lang), dtick=1 if frame[["issues", "suggestions"]].max().max() <= 10 else None),
        yaxis=dict(title=None), clickmode="event+select", legend=dict(traceorder="reversed"),
    )


def quarter_labels(frame: pd.DataFrame, lang: str) -> list[str]:
    return [i18n.t("quarter.short", lang, year=int(y), quarter=int(q)) for y, q in zip(frame["year"], frame["quarter"])]


def make_meetings_by_quarter_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """This period's meetings beside the same quarter a year earlier, with the change in percent on top."""
    labels = quarter_labels(frame, lang)
    previous = frame["prev_meetings"].astype("float64")  # unknown (before the records begin) is NaN: no bar
    previous_labels = [str(Quarter(int(y) - 1, int(q))) for y, q in zip(frame["year"], frame["quarter"])]
    figure = go.Figure()
    figure.add_bar(x=labels, y=previous, name=i18n.t("series.meetings_prev", lang),
                   marker_color=COLOURS["muted"], text=previous, textposition="outside",
                   customdata=previous_labels, hovertemplate="%{customdata}: %{y}<extra></extra>")
    figure.add_bar(x=labels, y=frame["meetings"], name=i18n.t("series.meetings", lang),
                   marker_color=COLOURS["primary"], text=frame["meetings"], textposition="outside",
                   hovertemplate="%{x}: %{y}<extra></extra>")
    top = max(previous.fillna(0).max(), frame["meetings"].max(), 1)
    for label, now, before in zip(labels, frame["meetings"], previous):
        if before > 0:  # False for zero and for unknown (NaN)
            change = (now - before) / before * 100
            figure.add_annotation(x=label, y=top * 1.16, text=f"{change:+.1f}%", showarrow=False,
                                  font=dict(color=COLOURS["green"] if change < 0 else COLOURS["primary"], size=13))
    return base_layout(
        figure, i18n.t("chart.meetings_by_quarter", lang), barmode="group", height=420,
        yaxis=dict(title=i18n.t("axis.meetings", lang), range=[0, top * 1.25]),
        xaxis=dict(title=None, type="category"),
    )


def make_issues_by_category_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    ordered = frame.iloc[::-1]
    labels = [i18n.choice_label(CATEGORIES, code, lang) for code in ordered["category"]]
    figure = go.Figure(go.Bar(
        y=labels, x=ordered["issues"], orientation="h", marker_color=COLOURS["primary"],
        text=ordered["issues"], textposition="outside", cliponaxis=False,
        customdata=ordered["category"], hovertemplate="%{y}: %{x}<extra></extra>",
    ))
    return base_layout(
        figure, i18n.t("chart.issues_by_category", lang), height=max(320, 80 + 40 * len(frame)),
        xaxis=dict(title=i18n.t("axis.count", lang), dtick=1 if frame["issues"].max() <= 10 else None),
        yaxis=dict(title=None), showlegend=False,
    )


def make_reminders_by_form_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    labels = [i18n.choice_label(REMINDER_FORMS, code, lang) for code in frame["form"]]
    figure = go.Figure(go.Pie(
        labels=labels, values=frame["reminders"], hole=0.5, sort=False, direction="clockwise",
        marker=dict(colors=SEQUENCE[: len(frame)]), textposition="outside", insidetextorientation="horizontal",
        texttemplate="%{label}<br>%{value}（%{percent}）" if lang == "zh" else "%{label}<br>%{value} (%{percent})",
        hovertemplate="%{label}: %{value}<extra></extra>",
    ))
    total = int(frame["reminders"].sum())
    figure.add_annotation(text=f"{total}", x=0.5, y=0.5, showarrow=False, font=dict(size=28, color=COLOURS["primary"]))
    return base_layout(figure, i18n.t("chart.reminders_by_form", lang), height=380, showlegend=False)


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

    def title(self, lang: str) -> str:
        return i18n.t(f"chart.{self.key}", lang)


OVERVIEW_CHARTS = (
    ChartSpec("issues_suggestions_by_unit", "issues_suggestions_by_unit", make_issues_suggestions_by_unit_figure,
              ("issues", "suggestions"), selects_unit=True),
    ChartSpec("meetings_by_quarter", "meetings_by_quarter", make_meetings_by_quarter_figure, ("meetings", "prev_meetings")),
    ChartSpec("issues_by_category", "issues_by_category", make_issues_by_category_figure, ("issues",)),
    ChartSpec("reminders_by_form", "reminders_by_form", make_reminders_by_form_figure, ("reminders",)),
)
