"""Every chart of bars across, on a phone's card (320 px), with a province's data (``devdata.scale``: 504 units) and
with one unit, in English: the value axis's ticks side by side without running together, the units' bars not
slivers beside the row adding up the other units, and the value axis's title inside the card. Review of 4 Dec, at
the 1M scale: ticks 0 … 3,000 turned on their side beside long unit names, 20 units' bars a hair's width beside
"484 other units", "Issues / suggestions" cut at the card's edge."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight import charts
from oversight.charts import catalog, kinds
from oversight.charts.style import CARD_WIDTH_PX, label_width
from oversight.core.numbers import fixed
from oversight.data import queries, store
from oversight.data.filters import Filter
from oversight.devdata import scale

MEETINGS = 100_000  # 10,000 activities and reminders, 5,000 issues and suggestions over 504 units
TOP = kinds.TOP_UNIT_ROWS  # the units shown by name, the rest one row


@pytest.fixture(scope="module")
def province():
    tables = scale.build(MEETINGS)
    connection = store.connect(tables)
    span = queries.data_span(connection)
    return tables, connection, span


def _across_charts():
    specs = {spec.key: spec for spec in (*charts.OVERVIEW_CHARTS, *catalog.all_charts())}
    return [spec for spec in specs.values() if spec.key.endswith(("_by_unit", "_by_unit_status", "_by_category"))]


def _filters(connection, span):
    whole = span.resolve(span.default_filter())
    first = connection.execute("select unit_id from units order by unit_id limit 1").fetchone()[0]
    return {"all": whole, "one": span.resolve(Filter((first,), whole.start, whole.end))}


def _plot_px(layout) -> float:
    return CARD_WIDTH_PX - layout.margin.l - layout.margin.r


@pytest.mark.parametrize("which", ["all", "one"])
def test_value_ticks_across_a_phones_card_stand_apart(province, which):
    _, connection, span = province
    looked_at = 0
    for spec in _across_charts():
        frame = queries.run(connection, spec.query, _filters(connection, span)[which])
        if charts.is_empty(frame, spec.value_columns):
            continue
        figure = spec.build(frame, "en")
        axis = figure.layout.xaxis
        end = axis.range[1] if axis.range else frame[list(spec.value_columns)].sum(axis=1).max() * 1.1
        ticks = [axis.tick0 + n * axis.dtick for n in range(int(end // axis.dtick) + 1)]
        assert len(ticks) >= 2, (spec.key, ticks)  # 0 and one more: an axis reading only 0 says nothing
        widest = max(label_width(fixed(tick, 0, grouping=True), 14) for tick in ticks)
        room = _plot_px(figure.layout) * axis.dtick / end  # between two neighbouring ticks, on the phone's card
        assert widest + 8 <= room, (spec.key, which, ticks, room)
        looked_at += 1
    assert looked_at >= 6


def test_the_units_bars_are_not_slivers_beside_the_rest_of_the_province(province):
    """The rest row's bar runs past the plot's end, the plot scaled to the units; its figures, recomputed here from
    the generated tables, are written at its end."""
    tables, connection, span = province
    flt = _filters(connection, span)["all"]
    activities = tables["activities"]
    day = pd.to_datetime(activities["date"])
    start, end = flt.start, flt.end
    in_view = activities[
        (day.dt.year * 10 + day.dt.quarter >= start.year * 10 + start.quarter)
        & (day.dt.year * 10 + day.dt.quarter <= end.year * 10 + end.quarter)
    ]
    per_unit = in_view.groupby("unit")["kind"].count()
    per_unit = per_unit.reindex(tables["units"]["unit_id"], fill_value=0)
    ordered = sorted(per_unit.items(), key=lambda pair: (-pair[1], pair[0]))
    # the units tied with the 15th are drawn with it (``kinds.top_units``, tests/test_top_units_ties.py)
    shown = sum(1 for _, count in ordered if count >= ordered[TOP - 1][1])
    shown = shown if shown <= kinds.MOST_UNIT_BARS else TOP
    largest, rest = ordered[0][1], sum(count for _, count in ordered[shown:])
    assert rest > 10 * largest  # the province's shape: the rest row dwarfs any unit

    spec = next(spec for spec in catalog.all_charts() if spec.key == "activities_by_unit")
    figure = spec.build(queries.run(connection, spec.query, flt), "en")
    low, high = figure.layout.xaxis.range
    assert low == 0 and largest <= high <= 1.5 * largest  # the largest unit's bar takes most of the plot
    (note,) = [a for a in figure.layout.annotations if "▸" in a.text]
    assert note.text == f"{fixed(rest, 0, grouping=True)} ▸" and note.y == f"{len(ordered) - shown} other units"
    # the rest's parts each carry their own count (drawn as their share of the plot's width), never a length
    bars = [trace for trace in figure.data if trace.type == "bar"]
    assert all(trace.text[0] in ("", fixed(kinds.bar_values(trace)[0], 0, grouping=True)) for trace in bars)
    assert sum(sum(kinds.bar_values(trace)) for trace in bars) == sum(per_unit)  # the data is whole


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_value_axis_title_stays_inside_a_phones_card(province, lang):
    _, connection, span = province
    for which, flt in _filters(connection, span).items():
        for spec in _across_charts():
            frame = queries.run(connection, spec.query, flt)
            if charts.is_empty(frame, spec.value_columns):
                continue
            layout = spec.build(frame, lang).layout
            centre = layout.margin.l + _plot_px(layout) / 2
            for line in (layout.xaxis.title.text or "").split("<br>"):
                assert centre + label_width(line, 14) / 2 <= CARD_WIDTH_PX, (spec.key, which, line)


def test_a_stacks_rest_row_cut_at_the_plots_end_is_not_drawn_in_one_parts_colour(province):
    """Review of 4 Dec (the briefing pack of the scale folder, 504 units): the row adding up 489 other units runs past
    the plot's end, so only its first part showed: 各单位会商、专题研究、通报与抽调 drew "其他489家单位582 ▸" all in 定期会商's
    red (the province held 233 consultations in all), 各单位问题整改状态 drew 278 issues in 未整改's red (29 unrectified).
    Then one slate bar of its total, out of the legend, lost the breakdown the chart is about (review of 5 Dec). Each
    part is drawn on it in its own colour, as its share of the plot's width, with its true count."""
    _, connection, span = province
    flt = _filters(connection, span)["all"]
    looked_at = []
    for spec in _across_charts():
        frame = queries.run(connection, spec.query, flt)
        figure = spec.build(frame, "zh")
        if figure.layout.barmode != "stack" or not any("▸" in note.text for note in figure.layout.annotations):
            continue
        bars = [trace for trace in figure.data if trace.type == "bar"]
        assert all(trace.showlegend is not False for trace in bars), spec.key  # every colour on it is in the legend
        rest = [kinds.bar_values(trace)[0] for trace in bars]
        end = figure.layout.xaxis.range[1]
        for trace, value in zip(bars, rest, strict=True):
            assert trace.x[0] == pytest.approx(value / sum(rest) * end), (spec.key, trace.name)
        whole = frame[list(spec.value_columns)].sum(axis=1).sum()
        assert sum(sum(kinds.bar_values(trace)) for trace in bars) == whole, spec.key  # the data still whole
        looked_at.append(spec.key)
    assert {"activities_by_unit", "issues_by_unit_status"} <= set(looked_at), looked_at
