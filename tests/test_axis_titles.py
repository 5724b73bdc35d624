"""Every chart's value axis says what it counts and in which unit (指出问题（个）, 意见建议（条）), never a bare 数量 over
bars that mix 个 and 条; and 未整改 reads "Not yet rectified" in English wherever it appears."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from oversight.charts import catalog
from oversight.contract.schema import ISSUE_STATUSES
from oversight.core import i18n
from oversight.data import queries
from oversight.export import document_layout

# a value label over a point: its line of 13 px type, half the marker and a gap
_VALUE_LABEL_PX = 23
UNIT_IN_TITLE = re.compile(r"（(个|条|次|分钟|%)）")
# charts whose values are written on them and have no value axis: the donuts (each spec's slices_of), the heatmap
NO_VALUE_AXIS = {spec.key for spec in catalog.all_charts() if spec.slices_of} | {"meetings_by_unit_quarter"}


def _axis_titles(figure) -> list[str]:
    layout = figure.to_plotly_json()["layout"]
    titles = [
        (axis.get("title") or {}).get("text")
        for name, axis in layout.items()
        if re.fullmatch(r"[xy]axis\d*", name) and isinstance(axis, dict)
    ]
    # a stack of small charts titles each one above it instead of beside its axis
    titles += [note.get("text") for note in layout.get("annotations", ()) if note.get("yref") == "paper"]
    return [title for title in titles if title]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_value_axis_names_what_it_counts(connection, default_filter, lang):
    for spec in catalog.all_charts():
        figure = spec.build(queries.run(connection, spec.query, default_filter), lang)
        titles = _axis_titles(figure)
        assert "数量" not in titles and "Count" not in titles, spec.key
        if spec.key in NO_VALUE_AXIS:
            continue
        assert titles, f"{spec.key} has no value-axis title"
        if lang == "zh":
            assert all(UNIT_IN_TITLE.search(title) for title in titles), f"{spec.key}: {titles}"


def test_the_mixed_chart_names_both_units(connection, default_filter):
    spec = next(spec for spec in catalog.all_charts() if spec.key == "issues_suggestions_by_unit")
    figure = spec.build(queries.run(connection, spec.query, default_filter), "zh")
    # on two lines after its slash where a phone's card is too narrow for it (test_phone_at_scale)
    assert figure.layout.xaxis.title.text.replace("<br>", "") == "指出问题（个）/意见建议（条）"


def test_the_unit_profile_comparison_names_each_measures_unit(connection, default_filter):
    beside = catalog.unit_beside_average(queries.run(connection, "unit_metrics", default_filter), "petitions")
    figure = catalog.make_unit_vs_average_figure(beside, "zh", "省信访局")
    assert list(figure.data[0].y) == [i18n.t(f"measure.axis.{measure}", "zh") for measure in beside["measure"]]
    assert all(UNIT_IN_TITLE.search(label) for label in figure.data[0].y)
    assert "指出问题（个）" in figure.data[0].y and "意见建议（条）" in figure.data[0].y


def test_unit_trends_give_each_measure_its_own_scale_and_unit(connection, default_filter):
    spec = next(spec for spec in catalog.all_charts() if spec.key == "unit_trends")
    figure = spec.build(queries.run(connection, spec.query, default_filter.with_units(["gov_office"])), "zh")
    assert [trace.yaxis for trace in figure.data] == ["y", "y2", "y3", "y4"]  # one small chart each, none hidden
    assert [note.text for note in figure.layout.annotations] == [
        "会议数量（次）",
        "日常提醒（次）",
        "指出问题（个）",
        "意见建议（条）",
    ]
    # each on its own scale, its highest point far enough under the top of its own small chart for its value label
    # to stay under that chart's title, in the document's picture too (0.8 of the screen's height): "87" touched
    # 会议数量（次） on the slide
    document = document_layout.document_figure(figure)
    plot_px = document.layout.height - document.layout.margin.t - (document.layout.margin.b or 60)
    for trace, axis in zip(figure.data, ("yaxis", "yaxis2", "yaxis3", "yaxis4")):
        bottom, top = document.layout[axis].domain
        assert document.layout[axis].range[0] == 0 and max(trace.y) < document.layout[axis].range[1], trace.name
        room_px = (1 - max(trace.y) / document.layout[axis].range[1]) * (top - bottom) * plot_px
        assert room_px >= _VALUE_LABEL_PX, (trace.name, room_px)


def test_not_rectified_is_not_not_started():
    assert i18n.choice_label(ISSUE_STATUSES, "open", "en") == "Not yet rectified"
    assert i18n.t("export.column.open", "en") == "Not yet rectified"
    for path in Path(i18n.__file__).parent.parent.joinpath("locales", "en").glob("*.json"):
        assert "not started" not in json.dumps(json.loads(path.read_text("utf-8"))).lower(), path.name
