"""A document's picture has as much room above its plot as its legend is drawn in, read from the picture kaleido
draws (its SVG): the screen's estimate of the legend's rows, erring on more, kept 40 to 50 px of blank above the legend
of grouped and stacked bars (activities by quarter, issues by status in English). Review of this session's pictures."""

from __future__ import annotations

import re

import pytest

from oversight import charts
from oversight.charts import catalog
from oversight.data import queries, store
from oversight.devdata import scale
from oversight.export import document_layout, legend_room, rendering

pytestmark = pytest.mark.slow  # renders pictures with kaleido

# Over one row of legend, at the top margin of a picture without a title: the room Plotly leaves above the legend
# when the margin is its 50 px (15 to 19 px measured: the legend stands 1% of the plot's height over it)
MOST_BLANK_PX = 20


def _legend_box(figure) -> tuple[float, float] | None:
    """Where the drawn legend starts from the picture's top, and how tall it is; None without one."""
    width, height = document_layout.document_size(figure)
    svg = rendering._render([(figure, {"format": "svg", "width": width, "height": height, "scale": 1})])[0].decode()
    found = re.search(
        r'<g class="legend"[^>]*transform="translate\([\d.]+,\s*([\d.]+)\)"[^>]*><rect class="bg"[^>]*height="([\d.]+)"',
        svg,
    )
    return (float(found.group(1)), float(found.group(2))) if found else None


def _specs():
    return (*charts.OVERVIEW_CHARTS, *catalog.all_charts())


@pytest.fixture(scope="module")
def province():
    connection = store.connect(scale.build(20_000))  # 504 units
    span = queries.data_span(connection)
    return connection, span.resolve(span.default_filter())


def _views(connection, span, default_filter, province):
    yield "nine units", connection, default_filter
    yield "one unit", connection, span.resolve(default_filter.with_units(["research"]))
    yield "province", *province


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_legend_has_the_room_it_is_drawn_in_and_no_more(connection, span, default_filter, province, lang):
    measured = 0
    for view, data, filter_ in _views(connection, span, default_filter, province):
        for spec in _specs():
            figure = document_layout.document_figure(spec.build(queries.run(data, spec.query, filter_), lang))
            box = _legend_box(figure)
            if box is None or figure.layout.legend.y is not None and figure.layout.legend.y < 1:
                continue  # no legend, or one under the plot
            top, tall = box
            where = (view, spec.key, figure.layout.margin.t, box)
            assert 0 <= top <= MOST_BLANK_PX, where  # not cut at the picture's top, and no band of blank over it
            assert top + tall <= figure.layout.margin.t, where  # over the plot, not on it
            measured += 1
    assert measured >= 30


def test_plotly_lays_a_legend_that_does_not_fit_on_one_row_on_columns_of_its_widest_entry():
    # four Chinese entries of 96, 96, 96 and 124 px: 427 px side by side, two columns of 129 px over 352 px
    names = ["定期会商", "专题研究", "工作通报", "抽调参与办案"]
    assert len(legend_room.legend_rows_px(names, 352, 14)) == 2
    assert len(legend_room.legend_rows_px(names, 430, 14)) == 1
    assert legend_room.extra_rows_px(names[:2], 352, 14) == 0
