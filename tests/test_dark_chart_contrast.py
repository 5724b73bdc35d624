"""信息无障碍 (GB/T 37668, WCAG 2.1 AA) on a dark page: every chart as the sample draws it, in both languages, with
each colour as the dark page shows it (``charts/dark.py``): every word on the page 4.5:1 (chart text is 12 to 18 px,
never WCAG's large text), every bar, slice and line 3:1, every number inside a bar or slice 4.5:1 against the
lifted fill; the gridlines quieter than any mark; the watermark as traceable as on paper. And what the page's CSS
cannot reach, laid over the figure by the page's script (``dark.screen_patch``): every hover box's words on its
box and every heatmap cell's number on its cell, in both themes. WCAG's ratio is written out again in
``test_chart_contrast``; the browser test measures the same colours on the screen."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from oversight.charts import TEMPLATE, catalog
from oversight.charts.dark import DARK_GRID, DARK_MARKS, DARK_PAGE, DARK_TEXT, dark_mark, dark_text, on_dark_page
from oversight.charts.style import inside_text_colour, readable_hover
from oversight.data import queries
from oversight.export.marking import WATERMARK_OPACITY, WATERMARK_RGB
from tests.test_chart_colour_vision import PALETTES
from tests.test_chart_contrast import PAPER, _ratio

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _colours(node, path: str = ""):
    """Every ``#RRGGBB`` in a figure's JSON, with the path of keys that leads to it (lists flattened)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _colours(value, f"{path}.{key}")
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _colours(value, path)
    elif isinstance(node, str) and _HEX.match(node):
        yield path, node.upper()


def _kinds_of_colour(figure) -> dict[str, set[str]]:
    """The figure's colours sorted by what they paint: words on the page, marks, numbers inside marks."""
    found: dict[str, set[str]] = {"words": set(), "marks": set(), "inside": set()}
    traces = [trace.to_plotly_json() for trace in figure.data if trace.type != "heatmap"]  # cells: an image
    layout = figure.layout.to_plotly_json()
    layout.pop("template", None)
    places = [("data", traces), ("layout", layout), ("template", TEMPLATE.layout.to_plotly_json())]
    for where, node in places:
        for path, colour in _colours(node, where):
            if "hoverlabel" in path:
                continue  # a hover box: its text picked against its own fill
            if path.endswith("insidetextfont.color"):
                found["inside"].add(colour)
            elif path.endswith("font.color"):
                found["words"].add(colour)
            elif path.endswith(("marker.color", "marker.colors", "line.color")):
                found["marks"].add(colour)
    return found


@pytest.mark.parametrize("palette", PALETTES)
def test_each_palettes_colours_read_on_the_dark_page_and_carry_a_readable_number(palette):
    for colour in PALETTES[palette]:
        lifted = dark_mark(colour)
        assert _ratio(lifted, DARK_PAGE) >= 3, (palette, colour, lifted, round(_ratio(lifted, DARK_PAGE), 2))
        ink = inside_text_colour(colour)  # picked on paper, and written in the figure: the dark page keeps it
        assert _ratio(ink, lifted) >= 4.5, (palette, colour, lifted, ink, round(_ratio(ink, lifted), 2))


def test_the_unlifted_red_blue_and_plum_sank_into_the_dark_page():
    """What the screen drew before: the brightening rule matched no element, the marks kept their paper colours."""
    assert {colour: round(_ratio(colour, DARK_PAGE), 2) for colour in DARK_MARKS} == {
        "#B3261E": 2.77,
        "#1F5AA6": 2.64,
        "#5D3F69": 2.05,
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_charts_words_marks_and_numbers_read_on_the_dark_page(connection, span, lang):
    looked_at = {"words": 0, "marks": 0, "inside": 0}
    words: set[str] = set()
    for spec in catalog.all_charts():
        figure = spec.build(queries.run(connection, spec.query, span.default_filter()), lang)
        found = _kinds_of_colour(figure)
        words |= found["words"]
        for colour in found["words"]:
            shown = dark_text(colour)
            assert _ratio(shown, DARK_PAGE) >= 4.5, (spec.key, colour, shown, round(_ratio(shown, DARK_PAGE), 2))
            looked_at["words"] += 1
        for colour in found["marks"]:
            shown = dark_mark(colour)
            assert _ratio(shown, DARK_PAGE) >= 3, (spec.key, colour, shown, round(_ratio(shown, DARK_PAGE), 2))
            looked_at["marks"] += 1
        for ink in found["inside"]:  # each against every fill of the figure whose own ink it is
            for fill in (fill for fill in found["marks"] if inside_text_colour(fill) == ink):
                assert _ratio(ink, dark_mark(fill)) >= 4.5, (spec.key, ink, fill, dark_mark(fill))
                looked_at["inside"] += 1
    assert {"#1F2933", "#52606D"} <= words, words  # the ink, and the grey of the notes and the changes over the bars
    # and every colour the dark page repaints words from is one a chart writes in (the green of the changes over the
    # meeting bars stayed in the table after they turned grey)
    assert set(DARK_TEXT) <= words, set(DARK_TEXT) - words
    assert looked_at["words"] > 20 and looked_at["marks"] > 40 and looked_at["inside"] > 10, looked_at


def test_gridlines_recede_behind_every_mark_yet_show_as_on_paper():
    paper_grid = _ratio(TEMPLATE.layout.xaxis.gridcolor, PAPER)
    least_mark = min(_ratio(dark_mark(colour), DARK_PAGE) for palette in PALETTES.values() for colour in palette)
    assert paper_grid < _ratio(DARK_GRID, DARK_PAGE) < least_mark, (paper_grid, _ratio(DARK_GRID, DARK_PAGE))
    # the axis line (the bars' base) is a mark in its own right: 3:1 as it is
    assert _ratio(TEMPLATE.layout.xaxis.linecolor, DARK_PAGE) >= 3


def _watermarked(page: str) -> str:
    """The watermark's grey at its opacity over ``page``, as the screen blends it."""
    under = [int(page[i : i + 2], 16) for i in (1, 3, 5)]
    blended = (
        round(WATERMARK_OPACITY * mark + (1 - WATERMARK_OPACITY) * base) for mark, base in zip(WATERMARK_RGB, under)
    )
    return "#" + "".join(f"{channel:02X}" for channel in blended)


def test_the_watermark_is_traced_on_a_dark_page_as_on_paper_and_hides_no_word():
    on_paper, on_dark = _ratio(_watermarked(PAPER), PAPER), _ratio(_watermarked(DARK_PAGE), DARK_PAGE)
    assert on_dark >= on_paper, (round(on_paper, 2), round(on_dark, 2))  # 1.13 on paper, 1.31 on the dark page
    # the quietest words a chart writes still read where a watermark's letter passes under them
    quietest = min((dark_text(colour) for colour in (TEMPLATE.layout.font.color, "#52606D")), key=_ratio_to_dark)
    assert _ratio(quietest, _watermarked(DARK_PAGE)) >= 4.5, quietest


def _ratio_to_dark(colour: str) -> float:
    return _ratio(colour, DARK_PAGE)


def _plotly_pick(fill: str) -> str:
    """The colour Plotly writes a hover box's words or a heatmap cell's number in where the figure sets none: white or
    #444, whichever has the higher contrast with the fill (plotly.js 4's Color.contrast)."""
    return "#FFFFFF" if _ratio(fill, "#FFFFFF") > _ratio(fill, "#444444") else "#444444"


def _cell(colorscale, share: float) -> str:
    """The colour a heatmap cell ``share`` of the way up ``colorscale`` is drawn in: the channels mixed in a line."""
    stops = [(float(at), str(colour)) for at, colour in colorscale]
    (low_at, low), (high_at, high) = next(
        (pair for pair in zip(stops, stops[1:]) if pair[0][0] <= share <= pair[1][0]), (stops[-2], stops[-1])
    )
    t = (share - low_at) / (high_at - low_at)
    channels = [int(low[i : i + 2], 16) + (int(high[i : i + 2], 16) - int(low[i : i + 2], 16)) * t for i in (1, 3, 5)]
    return "#" + "".join(f"{round(channel):02X}" for channel in channels)


def _screen_figures(connection, span, lang):
    """Each chart's JSON as the page sends it (hover words picked), and as a dark page draws it."""
    for spec in catalog.all_charts():
        figure = spec.build(queries.run(connection, spec.query, span.default_filter()), lang)
        plain = readable_hover(json.loads(figure.to_json()))
        for trace, built in zip(plain["data"], figure.data):
            if trace["type"] == "heatmap":
                trace["z"] = built.z  # the JSON's numbers are packed (plotly's bdata)
        yield spec.key, "light", plain
        yield spec.key, "dark", on_dark_page(plain)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_heatmap_cells_number_reads_on_its_cell_in_both_themes(connection, span, lang):
    """Plotly wrote each cell's number white or #444 by which stood further from the cell: on the scale from a pale
    tint to the deep red, the middle's cells read 3.1 to 4.4:1 (18 of the sample's 36), and on a dark page the pale
    cells glared from it. Each scale now has one colour of number that reads on all of its cells."""
    cells = 0
    for key, theme, plain in _screen_figures(connection, span, lang):
        for trace in (trace for trace in plain["data"] if trace["type"] == "heatmap"):
            z = np.array(trace["z"], dtype="float64")
            low, high = trace["zmin"], trace["zmax"]
            faint = {}
            for value in z[~np.isnan(z)]:
                fill = _cell(trace["colorscale"], (value - low) / (high - low))
                ink = (trace.get("textfont") or {}).get("color") or _plotly_pick(fill)
                if _ratio(ink, fill) < 4.5:
                    faint[value] = (fill, ink, round(_ratio(ink, fill), 2))
                cells += 1
            assert faint == {}, (key, theme)
            page = DARK_PAGE if theme == "dark" else PAPER
            # no meetings is a shade of the page, as on paper; the most stands out from it as a mark does
            assert _ratio(_cell(trace["colorscale"], 0.0), page) < 1.3, (key, theme)
            assert _ratio(_cell(trace["colorscale"], 1.0), page) >= 3, (key, theme)
    assert cells >= 2 * 36, cells


def _per_point(value, count: int) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value] * count


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_hover_boxs_words_read_on_it_and_a_dark_pages_box_is_its_marks_colour(connection, span, lang):
    """Plotly wrote a hover box's words white or #444, by which stood further from the box: white on the grey of a
    year earlier (3.2:1) and on the amber (3.2:1), in both themes; and on a dark page each box kept the paper's
    colour, the red #B3261E beside bars drawn #CA2B22."""
    boxes = 0
    for key, theme, plain in _screen_figures(connection, span, lang):
        for trace in plain["data"]:
            marker, line = trace.get("marker") or {}, trace.get("line") or {}
            own = marker.get("colors") if trace["type"] == "pie" else marker.get("color") or line.get("color")
            if trace["type"] == "heatmap" or own is None:
                continue
            if not all(_HEX.match(fill) for fill in _per_point(own, 1)):
                continue  # a see-through trace (rgba): nothing pointed at draws a box in it
            count = len(own) if isinstance(own, (list, tuple)) else 1
            hoverlabel = trace.get("hoverlabel") or {}
            # a box is the trace's colour unless the figure gives it one
            boxes_drawn = _per_point(hoverlabel.get("bgcolor") or own, count)
            if theme == "dark":
                assert boxes_drawn == [dark_mark(fill) for fill in _per_point(own, count)], (key, trace.get("name"))
            words = _per_point((hoverlabel.get("font") or {}).get("color"), count)
            for box, ink in zip(boxes_drawn, words):
                ink = ink or _plotly_pick(box)
                assert _ratio(ink, box) >= 4.5, (key, theme, trace.get("name"), box, ink, round(_ratio(ink, box), 2))
                boxes += 1
    assert boxes > 80, boxes
