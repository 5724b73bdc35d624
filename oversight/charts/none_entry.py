"""The legend's "…: 0" entries: the kinds, forms or statuses of a chart with none in view, named with their 0 in
entries without a colour (工作通报、抽调参与办案：0). Their bars or slices are not drawn, so they get no coloured entry;
without these a leader read a missing kind as one the chart had lost, and 逾期未整改 6 on the card beside a stack
listing no 未整改 as a contradiction.

Each run of neighbouring kinds with none is one entry, in the definition's order among the coloured ones
(``legendrank``): "未整改：0, 整改中, 已整改" reads as the statuses do everywhere else; one entry after all the colours
listed 整改中 before 未整改. A donut's slices are one trace, so there an entry stands before them or after them.

SVG text does not wrap, so an entry is broken into lines (``<br>``) for the width it is drawn at, as a title is
(between kinds where that is enough, else at any space: English "Secondment to case work: 0" is one kind wider than a
phone's legend): a phone's card when the figure is built, again for each width of the page's column
(``screen_variants``, picked by ``assets/chart_view.js`` as titles are) and for a picture's own width (``refit``): a
phone's three lines in a picture where one fits read as a broken legend.
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
# and, where a kind itself is too wide, at a space as well: never before the 0 ("Secondment to case work:" / "0")
_AT_A_SPACE = re.compile(r"(?<=、)|(?= (?!\d))")
_LEGEND_ITEM_PX = 46  # a legend item's symbol and gaps (``style.legend_rows``)
_LEGEND_FONT = 14


def _lines(note: str, width: float, left: float, right: float) -> str:
    """``note`` on the lines a legend ``width`` px wide with margins ``left`` and ``right`` needs: broken after a
    kind's separator where that makes every line fit, else at any space too (``style.fitted_title``'s way)."""
    room = width - left - right - _LEGEND_ITEM_PX

    def measure(text: str) -> float:
        return label_width(text, _LEGEND_FONT)

    lines = filled_lines(note, _AFTER_SEPARATOR, room, measure)
    if any(measure(line) > room for line in lines):
        lines = filled_lines(note, _AT_A_SPACE, room, measure)
    return "<br>".join(lines)


Kind = tuple[str, bool]  # a kind's name in the user's language, and whether the view has any of it


def add(
    figure: go.Figure, kinds: Sequence[Kind], lang: str, plot_left: float = 70, plot_right: float | None = None
) -> None:
    """An entry for each run of neighbouring ``kinds`` (every kind of the chart's definition, in its order) with none,
    added to ``figure``, each ranked in the legend where its kinds stand (the figure's traces of the kinds with some,
    and a pie's slices, are ranked with them); on the lines a phone's card needs beside a plot starting
    ``plot_left`` px in (where the legend starts). Nothing where every kind has some."""
    runs: list[tuple[int, list[str]]] = []  # (the rank of its first kind, the kinds)
    for rank, (name, some) in enumerate(kinds):
        if some:
            continue
        if runs and runs[-1][0] + len(runs[-1][1]) == rank:
            runs[-1][1].append(name)
        else:
            runs.append((rank, [name]))
    if not runs:
        return
    ranks = {name: rank for rank, (name, some) in enumerate(kinds) if some}
    for trace in figure.data:
        if trace.type == "pie":  # one trace, its slices in the definition's order: ranked as its first
            trace.legendrank = min(ranks.values(), default=0)
        elif trace.name in ranks:
            trace.legendrank = ranks[trace.name]
    right = TEMPLATE.layout.margin.r if plot_right is None else plot_right
    for rank, names in runs:
        note = i18n.t("chart.none_in_view", lang, kinds=i18n.t("chart.list_separator", lang).join(names))
        figure.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker=dict(color="rgba(0,0,0,0)"),  # no swatch: no bar or slice of its colour anywhere
            name=_lines(note, CARD_WIDTH_PX, plot_left, right),
            meta={META_KEY: note},
            hoverinfo="skip",
            showlegend=True,
            legendrank=rank,
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
    """The entry (in place) on the lines a picture ``width`` px wide needs, with the figure's own margins (its
    legend starts at the plot's left edge and is as wide as the plot)."""
    left, right = _margins({"margin": figure.layout.margin.to_plotly_json()})
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
