"""Every row of units a document's picture draws carries its name, and every bar its figure, read from the picture
kaleido draws (its SVG): at 440 px Plotly named every other row of the 30-unit heatmap and of a province's 21 rows of
bars, wrote no figure beside the nine units' issues and suggestions (bars thinner than their 14 px type) nor in a
province's stacks, and a one-unit heatmap stood under a blank picture's height. Review of this session's pictures."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import pandas as pd
import pytest

from oversight import charts
from oversight.briefing import takeaways
from oversight.charts import catalog, kinds
from oversight.core.numbers import grouped
from oversight.data import queries, store
from oversight.devdata import scale
from oversight.export import document_layout, figure_margin, rendering

pytestmark = pytest.mark.slow  # renders pictures with kaleido

LEAST_PX = document_layout.DOCUMENT_LEAST_TEXT_PX  # 10 pt printed


def _specs():
    return {spec.key: spec for spec in (*charts.OVERVIEW_CHARTS, *catalog.all_charts())}


def _svg(figure) -> str:
    width, height = document_layout.document_size(figure)
    return rendering._render([(figure, {"format": "svg", "width": width, "height": height, "scale": 1})])[0].decode()


def _texts(svg: str, css_class: str) -> list[tuple[str, float]]:
    """The text and the type size of each ``<text class="css_class …">`` of the picture, or text of a
    ``<g class="css_class">`` (a tick's)."""
    found = []
    own = rf'<text([^>]*class="{css_class}[^"]*"[^>]*)>(.*?)</text>'
    grouped_in = rf'<g class="{css_class}"><text([^>]*)>(.*?)</text>'
    for attributes, body in re.findall(own, svg, re.S) + re.findall(grouped_in, svg, re.S):
        size = re.search(r"font-size: ?([\d.]+)px", attributes)
        found.append((unescape(re.sub(r"<[^>]+>", "", body)), float(size.group(1)) if size else 0.0))
    return found


def _row_names(svg: str) -> list[str]:
    return [text for text, _ in _texts(svg, "ytick")]


def _annotations(svg: str) -> list[str]:
    return [text for text, _ in _texts(svg, "annotation-text")]


@pytest.fixture(scope="module")
def province():
    connection = store.connect(scale.build(20_000))  # 504 units
    span = queries.data_span(connection)
    return connection, span.resolve(span.default_filter())


def _hand_heatmap(units: int, quarters=(20201, 20202, 20203, 20204)) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "unit_id": f"u{k:03d}",
                "name_zh": f"第{k}单位",
                "name_en": f"Unit {k}",
                "ordinal": k,
                "quarter_key": key,
                "year": key // 10,
                "quarter": key % 10,
                "meetings": 100 + (k * 37 + key) % 900,
            }
            for k in range(1, units + 1)
            for key in quarters
        ]
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_heatmap_of_many_units_names_every_row_it_draws_and_the_reading_names_only_those(lang):
    spec = _specs()["meetings_by_unit_quarter"]
    frame = _hand_heatmap(60)
    figure = document_layout.document_figure(spec.build(frame, lang))
    drawn = list(figure.data[0].y)
    assert len(drawn) == kinds.MAX_UNIT_ROWS
    svg = _svg(figure)
    assert sorted(_row_names(svg)) == sorted(drawn)
    assert all(size >= LEAST_PX for _, size in _texts(svg, "ytick"))
    reading = takeaways.takeaway(spec, frame, lang)
    named = set(re.findall(r"第\d+单位" if lang == "zh" else r"Unit \d+", reading))
    assert named and named <= set(drawn), reading


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_nine_units_issues_and_suggestions_carry_every_figure(connection, default_filter, lang):
    spec = _specs()["issues_suggestions_by_unit"]
    frame = queries.run(connection, spec.query, default_filter)
    assert len(frame) == 9
    svg = _svg(document_layout.document_figure(spec.build(frame, lang)))
    assert len(_row_names(svg)) == 9
    written = _texts(svg, "bartext")
    expected = Counter(grouped(v) for column in ("issues", "suggestions") for v in frame[column] if v > 0)
    assert Counter(text for text, _ in written) == expected
    assert all(size >= LEAST_PX for _, size in written)


def _unit_rows(figure) -> tuple[list[str], list[int]]:
    """The drawn units' names and their rows (the rest row, with no unit id, left out)."""
    ids = list(figure.data[0].customdata)
    return [name for name, unit in zip(figure.data[0].y, ids) if unit], [at for at, unit in enumerate(ids) if unit]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "key",
    [
        "issues_suggestions_by_unit",
        "issues_by_unit_status",
        "suggestions_by_unit",
        "reminders_by_unit",
        "activities_by_unit",
    ],
)
def test_a_provinces_bars_per_unit_name_every_row_and_write_every_units_figures(province, key, lang):
    connection, whole = province
    spec = _specs()[key]
    frame = queries.run(connection, spec.query, whole)
    figure = document_layout.document_figure(spec.build(frame, lang))
    names, rows = _unit_rows(figure)
    # the top 15, with the units tied with the 15th where there is room (tests/test_top_units_ties.py)
    assert len(frame) > len(names) and kinds.TOP_UNIT_ROWS <= len(names) <= kinds.MOST_UNIT_BARS
    svg = _svg(figure)
    assert len(_row_names(svg)) == len(figure.data[0].y)  # every row, the rest row too
    bars = [trace for trace in figure.data if trace.type == "bar"]
    if figure.layout.barmode == "stack":
        # each unit's largest part carries its count (a thinner one may be too short for its figure)
        written = Counter(text for text, size in _texts(svg, "bartext") if size >= LEAST_PX)
        largest = Counter(grouped(max(trace.x[at] for trace in bars)) for at in rows)
        assert not largest - written, largest - written
    else:
        texts = [text for text, _ in _texts(svg, "bartext")] + _annotations(svg)
        for at in rows:
            per_bar = all(grouped(trace.x[at]) in texts for trace in bars)
            beside = " / ".join(grouped(trace.x[at]) for trace in bars[::-1]) in texts
            assert per_bar or beside, (figure.data[0].y[at], texts)
        assert all(size >= LEAST_PX for _, size in _texts(svg, "annotation-text"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_one_unit_heatmaps_picture_is_as_tall_as_its_row(lang):
    spec = _specs()["meetings_by_unit_quarter"]
    figure = document_layout.document_figure(spec.build(_hand_heatmap(1), lang))
    width, height = document_layout.document_size(figure)
    layout = figure.layout
    plot = height - figure_margin.margin_px(figure, "t", 90) - figure_margin.margin_px(figure, "b", 60)
    assert plot <= kinds.HEATMAP_ROW_PX + 1, height
    assert layout.yaxis.range is None  # the row fills the plot: no blank room above it
    assert _row_names(_svg(figure)) == list(figure.data[0].y)


def _bar_thicknesses(svg: str) -> list[float]:
    """How thick each bar across is drawn in the picture (its path's height), in px."""
    thick = []
    for path in re.findall(r'<g class="point"><path d="M[\d.]+,([\d.]+)V([\d.]+)H', svg):
        thick.append(abs(float(path[0]) - float(path[1])))
    return thick


def _plot_px(figure) -> float:
    return (
        document_layout.document_size(figure)[1]
        - figure_margin.margin_px(figure, "t", 90)
        - figure_margin.margin_px(figure, "b", 60)
    )


BARS_ACROSS = [
    "issues_suggestions_by_unit",
    "issues_by_unit_status",
    "suggestions_by_unit",
    "reminders_by_unit",
    "activities_by_unit",
    "issues_by_category",
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", BARS_ACROSS)
def test_one_units_bars_are_as_thick_as_a_provinces_and_the_picture_no_taller_than_they_need(
    connection, span, default_filter, key, lang
):
    """One unit's issues by status in a document stood as one slab 48 to 130 px thick in a 360 px picture: the gap
    between the rows was worked out for the screen's height. A row is now as thick as in a picture of many rows (a
    stack's 34 px row, 27 px of bar; two bars side by side 24 px a bar, 19 px each) and the picture is as tall as its
    row, margins and legend need."""
    spec = _specs()[key]
    frame = queries.run(connection, spec.query, span.resolve(default_filter.with_units(["research"])))
    figure = document_layout.document_figure(spec.build(frame, lang))
    bars = [trace for trace in figure.data if trace.type == "bar"]
    rows = len(bars[0].y)
    assert rows == 1
    svg = _svg(figure)
    thick = _bar_thicknesses(svg)
    assert thick, svg[:400]
    assert all(LEAST_PX + 1 <= bar <= 34 for bar in thick), thick
    # a row of two bars side by side 48 px, a category's 40, a stack's 34
    assert _plot_px(figure) <= 48 + 1, document_layout.document_size(figure)
    assert document_layout.document_size(figure)[1] < document_layout.DOCUMENT_MIN_HEIGHT


ACTIVITY_KINDS = ["consultation", "special_study", "notification", "secondment"]


@pytest.fixture(scope="module")
def province_activities():
    """A province's activities by quarter (``sample --scale 200000``): 150 to 700 a kind a quarter."""
    connection = store.connect(scale.build(200_000))
    span = queries.data_span(connection)
    return queries.run(connection, _specs()["activities_by_quarter"].query, span.resolve(span.default_filter()))


def _bar_texts_placed(svg: str) -> list[tuple[str, float, float, bool]]:
    """Each bar's figure: its text, type size, where its middle stands down the plot, and whether it is turned."""
    placed = []
    for style, transform, body in re.findall(
        r'<text class="bartext[^"]*"[^>]*style="([^"]*)"[^>]*transform="([^"]*)"[^>]*>(.*?)</text>', svg
    ):
        size = float(re.search(r"font-size: ?([\d.]+)px", style).group(1))
        down = float(re.search(r"translate\([\d.]+,\s*([-\d.]+)\)", transform).group(1))
        placed.append((unescape(body), size, down, "rotate(-90" in transform))
    return placed


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("times", [1, 4])  # a province's three digits, and four (1,968) at four times as many
def test_a_provinces_activities_by_quarter_write_every_kinds_figure(province_activities, times, lang):
    """Four kinds side by side a quarter at a province's scale wrote none of their figures, or only the thinnest
    kind's: 3 and 4 digits were wider than their bars. Every figure is written now, at 10 pt printed or more, across
    over its bar where all fit (the quarters' gap closed a little), else up its bar, inside the plot."""
    frame = province_activities.copy()
    frame[ACTIVITY_KINDS] = frame[ACTIVITY_KINDS] * times
    assert frame[ACTIVITY_KINDS].to_numpy().max() >= (1000 if times == 4 else 500)
    figure = document_layout.document_figure(_specs()["activities_by_quarter"].build(frame, lang))
    placed = _bar_texts_placed(_svg(figure))
    expected = Counter(grouped(v) for column in ACTIVITY_KINDS for v in frame[column] if v > 0)
    assert Counter(text for text, _, _, _ in placed) == expected
    assert all(size >= LEAST_PX for _, size, _, _ in placed)
    for text, size, down, turned in placed:
        # a turned figure's end stays in the plot, under the legend: its middle half its length from the plot's top
        reach = charts.style.label_width(text, size) / 2 if turned else size
        assert down - reach >= -2, (text, down)
