"""How every figure looks: fonts, colours and the explicit Plotly template, plus small layout helpers.

Every figure carries ``TEMPLATE``, so what the screen shows and what an export renders are the same
(streamlit's own plotly template has placeholder colours that export as black).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from oversight import i18n, safe_text
from oversight.filters import Quarter

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
        # Fixed margins, not automargin: automargin makes Plotly lay every chart out several times
        # (about 0.1 s of drawing on the Overview, measured with make bench); charts with long
        # category labels set their left margin from the labels instead (see left_margin_for).
        margin=dict(l=70, r=30, t=90, b=60),
        xaxis=dict(gridcolor="#E4E7EB", linecolor="#9AA5B1", zerolinecolor="#CBD2D9", automargin=False),
        yaxis=dict(gridcolor="#E4E7EB", linecolor="#9AA5B1", zerolinecolor="#CBD2D9", automargin=False),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0.0),
        hoverlabel=dict(font=dict(family=FONT_FAMILY)),
        separators=".,",
    )
)


def label_width(text: str, font_size: int = 14) -> float:
    """Roughly how wide ``text`` is drawn, in px: a CJK or full-width character is about a square, others about half."""
    import unicodedata

    return sum(font_size * (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.58) for ch in str(text))


def left_margin_for(labels, font_size: int = 14, minimum: int = 40) -> int:
    """A left margin that fits the longest category label beside a horizontal bar chart."""
    return max(minimum, int(max((label_width(label, font_size) for label in labels), default=0)) + 20)


def unit_names(frame: pd.DataFrame, lang: str) -> list[str]:
    # names come from the data: Plotly must show them, not read them as its HTML subset
    return [safe_text.plotly(name) for name in (frame["name_zh"] if lang == "zh" else frame["name_en"])]


def base_layout(figure: go.Figure, title: str, **layout: object) -> go.Figure:
    figure.update_layout(template=TEMPLATE, title=dict(text=title), **layout)
    return figure


def quarter_labels(frame: pd.DataFrame, lang: str) -> list[str]:
    """``2020Q1`` …, and where the query says a quarter runs only to the data date (``through_day``), that too:
    ``2020Q3（截至8月14日）``, or ``2020Q4（尚无数据）`` for a quarter that starts after it."""
    labels = [i18n.t("quarter.short", lang, year=int(y), quarter=int(q)) for y, q in zip(frame["year"], frame["quarter"])]
    if "through_day" not in frame.columns:
        return labels
    marked = []
    for label, year, quarter, through in zip(labels, frame["year"], frame["quarter"], frame["through_day"]):
        through = pd.Timestamp(through).date()
        quarter_of = Quarter(int(year), int(quarter))
        if through < quarter_of.first_day:
            label = i18n.t("quarter.no_data_yet", lang, label=label)
        elif through < quarter_of.last_day:
            label = i18n.t("quarter.to_date", lang, label=label, **i18n.day_parts(through))
        marked.append(label)
    return marked
