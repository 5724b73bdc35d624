"""Every chart keeps room for its plot: a long English title (three lines on a phone's card) and a legend of four
rows once left the quarters' bars of "Consultations, special studies, notifications and secondments per quarter"
126 px of a 400 px chart. The figure grows instead, under every filter and in both languages."""

from __future__ import annotations

import pytest

from oversight.charts import catalog
from oversight.charts.style import MIN_PLOT_PX, TEMPLATE
from oversight.data import queries
from oversight.data.filters import Filter, Quarter

# one bar (or row of cells) per unit: the builder asks for a bar's thickness per unit instead (34 px, or 24 px
# for each of a unit's bars side by side), so one unit's chart is not a slab
PER_UNIT_PX = {
    "issues_suggestions_by_unit": 48,
    "issues_by_unit_status": 34,
    "suggestions_by_unit": 34,
    "reminders_by_unit": 34,
    "activities_by_unit": 34,
    "meetings_by_unit_quarter": 34,
}


def _filters(span):
    q = Quarter.parse
    yield span.default_filter()
    yield Filter(("petitions",), q("2020Q1"), q("2020Q4"))
    yield Filter(("chronicles", "data_admin"), q("2019Q1"), q("2020Q4"))
    yield Filter((), span.first, span.first)


def _plot_height(figure) -> float:
    layout = figure.layout
    top = layout.margin.t if layout.margin.t is not None else TEMPLATE.layout.margin.t
    bottom = layout.margin.b if layout.margin.b is not None else TEMPLATE.layout.margin.b
    return (layout.height or 450) - top - bottom


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_plot_keeps_its_room_under_the_title_and_legend(connection, span, lang):
    looked_at = 0
    for filter_ in _filters(span):
        resolved = span.resolve(filter_)
        for spec in catalog.all_charts():
            frame = queries.run(connection, spec.query, resolved)
            figure = spec.build(frame, lang)
            if not figure.data or spec.key in {"unit_trends", "unit_profile_trends"}:
                continue  # an empty chart says so in words; the small multiples size each of their own plots
            units = {
                label
                for trace in figure.data
                for label in list(getattr(trace, "y", None) if getattr(trace, "y", None) is not None else [])
                if label is not None  # a legend entry naming the kinds with none holds no unit
            }
            least = PER_UNIT_PX[spec.key] * len(units) if spec.key in PER_UNIT_PX else MIN_PLOT_PX
            assert _plot_height(figure) >= least, (spec.key, lang, filter_, _plot_height(figure), least)
            looked_at += 1
    assert looked_at >= 4 * 15


def test_the_long_english_title_and_legend_grow_the_figure(connection, span):
    spec = next(spec for spec in catalog.all_charts() if spec.key == "activities_by_quarter")
    frame = queries.run(connection, spec.query, span.default_filter())
    english, chinese = spec.build(frame, "en"), spec.build(frame, "zh")
    assert english.layout.title.text.count("<br>") == 2  # three lines on a phone's card
    assert english.layout.height > chinese.layout.height  # taller, not squeezed
    assert _plot_height(english) == MIN_PLOT_PX


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_units_bars_are_bars_not_slabs(connection, span, lang):
    """Review of 3 Dec: the pack of one unit (省政府办公厅, 2020) drew its issues and suggestions as two blocks filling
    the picture, its rectification status as one green and yellow block: the chart's least height, shared by one row.
    A bar across is as thick as it is in a chart of many rows (0.8 of its row there); the gap takes the rest."""
    one_unit = span.resolve(Filter(("gov_office",), Quarter.parse("2020Q1"), Quarter.parse("2020Q4")))
    every_unit = span.resolve(span.default_filter())
    looked_at = 0
    for spec in catalog.all_charts():
        if spec.key not in PER_UNIT_PX or spec.key == "meetings_by_unit_quarter":
            continue
        figure = spec.build(queries.run(connection, spec.query, one_unit), lang)
        bars = [trace for trace in figure.data if trace.type == "bar"]
        side_by_side = len(bars) if figure.layout.barmode == "group" else 1
        gap = figure.layout.bargap if figure.layout.bargap is not None else 0.2
        thickness = _plot_height(figure) * (1 - gap) / side_by_side
        assert thickness <= 0.8 * PER_UNIT_PX[spec.key] / side_by_side + 0.5, (spec.key, thickness)
        assert thickness >= 0.8 * PER_UNIT_PX[spec.key] / side_by_side - 0.5, (spec.key, thickness)
        # nine units fill the chart's height with rows of their own: Plotly's gap, as before
        assert spec.build(queries.run(connection, spec.query, every_unit), lang).layout.bargap is None, spec.key
        looked_at += 1
    assert looked_at == 5
    heatmap = next(spec for spec in catalog.all_charts() if spec.key == "meetings_by_unit_quarter")
    figure = heatmap.build(queries.run(connection, heatmap.query, one_unit), lang)
    # one row of cells, as tall as a row of many: on screen the chart is as tall as the row needs
    assert _plot_height(figure) == PER_UNIT_PX[heatmap.key]
    assert figure.layout.yaxis.range is None
    assert heatmap.build(queries.run(connection, heatmap.query, every_unit), lang).layout.yaxis.range is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_units_heatmap_row_sits_on_its_quarter_ticks(connection, span, lang):
    """With one unit the heatmap's single row stood in the middle of a 340 px chart (and of a picture's 16:9), its
    quarter ticks far below it. On screen the chart is as tall as its row, the title and the ticks need; in a
    picture taller than that (a document's least height, a download's 16:9) the row keeps a row's height and sits on
    the axis, the room above it. A document's picture is as tall as the row itself: a blank area of a row's height
    stood above it on the page and the slide."""
    from oversight.export import card_downloads, document_layout, marking, names

    heatmap = next(spec for spec in catalog.all_charts() if spec.key == "meetings_by_unit_quarter")
    frame = queries.run(
        connection,
        heatmap.query,
        span.resolve(Filter(("counsellors",), Quarter.parse("2020Q1"), Quarter.parse("2020Q4"))),
    )
    screen = heatmap.build(frame, lang)
    assert _plot_height(screen) == PER_UNIT_PX[heatmap.key] and screen.layout.yaxis.range is None
    mark = marking.Marking("内部资料 注意保存", "chief 2021-01-05 09:30")
    document = document_layout.document_figure(heatmap.build(frame, lang), mark)
    assert document.layout.yaxis.range is None  # the row fills the plot
    assert _plot_height(document) <= PER_UNIT_PX[heatmap.key]
    picture = card_downloads.with_subtitle(heatmap.build(frame, lang), "x", mark)
    plot = _plot_height(picture) + names.EXPORT_HEIGHT - picture.layout.height
    low, high = picture.layout.yaxis.range
    assert low == -0.5  # the row on the axis
    assert plot / (high - low) == pytest.approx(PER_UNIT_PX[heatmap.key])


def test_a_chart_of_three_categories_has_bars_as_thick_as_in_one_of_many(connection, span):
    """The same for bars per category: three of them shared the least height of a chart (300 px)."""
    figure = catalog.make_issues_by_source_figure(
        queries.run(
            connection,
            "issues_by_source",
            span.resolve(Filter(("gov_office",), Quarter.parse("2020Q1"), Quarter.parse("2020Q4"))),
        ),
        "zh",
    )
    assert len(figure.data[0].y) == 3
    assert _plot_height(figure) / 3 * (1 - figure.layout.bargap) == pytest.approx(0.8 * 40, abs=0.5)


@pytest.mark.parametrize(
    ("lang", "unit", "quarter", "mine", "average"),
    [
        ("en", "counsellors", "2020Q3", ["1", "2", "1", "0", "1", "8"], ["0.9", "1", "0.6", "0.7", "0.9", "6.4"]),
        ("zh", "counsellors", "2020Q3", ["1", "2", "1", "0", "1", "8"], ["0.9", "1", "0.6", "0.7", "0.9", "6.4"]),
        ("en", "counsellors", "2020Q4", ["0", "0", "0", "0", "0", "6"], ["0.2", "0.3", "0.1", "0.1", "1", "7.2"]),
    ],
)
def test_the_unit_beside_the_average_writes_every_value(connection, lang, unit, quarter, mine, average):
    """The unit profile's "This unit beside the average of all units" in English wrote no value at all (the Chinese
    chart wrote every one): at a fixed 420 px its title's second line left each bar 14.8 px thick, under the 16 px a
    label needs, so the label fitting dropped them all, on the screen and in the pack. Averages by hand from the
    sample: 2020 Q3, 8 issues, 9 suggestions, 58 meetings over 9 units."""
    from oversight.charts import labels

    at = Quarter.parse(quarter)
    metrics = queries.run(connection, "unit_metrics", Filter((unit,), at, at))
    figure = catalog.make_unit_vs_average_figure(catalog.unit_beside_average(metrics, unit), lang, "U")
    on_screen = labels.for_screen(figure.to_dict())
    assert [trace["text"] for trace in on_screen["data"]] == [mine, average]
    for width in (390, 700):  # a phone's card, half of a wide screen
        fitted = labels.fitted(figure, width)
        assert [list(trace.text) for trace in fitted.data] == [mine, average], width
