"""Chart value labels write a figure as the cards do: grouped in thousands (1,234.5), never 1234.5 beside a card's
1,234.5. The figures here are synthetic, past a thousand, so every kind of label is seen grouped."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from oversight import charts
from oversight.charts import catalog, kinds

QUARTERS = pd.DataFrame({"year": [2020, 2020], "quarter": [1, 2], "quarter_key": [20201, 20202]})


def test_the_unit_beside_the_average_writes_its_values_grouped_in_thousands():
    frame = pd.DataFrame(
        {
            "measure": list(catalog.PROFILE_MEASURES),
            "unit": [1234.5, 2, 3, 4, 5, 12345],
            "average": [1000, 1, 1, 1, 1, 9],
        }
    )
    for lang in ("zh", "en"):
        unit, average = catalog.make_unit_vs_average_figure(frame, lang, "Unit").data
        assert list(unit.text) == ["1,234.5", "2", "3", "4", "5", "12,345"]
        assert list(average.text) == ["1,000", "1", "1", "1", "1", "9"]


def _reminders_past_a_thousand():
    """Reminders by quarter and form with 1,500 written and 2,000 in person: counts Plotly writes ungrouped."""
    return kinds.quarter_bars(
        QUARTERS.assign(written=[1500, 2], in_person=[0, 2000], meeting=[0, 0]),
        "en",
        "chart.reminders_by_quarter_form",
        catalog.FORM_SERIES,
        axis_key="axis.reminders",
    )


def test_bars_lines_heatmap_and_donut_counts_past_a_thousand_are_grouped():
    bars = _reminders_past_a_thousand()
    assert [t for trace in bars.data for t in trace.text if t] == ["1,500", "2", "2,000"]
    assert [note.text for note in bars.layout.annotations] == ["2,002"]  # the total over the stack of two parts
    lines = catalog.make_meeting_duration_figure(
        QUARTERS.assign(avg_duration_min=[1234.56, 80.0], prev_avg_duration_min=[float("nan"), 1000.0]), "zh"
    )
    assert [t for trace in lines.data for t in trace.text if t] == ["1,234.6", "80", "1,000"]
    meetings = charts.make_meetings_by_quarter_figure(
        QUARTERS.assign(meetings=[1200, 30], prev_meetings=[1100, 3000]), "zh"
    )
    assert [list(trace.text) for trace in meetings.data] == [["1,100", "3,000"], ["1,200", "30"]]
    heat = pd.DataFrame(
        {"unit_id": "u", "name_zh": "单位", "name_en": "Unit", "ordinal": 1, "quarter_key": [20201, 20202]}
    ).assign(meetings=[1001, 7])
    cells = kinds.unit_quarter_heatmap(heat, "en", "chart.meetings_by_unit_quarter", "meetings").data[0].text
    assert [list(row) for row in cells] == [["1,001", "7"]]
    donut = charts.make_reminders_by_form_figure(
        pd.DataFrame({"form": ["written", "in_person", "meeting"], "reminders": [1500, 0, 500]}), "zh"
    )
    assert list(donut.data[0].labels) == ["书面提醒1,500（75.0%）", "会议提醒500（25.0%）"]
    assert "2,000次" in donut.layout.annotations[0].text


def _value_axes(figure):
    """Every axis of ``figure`` that writes numbers of its own (not categories, not hidden)."""
    layout = figure.to_plotly_json()["layout"]
    for name, axis in layout.items():
        if name[1:5] == "axis" and isinstance(axis, dict) and axis.get("type") != "category":
            if axis.get("visible") is not False:
                yield name, axis


def test_every_value_axis_of_every_chart_groups_four_digit_ticks(connection):
    """Plotly groups an axis's ticks only from 10,000 on: 1000 … 9000 stood beside a card's 1,234. Every chart's
    value axes group them as the cards do, in either language (the template's axes carry it, none turns it off)."""
    from oversight.charts.style import TEMPLATE
    from oversight.data import queries
    from oversight.data.filters import Filter, Quarter

    assert TEMPLATE.layout.xaxis.separatethousands and TEMPLATE.layout.yaxis.separatethousands
    seen = 0
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, Filter((), Quarter(2019, 1), Quarter(2020, 4)))
        for lang in ("zh", "en"):
            for name, axis in _value_axes(spec.build(frame, lang)):
                assert axis.get("separatethousands") is not False, (spec.key, name)
                seen += 1
    assert seen > 20


@pytest.mark.slow
def test_a_picture_of_counts_past_a_thousand_writes_its_axis_ticks_grouped():
    """The same, read off the drawn picture (kaleido, as every download is drawn), on a chart of one axis and on the
    small charts stacked on xaxis4 (their axes are the template's too); and from 10,000 on, 20,000 where Plotly wrote
    20k beside a card's 20,000."""
    from oversight.export.rendering import figure_svg

    bars = _reminders_past_a_thousand()
    small = catalog.make_unit_trends_figure(
        QUARTERS.assign(meetings=[12000, 34000], reminders=[2, 3], issues=[5000, 7000], suggestions=[1, 9]), "zh"
    )
    for figure in (bars, small):
        ticks = re.findall(r'class="[xy]\d*tick"><text[^>]*>([^<]*)<', figure_svg(figure).decode())
        assert [tick for tick in ticks if re.fullmatch(r"\d{4}|[\d.]+k", tick)] == []  # never 1000, never 20k
        assert any(re.fullmatch(r"\d,\d{3}", tick) for tick in ticks), ticks
    assert re.search(r'class="ytick"><text[^>]*>\d\d,000<', figure_svg(small).decode())  # 20,000 as a card writes it
