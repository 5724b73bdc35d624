"""A chart's reading agrees with its picture at a province's scale: it names no unit the picture does not draw
without saying so (the heatmap draws the 30 units with the most meetings, a by-unit bar chart 20 and a bar of the
rest), and its bare counts are grouped as the cards write them.

The counts are recomputed here with pandas from the scale generator's tables (what ``sample --scale`` writes into
the spreadsheets), or from hand frames past a thousand; never from our queries' answers.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from oversight.briefing import takeaways
from oversight.charts import catalog, kinds
from oversight.core import i18n
from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter
from oversight.devdata import scale

YEAR_2020 = Filter((), Quarter(2020, 1), Quarter(2020, 4))
UNGROUPED = re.compile(r"(?<![\d,.])\d{4,}(?![\d年])")  # 7220, but not 2020年 (a year is no count)


@pytest.fixture(scope="module")
def province():
    """A province's ledgers in memory: ~500 units, enough meetings for counts past a thousand in a year."""
    tables = scale.build(200_000)
    return tables, store.connect(tables)


def _specs():
    return {spec.key: spec for spec in catalog.all_charts()}


def _scaled(frame: pd.DataFrame, columns, by: int = 1000) -> pd.DataFrame:
    return frame.assign(**{column: frame[column] * by for column in columns})


def test_the_english_readings_write_their_bare_counts_grouped(connection, default_filter):
    """ "Of 16,565 issues, 11169 rectified; 5396 still to complete" was read at a province's scale."""
    specs = _specs()
    sample = queries.run(connection, "issues_by_unit_status", default_filter)
    # a hand frame with every status: 2020's sample has none left open
    status = _scaled(sample.assign(open=sample["rectified"] // 2), ["open", "in_progress", "rectified"])
    text = takeaways.takeaway(specs["issues_by_unit_status"], status, "en")
    rectified, open_, in_progress = (int(status[c].sum()) for c in ("rectified", "open", "in_progress"))
    assert f"{rectified:,} rectified" in text
    assert (
        f"{open_ + in_progress:,} still to complete: {open_:,} not yet rectified and {in_progress:,} in progress"
        in text
    )
    link = _scaled(queries.run(connection, "suggestions_by_link", default_filter), ["suggestions"])
    counts = dict(zip(link["link"], link["suggestions"]))
    assert f"{int(counts['linked']):,} followed an issue raised" in takeaways.takeaway(
        specs["suggestions_by_link"], link, "en"
    )
    adoption = _scaled(queries.run(connection, "suggestions_by_status", default_filter), ["suggestions"])
    by_status = dict(zip(adoption["status"], adoption["suggestions"]))
    text = takeaways.takeaway(specs["suggestions_by_status"], adoption, "en")
    assert f"{int(by_status['adopted']):,} adopted" in text
    by_unit = _scaled(
        queries.run(connection, "suggestions_by_unit", default_filter), ["proposed", "adopted", "implemented"]
    )
    assert f"{int(by_unit['implemented'].sum()):,} implemented" in takeaways.takeaway(
        specs["suggestions_by_unit"], by_unit, "en"
    )
    for key, frame in (
        ("issues_by_unit_status", status),
        ("suggestions_by_link", link),
        ("suggestions_by_unit", by_unit),
    ):
        for lang in ("zh", "en"):
            assert not UNGROUPED.search(takeaways.takeaway(specs[key], frame, lang)), (key, lang)


# ---------------------------------------------------------------- a reading names what its picture draws


def _heatmap_drawn(frame: pd.DataFrame, lang: str) -> list[str]:
    figure = catalog.make_meeting_heatmap_figure(frame, lang)
    return [row[0] for row in figure.data[0].hovertext]  # each row's full name


def test_the_heatmaps_reading_at_a_provinces_scale_ranks_the_units_it_draws(province):
    tables, connection = province
    frame = queries.run(connection, "meetings_by_unit_quarter", YEAR_2020)
    meetings = tables["meetings"]
    days = pd.to_datetime(meetings["date"])
    per_unit = meetings[days.dt.year == 2020].groupby("unit").size()
    units = tables["units"]
    everyone = per_unit.reindex(units["unit_id"], fill_value=0)
    assert len(everyone) > kinds.MAX_UNIT_ROWS
    names = dict(zip(units["unit_id"], units["name_zh"]))
    text = takeaways.takeaway(_specs()["meetings_by_unit_quarter"], frame, "zh")
    drawn = set(_heatmap_drawn(frame, "zh"))
    assert f"图中为{len(everyone)}家单位中会议最多的{kinds.MAX_UNIT_ROWS}家" in text
    named = {name for name in units["name_zh"] if name in text}
    assert named and named <= drawn, named - drawn
    assert names[everyone.idxmax()] in text and f"（{everyone.max():,}次）" in text
    top = everyone.sort_values(ascending=False, kind="stable").iloc[: kinds.MAX_UNIT_ROWS]
    assert f"最少的是{names[top.idxmin()]}" in text or f"（各{top.min():,}次）" in text
    assert names[everyone.idxmin()] not in text  # the province's fewest: not drawn, so not named
    english = takeaways.takeaway(_specs()["meetings_by_unit_quarter"], frame, "en")
    assert english.startswith(
        f"The {kinds.MAX_UNIT_ROWS} of the {len(everyone)} units with the most meetings are drawn"
    )


def _hand_heatmap(units: int) -> pd.DataFrame:
    """``units`` units over two quarters; unit k held k meetings a quarter, so the first is the fewest."""
    rows = [
        {
            "unit_id": f"u{k:02d}",
            "name_zh": f"第{k}单位",
            "name_en": f"Unit {k}",
            "ordinal": k,
            "quarter_key": key,
            "year": 2020,
            "quarter": key % 10,
            "meetings": k * 100,
        }
        for k in range(1, units + 1)
        for key in (20201, 20202)
    ]
    return pd.DataFrame(rows)


def test_the_heatmaps_reading_of_a_hand_frame_names_the_fewest_only_where_it_is_drawn():
    spec = _specs()["meetings_by_unit_quarter"]
    every = takeaways.takeaway(spec, _hand_heatmap(kinds.MAX_UNIT_ROWS), "zh")
    assert every == "会议最多的是第20单位（4,000次），最少的是第1单位（200次）。"
    frame = _hand_heatmap(kinds.MAX_UNIT_ROWS + 1)
    assert "第1单位" not in _heatmap_drawn(frame, "zh")
    assert takeaways.takeaway(spec, frame, "zh") == (
        "图中为21家单位中会议最多的20家：最多的是第21单位（4,200次），其中最少的是第2单位（400次）。"
    )
    assert takeaways.takeaway(spec, frame, "en") == (
        "The 20 of the 21 units with the most meetings are drawn: most, Unit 21 (4,200 meetings);"
        " fewest of these, Unit 2 (400 meetings)."
    )


@pytest.mark.parametrize(
    "key", ["reminders_by_unit", "activities_by_unit", "issues_by_unit_status", "suggestions_by_unit"]
)
def test_a_by_unit_reading_says_where_a_unit_it_names_is_drawn(province, key):
    """ "No regular consultation with Changsha Justice Bureau" named a unit folded into the bar of "484 other units"."""
    tables, connection = province
    spec = _specs()[key]
    frame = queries.run(connection, spec.query, YEAR_2020)
    figure = spec.build(frame, "zh")
    drawn_ids = {unit_id for unit_id in figure.data[0].customdata if unit_id}
    names = dict(zip(tables["units"]["unit_id"], tables["units"]["name_zh"]))
    text = takeaways.takeaway(spec, frame, "zh")
    named = [unit_id for unit_id, name in names.items() if name in text]
    rest = i18n.t("chart.other_units", "zh", count=len(frame) - len(drawn_ids))
    for unit_id in named:
        assert unit_id in drawn_ids or f"图中未单独列出，计入“{rest}”" in text, (names[unit_id], text)
    if key in ("reminders_by_unit", "activities_by_unit"):  # units with none: never among the bars at this scale
        assert set(named) - drawn_ids and f"计入“{rest}”" in text, text


def test_the_unit_most_still_to_rectify_is_said_to_be_in_the_rest_bar_when_it_has_no_bar_of_its_own():
    """The bars are the units with the most issues; the one with the most still open may have few issues in all."""
    units = kinds.MAX_UNIT_ROWS + 5
    frame = pd.DataFrame(
        {
            "unit_id": [f"u{k:02d}" for k in range(units)],
            "name_zh": [f"第{k}单位" for k in range(units)],
            "name_en": [f"Unit {k}" for k in range(units)],
            "open": [0] * (units - 1) + [9],
            "in_progress": [0] * units,
            "rectified": [100 - k for k in range(units - 1)] + [0],
        }
    ).assign(issues=lambda f: f["open"] + f["in_progress"] + f["rectified"])
    spec = _specs()["issues_by_unit_status"]
    figure = spec.build(frame, "zh")
    assert f"u{units - 1:02d}" not in set(figure.data[0].customdata)
    rest = i18n.t("chart.other_units", "zh", count=units - kinds.TOP_UNIT_ROWS)
    assert takeaways.takeaway(spec, frame, "zh").endswith(
        f"仅第{units - 1}单位有尚未整改到位的问题（9个），图中未单独列出，计入“{rest}”。"
    )
    english = takeaways.takeaway(spec, frame, "en")
    assert english.endswith(
        f"only Unit {units - 1} has issues still to rectify (9 issues), not drawn apart but counted in “{units - kinds.TOP_UNIT_ROWS} other units”."
    )
