"""Figure builders: the right numbers, the explicit template's colours, both languages."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from oversight import charts
from oversight.charts import catalog, style
from oversight.core import i18n, safe_text
from oversight.data import queries


def _figure(connection, filter_, spec_key, lang="zh"):
    spec = next(s for s in charts.OVERVIEW_CHARTS if s.key == spec_key)
    return spec.build(queries.run(connection, spec.query, filter_), lang)


def test_every_overview_figure_carries_the_explicit_template(connection, default_filter):
    for spec in charts.OVERVIEW_CHARTS:
        figure = spec.build(queries.run(connection, spec.query, default_filter), "zh")
        assert figure.layout.template.layout.paper_bgcolor == "#FFFFFF", spec.key
        assert "Noto Sans CJK SC" in figure.layout.template.layout.font.family, spec.key
        assert figure.layout.title.text.replace("<br>", "") == spec.title("zh")  # long ones on two lines


def test_by_unit_figure_holds_issue_counts_and_unit_ids_for_clicks(connection, default_filter):
    figure = _figure(connection, default_filter, "issues_suggestions_by_unit")
    issues = next(trace for trace in figure.data if trace.name == "指出问题")
    assert sum(issues.x) == 16
    assert issues.marker.color == charts.COLOURS["primary"]
    assert "gov_office" in list(issues.customdata)
    assert "省政府办公厅" in list(issues.y)


def test_by_unit_figure_in_english_uses_english_names(connection, default_filter):
    figure = _figure(connection, default_filter, "issues_suggestions_by_unit", "en")
    # short names beside the bars (never wider than 40 % of the card), the full name in the hover
    assert "General Office" in list(figure.data[0].y)
    assert "General Office of the Provincial Government" in list(figure.data[0].hovertext)
    from oversight.charts.style import MAX_LABEL_PX

    assert figure.layout.margin.l <= MAX_LABEL_PX + 20
    assert figure.layout.title.text == "Issues and suggestions by unit"


def test_a_legend_that_wraps_gets_room_under_the_title():
    from oversight.charts import style

    assert style.legend_rows(["Issues", "Suggestions"]) == 1
    assert (
        style.legend_rows(
            ["Consultations", "Special study sessions", "Notifications", "Secondments", "Face-to-face reminders"]
        )
        >= 2
    )
    import plotly.graph_objects as go

    figure = go.Figure()
    for name in ("Consultations", "Special study sessions", "Notifications", "Secondments"):
        figure.add_bar(x=[1], y=[1], name=name)
    figure = style.base_layout(figure, "t")  # a new figure, as every builder uses it
    assert figure.layout.margin.t >= 62 + 26 * 2


def test_meetings_figure_annotates_the_change_per_quarter(connection, default_filter):
    figure = _figure(connection, default_filter, "meetings_by_quarter")
    assert [a.text for a in figure.layout.annotations] == ["-31.0%", "-36.4%", "-31.0%", "-30.1%"]
    assert list(figure.data[1].y) == [60, 49, 58, 65]


def _views(span):
    """Many filters: every unit alone and all together, over a year, two years, half a year and one quarter."""
    import dataclasses

    from oversight.data.filters import Quarter

    ranges = [
        (Quarter(2020, 1), Quarter(2020, 4)),
        (Quarter(2019, 1), Quarter(2020, 4)),
        (Quarter(2020, 1), Quarter(2020, 2)),
        (Quarter(2020, 3), Quarter(2020, 4)),
        (Quarter(2020, 4), Quarter(2020, 4)),
        (Quarter(2019, 3), Quarter(2019, 4)),
    ]
    for units in [(), *((unit,) for unit in span.unit_ids)]:
        for start, end in ranges:
            yield dataclasses.replace(span.default_filter(), units=units, start=start, end=end)


def test_every_change_over_the_meeting_bars_is_one_grey_as_on_the_cards(connection, span):
    """The key-figure cards write every change in one grey (the team does not judge more or fewer meetings, and a
    Chinese reader reads red as a rise); the chart's -31.0% over the bars was green, a rise red, on screen and in the
    pack's pictures (the same figure). Each change is now the notes' grey, which the dark page repaints."""
    seen: dict[str, set[str]] = {"rise": set(), "fall": set()}
    for view in _views(span):
        frame = queries.run(connection, "meetings_by_quarter", view)
        # the sample's meetings fall against the year before: the same quarters the other way round rise
        turned = frame.assign(meetings=frame["prev_meetings"], prev_meetings=frame["meetings"])
        for drawn, lang in itertools.product((frame, turned), ("zh", "en")):
            for note in charts.make_meetings_by_quarter_figure(drawn, lang).layout.annotations:
                if note.text.startswith(("+", "-")) and note.text.endswith("%"):
                    seen["fall" if note.text.startswith("-") else "rise"].add(note.font.color)
    assert seen == {"rise": {style.COLOURS["muted_text"]}, "fall": {style.COLOURS["muted_text"]}}


def test_category_and_form_figures_use_chinese_labels(connection, default_filter):
    assert "决策程序" in list(_figure(connection, default_filter, "issues_by_category").data[0].y)
    # a donut's legend names each form with its count and share
    assert list(_figure(connection, default_filter, "reminders_by_form").data[0].labels) == [
        "书面提醒15（35.7%）",
        "面对面提醒15（35.7%）",
        "会议提醒12（28.6%）",
    ]


def test_is_empty_for_no_rows_or_only_zeros():
    assert charts.is_empty(pd.DataFrame({"issues": []}), ("issues",))
    assert charts.is_empty(pd.DataFrame({"issues": [0, 0]}), ("issues",))
    assert not charts.is_empty(pd.DataFrame({"issues": [0, 1]}), ("issues",))


def test_a_long_unit_list_is_cut_to_the_top_fifteen_and_the_rest_still_adds_up():
    from oversight.charts import kinds

    frame = pd.DataFrame(
        {
            "unit_id": [f"u{i:03d}" for i in range(500)],
            "name_zh": [f"单位{i}" for i in range(500)],
            "name_en": [f"Unit {i}" for i in range(500)],
            "issues": [500 - i for i in range(500)],
            "suggestions": [1] * 500,
        }
    )
    figure = charts.make_issues_suggestions_by_unit_figure(frame, "zh")
    issues = next(trace for trace in figure.data if trace.name == "指出问题")
    assert len(issues.y) == 16 and issues.y[0] == "其他485家单位"
    assert sum(issues.x) == frame["issues"].sum()
    assert list(issues.customdata)[0] == ""  # a click on "other units" narrows nothing
    assert len(kinds.top_units(frame.head(16), ["issues"])) == 16  # no row of "1 other unit"
    assert len(kinds.top_units(frame.head(17), ["issues"])) == 16


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_top_of_many_units_lists_only_units_with_something_and_says_how_many_had_none(lang):
    """At a province's scale a view with 9 units consulted drew them and 6 rows of 0 among "the top 15", then
    "其他489家单位" with a bar of 0: rows of 0 among a top read as units ranked. Only units with something get a row;
    the rest's row says how many had none (其余491家单位：无), and the bars still add up to the whole."""
    from oversight.charts import kinds

    frame = pd.DataFrame(
        {
            "unit_id": [f"u{i:03d}" for i in range(500)],
            "name_zh": [f"单位{i}" for i in range(500)],
            "name_en": [f"Unit {i}" for i in range(500)],
            "issues": [9 - i if i < 9 else 0 for i in range(500)],
            "suggestions": [1 if i == 30 else 0 for i in range(500)],  # a unit with only a suggestion, far down
        }
    )
    drawn = kinds.top_units(frame, ["issues", "suggestions"])
    assert list(drawn["unit_id"]) == [*(f"u{i:03d}" for i in range(9)), "u030", ""]
    assert drawn.iloc[-1][f"name_{'zh' if lang == 'zh' else 'en'}"] == i18n.t("chart.other_units_none", lang, count=490)
    assert {"zh": "其余490家单位：无", "en": "490 other units: none"}[lang] == i18n.t(
        "chart.other_units_none", lang, count=490
    )
    assert drawn.iloc[-1][["issues", "suggestions"]].tolist() == [0, 0]
    # more than a top with something: the top 15 and the rest's sum, as before
    many = frame.assign(issues=[500 - i if i < 40 else 0 for i in range(500)])
    drawn = kinds.top_units(many, ["issues", "suggestions"])
    assert len(drawn) == kinds.TOP_UNIT_ROWS + 1 and drawn.iloc[-1]["name_zh"] == "其他485家单位"
    assert drawn["issues"].sum() == many["issues"].sum() and drawn["suggestions"].sum() == 1


def test_an_english_short_name_is_cut_between_words_never_inside_one():
    """At scale "Changsha Education Bure…", "Changsha Natural Resour…": a word cut read as a misprint aloud. Every
    unit of the scale data set keeps whole words ("Changsha Education…"), and the 504 labels stay distinct."""
    from oversight.charts.style import short_unit_name
    from oversight.devdata.scale import CITIES, DEPARTMENTS

    names = [f"{city} {department}" for _, _, city in CITIES for _, _, department in DEPARTMENTS]
    labels, _ = style.unit_labels(pd.DataFrame({"name_en": names}), "en")
    assert len(set(labels)) == len(names)
    for name, label in zip(names, labels):
        shown = short_unit_name(name, "en")
        assert label == safe_text.plotly(shown)  # escaped for Plotly after the cut
        words = style._without_wordy_parts(name, "en").split()  # noqa: SLF001
        kept = shown.removesuffix("…").split()
        assert kept == words[: len(kept)], (name, shown)  # whole words, from the start
    # "Changsha Natural Resources…" is drawn 171.9 px at 12 px, past the 170 px: the cut goes back a whole word
    assert short_unit_name("Changsha Natural Resources Bureau", "en") == "Changsha Natural…"
    # and a name drawn narrower than that is whole: 157.6 px (each character at 0.58 of a square made it 174)
    assert short_unit_name("Changsha Education Bureau", "en") == "Changsha Education Bureau"
    assert short_unit_name("Supercalifragilisticexpialidociousnessbureaucracy", "en").endswith("…")  # one word: cut


def test_a_heatmap_of_many_units_draws_the_twenty_with_most_meetings():
    from oversight.charts import kinds

    rows = [
        {
            "unit_id": f"u{i}",
            "name_zh": f"单位{i}",
            "name_en": f"Unit {i}",
            "ordinal": i,
            "quarter_key": q,
            "meetings": i,
        }
        for i in range(100)
        for q in (20201, 20202)
    ]
    figure = kinds.unit_quarter_heatmap(pd.DataFrame(rows), "zh", "chart.meetings_by_unit_quarter", "meetings")
    assert len(figure.data[0].y) == 20 and "单位99" in figure.data[0].y and "单位79" not in figure.data[0].y
    assert figure.layout.title.text.replace("<br>", "") == "各单位各季度会议数量（会议最多的20家）"  # on two lines


def test_an_unknown_year_earlier_draws_no_bar_and_no_nan_label(connection):
    from oversight.data.filters import Filter, Quarter

    frame = queries.run(connection, "meetings_by_quarter", Filter((), Quarter(2019, 1), Quarter(2019, 4)))
    figure = charts.make_meetings_by_quarter_figure(frame, "en")
    # no year-earlier series at all (2018 is before the data), no change labels, no "nan" anywhere
    assert [trace.name for trace in figure.data] == ["Meetings"]
    assert list(figure.data[0].text) == ["87", "77", "84", "93"]
    assert [note.text for note in figure.layout.annotations] == ["No comparable data a year earlier"]


def test_two_years_side_by_side_are_not_said_to_lack_a_year_earlier(connection):
    """Over 2019–2020 both quarter charts said 上年同期无可比数据 while drawing 2019's 87 beside 2020's 60."""
    from oversight.charts import catalog
    from oversight.data.filters import Filter, Quarter

    two_years = queries.run(connection, "meetings_by_quarter", Filter((), Quarter(2019, 1), Quarter(2020, 4)))
    for lang in ("zh", "en"):
        figures = (
            charts.make_meetings_by_quarter_figure(two_years, lang),
            catalog.make_meeting_duration_figure(two_years, lang),
        )
        for figure in figures:
            notes = [note.text for note in figure.layout.annotations]
            # (the note saying what the changes are against, 较上年同期, is not that one)
            said = [note for note in notes if "无可比" in note or "no comparable" in note.lower()]
            assert not said, notes
            assert any(trace.y[0] is not None for trace in figure.data)  # 2019's own values are drawn
    # eight quarters in a chart card: their changes (-31.0%, each ~45 px wide) take two rows, every other one higher,
    # as -31.0%-36.4%-31.0% ran into one another at 1280 px
    notes = charts.make_meetings_by_quarter_figure(two_years, "en").layout.annotations
    lifts = [note.yshift for note in notes if note.text.endswith("%") and note.x is not None and note.xref != "paper"]
    assert lifts == [20, 41, 20, 41]  # 2020 Q1–Q4 against 2019's bars, a line of type and some air apart
    # one year before the data began still says so
    one_year = queries.run(connection, "meetings_by_quarter", Filter((), Quarter(2019, 1), Quarter(2019, 4)))
    notes = [note.text for note in catalog.make_meeting_duration_figure(one_year, "zh").layout.annotations]
    assert notes == ["上年同期无可比数据"]


def test_a_title_too_wide_for_a_phones_chart_card_breaks_at_natural_points():
    from oversight.charts.style import fitted_title

    assert fitted_title("Issues and suggestions by unit") == "Issues and suggestions by unit"
    assert fitted_title("各季度会议数量（与上年同期对比）") == "各季度会议数量（与上年同期对比）"
    # 18 characters at 18 px were cut on a phone (tests/browser/test_layout_browser.py measures it)
    assert fitted_title("各季度平均会议时长（与上年同期对比）") == "各季度平均会议时长<br>（与上年同期对比）"
    assert fitted_title("议题提前报送审核、纪检监察组列席、合并召开占比") == (
        "议题提前报送审核、纪检监察组列席、<br>合并召开占比"
    )
    assert fitted_title("Average meeting length per quarter vs a year earlier") == (
        "Average meeting length per quarter<br>vs a year earlier"
    )
    # between a title's parts where that takes no more lines, not inside a phrase ("… special study<br>sessions")
    assert fitted_title("Consultations, special study sessions, notifications, secondments by unit") == (
        "Consultations,<br>special study sessions,<br>notifications, secondments by unit"
    )
    # a title drawn narrower than the card's 310 px stays whole: 289.9 px at 18 px (half a square a Latin letter
    # made it 324 and broke it)
    assert fitted_title("Quarterly trends, units side by side") == "Quarterly trends, units side by side"


def test_a_stacked_part_with_nothing_in_view_draws_no_bar_and_is_named_with_its_zero(connection, default_filter):
    """A part of a stacked whole is drawn, with its colour in the legend, only where the view has some; a status with
    none is named with its 0 in an entry without a colour (未整改：0): left out of the legend, 未整改 beside the card's
    逾期未整改 6 read as a contradiction (tests/test_none_in_legend.py)."""
    from oversight.charts import catalog

    spec = next(s for s in catalog.all_charts() if s.key == "issues_by_unit_status")
    frame = queries.run(connection, spec.query, default_filter)
    assert frame["open"].sum() == 0 and frame["in_progress"].sum() > 0  # the sample: nothing "not started" in 2020
    names = [trace.name for trace in spec.build(frame, "zh").data]
    assert names == ["整改中", "已整改", "未整改：0"]
    with_open = frame.assign(open=[1] + [0] * (len(frame) - 1))
    assert [trace.name for trace in spec.build(with_open, "en").data] == [
        "Not yet rectified",
        "In progress",
        "Rectified",
    ]
    # the stacked quarters drop an empty form alike; an empty frame keeps its parts (the chart says it is empty)
    reminders = next(s for s in catalog.all_charts() if s.key == "reminders_by_quarter_form")
    by_quarter = queries.run(connection, reminders.query, default_filter).assign(meeting=0)
    assert "会议提醒" not in [trace.name for trace in reminders.build(by_quarter, "zh").data]
    nothing = by_quarter.assign(written=0, in_person=0)
    assert len(reminders.build(nothing, "zh").data) == 3


def test_stacked_quarters_carry_their_totals_above_them(connection, frames):
    """rev-g, 2 Dec: a reader added 5 + 6 + 3 in their head, and the tallest stack touched the plot's top under the
    legend. Each quarter's total stands over its stack, in room above the highest; no total for an unknown quarter."""
    from oversight.data.filters import Filter, Quarter

    reminders = frames["reminders"]
    spec = next(s for s in catalog.all_charts() if s.key == "reminders_by_quarter_form")
    figure = spec.build(queries.run(connection, spec.query, Filter((), Quarter(2018, 3), Quarter(2020, 4))), "zh")
    counted = reminders["date"].map(lambda day: (day.year, (day.month - 1) // 3 + 1)).value_counts()
    expected = [str(counted[(year, quarter)]) for year in (2019, 2020) for quarter in (1, 2, 3, 4)]
    assert [note.text for note in figure.layout.annotations] == expected  # none over 2018's unknown quarters
    assert [int(note.y) for note in figure.layout.annotations] == [int(n) for n in expected]
    highest = max(int(n) for n in expected)
    assert figure.layout.yaxis.range[1] > highest and max(figure.layout.yaxis.tickvals) <= highest


def test_a_donut_draws_and_lists_only_the_parts_in_view():
    """A form with no reminder in view draws no slice and gets no coloured legend entry (the entry without a colour
    names it with its 0: tests/test_none_in_legend.py); each slice keeps its form's colour and writes its share, the
    legend its count and share."""
    frame = pd.DataFrame({"form": ["written", "in_person", "meeting"], "reminders": [5, 0, 3]})
    pie = charts.make_reminders_by_form_figure(frame, "en").data[0]
    assert list(pie.labels) == ["Written 5 (62.5%)", "At a meeting 3 (37.5%)"]
    assert list(pie.values) == [5, 3]
    assert list(pie.text) == ["62.5%", "37.5%"]
    full = charts.make_reminders_by_form_figure(frame.assign(reminders=[5, 1, 3]), "en").data[0]
    assert list(pie.marker.colors) == [full.marker.colors[0], full.marker.colors[2]]


def test_three_lines_at_the_same_value_all_stay_visible(connection, default_filter):
    """The shares chart has no value labels (three lines' labels collide): where 列席 and 合并 were both 21.2% the
    yellow line and dot hid the blue ones. Each later line is thinner with a smaller marker of its own shape, so one
    drawn over another leaves the first showing round it."""
    spec = next(spec for spec in catalog.all_charts() if spec.key == "meeting_shares_by_quarter")
    figure = spec.build(queries.run(connection, spec.query, default_filter), "zh")
    traces = [trace for trace in figure.data if trace.type == "scatter"]
    assert len(traces) == 3 and "text" not in traces[0].mode
    widths = [trace.line.width for trace in traces]
    sizes = [trace.marker.size for trace in traces]
    assert widths == sorted(widths, reverse=True) and len(set(widths)) == 3
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == 3
    assert len({trace.marker.symbol for trace in traces}) == 3


def test_no_tick_stands_beside_the_row_of_changes_above_the_bars(connection, default_filter):
    """On a phone the axis's top tick sat beside the first change and read as one label: 100 -31.0%."""
    frame = queries.run(connection, "meetings_by_quarter", default_filter)
    figure = charts.make_meetings_by_quarter_figure(frame, "zh")
    changes = [note for note in figure.layout.annotations if note.text.endswith("%")]
    top = max(frame["meetings"].max(), frame["prev_meetings"].max())
    # the changes stand on the tallest bar, lifted past its own label in pixels (at 116% of it, a share of the axis,
    # they sat on the label 87 in a 1280 px chart card)
    assert changes and all(note.y == top and note.yanchor == "bottom" and note.yshift >= 20 for note in changes)
    assert max(figure.layout.yaxis.tickvals) <= top * 1.05
    assert list(figure.layout.yaxis.tickvals) == [0, 20, 40, 60, 80]  # whole steps from 0, as count_ticks chooses


def test_a_stack_of_one_part_still_names_its_colour(connection):
    """Research Office in the second half of 2020: one suggestion, still only proposed. Plotly hides the legend of a
    single trace, and one grey bar said nothing of what grey meant."""
    from oversight.data.filters import Filter, Quarter

    spec = next(s for s in catalog.all_charts() if s.key == "suggestions_by_unit")
    frame = queries.run(connection, spec.query, Filter(("research",), Quarter(2020, 3), Quarter(2020, 4)))
    figure = spec.build(frame, "en")
    assert [trace.name for trace in figure.data if trace.type == "bar"] == ["Proposed"]
    (none,) = [trace for trace in figure.data if trace.type != "bar"]
    assert none.name.replace("<br>", " ") == "Adopted, Implemented: 0"  # the statuses it has none of
    assert figure.layout.showlegend is True
    from oversight.charts import style

    # room under the title for its row, and for each line of the entry naming the statuses with none
    rows = 1 + none.name.count("<br>") + 1
    assert figure.layout.margin.t >= style._TITLE_BAND_PX + style.LEGEND_ROW_PX * rows


def test_a_part_of_a_stack_too_thin_for_its_count_shows_none_rather_than_a_speck(connection, default_filter):
    """Plotly shrinks a count inside a thin part of a stack until it fits: a 1 in a sliver of 2020 Q4's reminders was
    drawn ~5 px high. Every chart with counts inside its bars hides a count below 13 px (10 pt printed), as the
    donuts do; the count stays in the hover and the stack's total."""
    inside = 0
    for spec in catalog.all_charts():
        figure = spec.build(queries.run(connection, spec.query, default_filter), "en")
        if not any(getattr(trace, "textposition", None) == "inside" for trace in figure.data):
            continue
        inside += 1
        assert figure.layout.uniformtext.mode == "hide" and figure.layout.uniformtext.minsize >= 13, spec.key
    assert inside >= 5  # the stacked bars by unit and by quarter, and the donuts


def test_units_compared_with_the_same_figures_stay_visible_one_over_the_other(connection):
    """Review of 3 Dec: in the Issues small chart of data_admin, chronicles, counsellors and beijing_office over 2020,
    Big Data Admin. (blue) was drawn exactly under Beijing Office (purple) and Local Chronicles under Counsellors'
    Office: two of four lines showed, and a leader read two units as having no issues. Lines that coincide differ in
    dash and marker shape, each later one thinner over the earlier, and the hover names the units sharing the value."""
    from oversight.data.filters import Filter, Quarter
    from oversight.present import compare

    year = Filter((), Quarter(2020, 1), Quarter(2020, 4))
    units = queries.run(connection, "units", year)
    ids = ["data_admin", "chronicles", "counsellors", "beijing_office"]
    trends = compare.trends_side_by_side(
        lambda unit: queries.run(connection, "trends_by_quarter", Filter((unit,), year.start, year.end)), ids, units
    )
    figure = catalog.make_compared_trends_figure(trends, "en")
    issues = [trace for trace in figure.data if trace.yaxis == "y3"]
    assert len(issues) == 4
    coinciding = [(a, b) for a, b in itertools.combinations(issues, 2) if list(a.y) == list(b.y)]
    assert len(coinciding) >= 2  # the sample's two pairs of units with the same issues each quarter
    for a, b in coinciding:
        assert a.line.dash != b.line.dash and a.marker.symbol != b.marker.symbol
        # the one drawn first is wider with a bigger marker: it shows round the one drawn over it
        assert a.line.width > b.line.width and a.marker.size > b.marker.size
        assert all(extra.startswith("same as ") and b.name in extra for _, extra in a.customdata)
        assert all(extra.startswith("same as ") and a.name in extra for _, extra in b.customdata)
    # every unit has its own dash and marker on every small chart, and its legend entry shows them
    assert len({trace.line.dash for trace in issues}) == 4 and len({trace.marker.symbol for trace in issues}) == 4
    for unit in range(4):
        same_unit = figure.data[unit::4]
        assert len({(t.line.dash, t.marker.symbol, t.line.color) for t in same_unit}) == 1


def test_a_line_point_at_zero_is_drawn_whole_not_cut_by_the_plots_edge(connection):
    """Review of 4 Dec: General Office's shares over 2019Q1–2020Q4 (no meeting attended in 2019 Q1, Q2 and 2020 Q2,
    none merged in 2019 and 2020 Q4) and four units side by side in 2020 Q4 (three with no issue) drew each 0 as the
    upper half of its marker, the plot's bottom edge cutting the rest: slivers a leader could not tell apart. The
    zeros here are recomputed from the spreadsheets; every line that draws one leaves its markers unclipped."""
    from oversight.data import store
    from oversight.data.filters import Filter, Quarter
    from oversight.present import compare
    from tests.oracle import read_ledgers

    meetings = read_ledgers(store.SAMPLE_DATA_DIR).meetings
    office = meetings[meetings["unit"] == "gov_office"].assign(
        quarter=[f"{d.year}Q{(d.month - 1) // 3 + 1}" for d in meetings.loc[meetings["unit"] == "gov_office", "date"]]
    )
    by_quarter = office.groupby("quarter")[["attended", "merged"]].sum()
    assert list(by_quarter["attended"]) == [0, 0, 3, 2, 2, 0, 1, 2]
    assert list(by_quarter["merged"]) == [0, 0, 0, 0, 1, 1, 2, 0]

    spec = next(s for s in catalog.all_charts() if s.key == "meeting_shares_by_quarter")
    shares = spec.build(
        queries.run(connection, spec.query, Filter(("gov_office",), Quarter(2019, 1), Quarter(2020, 4))), "zh"
    )
    for name, column in (("纪检监察组列席", "attended"), ("合并召开", "merged")):
        trace = next(t for t in shares.data if t.name == name)
        zeros = [at for at, count in enumerate(by_quarter[column]) if count == 0]
        assert [at for at, value in enumerate(trace.y) if value == 0] == zeros, name
        assert trace.cliponaxis is False, name

    q4 = Filter((), Quarter(2020, 4), Quarter(2020, 4))
    ids = ["gov_office", "research", "petitions", "counsellors"]
    trends = compare.trends_side_by_side(
        lambda unit: queries.run(connection, "trends_by_quarter", Filter((unit,), q4.start, q4.end)),
        ids,
        queries.run(connection, "units", q4),
    )
    figure = catalog.make_compared_trends_figure(trends, "en")
    issues = [trace for trace in figure.data if trace.yaxis == "y3"]
    raised = read_ledgers(store.SAMPLE_DATA_DIR).issues
    in_q4 = raised[(raised["raised"] >= pd.Timestamp(2020, 10, 1).date()) & (raised["unit"].isin(ids))]
    assert [list(t.y) for t in issues] == [[int((in_q4["unit"] == unit).sum())] for unit in ids] == [[1], [0], [0], [0]]
    assert all(trace.cliponaxis is False for trace in figure.data)


def test_changes_over_two_years_of_meetings_say_what_they_are_against(connection):
    """Over 2019Q1–2020Q4 no grey bar stands beside the bars, and green and red percentages over 2020's bars had
    nothing explaining them: a note says they are the change on the same quarter a year earlier, in both languages."""
    from oversight.data.filters import Filter, Quarter

    frame = queries.run(connection, "meetings_by_quarter", Filter((), Quarter(2019, 1), Quarter(2020, 4)))
    for lang, note in (("zh", "百分比：较上年同期增减"), ("en", "%: change on the same quarter a year earlier")):
        texts = [a.text for a in charts.make_meetings_by_quarter_figure(frame, lang).layout.annotations]
        assert texts == ["-31.0%", "-36.4%", "-31.0%", "-30.1%", note]
    one_year = queries.run(connection, "meetings_by_quarter", Filter((), Quarter(2020, 1), Quarter(2020, 4)))
    assert "%" not in charts.make_meetings_by_quarter_figure(one_year, "en").layout.annotations[-1].text[:2]


def test_a_stack_of_one_part_does_not_repeat_its_count_as_its_total(connection):
    """A one-quarter reminders picture for Local Chronicles (2020 Q3, one written reminder) wrote the total 1 right
    on the segment's own 1."""
    from oversight.data.filters import Filter, Quarter

    spec = next(s for s in catalog.all_charts() if s.key == "reminders_by_quarter_form")
    figure = spec.build(
        queries.run(connection, spec.query, Filter(("chronicles",), Quarter(2020, 3), Quarter(2020, 3))), "en"
    )
    # the bars' counts (the legend's entry for the forms with none, tests/test_none_in_legend.py, writes no count)
    assert [list(trace.text) for trace in figure.data if trace.type == "bar"] == [["1"]]
    assert list(figure.layout.annotations) == []


# ---------------------------------------------------------------- statuses in one order everywhere

# The order that reads as progress, wherever statuses are listed: a stack from its base, a legend, a donut's slices,
# a data file's columns or rows, a reading's list. The suggestions' stack listed 已落实, 已采纳, 已提出 beside a donut
# listing 已提出, 已采纳, 已落实.
_PROGRESS = {
    "issue": ("open", "in_progress", "rectified"),
    "suggestion": ("proposed", "adopted", "implemented"),
}


def _status_labels(lang: str) -> dict[str, dict[str, str]]:
    from oversight.contract.schema import ISSUE_STATUSES, SUGGESTION_STATUSES
    from oversight.core import i18n

    choices = {"issue": ISSUE_STATUSES, "suggestion": SUGGESTION_STATUSES}
    return {
        kind: {i18n.choice_label(choices[kind], code, lang): code for code in codes}
        for kind, codes in _PROGRESS.items()
    }


def _named(texts, labels: dict[str, str]) -> list[str]:
    """The statuses ``texts`` name, in the order named: a label inside a longer one counts once ("rectified" in "Not
    yet rectified" is not another), and 未整改 in 逾期未整改, 尚未整改到位 or 尚未整改完成 is no status."""
    import re

    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    pattern = re.compile(f"(?<!逾期)(?<!尚)(?:{alternatives})(?!到位|完成)", re.IGNORECASE)
    folded = {label.casefold(): code for label, code in labels.items()}
    return [folded[match.group(0).casefold()] for text in texts for match in pattern.finditer(str(text))]


def _in_progress_order(named: list[str], kind: str) -> bool:
    return bool(named) and named == sorted(named, key=_PROGRESS[kind].index) and len(set(named)) == len(named)


def test_every_chart_legend_data_file_and_reading_lists_statuses_in_the_order_of_progress(connection, default_filter):
    from oversight.briefing import takeaways
    from oversight.core import i18n
    from oversight.export.data_files import chart_data_table

    checked = 0
    for lang in ("zh", "en"):
        labels = _status_labels(lang)
        for spec in catalog.all_charts():
            frame = queries.run(connection, spec.query, default_filter)
            if "open" in frame and not frame["open"].any():  # the sample has none not started: one, so all three show
                frame = frame.assign(open=[1] + [0] * (len(frame) - 1))
            figure = spec.build(frame, lang)
            legend = [
                name for trace in figure.data for name in (list(trace.labels) if trace.type == "pie" else [trace.name])
            ]
            if figure.layout.legend.traceorder and "reversed" in figure.layout.legend.traceorder:
                legend.reverse()
            table = chart_data_table(frame, lang, spec.key)
            cells = [value for column in table.columns if table[column].dtype == object for value in table[column]]
            # a reading's clauses: a list of statuses is one of them (共提出意见建议19条，其中已提出待采纳7条、已采纳5条、
            # 已落实7条); another may name one status for its rate (已整改9个，整改率56.3%; 已采纳或落实的占63.2%)
            clauses = (takeaways.takeaway(spec, frame, lang) or "").split("；" if lang == "zh" else "; ")
            for kind in _PROGRESS:
                lists = [
                    ("legend", _named(legend, labels[kind])),
                    ("data file's columns", _named(table.columns, labels[kind])),
                    ("data file's rows", _named(cells, labels[kind])),
                    *(("reading", _named([clause], labels[kind])) for clause in clauses),
                ]
                for what, named in lists:
                    if len(named) > 1 or (named and what != "reading"):
                        checked += 1
                        assert _in_progress_order(named, kind), f"{spec.key} ({lang}): its {what} lists {named}"
    # both stacks, the donut, their data files and readings, in both languages
    assert checked >= 2 * 8, checked
    # and the stacks name all three, in that order, from the base of the stack
    for key, kind in (("issues_by_unit_status", "issue"), ("suggestions_by_unit", "suggestion")):
        spec = next(s for s in catalog.all_charts() if s.key == key)
        frame = queries.run(connection, spec.query, default_filter)
        frame = frame.assign(**{code: frame[code] + 1 for code in _PROGRESS[kind]})
        assert [trace.name for trace in spec.build(frame, "en").data] == [
            i18n.code_label(code, "en") for code in _PROGRESS[kind]
        ]


def test_every_chart_names_what_it_counts_for_the_sentence_standing_in_for_it_empty():
    """An empty chart said 省政府参事室2020年第4季度暂无数据。请调整单位或季度范围。 under cards reading 指出问题 0个:
    暂无数据 is how the charts mark the unknown （尚无数据）, and the view was not unknown but empty. Each chart
    says what it had none of, in both languages, naming the units and the period."""
    from oversight.core import i18n

    for spec in catalog.all_charts():
        assert spec.nothing != "records", spec.key  # the generic sentence is for a chart not yet in the catalog
        for lang in ("zh", "en"):
            sentence = i18n.t(
                spec.empty_key, lang, scope="<units>", any_scope="<units>", period="<period>", in_period="<period>"
            )
            assert "<units>" in sentence and "<period>" in sentence, (spec.key, lang, sentence)
            assert "暂无" not in sentence and "No data" not in sentence, (spec.key, lang, sentence)
