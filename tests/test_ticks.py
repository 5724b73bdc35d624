"""Quarter ticks stand apart at the width a chart is drawn at (``oversight.charts.ticks``): on a phone the heatmap's
eight 12 px quarters read "Q1Q2Q3Q4" as one word; there every second quarter keeps its tick, each under its year."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from oversight.charts import catalog, labels, ticks
from oversight.charts.style import QUARTER_TICK_FONT
from oversight.data import queries
from oversight.data.filters import Filter, Quarter

PHONE_CHART_PX = 326  # the heatmap's width on a 390 px phone (measured in Chromium)


def _heatmap(connection, first: tuple[int, int], count: int, lang: str) -> dict:
    return json.loads(_heatmap_figure(connection, first, count, lang).to_json())["layout"]


def _heatmap_figure(connection, first: tuple[int, int], count: int, lang: str) -> go.Figure:
    """The sample's heatmap (its nine units' names beside it, as the page draws it), over ``count`` quarters from
    ``first``: 2019Q1 and 8 are the page's own /meetings?from=2019Q1&to=2020Q4."""
    spec = next(spec for spec in catalog.all_charts() if spec.key == "meetings_by_unit_quarter")
    shown = queries.run(connection, spec.query, Filter((), Quarter(2019, 1), Quarter(2020, 4)))
    if (first, count) != ((2019, 1), 8):
        units = shown.drop_duplicates("unit_id").drop(columns="through_day", errors="ignore")
        year, quarter = first
        keys = [(year + (quarter - 1 + i) // 4) * 10 + (quarter - 1 + i) % 4 + 1 for i in range(count)]
        shown = pd.concat([units.assign(quarter_key=key) for key in keys], ignore_index=True)
    return spec.build(shown, lang)


def _on_page(layout: dict, width: int) -> list[str]:
    """The heatmap's ticks as the page's script picks them at ``width`` (``chart_view.js``: the last variant from a
    width not above it)."""
    return [v for v in ticks.screen_ticks(layout, labels.SCREEN_WIDTHS) if v["from"] <= width][-1]["axes"]["xaxis"]


def _year(lang: str, year: int) -> str:
    return f"{year}年" if lang == "zh" else str(year)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_phones_heatmap_of_eight_quarters_names_every_second_under_its_year(connection, lang):
    layout = _heatmap(connection, (2019, 1), 8, lang)
    phone = _on_page(layout, PHONE_CHART_PX)
    y19, y20 = _year(lang, 2019), _year(lang, 2020)
    assert phone == [f"Q1<br>{y19}", "", "Q3", "", f"Q1<br>{y20}", "", "Q3", ""]
    # a wide screen keeps every quarter's tick
    assert ticks.fitted_ticks(layout, 1200)["xaxis"] == [
        f"Q1<br>{y19}",
        "Q2",
        "Q3",
        "Q4",
        f"Q1<br>{y20}",
        "Q2",
        "Q3",
        "Q4",
    ]
    assert layout["xaxis"]["tickfont"]["size"] == QUARTER_TICK_FONT == 12  # never smaller type instead


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_twelve_quarters_from_a_second_quarter_keep_each_year_under_a_tick_of_that_year(connection, lang):
    layout = _heatmap(connection, (2018, 2), 12, lang)
    phone = _on_page(layout, PHONE_CHART_PX)
    shown = [(index, tick) for index, tick in enumerate(phone) if tick]
    # zh: 2019年 is wider than four quarters there; the years without 年 keep every year named
    year = (lambda y: str(y)) if lang == "zh" else (lambda y: _year(lang, y))
    assert [tick for _, tick in shown] == [
        f"Q2<br>{year(2018)}",
        "Q4",
        f"Q2<br>{year(2019)}",  # the year of 2019Q1, whose tick is left out, under 2019Q2
        "Q4",
        f"Q2<br>{year(2020)}",
        "Q4",
    ]
    assert [index for index, _ in shown] == [0, 2, 4, 6, 8, 10]


def test_the_page_gets_the_ticks_of_each_width_and_a_picture_those_of_its_own(connection):
    layout = _heatmap(connection, (2019, 1), 8, "zh")
    variants = ticks.screen_ticks(layout, labels.SCREEN_WIDTHS)
    assert variants[0]["from"] == labels.SCREEN_WIDTHS[0] and variants[0]["axes"]["xaxis"][1] == ""
    assert variants[-1]["axes"]["xaxis"] == list(layout["xaxis"]["ticktext"])  # every tick from some width on
    figure = _heatmap_figure(connection, (2019, 1), 8, "zh")  # a document's picture of it, at a phone's width
    assert list(labels.fitted(figure, PHONE_CHART_PX).layout.xaxis.ticktext)[1] == ""
    assert labels.fitted(figure, 1200) is figure  # every tick fits: the figure as it was


def test_bars_of_eight_quarters_keep_every_tick_on_a_phone():
    """A chart of quarters without units' names beside it has room for every tick on a phone (measured: none touch),
    and keeps them."""
    frame = pd.DataFrame({"year": [2019] * 4 + [2020] * 4, "quarter": [1, 2, 3, 4] * 2})
    frame = frame.assign(quarter_key=frame["year"] * 10 + frame["quarter"], written=1, in_person=1, meeting=1)
    from oversight.charts import catalog

    layout = json.loads(catalog.make_reminders_by_quarter_figure(frame, "zh").to_json())["layout"]
    assert (
        ticks.screen_ticks(layout, labels.SCREEN_WIDTHS[labels.SCREEN_WIDTHS.index(PHONE_CHART_PX // 10 * 10) :]) == []
    )
