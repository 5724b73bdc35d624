"""A count is whole: every axis that counts meetings, issues, suggestions or reminders ticks at whole numbers
(0, 1, 2 …), never 0.5 of a meeting, whatever the filter narrows it to — one unit, one quarter, nothing."""

from __future__ import annotations

import re

import pytest

from oversight.charts import catalog
from oversight.charts.style import count_ticks
from oversight.data import queries
from oversight.data.filters import Filter, Quarter
from oversight.present import compare

COUNTED = re.compile(r"（(个|条|次)）")  # the zh axis titles of counts; minutes (分钟) and shares (%) are not
SMALL_MULTIPLES = {"unit_trends"}  # each small chart's axis is titled above it, and every one counts


def _filters(span):
    q = Quarter.parse
    yield span.default_filter()
    for unit in ("petitions", "counsellors", "research"):
        yield Filter((unit,), q("2020Q1"), q("2020Q4"))
        yield Filter((unit,), q("2020Q3"), q("2020Q3"))
    yield Filter(("chronicles", "data_admin"), q("2019Q1"), q("2020Q4"))
    yield Filter((), span.first, span.first)


def _count_axes(figure, key):
    layout = figure.to_plotly_json()["layout"]
    for name, axis in layout.items():
        if not re.fullmatch(r"[xy]axis\d*", name) or not isinstance(axis, dict):
            continue
        title = (axis.get("title") or {}).get("text") or ""
        if COUNTED.search(title) or (key in SMALL_MULTIPLES and name.startswith("y")):
            yield name, axis


def test_steps_are_whole_and_few():
    assert [count_ticks(top, 3)["dtick"] for top in (0, 0.5, 1.35, 3, 5.1, 9.45, 138)] == [1, 1, 1, 1, 2, 5, 50]
    assert [count_ticks(top, 8)["dtick"] for top in (1, 8, 9, 20, 138, 1_000_000)] == [1, 1, 2, 5, 20, 200_000]
    assert count_ticks(float("nan"), 8) == {"tick0": 0, "dtick": 1}


def test_every_count_axis_ticks_whole_numbers_under_every_filter(connection, span):
    checked = set()
    for filter_ in _filters(span):
        for spec in catalog.all_charts():
            figure = spec.build(queries.run(connection, spec.query, span.resolve(filter_)), "zh")
            for name, axis in _count_axes(figure, spec.key):
                checked.add((spec.key, name))
                if axis.get("tickmode") == "array":  # ticks that stop below a row of labels: whole steps from 0
                    values = list(axis["tickvals"])
                    steps = {b - a for a, b in zip(values, values[1:])}
                    assert values[0] == 0 and all(isinstance(v, int) for v in values), (spec.key, name, filter_)
                    assert len(steps) <= 1 and min(steps, default=1) >= 1, (spec.key, name, filter_)
                    continue
                assert axis.get("tick0") == 0 and isinstance(axis.get("dtick"), int), (spec.key, name, filter_)
                assert axis["dtick"] >= 1
    # every chart that counts was looked at: by unit, by category, per quarter, the small multiples
    assert {key for key, _ in checked} >= {
        "issues_suggestions_by_unit",
        "issues_by_category",
        "meetings_by_quarter",
        "reminders_by_quarter_form",
        "unit_trends",
    }


@pytest.mark.parametrize("units", [("petitions",), ("petitions", "research", "counsellors")])
def test_units_side_by_side_tick_whole_numbers(connection, span, units):
    filter_ = span.resolve(Filter(units, Quarter.parse("2020Q3"), Quarter.parse("2020Q4")))
    trends = compare.trends_side_by_side(
        lambda unit: queries.run(connection, "trends_by_quarter", filter_.with_units([unit])),
        units,
        queries.run(connection, "units"),
    )
    figure = catalog.make_compared_trends_figure(trends, "en")
    axes = [axis for name, axis in figure.to_plotly_json()["layout"].items() if re.fullmatch(r"yaxis\d*", name)]
    assert len(axes) == len(catalog.COMPARED_MEASURES)
    assert all(axis["tick0"] == 0 and isinstance(axis["dtick"], int) for axis in axes)
    # the legend names the units by the units sheet's English short names where it has them
    assert [trace.name for trace in figure.data if trace.showlegend] == [
        {"petitions": "Petitions Bureau", "research": "Research Office", "counsellors": "Counsellors' Office"}[u]
        for u in units
    ]


def test_the_unit_beside_the_average_ticks_whole_numbers_in_a_quarter_to_date(tmp_path):
    """Review of 4 Dec: the unit profile of General Office for 2020 Q3 on data to 14 August (2 meetings beside the
    all-unit average of 3.7) ticked 0, 0.5, 1 … 4 — half a meeting on an axis where every measure is a count. The
    figures are recomputed from the cut spreadsheets; the axis ticks whole numbers from 0, and each bar still writes
    its own figure (3.7)."""
    from datetime import date

    from oversight.charts import ticks
    from oversight.data import store
    from tests import oracle

    folder = tmp_path / "data"
    oracle.cut_copy(store.SAMPLE_DATA_DIR, folder, date(2020, 8, 14))
    meetings = oracle.read_ledgers(folder).meetings
    in_q3 = meetings[meetings["date"] >= date(2020, 7, 1)]
    assert (in_q3["unit"] == "gov_office").sum() == 2 and len(in_q3) == 33  # 33 of 9 units: 3.7 on average

    connection = store.open_folder(folder)
    filter_ = queries.data_span(connection).resolve(Filter((), Quarter(2020, 3), Quarter(2020, 3)))
    beside = catalog.unit_beside_average(queries.run(connection, "unit_metrics", filter_), "gov_office")
    meetings_row = beside.loc[beside["measure"] == "meetings"].iloc[0]
    assert meetings_row["unit"] == 2 and meetings_row["average"] == pytest.approx(33 / 9)
    for lang in ("zh", "en"):
        figure = catalog.make_unit_vs_average_figure(beside, lang, "General Office")
        axis = figure.layout.xaxis
        assert axis.tick0 == 0 and isinstance(axis.dtick, int) and axis.dtick >= 1, (lang, axis.dtick)
        for width in (320, 600, 1000):  # as the page and the pictures fit the ticks to the width drawn at
            fitted = ticks.fitted_value_axis(figure.to_plotly_json()["layout"], width)
            assert fitted is not None and fitted["xaxis"]["tick0"] == 0 and isinstance(fitted["xaxis"]["dtick"], int)
        assert "3.7" in figure.data[1].text
