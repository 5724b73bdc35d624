"""A chart on a page: drawn by our own plotly.js where the server serves it (``oversight.ui.plotly_bundle``),
by Streamlit's ``st.plotly_chart`` otherwise, with the same clicks either way.

Under ``python -m oversight.ui.serve`` (``make run``, the cluster) each figure goes to a small component
(``assets/chart_view.js``, Streamlit's components v2: no iframe) that draws it once with the page's plotly.js;
a bare ``streamlit run app.py`` (and AppTest) has no bundle to load, so Streamlit draws it. A click reaches
``on_points`` as a list of points in ``st.plotly_chart``'s selection format (``customdata``, ``x``, ``y`` …).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from oversight import config
from oversight.charts import dark, labels, none_entry, ticks
from oversight.charts.style import CARD_WIDTH_PX, readable_hover, screen_titles, whole_title
from oversight.core import i18n
from oversight.ui import plotly_bundle

Points = list[dict[str, object]]
OnPoints = Callable[[Points], None]
_COMPONENT = "oversight_chart"
_draw = st.components.v2.component(
    _COMPONENT, js=(config.ASSET_DIR / "chart_view.js").read_text(encoding="utf-8"), isolate_styles=False
)


def show(
    figure: go.Figure,
    *,
    key: str,
    config: dict[str, object],
    lang: str,
    on_points: OnPoints | None = None,
    alt: str | None = None,
) -> None:
    """Draw ``figure`` with the modebar ``config``; ``on_points(points)`` runs (as a callback, before the page's
    script) when a point is clicked, where given. ``alt`` is what a screen reader says for the chart (its title and
    reading); the figure's title where not given."""
    bundle = plotly_bundle.served()
    if bundle is None:
        _streamlit_chart(figure, key, config, on_points)
        return
    spec = script_spec(figure, bundle.path, config=config, lang=lang, clickable=on_points is not None, alt=alt)
    if on_points is None:
        _draw(key=key, data=spec)
    else:
        _draw(key=key, data=spec, on_select_change=lambda: _clicked(key, on_points))


def script_spec(
    figure: go.Figure,
    bundle_path: str,
    *,
    config: dict[str, object],
    lang: str,
    clickable: bool,
    alt: str | None = None,
) -> dict[str, object]:
    """What ``assets/chart_view.js`` is given to draw ``figure`` with the plotly.js at ``bundle_path``."""
    # every hover box's words black or white on its fill (charts/style.readable_hover)
    plain = readable_hover(labels.for_screen(json.loads(figure.to_json())))
    # the quarters' ticks that stand apart at each width, and those of a phone's card in the figure itself
    tick_variants = ticks.screen_ticks(plain["layout"], labels.SCREEN_WIDTHS)
    ticks.apply(plain["layout"], ticks.fitted_ticks(plain["layout"], CARD_WIDTH_PX))
    return {
        "bundle": bundle_path,
        # the value labels that fit, worked out for every width the column may take (the script picks)
        "figure": plain,
        # and the title's lines: a phone's where the column is a phone's, fewer where it is wider
        "titles": screen_titles(plain["layout"], labels.SCREEN_WIDTHS),
        "ticks": tick_variants,
        # and the value axis across: its ticks' step and its title's lines at the column's width (a phone's in the
        # figure: sparse ticks and a title broken early on a wide column)
        "value_axes": ticks.screen_value_axes(plain["layout"], labels.SCREEN_WIDTHS),
        # and the legend's "…: 0" entry on the lines that width needs (a phone's three lines on a wide column)
        "legends": none_entry.screen_variants(plain, labels.SCREEN_WIDTHS),
        "config": config,  # its width follows the column: chart_view.js watches it
        # what each trace changes on a dark page (its hover boxes, a heatmap's cells): laid over it there, and taken
        # off again when the page turns light (chart_view.js watches the scheme ui/assets/scheme.js marks)
        "dark": dark.screen_patch(plain),
        "clickable": clickable,
        "unavailable": i18n.t("chart.unavailable", lang),
        # the chart as one image with a name: its SVG read aloud was every tick and label in a row ("2 2 2 2 3 1 …")
        "alt": alt or _title_text(plain["layout"]),
    }


def _title_text(layout: dict) -> str:
    title = layout.get("title") or {}
    text = title.get("text") if isinstance(title, dict) else title
    return whole_title(re.sub(r"<(?!br>)[^>]*>", "", text)) if isinstance(text, str) else ""


def _clicked(key: str, on_points: OnPoints) -> None:
    state = st.session_state.get(key)
    points = state.get("select") if state is not None else None
    if isinstance(points, list):
        on_points([point for point in points if isinstance(point, dict)])


def _streamlit_chart(figure: go.Figure, key: str, config: dict[str, object], on_points: OnPoints | None) -> None:
    figure = labels.fitted(figure, CARD_WIDTH_PX)  # its width is not known here: the labels that fit a phone's card
    # hover boxes that read, and the dark page's hover boxes and heatmap cells where Streamlit says the page is dark
    # (its word may lag a theme just changed: st.context.theme's own note)
    plain = readable_hover(json.loads(figure.to_json()))
    figure = go.Figure(dark.on_dark_page(plain) if st.context.theme.type == "dark" else plain)
    if on_points is None:
        st.plotly_chart(figure, theme=None, key=key, config=config)
        return

    def selected() -> None:
        on_points([dict(point) for point in st.session_state[key].selection.points])

    st.plotly_chart(figure, theme=None, key=key, config=config, selection_mode="points", on_select=selected)
