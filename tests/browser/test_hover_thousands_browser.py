"""A chart's hover writes a figure as its card does, grouped in thousands (1,234), in zh and en: plotly.js by itself
groups only from 10,000, so a hover read 1234 beside the card's 1,234. Every kind of chart, from hand frames past a
thousand, drawn by the page's own plotly.js and hovered as a pointer would."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from oversight import charts
from oversight.charts import catalog, kinds
from oversight.config import ASSET_DIR

QUARTERS = pd.DataFrame({"year": [2020, 2020], "quarter": [1, 2], "quarter_key": [20201, 20202]})
UNITS = pd.DataFrame(
    {"unit_id": ["a", "b"], "name_zh": ["甲单位", "乙单位"], "name_en": ["Unit A", "Unit B"], "ordinal": [1, 2]}
)


def _figures(lang: str) -> dict[str, object]:
    """Each kind of chart with a value of 1,234 (or 1,234.5) among its points."""
    return {
        "quarter_bars": kinds.quarter_bars(
            QUARTERS.assign(written=[1234, 2], in_person=[5, 6], meeting=[7, 8]),
            lang,
            "chart.reminders_by_quarter_form",
            catalog.FORM_SERIES,
            axis_key="axis.reminders",
        ),
        "unit_stack": catalog.make_issues_by_unit_status_figure(
            UNITS.assign(open=[1234, 1], in_progress=[2, 3], rectified=[4, 5], issues=[1240, 9]), lang
        ),
        "unit_groups": charts.make_issues_suggestions_by_unit_figure(
            UNITS.assign(issues=[1234, 1], suggestions=[2, 3]), lang
        ),
        "code_bars": charts.make_issues_by_category_figure(
            pd.DataFrame({"category": ["conduct", "integrity"], "issues": [1234, 3]}), lang
        ),
        "meetings_by_quarter": charts.make_meetings_by_quarter_figure(
            QUARTERS.assign(meetings=[1234, 30], prev_meetings=[1100, 3000]), lang
        ),
        "lines": catalog.make_meeting_duration_figure(
            QUARTERS.assign(avg_duration_min=[1234.5, 80.0], prev_avg_duration_min=[1000.0, 90.0]), lang
        ),
        "small_multiples": catalog.make_unit_trends_figure(
            QUARTERS.assign(meetings=[1234, 1], reminders=[2, 3], issues=[4, 5], suggestions=[6, 7]), lang
        ),
        "heatmap": kinds.unit_quarter_heatmap(
            pd.DataFrame(
                {"unit_id": "a", "name_zh": "甲单位", "name_en": "Unit A", "ordinal": 1, "quarter_key": [20201, 20202]}
            ).assign(meetings=[1234, 7]),
            lang,
            "chart.meetings_by_unit_quarter",
            "meetings",
        ),
        "unit_vs_average": catalog.make_unit_vs_average_figure(
            pd.DataFrame(
                {
                    "measure": list(catalog.PROFILE_MEASURES),
                    "unit": [1234.5, 2, 3, 4, 5, 6],
                    "average": [1, 1, 1, 1, 1, 1],
                }
            ),
            lang,
            "Unit",
        ),
    }


def _point_of(figure) -> tuple[int, int, str]:
    """The trace and point holding the largest value, and that value as a card writes it."""
    best = None
    for curve, trace in enumerate(figure.data):
        if trace.type == "heatmap":
            row = list(pd.to_numeric(pd.Series(list(trace.z[0])), errors="coerce").fillna(0))
            at = max(range(len(row)), key=lambda i: row[i] or 0)
            value = row[at]
        elif trace.type in ("bar", "scatter") and (trace.x is not None) and (trace.y is not None):
            values = trace.x if trace.type == "bar" and trace.orientation == "h" else trace.y
            numbers = list(pd.to_numeric(pd.Series(list(values)), errors="coerce").fillna(0))
            if not numbers:
                continue
            at = max(range(len(numbers)), key=lambda i: numbers[i])
            value = numbers[at]
        else:
            continue
        if best is None or value > best[2]:
            best = (curve, at, value)
    assert best is not None
    curve, at, value = best
    return curve, at, f"{float(value):,}".removesuffix(".0")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_kind_of_chart_hovers_a_value_past_a_thousand_grouped_as_the_card_writes_it(page, lang):
    page.set_content("<html><body><div id='chart' style='width:900px;height:600px'></div></body></html>")
    page.add_script_tag(path=str(ASSET_DIR / "vendor" / "plotly-cartesian-4.1.1.min.js"))
    for name, figure in _figures(lang).items():
        curve, point, written = _point_of(figure)
        hover = page.evaluate(
            """([figure, curve, point]) => {
                const plot = document.getElementById("chart");
                Plotly.purge(plot);
                return Plotly.newPlot(plot, figure.data, {...figure.layout, width: 900}).then(() => {
                    const trace = plot._fullData[curve];
                    // a heatmap's cell by where it is on its axes (its points are not numbered one by one)
                    const hovered = trace.type === "heatmap" ? {xval: point, yval: 0}
                        : {curveNumber: curve, pointNumber: point};
                    Plotly.Fx.hover(plot, [hovered], trace.xaxis + trace.yaxis);
                    return Array.from(plot.querySelectorAll(".hovertext")).map((n) => n.textContent).join(" | ");
                });
            }""",
            [json.loads(figure.to_json()), curve, point],
        )
        assert written in hover, (name, written, hover)
        assert written.replace(",", "") not in hover.replace(written, ""), (name, hover)  # never 1234 as well
