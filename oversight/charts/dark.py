"""The charts on a dark page (Streamlit's dark theme, from its settings menu or the system's setting): each colour a
figure draws in, as the dark page shows it, and the CSS that does it on screen.

Plotly writes its colours as inline SVG styles, which no theme reaches; ``ui/assets/scheme.js`` marks the root
element ``data-oversight-scheme="dark"`` and the rules of ``dark_theme_css`` (added to ``app.css`` by the page
setup) repaint each colour by the exact ``rgb(…)`` Plotly wrote. Exports are made on the server from the figure
itself and stay light. The colours are measured in ``tests/test_chart_colour_vision.py`` (every palette told apart
under the three dichromacies, every mark 3:1 and every word 4.5:1 on the dark page) and, on screen, in
``tests/browser/test_dark_browser.py``.

Before this, one rule lifted every bar, line and slice with ``filter: brightness(1.25)`` on ``.cartesianlayer
.plot``, a class Plotly no longer draws: nothing was lifted, and the red of issues (2.8:1), the blue of
suggestions (2.6:1) and the plum of a fourth compared unit (2.1:1) sank into the dark page.
"""

from __future__ import annotations

from oversight.charts.style import COLOURS, INK, heat_colorscale, hover_words, trace_fills

# Streamlit's dark theme's page behind a chart (the chart's own paper is made transparent on a dark page); the
# browser test checks the page is this colour, so a Streamlit that changes it fails there, not silently here.
DARK_PAGE = "#171614"

# Words: each colour a figure writes text in on the page (titles, ticks, notes, a donut's red word in its centre),
# at least 4.5:1 on the dark page. Numbers inside a bar or a slice keep their black or white. (The changes over the
# meeting bars were red and green until they took the notes' grey, as the cards' changes did: no figure writes in the
# green since, and its rule went.)
DARK_TEXT = {
    INK: "#E4E7EB",
    COLOURS["muted_text"]: "#B0BAC5",
    COLOURS["primary"]: "#F07167",
}

# Marks: bars, slices, lines, markers and legend keys, at least 3:1 on the dark page, with the black or white
# number written inside them on paper (style.inside_text_colour) still 4.5:1, and each palette still told apart by a
# colour-blind reader. The amber, the grey and the green already read on the dark page as they are. Red and blue are
# lifted just past 3:1, as far as white inside them allows; the plum leans to wine: lifted as it was, it met the
# lifted blue at a CIEDE2000 of 7.8 to a protanope (units compared), the mauve is 15.7 from every neighbour.
DARK_MARKS = {
    COLOURS["primary"]: "#CA2B22",
    COLOURS["secondary"]: "#2469C2",
    COLOURS["plum"]: "#8A5C77",
}

# A heatmap's cells on the dark page: from no meetings (a shade of the page, as paper's are a tint of white) to the
# most in the marks' lifted red, every number in white (5.4:1 on the deepest cell, more on every one below it: each
# channel rises from the shade to the red). Paper's scale, pale cells with black numbers, glared from the dark page.
DARK_HEAT_SCALE = (("#2A1F1D", 0.0), (DARK_MARKS[COLOURS["primary"]], 1.0))
DARK_HEAT_TEXT = "#FFFFFF"

# Gridlines and the zero line recede: fainter than every mark (the data first), still more distinct from the page
# than paper's gridlines are from white (1.24:1).
DARK_GRID = "#3E4C59"


def dark_text(colour: str) -> str:
    """``colour``, a figure's text colour, as a dark page writes it."""
    return DARK_TEXT.get(colour.upper(), colour.upper())


def dark_mark(colour: str) -> str:
    """``colour``, a figure's bar, slice or line colour, as a dark page draws it."""
    return DARK_MARKS.get(colour.upper(), colour.upper())


def _dark_fills(fills: list[str] | str) -> list[str] | str:
    return dark_mark(fills) if isinstance(fills, str) else [dark_mark(fill) for fill in fills]


def screen_patch(plain: dict) -> list[dict]:
    """What each trace of the figure's JSON (``plain``) changes on a dark page, for ``ui/assets/chart_view.js`` to
    lay over it there (the page's CSS reaches neither a hover box, drawn when pointed at, nor a heatmap's cells, one
    image): each hover box in its trace's colour as the dark page draws it, with its words black or white on it (it
    kept the paper's red, a shade off the bars it named), and a heatmap's cells and numbers on ``DARK_HEAT_SCALE``.
    One dict a trace, empty where nothing changes."""
    patches: list[dict] = []
    for trace in plain.get("data", []):
        patch: dict = {}
        if trace.get("type") == "heatmap":
            patch = {"colorscale": heat_colorscale(DARK_HEAT_SCALE), "textfont": {"color": DARK_HEAT_TEXT}}
        else:
            fills = trace_fills(trace)
            if fills is not None:
                lifted = _dark_fills(fills)
                patch = {"hoverlabel": {"bgcolor": lifted, "font": {"color": hover_words(lifted)}}}
        patches.append(patch)
    return patches


def laid_over(trace: dict, patch: dict) -> dict:
    """``trace`` with ``patch`` laid over it, key by key into nested dicts (as ``chart_view.js`` lays it)."""
    merged = dict(trace)
    for key, value in patch.items():
        below = merged.get(key)
        merged[key] = laid_over(below, value) if isinstance(value, dict) and isinstance(below, dict) else value
    return merged


def on_dark_page(plain: dict) -> dict:
    """The figure's JSON as a dark page draws it where no script lays ``screen_patch`` over it (``st.plotly_chart``)."""
    patches = screen_patch(plain)
    return {**plain, "data": [laid_over(trace, patch) for trace, patch in zip(plain.get("data", []), patches)]}


def _plotly_rgb(colour: str) -> str:
    """``#RRGGBB`` as Plotly writes it in an element's style: ``rgb(179, 38, 30)``."""
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


_DARK = 'html[data-oversight-scheme="dark"] .js-plotly-plot'


def dark_theme_css() -> str:
    """The screen's rules that repaint a figure for a dark page: its paper transparent, its words and marks in
    their dark colours, its gridlines receding. A hover box and a heatmap's cells and numbers, which no rule reaches,
    take their dark colours from the figure itself (``screen_patch``)."""
    rules = [
        f"{_DARK} .main-svg {{ background: transparent !important; }}",
        f"{_DARK} rect.bg {{ fill: transparent !important; }}",
        f"{_DARK} :is(.gridlayer, .zerolinelayer) path {{ stroke: {DARK_GRID} !important; }}",
    ]
    for light, dark in DARK_TEXT.items():
        rules.append(
            f'{_DARK} text[style*="fill: {_plotly_rgb(light)}"]:not(.heatmaplayer text, .hoverlayer text) '
            f"{{ fill: {dark} !important; }}"
        )
    for light, dark in DARK_MARKS.items():
        for paint in ("fill", "stroke"):
            rules.append(
                f'{_DARK} :not(text, .hoverlayer *)[style*="{paint}: {_plotly_rgb(light)}"] '
                f"{{ {paint}: {dark} !important; }}"
            )
    return "@media screen {\n" + "\n".join(rules) + "\n}\n"
