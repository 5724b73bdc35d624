"""One quarter format per language wherever a leader reads a quarter: 2020年第1季度 in Chinese, 2020 Q1 in English.

``2020Q1`` is the URL's and the file name's form, never a reader's: these tests fail if it reaches a chart (its
axis, hover or annotations), a chart's data download, a takeaway or the written summary.
"""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from oversight import charts
from oversight.briefing import takeaways
from oversight.charts import catalog
from oversight.core import i18n
from oversight.data import queries
from oversight.data.filters import Filter, Quarter
from oversight.export import data_files
from oversight.present import summary

MACHINE_FORM = re.compile(r"(?<![\d_-])\d{4}Q[1-4](?![\d_-])")  # 2020Q1, but not inside a file name or URL
READER_FORM = {"zh": "2019年第3季度", "en": "2019 Q3"}
# two years: eight quarters on every quarter axis, the widest the sample data gives
TWO_YEARS = Filter((), Quarter(2019, 1), Quarter(2020, 4))


def test_the_one_helper_writes_each_language_its_way():
    assert i18n.quarter_label(Quarter(2019, 3), "zh") == READER_FORM["zh"]
    assert i18n.quarter_label(Quarter(2019, 3), "en") == READER_FORM["en"]
    assert i18n.period_label(Quarter(2020, 1), Quarter(2020, 2), "en").count(" Q") == 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_chart_shows_the_machine_form(connection, lang):
    quarter_charts = 0
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, TWO_YEARS)
        text = json.dumps(spec.build(frame, lang).to_plotly_json(), ensure_ascii=False, default=str)
        assert not MACHINE_FORM.search(text), f"{spec.key} ({lang}) shows {MACHINE_FORM.search(text).group()}"
        if READER_FORM[lang] in text:
            quarter_charts += 1
    assert quarter_charts >= 7  # every chart over the quarters says them the reader's way


QUARTER_TICKS = {
    "zh": ["Q1<br>2019年", "Q2", "Q3", "Q4", "Q1<br>2020年", "Q2", "Q3", "Q4"],
    "en": ["Q1<br>2019", "Q2", "Q3", "Q4", "Q1<br>2020", "Q2", "Q3", "Q4"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_quarter_axes_show_short_level_ticks_and_keep_the_whole_labels(connection, lang):
    """Eight quarters side by side in a card: a short name each and the year under each first quarter, level (a
    turned two-line label ran into its neighbours); the categories, which hover and clicks read, stay whole."""
    figure = charts.make_meetings_by_quarter_figure(queries.run(connection, "meetings_by_quarter", TWO_YEARS), lang)
    expected = [i18n.quarter_label(q, lang) for q in TWO_YEARS.quarters]
    assert len(expected) == 8
    assert list(figure.layout.xaxis.tickvals) == expected
    assert list(figure.layout.xaxis.ticktext) == QUARTER_TICKS[lang]
    assert figure.layout.xaxis.tickangle == 0
    assert list(figure.data[-1].x) == expected  # the bars' categories, which hover and clicks read


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_quarter_axis_starts_with_its_year_and_marks_a_quarter_to_date(lang):
    from datetime import date

    frame = pd.DataFrame({"year": [2020, 2020, 2020, 2020, 2021], "quarter": [1, 2, 3, 4, 1]})
    frame["through_day"] = [date(2020, 3, 31), date(2020, 6, 30)] + [date(2020, 8, 14)] * 3
    labels = charts.style.quarter_labels(frame, lang)
    ticks = charts.style.quarter_ticks(frame, labels, lang)
    if lang == "zh":
        # a short tick's remark in short lines: between eight quarters on a phone the bracketed （截至8月14日） and
        # （尚无数据） of neighbouring ticks ran together (（截至（尚无 / 8月14日数据）), so a quarter not begun reads —;
        # the quarter to date keeps the brackets every other to-date label has (the heatmap's 截至 / 11月18日 stood
        # beside the bars' 2020年第4季度（截至11月18日）)
        # and the remarks on the rows under the years: Q4's — stood on 2021年's row, between （截至 and 2021年
        # (截至 — 2021年), a blank row (a no-break space, which Plotly keeps) in its place
        assert ticks == [
            "Q1<br>2020年",
            "Q2",
            "Q3<br>\xa0<br>（截至<br>8月14日）",
            "Q4<br>\xa0<br>—",
            "Q1<br>2021年<br>—",
        ]
    else:
        assert ticks == [
            "Q1<br>2020",
            "Q2",
            "Q3<br>\xa0<br>(to<br>14 Aug)",
            "Q4<br>\xa0<br>—",
            "Q1<br>2021<br>—",
        ]
    # side by side, two neighbouring ticks' lines on the same row leave a gap in the ~28 px a phone gives an eighth
    # of a chart at 11 px type (the old （截至 beside （尚无 did not, nor 截至 beside 无数据)
    for left, right in zip(ticks, ticks[1:]):
        for a, b in zip(left.split("<br>"), right.split("<br>")):
            assert (charts.style.label_width(a, 11) + charts.style.label_width(b, 11)) / 2 <= 22, (a, b)
    # a year or less: the whole label, on two lines in Chinese, and a remark on two more
    year = pd.DataFrame({"year": [2020] * 4, "quarter": [1, 2, 3, 4]})
    year_ticks = charts.style.quarter_ticks(year, charts.style.quarter_labels(year, lang), lang)
    assert year_ticks[0] == ("2020年<br>第1季度" if lang == "zh" else "2020<br>Q1")
    cut = charts.style.quarter_ticks(frame.iloc[:4], labels[:4], lang)
    assert cut[2:] == (
        ["2020年<br>第3季度<br>（截至<br>8月14日）", "2020年<br>第4季度<br>（尚无<br>数据）"]
        if lang == "zh"
        else ["2020<br>Q3<br>(to<br>14 Aug)", "2020<br>Q4<br>(no data<br>yet)"]
    )
    # over more than three years, only the years
    many = pd.DataFrame({"year": [2017 + i // 4 for i in range(16)], "quarter": [i % 4 + 1 for i in range(16)]})
    many_ticks = charts.style.quarter_ticks(many, charts.style.quarter_labels(many, lang), lang)
    assert [t for t in many_ticks if t] == [i18n.t("quarter.tick_year", lang, year=y) for y in range(2017, 2021)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_downloads_write_the_reader_form(connection, lang):
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, TWO_YEARS)
        table = data_files.chart_data_table(frame, lang, spec.key)
        csv = pd.read_csv(io.BytesIO(data_files.table_csv_bytes(table)), encoding="utf-8-sig", dtype=str)
        text = csv.to_csv(index=False)
        assert not MACHINE_FORM.search(text), f"{spec.key} ({lang}) download"
    heatmap = data_files.chart_data_table(queries.run(connection, "meetings_by_unit_quarter", TWO_YEARS), lang)
    quarter_column = i18n.t("export.column.quarter", lang)
    assert list(dict.fromkeys(heatmap[quarter_column]))[:2] == [
        i18n.quarter_label(Quarter(2019, 1), lang),
        i18n.quarter_label(Quarter(2019, 2), lang),
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_takeaways_and_summary_write_the_reader_form(connection, lang):
    texts = summary.written_summary(lambda name, filter_: queries.run(connection, name, filter_), TWO_YEARS, lang)
    for spec in catalog.all_charts():
        texts.append(takeaways.takeaway(spec, queries.run(connection, spec.query, TWO_YEARS), lang) or "")
    joined = "\n".join(texts)
    assert not MACHINE_FORM.search(joined)
    assert READER_FORM[lang] in joined or i18n.quarter_label(Quarter(2020, 1), lang) in joined


def test_a_quarter_axis_has_room_for_its_ticks_and_lines_start_clear_of_the_value_axis():
    """Past the data date a tick takes four lines (2020年 / 第3季度 / （截至 / 8月14日）): the template's bottom
    margin held two and cut the rest; a line's first quarter sat on the value axis, its label under the 0."""
    from datetime import date

    frame = pd.DataFrame({"year": [2020] * 4, "quarter": [1, 2, 3, 4], "avg_duration_min": [73.0, 75.0, 71.0, None]})
    frame["through_day"] = [date(2020, 3, 31), date(2020, 6, 30), date(2020, 8, 14), date(2020, 8, 14)]
    figure = charts.kinds.quarter_lines(
        frame,
        "zh",
        "chart.meeting_duration_by_quarter",
        [("avg_duration_min", "series.avg_duration", "#B3261E")],
        axis_key="axis.minutes",
    )
    lines = max(tick.count("<br>") + 1 for tick in figure.layout.xaxis.ticktext)
    assert lines == 4
    assert figure.layout.margin.b >= lines * 14 * 1.3
    assert list(figure.layout.xaxis.range) == [-0.5, 3.5]


def _tick_lines(axis) -> int:
    return max(str(tick).count("<br>") + 1 for tick in axis.ticktext)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_quarter_axis_past_the_data_date_has_room_for_its_ticks(connection, lang):
    """The small charts stacked on one set of quarters (各季度工作趋势, the units' comparison) show their ticks on
    the last chart's axis, not the first: past the data date (2021年 / 第1季度 / （尚无 / 数据）) the margin was
    sized for two lines and the last two were cut off under the picture, and the comparison's legend sat on them."""
    from oversight.charts.style import TEMPLATE
    from oversight.present import compare

    span = queries.data_span(connection)
    past = span.resolve(Filter(("petitions",), Quarter(2020, 3), Quarter(2021, 2)))
    figures = {spec.key: spec.build(queries.run(connection, spec.query, past), lang) for spec in catalog.all_charts()}
    units = queries.run(connection, "units", past)
    trends = compare.trends_side_by_side(
        lambda unit_id: queries.run(connection, "trends_by_quarter", past.with_units([unit_id])),
        ["petitions", "data_admin"],
        units,
    )
    figures["compared_trends"] = catalog.make_compared_trends_figure(trends, lang)
    checked = []
    for key, figure in figures.items():
        layout = figure.layout
        shown = [
            layout[name]
            for name in layout
            if name.startswith("xaxis") and layout[name].ticktext and layout[name].showticklabels is not False
        ]
        for axis in shown:
            lines = _tick_lines(axis)
            size = axis.tickfont.size if axis.tickfont and axis.tickfont.size else 14
            if lines == 4:
                checked.append(key)
            bottom = layout.margin.b if layout.margin.b is not None else TEMPLATE.layout.margin.b
            assert bottom >= lines * size * 1.3, (key, lines, bottom)
    assert {"unit_trends", "compared_trends", "meetings_by_quarter"} <= set(checked), checked
    legend, layout = figures["compared_trends"].layout.legend, figures["compared_trends"].layout
    plot_height = layout.height - (layout.margin.t or TEMPLATE.layout.margin.t) - layout.margin.b
    below = -legend.y * plot_height  # the legend's top, in px under the plot
    assert below >= 4 * 14 * 1.3, below


def test_a_range_ending_in_a_year_after_the_data_names_the_year_it_is_counted_to():
    """2020年第3季度至2021年第2季度（截至12月31日） read as 31 December 2021, after the range's end: the data stop in
    2020, and the label now says so; a range ending in the data's own year keeps the short form."""
    from oversight.data import store

    span = queries.data_span(store.open_folder(store.SAMPLE_DATA_DIR))
    past = span.resolve(Filter((), Quarter(2020, 3), Quarter(2021, 2)))
    assert i18n.span_label(past, "zh") == "2020年第3季度至2021年第2季度（截至2020年12月31日）"
    assert i18n.span_label(past, "en") == "2020 Q3 to 2021 Q2 (to 31 December 2020)"
    cut = span.resolve(Filter((), Quarter(2020, 3), Quarter(2020, 4)))
    assert "截至" not in i18n.span_label(cut, "zh")
