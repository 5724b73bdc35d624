"""Every analysis page under AppTest: default figures against values recomputed with pandas from the sample,
a unit filter, a quarter filter, English, and the empty case."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests import oracle
from tests.apptest import as_read, figure_titled, figures, metrics, run_page

MEETINGS, ISSUES, SUGGESTIONS, REMINDERS, PROFILE = (
    "pages/01_meetings.py",
    "pages/02_issues.py",
    "pages/03_suggestions.py",
    "pages/04_reminders.py",
    "pages/05_unit_profile.py",
)
END_2020 = date(2020, 12, 31)


def _in_2020(frame, column):
    return frame[frame[column].map(lambda d: d.year) == 2020]


def _percent(part, whole):
    from oversight.present.kpis import round_half_up

    return f"{round_half_up(part / whole * 100, 1)}%"


def _captions(at):
    return [as_read(caption.value) for caption in at.caption]


# ---------------------------------------------------------------- meeting supervision


def test_meetings_page_default(frames):
    meetings = _in_2020(frames["meetings"], "date")
    at = run_page(MEETINGS)
    shown = metrics(at)
    assert shown["会议数量"] == f"{len(meetings)}次" == "232次"
    # one decimal, half up, no trailing .0: as the summary, the tables and the pack write it
    assert shown["平均会议时长"] == oracle.average_text(oracle.mean(meetings["duration_min"]), "minutes", "zh")
    assert shown["合并召开占比"] == _percent(meetings["merged"].sum(), len(meetings))
    assert shown["提前审核占比"] == _percent(meetings["agenda_prereviewed"].sum(), len(meetings))
    assert shown["列席占比"] == _percent(meetings["attended_by_team"].sum(), len(meetings))
    assert at.metric[0].delta == "-109次（-32.0%）"
    # a whole year's span before is the year before: no 环比 line repeating 同比
    assert not any(c.startswith("环比") for c in _captions(at))
    heatmap = figure_titled(at, "各单位各季度会议数量")
    assert sum(map(sum, heatmap["data"][0]["z"])) == 232
    assert len(heatmap["data"][0]["y"]) == 9
    shares = figure_titled(at, "议题提前报送审核、纪检监察组列席、合并召开占比")
    assert len(shares["data"]) == 3
    ranking = at.dataframe[0].value
    assert len(ranking) == 9
    assert ranking.iloc[0]["单位"] == "省政府办公厅"  # 30 → 14 meetings, the biggest cut
    assert list(ranking["增减（%）"]) == sorted(ranking["增减（%）"])


def test_meetings_page_one_quarter_compares_with_the_quarter_before():
    at = run_page(MEETINGS, {"from": "2020Q2", "to": "2020Q2"})
    assert metrics(at)["会议数量"] == "49次"
    assert at.metric[0].delta == "-28次（-36.4%）"  # against 2019 Q2: 77
    assert any(c.startswith("环比-11次（-18.3%）") for c in _captions(at))  # against 2020 Q1: 60


def test_meetings_page_for_one_unit_in_english(frames):
    meetings = _in_2020(frames["meetings"], "date")
    at = run_page(MEETINGS, {"unit": "gov_office", "lang": "en"})
    assert metrics(at)["Meetings"] == str((meetings["unit"] == "gov_office").sum()) == "14"
    assert len(at.dataframe[0].value) == 1
    heatmap = figure_titled(at, "Meetings per unit and quarter")["data"][0]
    assert (
        heatmap["y"] == ["General Office"]
        and heatmap["hovertext"][0][0] == "General Office of the Provincial Government"
    )


def test_english_tables_name_units_by_their_short_names_and_keep_the_full_names_last():
    """A phone has ~360 px for a row: English names of up to 60 letters left the ranking without its numbers."""
    import pandas as pd

    from oversight.data import store

    units = pd.read_excel(store.SAMPLE_DATA_DIR / "units.xlsx", engine="openpyxl")
    short_of = dict(zip(units["英文名称"], units["英文简称"]))
    ranking = run_page(MEETINGS, {"lang": "en"}).dataframe[0].value
    assert list(ranking.columns[:2]) == ["Unit", "Change in meetings (%)"] and ranking.columns[-1] == "Unit (full name)"
    assert list(ranking["Unit"]) == [short_of[name] for name in ranking["Unit (full name)"]]
    assert (
        ranking.loc[ranking["Unit (full name)"] == "General Office of the Provincial Government", "Meetings"].item()
        == 14
    )
    issues = run_page(ISSUES, {"lang": "en"}).dataframe[1].value
    assert list(issues["Unit"]) == [short_of[name] for name in issues["Unit (full name)"]]
    # Chinese names stay whole, with no second name column
    assert "单位全称" not in run_page(MEETINGS).dataframe[0].value.columns


def test_a_units_sheet_without_english_short_names_keeps_the_full_names():
    import pandas as pd

    from oversight.present import tables

    frame = pd.DataFrame({"unit_id": ["a", "b"], "name_zh": ["甲", "乙"], "name_en": ["Office A", "Office B"]})
    units = frame.assign(short_name_en=[None, "  "])
    shown = tables.present(frame, [tables.UNIT_COLUMN], "en", units)
    assert list(shown.columns) == ["Unit"] and list(shown["Unit"]) == ["Office A", "Office B"]
    # one unit with a short name: the others keep their full names in the unit column
    shown = tables.present(frame, [tables.UNIT_COLUMN], "en", frame.assign(short_name_en=["A", None]))
    assert list(shown["Unit"]) == ["A", "Office B"] and list(shown["Unit (full name)"]) == ["Office A", "Office B"]


# ---------------------------------------------------------------- issues and rectification


def test_issues_page_default(frames):
    issues = _in_2020(frames["issues"], "date_raised")
    rectified = issues[
        (issues["status"] == "rectified") & (issues["rectified_date"].map(lambda d: d is not None and d <= END_2020))
    ]
    overdue_at_end = issues[issues["due_date"].map(lambda d: d < END_2020) & ~issues.index.isin(rectified.index)]
    at = run_page(ISSUES)
    shown = metrics(at)
    assert shown["指出问题"] == "16个"
    assert shown["已整改"] == f"{len(rectified)}个" == "9个"
    assert shown["整改率"] == "56.3%"
    assert shown["逾期未整改"] == f"{len(overdue_at_end)}个"
    days = [(r.rectified_date - r.date_raised).days for r in rectified.itertuples()]
    import statistics

    assert shown["整改用时中位数"] == f"{oracle.half_up(statistics.median(days), 1).normalize():f}天"
    status = figure_titled(at, "各单位问题整改状态")
    bars = [trace for trace in status["data"] if trace["type"] == "bar"]
    assert sum(sum(trace["x"]) for trace in bars) == 16
    # no issue of 2020 is 未整改 at its end: the legend names the status with its 0 beside the card's 逾期未整改
    assert not (issues["status"] == "open").any()  # recorded 未整改 is 未整改 at any day (README 整改状态)
    assert [trace["name"] for trace in status["data"] if trace["type"] != "bar"] == ["未整改：0"]
    assert sum(figure_titled(at, "问题来源")["data"][0]["x"]) == 16
    overdue_table, issue_table = at.dataframe[0].value, at.dataframe[1].value
    assert len(issue_table) == 16
    assert set(overdue_table["问题编号"]) >= set(overdue_at_end["issue_id"])


def test_issues_search_narrows_the_table():
    at = run_page(ISSUES)
    at.text_input(key="widget.issue_search").input("廉洁").run()
    table = at.dataframe[-1].value
    assert 0 < len(table) < 16
    assert all("廉洁" in " ".join(map(str, row)) for row in table.itertuples(index=False))


def test_issues_page_empty_selection_says_so():
    at = run_page(ISSUES, {"unit": "counsellors", "from": "2019Q1", "to": "2019Q4"})
    assert metrics(at)["指出问题"] == "0个"
    notes = [info.value for info in at.info]
    assert "省政府参事室2019年第1季度至2019年第4季度未指出问题。" in notes
    assert "省政府参事室2019年第1季度至2019年第4季度暂无记录。" in notes
    assert figures(at) == [] or all(f["layout"]["title"]["text"] != "问题来源" for f in figures(at))


def _raised_by_as_of(view: oracle.View):  # noqa: ANN202 — a DataFrame
    """The view's units' issues raised by its as-of date, whenever in the ledger (the lists' own scope)."""
    issues = view.scoped(view.ledgers.issues)
    return issues[issues["raised"] <= view.as_of]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_list_of_issues_whenever_raised_names_its_day_not_the_period(lang):
    """The overdue list and the profile's issues still to rectify count issues whenever raised, at the as-of date:
    empty, they said 省地方志编纂委员会办公室2020年第3季度暂无记录 (Nothing to list for … in 2020 Q3), as if only the
    quarter's issues had been looked at."""
    from oversight.data import store

    view = oracle.View(oracle.read_ledgers(store.SAMPLE_DATA_DIR), ("chronicles",), (2020, 3), (2020, 3))
    backlog = _raised_by_as_of(view)
    assert view.as_of == date(2020, 9, 30)
    assert len(backlog) > 0 and view.overdue_at(backlog, view.as_of).sum() == 0  # issues, none overdue
    filter_ = {"unit": "chronicles", "from": "2020Q3", "to": "2020Q3", "lang": lang}
    issues_notes = [info.value for info in run_page(ISSUES, filter_).info]
    if lang == "zh":
        assert "截至2020年9月30日，省地方志编纂委员会办公室无逾期未整改的问题（不论何时指出）。" in issues_notes
    else:
        unit = "Local Chronicles"  # its 英文简称, as the table's rows name it (README 口径说明, 单位名称)
        assert f"No overdue issues for {unit} as of 30 September 2020, whenever raised." in issues_notes
    assert not any("2020年第3季度暂无记录" in note or "in 2020 Q3." in note for note in issues_notes)
    # the profile: a unit whose every issue was rectified by the as-of date says so the same way
    view = oracle.View(view.ledgers, ("counsellors",), (2020, 1), (2020, 4))
    backlog = _raised_by_as_of(view)
    assert len(backlog) > 0 and view.rectified_by(backlog, view.as_of).all()
    filter_ = {"unit": "counsellors", "from": "2020Q1", "to": "2020Q4", "lang": lang}
    profile_notes = [info.value for info in run_page(PROFILE, filter_).info]
    if lang == "zh":
        assert "截至2020年12月31日，省政府参事室无尚未整改到位的问题（不论何时指出）。" in profile_notes
    else:
        unit = "the Counsellors' Office"  # a body's name takes its article in a sentence (i18n.unit_in_sentence)
        assert f"No issues still to rectify for {unit} as of 31 December 2020, whenever raised." in profile_notes


def test_issues_page_in_english_labels_categories():
    at = run_page(ISSUES, {"lang": "en"})
    assert metrics(at)["Issues raised"] == "16"
    assert "Decision procedure" in set(at.dataframe[1].value["Category"])


# ---------------------------------------------------------------- suggestions


def test_suggestions_page_default(frames):
    suggestions = _in_2020(frames["suggestions"], "date_made")
    adopted = suggestions["status"].isin(["adopted", "implemented"]).sum()
    at = run_page(SUGGESTIONS)
    shown = metrics(at)
    assert shown["意见建议"] == "19条"
    assert shown["采纳率"] == _percent(adopted, 19)
    assert shown["针对问题提出占比"] == _percent(suggestions["issue_id"].notna().sum(), 19)
    by_unit = figure_titled(at, "各单位意见建议及采纳情况")
    assert sum(sum(trace["x"]) for trace in by_unit["data"]) == 19
    assert sum(figure_titled(at, "意见建议采纳状态")["data"][0]["values"]) == 19
    assert len(at.dataframe[0].value) == 19


def test_suggestions_page_quarter_filter(frames):
    suggestions = frames["suggestions"]
    in_q3 = suggestions["date_made"].map(lambda d: d.year == 2020 and 7 <= d.month <= 9).sum()
    at = run_page(SUGGESTIONS, {"from": "2020Q3", "to": "2020Q3"})
    assert metrics(at)["意见建议"] == f"{in_q3}条"


# ---------------------------------------------------------------- reminders and consultations


def test_reminders_page_default(frames):
    reminders = _in_2020(frames["reminders"], "date")
    activities = _in_2020(frames["activities"], "date")
    at = run_page(REMINDERS)
    shown = metrics(at)
    assert shown["日常提醒"] == f"{len(reminders)}次"
    assert shown["定期会商"] == f"{(activities['kind'] == 'consultation').sum()}次"
    assert shown["会商单位"] == "9家"
    assert shown["专题研究"] == "17次"
    by_quarter = figure_titled(at, "各季度日常提醒（按方式）")
    assert sum(sum(trace["y"]) for trace in by_quarter["data"]) == len(reminders)
    assert "2020年第1季度至2020年第4季度，全部9家综合监督单位均已开展定期会商。" in [info.value for info in at.info]


def test_reminders_page_lists_units_without_consultation_in_2019():
    at = run_page(REMINDERS, {"from": "2019Q1", "to": "2019Q4"})
    assert set(at.dataframe[0].value["单位"]) == {"省政府参事室", "省地方志编纂委员会办公室"}
    assert metrics(at)["会商单位"] == "7家"


def test_an_empty_unit_quarter_names_the_unit_and_the_quarter_in_every_note(frames):
    """Seen at 390 px in English: General Office in 2020 Q4 showed "No data for this selection. Try other units or
    another quarter range." four times over, under a list titled "… in the selected period"; a leader reading it
    aloud had to work out which unit and quarter had nothing."""

    def in_q4(frame, column):
        in_quarter = frame[column].map(lambda day: (day.year, (day.month - 1) // 3) == (2020, 3))
        return frame[frame["unit"].eq("gov_office") & in_quarter]

    assert in_q4(frames["reminders"], "date").empty and in_q4(frames["activities"], "date").empty
    at = run_page(REMINDERS, {"unit": "gov_office", "from": "2020Q4", "to": "2020Q4", "lang": "en"})
    assert not at.exception
    # the unit by its 英文简称, as the list's row below and the charts name it: the notes said "General Office of the
    # Provincial Government" beside a row reading "General Office" (README 口径说明, 单位名称)
    reminders = "No reminders for the General Office in 2020 Q4."
    activities = (
        "No consultations, special study sessions, notifications or secondments for the General Office in 2020 Q4."
    )
    # the four charts, each saying what it had none of; the list below has its row
    assert [info.value for info in at.info] == [reminders, reminders, activities, activities]
    assert "**Units with no consultation in 2020 Q4**" in [as_read(markdown.value) for markdown in at.markdown]
    assert list(at.dataframe[0].value["Unit"]) == ["General Office"]


# The counts behind each kind of chart, by the ``nothing`` each chart names (oversight.charts.ChartSpec).
_COUNTED_BY = {
    "issues": ("issues",),
    "suggestions": ("suggestions",),
    "issues_suggestions": ("issues", "suggestions"),
    "meetings": ("meetings",),
    "reminders": ("reminders",),
    "activities": ("consultations", "special_studies", "notifications", "secondments"),
    "unit_trends": ("meetings", "reminders", "issues", "suggestions"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "script", ["app.py", MEETINGS, ISSUES, SUGGESTIONS, REMINDERS, PROFILE], ids=lambda s: s.split("/")[-1]
)
def test_an_empty_chart_says_what_the_view_had_none_of(script, lang):
    """Counsellors' Office in 2020 Q4 (a leader's tour, 4 Dec): no issue, suggestion, reminder or activity, six
    meetings. Every empty chart said 省政府参事室2020年第4季度暂无数据。请调整单位或季度范围。 under cards reading
    0个 — 暂无数据 read aloud as "no data yet", the unknown the charts mark （尚无数据）. Each now says what the view
    had none of; a chart is replaced by a sentence exactly where the oracle counts none of what it draws."""
    from oversight import charts
    from oversight.charts import catalog
    from oversight.core import i18n
    from oversight.data import store

    view = oracle.View(oracle.read_ledgers(store.SAMPLE_DATA_DIR), ("counsellors",), (2020, 4), (2020, 4))
    totals = view.totals()
    assert (totals["issues"], totals["suggestions"], totals["reminders"], totals["meetings"]) == (0, 0, 0, 6)
    page = "overview" if script == "app.py" else script.split("_", 1)[1].removesuffix(".py")
    specs = charts.OVERVIEW_CHARTS if page == "overview" else catalog.PAGE_CHARTS[page]
    scope = "省政府参事室" if lang == "zh" else "the Counsellors' Office"
    period = "2020年第4季度" if lang == "zh" else "2020 Q4"
    expected = [
        i18n.t(
            spec.empty_key,
            lang,
            scope=scope,
            any_scope=scope,
            period=period,
            in_period=period if lang == "zh" else f"in {period}",
        )
        for spec in specs
        if not any(totals[count] for count in _COUNTED_BY[spec.nothing])
    ]
    at = run_page(script, {"unit": "counsellors", "from": "2020Q4", "to": "2020Q4", "lang": lang})
    notes = [info.value for info in at.info]
    assert [note for note in notes if note in expected] == expected
    assert not any("暂无数据" in note or "No data" in note for note in notes), notes
    drawn = {"".join(f["layout"]["title"]["text"].replace("<br>", "").split()) for f in figures(at)}
    titles = {"".join(spec.title(lang).split()) for spec in specs}
    assert len(drawn & titles) == len(specs) - len(expected), (drawn, expected)


def test_a_period_every_unit_consulted_in_is_named_and_one_unit_is_not_every_unit():
    at = run_page(REMINDERS, {"unit": "petitions", "from": "2020Q4", "to": "2020Q4", "lang": "en"})
    assert [info.value for info in at.info] == ["The Petitions Bureau had a regular consultation in 2020 Q4."]
    at = run_page(REMINDERS, {"unit": ["petitions", "research"], "from": "2020Q3", "to": "2020Q4"})
    assert [info.value for info in at.info] == [
        "2020年第3季度至2020年第4季度，省信访局、省政府研究室均已开展定期会商。"
    ]


def test_a_search_that_finds_nothing_says_so_and_an_empty_list_has_no_search_box():
    at = run_page(SUGGESTIONS, {"lang": "en"})
    at.text_input(key="widget.suggestion_search").input("no such words").run()
    assert [info.value for info in at.info] == ["No row matches “no such words”."]
    at = run_page(SUGGESTIONS, {"unit": "gov_office", "from": "2020Q1", "to": "2020Q2"})
    assert "省政府办公厅2020年第1季度至2020年第2季度暂无记录。" in [info.value for info in at.info]
    assert not at.text_input  # nothing to search


# ---------------------------------------------------------------- unit profile


def test_unit_profile_defaults_to_the_first_unit_without_narrowing_the_dashboard(frames):
    at = run_page(PROFILE)
    shown = metrics(at)
    # the caption names the unit shown, not 全部9家; the cards carry their units (个, 条, 次)
    assert as_read(at.caption[0].value).startswith("监督范围：省政府办公厅；")
    assert shown["指出问题"] == "3个"  # 省政府办公厅 raised 3 of the 16
    suggestions = frames["suggestions"]
    gov_office_suggestions = (
        (suggestions["unit"] == "gov_office") & suggestions["date_made"].map(lambda d: d.year == 2020)
    ).sum()
    assert shown["意见建议"] == f"{gov_office_suggestions}条" and shown["会议数量"] == "14次"
    assert "全部单位平均1.8个" in _captions(at)  # 16 issues over 9 units
    assert next(m for m in at.metric if m.label == "指出问题").delta == "+1.2个"
    assert "unit" not in at.query_params
    assert figure_titled(at, "本单位与全部单位平均对比")["data"][0]["name"] == "省政府办公厅"
    trends = figure_titled(at, "各季度工作趋势")
    meetings = frames["meetings"]
    gov_office_2020 = ((meetings["unit"] == "gov_office") & meetings["date"].map(lambda d: d.year == 2020)).sum()
    assert sum(next(t for t in trends["data"] if t["name"] == "会议数量")["y"]) == gov_office_2020 == 14
    assert len(at.dataframe[1].value) == 10  # latest meetings of this unit


def test_unit_profile_follows_the_url_and_picking_a_unit_narrows_the_dashboard():
    at = run_page(PROFILE, {"unit": ["petitions"]})
    assert figure_titled(at, "本单位与全部单位平均对比")["data"][0]["name"] == "省信访局"
    assert as_read(at.caption[0].value).startswith("监督范围：省信访局；")
    at.multiselect(key="widget.profile_units.0.petitions").set_value(["research"]).run()
    assert not at.exception
    assert at.query_params["unit"] == "research" or list(at.query_params["unit"]) == ["research"]
    assert figure_titled(at, "本单位与全部单位平均对比")["data"][0]["name"] == "省政府研究室"


@pytest.mark.parametrize("script", [MEETINGS, ISSUES, SUGGESTIONS, REMINDERS, PROFILE])
def test_every_page_runs_in_english_without_chinese_chart_titles(script):
    at = run_page(script, {"lang": "en"})
    for figure in figures(at):
        title = figure["layout"]["title"]["text"]
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in title), title


def test_the_filter_follows_the_user_from_page_to_page():
    at = run_page("app.py")
    at.multiselect(key="widget.units").set_value(["data_admin"]).run()
    at.switch_page(ISSUES).run()
    assert at.multiselect(key="widget.units").value == ["data_admin"]
    assert metrics(at)["指出问题"] == "2个"


def test_search_matches_every_word_and_tolerates_empty_cells():
    import pandas as pd

    from oversight.present import tables

    frame = pd.DataFrame({"a": ["廉洁风险", "作风建设", None], "b": ["Integrity", None, "Conduct risk"]})
    assert list(tables.search(frame, "廉洁").index) == [0]
    assert list(tables.search(frame, "RISK conduct").index) == [2]
    assert len(tables.search(frame, "  ")) == 3


def test_english_unit_choices_and_chips_name_units_as_the_charts_do():
    """Four full English names on a phone's unit profile (scope line, clear chip, chosen chips) pushed the first card
    below the first screen: the choices and chips name units by their 英文简称, the scope line keeps the full names."""
    at = run_page("app.py", {"lang": "en", "unit": ["gov_office", "data_admin"]})
    assert not at.exception
    choices = at.multiselect(key="widget.units")
    assert "General Office" in choices.options and "Big Data Admin." in choices.options
    assert not any(" of the Provincial " in option for option in choices.options)
    label = at.button(key="widget.clear_units").label.replace("\\", "")  # Markdown-escaped, as every name shown
    assert label == "Clear unit filter: General Office, Big Data Admin."
    assert "General Office of the Provincial Government" in as_read(at.caption[0].value)
    chinese = run_page("app.py", {"unit": ["gov_office"]})
    assert "省政府办公厅" in chinese.multiselect(key="widget.units").options


def test_every_unit_chosen_one_by_one_reads_as_all_of_them(frames):
    """The sidebar's 全选 (or a link naming all nine) put nine units in the filter: the scope line, the pack's cover
    and file names and the summary named nine units instead of 全部9家. Every unit chosen is now no unit filter."""
    every = list(frames["units"]["unit_id"])
    at = run_page("app.py", {"unit": every})
    assert as_read(at.caption[0].value).startswith("监督范围：全部9家综合监督单位；"), as_read(at.caption[0].value)
    assert metrics(at)["指出问题"] == "16个"
    assert "unit" not in at.query_params  # the link of the view is that of all units
    at = run_page("app.py")
    at.multiselect(key="widget.units").set_value(every).run()
    assert as_read(at.caption[0].value).startswith("监督范围：全部9家综合监督单位；"), as_read(at.caption[0].value)
    assert at.multiselect(key="widget.units").value == []  # the placeholder 全部单位 says it
    assert "unit" not in at.query_params
    at.multiselect(key="widget.units").set_value(every[:8]).run()  # eight of nine are named
    assert "省政府办公厅" in as_read(at.caption[0].value) and metrics(at)["指出问题"] != "16个"


def test_the_unit_beside_the_average_names_the_unit_as_the_charts_do_in_english(frames):
    """rev-g, 2 Dec: at 390 px the legend read "Provincial Government Services and Big Dat", cut at the card's edge."""
    from oversight.core import i18n

    units = frames["units"].set_index("unit_id")
    at = run_page(PROFILE, {"unit": "data_admin", "lang": "en"})
    legend = [trace["name"] for trace in figure_titled(at, i18n.t("chart.unit_vs_average", "en"))["data"]]
    assert legend == [units.loc["data_admin", "short_name_en"], "Average of all units"], legend
    at = run_page(PROFILE, {"unit": "data_admin"})
    legend = [trace["name"] for trace in figure_titled(at, i18n.t("chart.unit_vs_average", "zh"))["data"]]
    assert legend[0] == units.loc["data_admin", "name_zh"] == "省政务服务和大数据管理局"


def test_a_change_of_minutes_is_written_as_the_minutes_are(frames, connection):
    """rev-j, 2 Dec: the card read -37.0分钟 where the pack's summary said 缩短37分钟 (74.74 against 111.79)."""
    from oversight.data import queries
    from oversight.data.filters import Filter, Quarter
    from oversight.present import summary

    meetings = frames["meetings"]
    in_quarter = lambda year: meetings[meetings["date"].map(lambda d: (d.year, (d.month - 1) // 3) == (year, 2))]  # noqa: E731
    now, before = oracle.mean(in_quarter(2020)["duration_min"]), oracle.mean(in_quarter(2019)["duration_min"])
    at = run_page(MEETINGS, {"from": "2020Q3", "to": "2020Q3"})
    card = next(m for m in at.metric if m.label == "平均会议时长")
    assert card.delta == oracle.average_delta(now, before, "minutes", "zh") == "-37分钟"
    written = summary.written_summary(
        lambda name, filter_: queries.run(connection, name, filter_),
        Filter((), Quarter(2020, 3), Quarter(2020, 3)),
        "zh",
    )
    assert "缩短37分钟" in written[2]


@pytest.mark.parametrize(
    ("units", "start", "end", "lang"),
    [
        (("research",), "2019Q1", "2019Q1", "zh"),  # 11 meetings: the latest 10 listed
        (("research",), "2020Q3", "2020Q3", "zh"),  # 8 meetings: all of them
        (("gov_office",), "2020Q1", "2020Q4", "en"),
        (("research", "chronicles"), "2020Q3", "2020Q3", "zh"),  # side by side: 17 meetings of the two
        (("counsellors", "beijing_office"), "2020Q4", "2020Q4", "en"),
    ],
)
def test_the_latest_meetings_list_says_how_many_the_period_held_where_it_lists_fewer(units, start, end, lang):
    """共10条 under 会议数量11次 read as the period's count: a list cut at the latest ten says both numbers.
    Recomputed from the spreadsheets with pandas."""
    from oversight.data import store

    ledgers = oracle.read_ledgers(store.SAMPLE_DATA_DIR)
    first = oracle.quarter_first(int(start[:4]), int(start[-1]))
    last = min(oracle.quarter_last(int(end[:4]), int(end[-1])), ledgers.data_date)
    meetings = ledgers.meetings
    held = int((meetings["unit"].isin(units) & (meetings["date"] >= first) & (meetings["date"] <= last)).sum())
    at = run_page(PROFILE, {"unit": list(units), "from": start, "to": end, "lang": lang})
    listed = len(at.dataframe[-1].value)
    assert listed == min(held, 10)
    if held > 10:
        expected = (
            f"本期会议共{held}次，此处列出最近10次（点击列标题排序）"
            if lang == "zh"
            else f"{held} meetings in the period, the latest 10 listed here (click a column header to sort)"
        )
    else:
        expected = f"共{held}条（点击列标题排序）" if lang == "zh" else f"{held} rows (click a column header to sort)"
    assert expected in _captions(at)
    assert "共10条（点击列标题排序）" not in _captions(at) or held == 10


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ({"from": "2020Q1", "to": "2020Q1"}, "zh"),  # four 2019 issues rectified in it, none of its own
        ({"from": "2020Q3", "to": "2020Q4"}, "en"),
        ({"unit": ["gov_office", "petitions"], "from": "2019Q4", "to": "2020Q2"}, "zh"),
        ({"from": "2019Q1", "to": "2020Q4"}, "zh"),
    ],
)
def test_the_median_days_to_rectify_is_of_the_periods_issues_and_its_help_says_so(query, lang):
    """整改用时中位数: of the issues raised in the period, those rectified by the as-of date — an earlier issue
    rectified in the period is not counted, and the card's ⓘ says so (it read as any issue rectified by then).
    Recomputed from the spreadsheets with pandas."""
    from oversight.data import store

    ledgers = oracle.read_ledgers(store.SAMPLE_DATA_DIR)
    start, end = query["from"], query["to"]
    first = oracle.quarter_first(int(start[:4]), int(start[-1]))
    as_of = min(oracle.quarter_last(int(end[:4]), int(end[-1])), ledgers.data_date)
    issues = ledgers.issues
    units = query.get("unit")
    if units:
        issues = issues[issues["unit"].isin(units)]
    done = issues[(issues["status"] == "rectified") & issues["rectified"].map(lambda d: d is not None and d <= as_of)]
    own = done[(done["raised"] >= first) & (done["raised"] <= as_of)]
    days = [(r - d).days for r, d in zip(own["rectified"], own["raised"])]
    at = run_page(ISSUES, {**query, "lang": lang})
    label = "整改用时中位数" if lang == "zh" else "Median days to rectify"
    card = next(m for m in at.metric if m.label == label)
    if days:
        median = oracle.half_up(pd.Series(days).median(), 1)
        number = str(median.to_integral()) if median == median.to_integral() else str(median)
        assert card.value == (f"{number}天" if lang == "zh" else f"{number} days")
    else:
        assert card.value == "—"
        raised = ((issues["raised"] >= first) & (issues["raised"] <= as_of)).any()
        assert card.delta == ("本期指出的问题尚无已整改" if raised else "本期未指出问题")
    if query == {"from": "2020Q1", "to": "2020Q1"}:  # the case the old wording left open
        assert not days and len(done[(done["rectified"].map(lambda d: d >= first))]) == 4
    assert card.help.replace("\\", "").startswith(
        "本期指出的问题中截至统计日已整改的"
        if lang == "zh"
        else "Median days from raised to rectified, of the period's issues rectified by the as-of date"
    )


@pytest.mark.parametrize(
    ("units", "start", "end", "lang"),
    [
        (("research",), "2020Q3", "2020Q3", "zh"),  # WT2020-013, raised in February, still open on 30 September
        (("foreign_affairs",), "2020Q4", "2020Q4", "en"),
        (("petitions", "gov_office"), "2020Q2", "2020Q3", "zh"),
        (("counsellors",), "2019Q1", "2019Q4", "zh"),  # none
    ],
)
def test_the_profiles_list_of_issues_still_to_rectify_says_whenever_raised(units, start, end, lang):
    """The profile lists every issue not rectified by the as-of date whenever raised (the pack's list is of the
    period's issues only): its title says so. Recomputed from the spreadsheets with pandas."""
    from oversight.data import store

    ledgers = oracle.read_ledgers(store.SAMPLE_DATA_DIR)
    view = oracle.View(ledgers, units, (int(start[:4]), int(start[-1])), (int(end[:4]), int(end[-1])))
    expected = [issue_id for issue_id, *_ in view.unresolved()]
    at = run_page(PROFILE, {"unit": list(units), "from": start, "to": end, "lang": lang})
    day = view.as_of
    title = (
        f"**未整改到位的问题（不论何时指出，截至{day.year}年{day.month}月{day.day}日）**"
        if lang == "zh"
        else f"**Issues still to rectify (whenever raised; as of {day.day} {day:%B} {day.year})**"
    )
    assert title in [as_read(block.value) for block in at.markdown]
    column = "问题编号" if lang == "zh" else "Issue no."
    listed = [] if not expected else list(at.dataframe[0].value[column])
    assert listed == expected
    if units == ("research",):  # raised before the period, and listed
        assert expected == ["WT2020-013"] and view.issues.empty
