"""The legend's "…: 0" entry: the kinds, forms or statuses of a chart with none in view, named with their 0 in an entry
without a colour (工作通报、抽调参与办案：0). Their bars or slices are not drawn, so they get no coloured entry; without
this one a leader read a missing kind as one the chart had lost, and 逾期未整改 6 on the card beside a stack listing no
未整改 as a contradiction.

SVG text does not wrap, so the entry is broken into lines (``<br>``) for the width it is drawn at: a phone's card
when the figure is built, again for each width of the page's column (``screen_variants``, picked by
``assets/chart_view.js`` as titles are) and for a picture's own width (``refit``): a phone's three lines in a
picture where one fits read as a broken legend.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import plotly.graph_objects as go

from oversight.charts.style import CARD_WIDTH_PX, TEMPLATE, filled_lines, label_width
from oversight.core import i18n

# the trace's ``meta`` key holding the entry's words on one line, so that it can be broken again at another width
META_KEY = "oversight_none"
_AFTER_SEPARATOR = re.compile(r"(?<=、)|(?<=, )")
_LEGEND_ITEM_PX = 46  # a legend item's symbol and gaps (``style.legend_rows``)
_LEGEND_FONT = 14


def _lines(note: str, width: float, left: float, right: float) -> str:
    """``note`` on the lines a legend ``width`` px wide with margins ``left`` and ``right`` needs, broken after a
    kind's separator."""
    room = width - left - right - _LEGEND_ITEM_PX
    return "<br>".join(filled_lines(note, _AFTER_SEPARATOR, room, lambda text: label_width(text, _LEGEND_FONT)))


def add(
    figure: go.Figure, names: Sequence[str], lang: str, plot_left: float = 70, plot_right: float | None = None
) -> None:
    """The entry naming ``names`` (the kinds with none, in the user's language) added to ``figure``, on the lines a
    phone's card needs beside a plot starting ``plot_left`` px in (where the legend starts); nothing where ``names``
    is empty."""
    if not names:
        return
    note = i18n.t("chart.none_in_view", lang, kinds=i18n.t("chart.list_separator", lang).join(names))
    right = TEMPLATE.layout.margin.r if plot_right is None else plot_right
    figure.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker=dict(color="rgba(0,0,0,0)"),  # no swatch: no bar or slice of its colour anywhere
        name=_lines(note, CARD_WIDTH_PX, plot_left, right),
        meta={META_KEY: note},
        hoverinfo="skip",
        showlegend=True,
    )


def _margins(layout: dict) -> tuple[float, float]:
    margin = layout.get("margin") or {}
    left, right = margin.get("l"), margin.get("r")
    return (
        float(TEMPLATE.layout.margin.l if left is None else left),
        float(TEMPLATE.layout.margin.r if right is None else right),
    )


def _notes(data: Sequence[dict]) -> dict[int, str]:
    """Each entry's trace index and its words on one line."""
    return {
        index: trace["meta"][META_KEY]
        for index, trace in enumerate(data)
        if isinstance(trace.get("meta"), dict) and META_KEY in trace["meta"]
    }


def refit(figure: go.Figure, width: int) -> None:
    """The entry (in place) on the lines a picture ``width`` px wide needs, with the figure's own margins."""
    left, right = _margins(figure.layout.margin.to_plotly_json())
    for trace in figure.data:
        meta = trace.meta
        if isinstance(meta, dict) and META_KEY in meta:
            trace.name = _lines(meta[META_KEY], width, left, right)


def screen_variants(plain: dict, widths: Sequence[int]) -> list[dict[str, object]]:
    """For the page's script: the entries' names (trace index → name) as drawn from each width of ``widths`` on
    (``from``) where they change from the phone's lines the figure carries; empty where there is no entry."""
    notes = _notes(plain.get("data") or [])
    if not notes:
        return []
    left, right = _margins(plain.get("layout") or {})
    drawn = {index: plain["data"][index].get("name") for index in notes}
    variants: list[dict[str, object]] = []
    for width in widths:
        names = {index: _lines(note, width, left, right) for index, note in notes.items()}
        if names != drawn:
            variants.append({"from": width, "names": {str(index): name for index, name in names.items()}})
            drawn = names
    return variants
