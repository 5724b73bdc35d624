"""Quarter ticks stand apart at the width a chart is drawn at (``oversight.charts.ticks``): on a phone the heatmap's
eight 12 px quarters read "Q1Q2Q3Q4" as one word; there every second quarter keeps its tick, each under its year."""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from oversight.charts import catalog, labels, style, ticks
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
    y19, y20 = _year(lang, 2019), _year(lang, 2020)
    thinned = [f"Q1<br>{y19}", "", "Q3", "", f"Q1<br>{y20}", "", "Q3", ""]
    assert _on_page(layout, 300) == thinned  # a 360 px phone: the chart is about 296 px wide
    # a 390 px phone: beside the Chinese names (a 164 px margin) 16.5 px a quarter, too few for a 15.6 px "Q2" and
    # the gap; beside the English ones (128 px: "Counsellors' Office" is drawn 104.5 px wide at 12 px) 21 px, and
    # every quarter keeps its tick, 5.4 px apart (the estimate took each Latin character as 0.58 of a square: a
    # 152 px margin and "Q2" 13.9 px)
    assert _on_page(layout, PHONE_CHART_PX) == (thinned if lang == "zh" else ticks.fitted_ticks(layout, 1200)["xaxis"])
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


def _reached(first: tuple[int, int], count: int, through) -> pd.DataFrame:
    year, quarter = first
    rows = [(year + (quarter - 1 + i) // 4, (quarter - 1 + i) % 4 + 1) for i in range(count)]
    return pd.DataFrame(rows, columns=["year", "quarter"]).assign(through_day=through)


def _kind(line: str) -> str:
    if re.fullmatch(r"\d{4}年?", line):
        return "year"
    if re.fullmatch(r"Q[1-4]", line):
        return "quarter"
    return "blank" if not line.strip() else "remark"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("through", [date(2021, 3, 20), date(2020, 12, 20), date(2020, 8, 14)])
def test_a_remark_never_stands_on_a_neighbours_year_row(lang, through):
    """Data to 20 March 2021 over 2019 Q1–2021 Q2 (ten quarters) read Q1 / 2021年 / （截至 / 3月20日） beside
    Q2 / —: the dash on 2021年's row read "2021年 —" (2021 onwards); a Q4's （截至 beside the next Q1's 2021年 read
    截至2021年. Every range of 5 to 16 quarters ending in or just after the data date's quarter, at every width's
    choice of ticks (every one, every second, fourth): no remark read with a year on its row, and the years on one
    row. Where the ticks are years only, a year moved to a quarter's tick drops that quarter's remark
    (2021年 / — over 2021 Q2 read "no data in 2021" beside 2021 Q1's bars)."""
    ten = _reached((2019, 1), 10, date(2021, 3, 20))
    assert style.quarter_ticks(ten, style.quarter_labels(ten, lang), lang)[-2:] == (
        ["Q1<br>2021年<br>（截至<br>3月20日）", "Q2<br>\xa0<br>—"]
        if lang == "zh"
        else ["Q1<br>2021<br>(to<br>20 Mar)", "Q2<br>\xa0<br>—"]
    )
    last = Quarter(through.year, (through.month - 1) // 3 + 1)
    checked = 0
    for end_after in (0, 1, 2):
        end = last
        for _ in range(end_after):
            end = Quarter(end.year + end.quarter // 4, end.quarter % 4 + 1)
        for count in range(5, 17):
            index = end.year * 4 + end.quarter - 1 - (count - 1)
            frame = _reached((index // 4, index % 4 + 1), count, through)
            full = style.quarter_ticks(frame, style.quarter_labels(frame, lang), lang)
            for step in (1, 2, 4):
                shown = [(at, tick.split("<br>")) for at, tick in enumerate(ticks._every(full, step)) if tick]
                rows = {line for at, lines in shown for line, text in enumerate(lines) if _kind(text) == "year"}
                assert len(rows) == 1, (count, step, shown)  # every year on one row
                for (_, left), (_, right) in zip(shown, shown[1:]):
                    for a, b in zip(left, right):
                        # a remark left of a year (— 2021年, （截至 2021年), a year left of a dash (2021年 —); a year left
                        # of a quarter to date's （截至 / 8月14日） reads as that year's to-date and may stay
                        assert (_kind(a), _kind(b)) != ("remark", "year"), (count, step, left, right)
                        assert (_kind(a), b) != ("year", "—"), (count, step, left, right)
                if count > 12:  # years only: a year's tick names no quarter's remark but its own
                    for at, lines in shown:
                        quarter = frame.iloc[at]
                        if lines[0].strip() and _kind(lines[0]) == "year" and len(lines) > 1:
                            assert int(quarter["quarter"]) == 1 or at == 0, (count, step, shown)
                checked += 1
    assert checked == 3 * 12 * 3


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_blank_year_row_takes_no_room_when_ticks_are_fitted(lang):
    """The blank row a remark's tick leaves under its quarter's name is not text: counted as a space's width it
    left every second tick of the Overview's ten quarters (2019 Q1–2021 Q2, data to 20 March 2021) out on a phone,
    where all ten fit."""
    frame = _reached((2019, 1), 10, date(2021, 3, 20))
    full = style.quarter_ticks(frame, style.quarter_labels(frame, lang), lang)
    assert style.YEAR_ROW_BLANK in full[-1]
    without = [tick.replace(style.YEAR_ROW_BLANK, "") for tick in full]  # an empty row: no text
    for width in labels.SCREEN_WIDTHS:
        layout = {
            "margin": {"l": 70, "r": 30},
            "xaxis": {"tickmode": "array", "tickvals": list(range(10)), "ticktext": full, "tickfont": {"size": 12}},
        }
        kept = [bool(tick) for tick in ticks.fitted_ticks(layout, width)["xaxis"]]
        layout["xaxis"]["ticktext"] = without
        assert kept == [bool(tick) for tick in ticks.fitted_ticks(layout, width)["xaxis"]], width


def test_a_remark_clear_of_the_years_costs_no_row():
    """The blank row under a quarter costs the plot 16 px: six quarters to 14 August 2020 (2019 Q2–2020 Q3, a link's
    day) had no remark beside a year at any width, and their Overview chart lost 16 px of plot to a row not needed."""
    frame = _reached((2019, 2), 6, date(2020, 8, 14))
    full = style.quarter_ticks(frame, style.quarter_labels(frame, "zh"), "zh")
    assert full[-1] == "Q3<br>（截至<br>8月14日）"
    assert max(tick.count("<br>") + 1 for tick in full) == 3


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("count", [9, 10])
def test_a_phones_quarters_to_date_keep_every_tick_before_a_not_begun_dash(lang, count):
    """Data to 18 November 2020 over 2019 Q1–2021 Q1 (or Q2), a bar chart on a 390 px phone: the Chinese ticks kept
    only every second quarter (Q1, Q3 …) and so lost 2020 Q4's （截至 / 11月18日） — its short bar read as a whole
    quarter's — while the English kept all nine. The one clash was the remark's （截至 (36 px in Noto Sans CJK SC) beside
    the next quarter's not-begun dash (11 px), 25 px apart; without the dash every quarter keeps its tick, the remark
    with it."""
    frame = _reached((2019, 1), count, date(2020, 11, 18))
    frame = frame.assign(quarter_key=frame["year"] * 10 + frame["quarter"], written=1, in_person=1, meeting=1)
    layout = json.loads(catalog.make_reminders_by_quarter_figure(frame, lang).to_json())["layout"]
    phone = ticks.fitted_ticks(layout, PHONE_CHART_PX)["xaxis"]
    heads = [tick.split("<br>")[0] for tick in phone]
    assert heads == ["Q1", "Q2", "Q3", "Q4"] * 2 + ["Q1", "Q2"][: count - 8]  # every quarter named
    remark = "（截至<br>11月18日）" if lang == "zh" else "(to<br>18 Nov)"
    assert phone[7] == f"Q4<br>{style.YEAR_ROW_BLANK}<br>{remark}"
    assert phone[8].startswith(f"Q1<br>{_year(lang, 2021)}")
    if lang == "zh":  # no room for the dash beside （截至: the hover and the reading say 尚无数据
        assert "—" not in "".join(phone)
    else:  # "(to" leaves it room: kept
        assert phone[8] == "Q1<br>2021<br>—"
    # where the dash has room, it stays (a wide card)
    assert ticks.fitted_ticks(layout, 1200)["xaxis"] == list(layout["xaxis"]["ticktext"])
    assert "—" in layout["xaxis"]["ticktext"][8]
