"""The pages' charts through oversight.ui.chart_view: drawn by our plotly.js under ``oversight.ui.serve`` (the
component gets each figure whole), by ``st.plotly_chart`` otherwise, with every trace one the bundle draws. The
real drawing and clicks are in the browser tests (tests/browser/, whose server is started as `make run` starts it)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from oversight.charts import style
from oversight.ui import chart_view, plotly_bundle
from tests.apptest import decode_typed_arrays, figures, run_page

# every page that draws charts, with a query that fills each of its charts
CHART_PAGES = {
    "app.py": {},
    "pages/01_meetings.py": {},
    "pages/02_issues.py": {},
    "pages/03_suggestions.py": {},
    "pages/04_reminders.py": {},
    "pages/05_unit_profile.py": {"unit": "research"},
    # two units: the profile compares them (its own figure, not a ChartSpec)
    "pages/05_unit_profile.py ": {"unit": ["research", "petitions"]},
}


def _components(at) -> list[dict]:
    return [
        {"key": element.proto.id, **decode_typed_arrays(json.loads(element.proto.json))}
        for element in at.get("bidi_component")
        if element.proto.component_name == "oversight_chart"
    ]


@pytest.mark.parametrize(("script", "query"), CHART_PAGES.items())
def test_every_chart_a_page_draws_is_a_trace_type_the_bundle_has(script, query):
    drawn = figures(run_page(script.strip(), query))
    assert drawn, script
    types = {trace.get("type", "scatter") for figure in drawn for trace in figure["data"]}
    assert types <= plotly_bundle.TRACE_TYPES, (script, types - plotly_bundle.TRACE_TYPES)


def test_under_serve_each_chart_goes_to_the_component_whole_and_streamlit_draws_none(monkeypatch):
    by_streamlit = figures(run_page())  # a bare `streamlit run`
    served = plotly_bundle.Bundle.read()
    monkeypatch.setattr(plotly_bundle, "_installed", served)
    at = run_page()
    assert len(at.get("plotly_chart")) == 0
    components = _components(at)
    assert len(components) == len(by_streamlit) == 4
    for component, streamlit_figure in zip(components, by_streamlit):
        assert component["bundle"] == served.path
        # the same figure, its value labels those that fit a phone's card; the component's traces also carry every
        # label and the width it is written from, for the script to choose at the column's width (charts.labels)
        assert [
            {k: v for k, v in trace.items() if k != "meta"} for trace in component["figure"]["data"]
        ] == streamlit_figure["data"]
        assert component["figure"]["layout"]["title"] == streamlit_figure["layout"]["title"]
        assert component["config"]["displaylogo"] is False
        assert component["unavailable"] == "图表未能显示，请刷新页面。"
    # the unit chart narrows the dashboard and the category chart opens its list: both take clicks, the others not
    clickable = {component["figure"]["layout"]["title"]["text"]: component["clickable"] for component in components}
    assert sorted(clickable.values()) == [False, False, True, True], clickable
    english = _components(run_page(query={"lang": "en"}))  # still served
    assert english[0]["unavailable"] == "This chart could not be drawn: reload the page."


class _FakeState(dict):
    pass


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"select": [{"customdata": "gov_office", "x": 3}]}, [[{"customdata": "gov_office", "x": 3}]]),
        ({"select": [{"customdata": ["decision"]}, "not a point"]}, [[{"customdata": ["decision"]}]]),
        ({"select": None}, []),  # the rerun after the click: the event has passed
        ({"select": "forged"}, []),  # not sent by the component: nothing happens
        (None, []),
    ],
)
def test_a_click_reaches_the_handler_as_points(monkeypatch, state, expected):
    received: list = []
    fake = _FakeState() if state is None else _FakeState(k=state)
    monkeypatch.setattr(chart_view.st, "session_state", fake)
    chart_view._clicked("k", received.append)
    assert received == expected


def _picked(titles: list[dict], width: int) -> dict | None:
    """What chart_view.js's fittedLayout picks at ``width``: the last variant from a width not above it."""
    picked = None
    for title in titles:
        if width >= title["from"]:
            picked = title
    return picked


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("script", "query"), CHART_PAGES.items())
def test_a_title_broken_for_a_phone_is_fitted_again_to_a_wider_column(monkeypatch, script, query, lang):
    """At 1440 px a card's chart kept its phone's title lines ("议题提前审核、纪检监察组列席、/ 合并召开占比" across 450 px,
    "This unit beside the average of / all units" across 700 px). Each served figure carries its title as fitted
    again from each width on; at every width the script would pick, that is what an exported picture of the
    width gets (``style.refit_title``), and a title that is one line wide enough is one line there."""
    monkeypatch.setattr(plotly_bundle, "_installed", plotly_bundle.Bundle.read())
    components = _components(run_page(script.strip(), {**query, "lang": lang}))
    broken = [component for component in components if "<br>" in component["figure"]["layout"]["title"]["text"]]
    for component in components:
        if component not in broken:
            assert component["titles"] == []
        for narrower, wider in zip(component["titles"], component["titles"][1:]):
            assert narrower["text"].count("<br>") >= wider["text"].count("<br>")
    for component in broken:
        layout = component["figure"]["layout"]
        whole = style.whole_title(layout["title"]["text"])
        for width in (320, 390, 450, 600, 730, 1000, 1400):
            figure = go.Figure(layout=layout)
            style.refit_title(figure, width)
            picked = _picked(component["titles"], width) or {
                "text": layout["title"]["text"],
                "top": layout["margin"]["t"],
                "y": layout["title"]["y"],
            }
            assert picked["text"] == figure.layout.title.text, width
            assert picked["top"] == figure.layout.margin.t and picked["y"] == figure.layout.title.y, width
            # never more lines than the phone's card was given
            assert picked["text"].count("<br>") <= layout["title"]["text"].count("<br>"), width
        assert _picked(component["titles"], 1400)["text"] == whole  # every chart's title fits a wide row whole
    if script.strip() == "pages/01_meetings.py":
        assert broken  # the shares chart's title is a phone's two lines


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_value_ticks_and_axis_title_fitted_for_a_phone_are_fitted_again_to_a_wider_column(connection, span, lang):
    """At 1440 px a card's bars across kept the phone's value axis: sparse ticks (0, 2,000) and "Issues /" over
    "suggestions" where one line fits. The figure the page gets carries, from each width on, the ticks' step and the
    title's lines for that width: at a wide column more ticks than on a phone, each tick's grouped number still
    beside the next, and the title whole on one line; on a phone's card what the figure itself has."""
    from oversight.charts import catalog
    from oversight.charts.style import label_width
    from oversight.core.numbers import fixed
    from oversight.data import queries

    looked_at = 0
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, span.default_filter())
        scaled = frame.assign(**{column: frame[column] * 1000 for column in spec.value_columns if column in frame})
        figure = spec.build(scaled, lang)
        if figure.data[0].type != "bar" or figure.data[0].orientation != "h":
            continue
        served = chart_view.script_spec(figure, "plotly.js", config={}, lang=lang, clickable=False)
        layout = served["figure"]["layout"]
        phone, wide = _picked(served["value_axes"], 320), _picked(served["value_axes"], 1400)
        assert phone["xaxis"]["dtick"] == layout["xaxis"]["dtick"], spec.key  # the figure is a phone card's
        assert phone["xaxis"]["title"]["text"] == layout["xaxis"]["title"]["text"], spec.key
        bars = [[float(value or 0) for value in trace.x] for trace in figure.data if trace.x is not None]
        rows = list(zip(*bars))
        top = max(sum(row) if figure.layout.barmode == "stack" else max(row) for row in rows)
        assert wide["xaxis"]["dtick"] < phone["xaxis"]["dtick"], (spec.key, wide, phone)  # more ticks
        plot = 1400 - layout["margin"]["l"] - layout["margin"]["r"]
        count = int(top // wide["xaxis"]["dtick"]) + 1
        widest = label_width(fixed(count * wide["xaxis"]["dtick"], 0, grouping=True), 14)
        assert count * widest <= plot, (spec.key, count, widest)  # the numbers still stand apart
        assert "<br>" not in wide["xaxis"]["title"]["text"], spec.key
        assert wide["margin"]["b"] <= phone["margin"]["b"], spec.key
        looked_at += 1
    assert looked_at >= 6
