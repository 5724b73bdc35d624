"""The Overview page under AppTest: default figures, filters, language, URL parameters, empty selections."""

from __future__ import annotations

import shutil

import pytest

from tests.apptest import as_read, figure_titled, figures, metrics, run_page


def test_default_view_shows_the_article_figures():
    at = run_page()
    assert metrics(at) == {
        "会商单位": "9家",
        "指出问题": "16个",
        "意见建议": "19条",
        "专题研究": "17次",
        "整改率": "56.3%",
        "会议数量": "232次",
    }
    assert [m.delta for m in at.metric] == [
        "+2家（+28.6%）",
        "+5个（+45.5%）",
        "+6条（+46.2%）",
        "+7次（+70.0%）",
        "-7.4个百分点",
        "-109次（-32.0%）",
    ]
    assert len(figures(at)) == 4
    by_unit = figure_titled(at, "各单位指出问题与意见建议")
    issues = next(trace for trace in by_unit["data"] if trace["name"] == "指出问题")
    assert sum(issues["x"]) == 16
    assert "全部9家综合监督单位" in as_read(at.caption[0].value)
    assert (
        dict(at.query_params) == {"from": ["2020Q1"], "to": ["2020Q4"], "lang": ["zh"]}
        or at.query_params["from"] == "2020Q1"
    )


def test_a_unit_filter_changes_every_number_and_chart():
    at = run_page()
    at.multiselect(key="widget.units").set_value(["gov_office"]).run()
    assert not at.exception
    assert metrics(at)["指出问题"] == "3个"
    assert metrics(at)["意见建议"] == "3条"
    assert metrics(at)["会商单位"] == "1家"
    by_unit = figure_titled(at, "各单位指出问题与意见建议")
    assert all(list(trace["y"]) == ["省政府办公厅"] for trace in by_unit["data"])
    meetings = figure_titled(at, "各季度会议数量（与上年同期对比）")
    assert sum(meetings["data"][1]["y"]) < 232
    assert "省政府办公厅" in as_read(at.caption[0].value)


def test_a_quarter_filter_changes_the_figures():
    at = run_page()
    at.select_slider(key="widget.quarters.0").set_value(("2020Q1", "2020Q1")).run()
    assert not at.exception
    assert metrics(at)["会议数量"] == "60次"
    meetings = figure_titled(at, "各季度会议数量（与上年同期对比）")
    assert list(meetings["data"][1]["y"]) == [60]
    assert list(meetings["data"][0]["y"]) == [87]


def test_english():
    at = run_page()
    at.radio(key="widget.lang").set_value("en").run()
    assert not at.exception
    assert metrics(at) == {
        "Units consulted": "9",
        "Issues raised": "16",
        "Suggestions": "19",
        "Special study sessions": "17",
        "Rectification rate": "56.3%",
        "Meetings": "232",
    }
    assert figure_titled(at, "Issues by category")
    assert at.title[0].value == "Supervision Dashboard"


def test_url_parameters_set_the_view():
    at = run_page(query={"unit": ["research", "petitions"], "from": "2019Q1", "to": "2019Q4", "lang": "en"})
    assert at.multiselect(key="widget.units").value == ["research", "petitions"]
    assert metrics(at)["Issues raised"] == "2"  # research 1 + petitions 1 in 2019
    assert at.select_slider(key="widget.quarters.0").value == ("2019Q1", "2019Q4")
    assert "Research Office of the Provincial Government" in as_read(at.caption[0].value)


def test_nonsense_in_the_url_is_ignored_with_a_warning():
    at = run_page(query={"unit": "atlantis", "from": "2020Q9"})
    assert metrics(at)["指出问题"] == "16个"
    assert "unit=atlantis" in at.warning[0].value and "from=2020Q9" in at.warning[0].value


def test_a_link_beyond_the_data_shows_the_nearest_quarters_and_says_they_are_out_of_range():
    at = run_page(query={"from": "2020Q3", "to": "2021Q2", "lang": "en"})
    assert at.select_slider(key="widget.quarters.0").value == ("2020Q3", "2020Q4")
    assert [w.value for w in at.warning] == [
        "The quarter in this link falls outside the data (2019 Q1 to 2020 Q4): to=2021Q2. It was moved to the nearest"
        " quarter; showing 2020 Q3 to 2020 Q4."
    ]
    at = run_page(query={"to": "2021Q2"})
    assert (
        "超出数据范围（2019年第1季度至2020年第4季度）" in at.warning[0].value and "无法识别" not in at.warning[0].value
    )


@pytest.mark.parametrize("script", ["pages/07_data.py", "pages/08_audit.py"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_links_filter_notices_are_not_given_where_the_filter_does_not_apply(script, lang):
    """Seen on 数据管理 after a link with from=2018Q1: "已改为最近的季度，现显示2019年第1季度" over whole ledgers the
    quarter filter does not cut. The data and audit pages say only what is not about the filter (an unknown name, a
    language they could not take); the next page the filter shapes still says what it moved."""
    query = {"from": "2018Q1", "unit": "atlantis", "quartr": "2020Q1", "lang": lang}
    at = run_page(script, query=query)
    warnings = " ".join(w.value for w in at.warning)
    assert "quartr" in warnings  # the link's name the view does not read is still named
    for about_the_filter in ("2018Q1", "atlantis", "2019年第1季度", "2019 Q1"):
        assert about_the_filter not in warnings
    at.switch_page("pages/01_meetings.py").run()
    warnings = " ".join(w.value for w in at.warning)
    assert "from=2018Q1" in warnings and "unit=atlantis" in warnings


def test_a_link_before_the_records_says_what_it_shows_and_odd_links_are_named_plainly():
    # all of 2018, before the first records: the range shown is named, not only the values asked for
    at = run_page(query={"from": "2018Q1", "to": "2018Q4"})
    assert [w.value for w in at.warning] == [
        "链接中的季度超出数据范围（2019年第1季度至2020年第4季度）：from=2018Q1、to=2018Q4，已改为最近的季度，"
        "现显示2019年第1季度。"
    ]
    # a range that ends before it starts is not "unrecognised": it says so, and what is shown instead
    at = run_page(query={"from": "2020Q4", "to": "2020Q1", "lang": "en"})
    assert [w.value for w in at.warning] == [
        "The link's start quarter comes after its end quarter (from=2020Q4, to=2020Q1); the default range is shown"
        " instead: 2020 Q1 to 2020 Q4."
    ]
    # an unknown language is named with the rest; a value of thousands of characters is quoted shortened
    at = run_page(query={"lang": "xx", "unit": "u" * 5000})
    (warning,) = [w.value for w in at.warning]
    assert warning.startswith("链接中的以下参数无法识别，已忽略：lang=xx、unit=uuu") and warning.endswith("u…。")
    assert len(warning) < 120 and metrics(at)["指出问题"] == "16个"
    # one value, one parameter: in English the sentence is singular
    at = run_page(query={"lang": "en", "unit": "nosuchunit"})
    assert [w.value for w in at.warning] == [
        "This link parameter's value was not recognised and was ignored: unit=nosuchunit."
    ]


def test_a_link_parameter_the_app_does_not_know_is_named_not_dropped():
    # a typo for from=: the view is the default one, and the user is told why the quarter they asked for is not shown
    at = run_page(query={"quartr": "2020Q1"})
    assert [w.value for w in at.warning] == [
        "链接中的以下参数名无法识别，已忽略：quartr。链接可用的参数为 unit、from、to、day、lang。"
    ]
    assert metrics(at)["指出问题"] == "16个"
    # several, in English, each name escaped (no Markdown from a link) and the list bounded
    query = {"lang": "en", "*bold*": "1", **{f"k{n:02d}": "1" for n in range(12)}}
    at = run_page(query=query)
    (warning,) = [w.value for w in at.warning]
    assert warning == (
        r"These link parameter names were not recognised and were ignored: \*bold\*, k00, k01, k02, k03, k04, k05,"
        " k06, k07, k08 and 3 more. A link may carry unit, from, to, day and lang."
    )
    # a name that turns the text around (U+202E) or is nothing at all is shown for what it is
    at = run_page(query={"quartr\u202e": "1", " ": "2"})
    (warning,) = [w.value for w in at.warning]
    assert "\u202e" not in warning and "\u200b" not in warning
    assert (
        warning
        == '链接中的以下参数名无法识别，已忽略：quartr\\\\u202e、" "。链接可用的参数为 unit、from、to、day、lang。'
    )
    # a second value of a parameter read once is not silently dropped either, nor called unrecognised: it was a
    # quarter, and a language (review of 5 Dec: a valid second lang=en was "not recognised")
    at = run_page(query={"from": ["2020Q2", "2019Q1"]})
    assert [w.value for w in at.warning] == ["链接中的参数重复出现，只读取了第一个值，其余已忽略：from=2019Q1。"]
    assert at.select_slider(key="widget.quarters.0").value == ("2020Q2", "2020Q4")
    at = run_page(query={"lang": ["en", "en"], "to": ["2020Q3", "2020Q4"]})
    assert [w.value for w in at.warning] == [
        "These link parameters were given more than once; only the first value of each was read, and these were"
        " ignored: lang=en, to=2020Q4."
    ]


def test_a_links_language_is_one_of_ours_exactly_or_named_as_not_recognised():
    """Review of 5 Dec: ``?lang=enzyme`` (anything beginning with "en") showed English with no word that the link's
    language was not one; README promises the notice for a language other than zh or en. A tag or locale of ours
    (en-GB, zh-Hans-CN, en_US) is still read as its language."""
    for written in ("enzyme", "english", "en GB", "zhongwen"):
        at = run_page(query={"lang": written})
        assert [w.value for w in at.warning] == [f"链接中的以下参数无法识别，已忽略：lang={written}。"], written
        assert at.metric[1].value == "16个", written  # the page in Chinese, the default
    for written in ("en-GB", "EN", "en_US"):
        at = run_page(query={"lang": written})
        assert not at.warning and at.metric[1].value == "16", written


def test_a_link_with_thousands_of_units_reads_a_bounded_number_and_says_so():
    units = [f"u{n}" for n in range(900)] + ["research"]  # below Streamlit's own 1,000-field bound on a query
    at = run_page(query={"unit": units, "lang": "en"})
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "The link names 901 values of unit, more than the 600 it reads; only the first 600 were read.",
        "These link parameters' values were not recognised and were ignored: unit=u0, unit=u1, unit=u2, unit=u3, unit=u4,"
        " unit=u5, unit=u6, unit=u7, unit=u8, unit=u9 and 590 more.",
    ]
    assert at.multiselect(key="widget.units").value == []  # research came after the bound: not read


def test_an_empty_selection_says_so_instead_of_drawing_empty_charts():
    at = run_page(query={"unit": "counsellors", "from": "2019Q1", "to": "2019Q1"})
    assert metrics(at)["指出问题"] == "0个"
    notes = [info.value for info in at.info]
    # the note says whose and which quarter is empty, not "当前筛选条件下暂无数据" (which unit? which quarter?), and of
    # what: none raised is a count, not the unknown 暂无数据 read as
    assert "省政府参事室2019年第1季度未指出问题，也未提出意见建议。" in notes
    assert "省政府参事室2019年第1季度未指出问题。" in notes
    # the meetings chart still has the quarter with meetings; the empty ones are replaced by the note
    assert len(figures(at)) + len(notes) == 4


def test_a_broken_data_folder_shows_every_problem_not_a_traceback(tmp_path, monkeypatch):
    from oversight.data import store

    shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    (tmp_path / "data" / "units.xlsx").write_bytes(b"not a spreadsheet")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(tmp_path / "data"))
    from streamlit.testing.v1 import AppTest

    from oversight.ui import TEST_ADDRESS_KEY
    from tests.apptest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[TEST_ADDRESS_KEY] = "127.0.0.1"
    at.run()
    assert not at.exception
    assert "数据文件有误" in at.error[0].value
    assert "units.xlsx" in at.code[0].value


def test_the_copy_link_holds_this_view():
    at = run_page(query={"unit": ["research", "petitions"], "from": "2019Q1", "to": "2019Q4", "lang": "en"})
    links = [block.value for block in at.code]
    assert len(links) == 1
    assert links[0].endswith("?unit=research&unit=petitions&from=2019Q1&to=2019Q4&lang=en")


def test_the_overview_says_what_changed_since_last_quarter():
    at = run_page()
    text = next(as_read(m.value) for m in at.markdown if as_read(m.value).startswith("**2020年第4季度较上季度**"))
    assert text.count("\n- ") == 4 and "- 新指出问题2个" in text and "- 会议数量" in text
    english = run_page(query={"lang": "en"})
    assert any(as_read(m.value).startswith("**2020 Q4 against the quarter before**") for m in english.markdown)


@pytest.mark.parametrize(
    ("lang", "start"),
    [
        ("zh", "**预警（截至2020年12月31日）**\u3000逾期未整改6个 · "),
        ("en", "**Alerts (as of 31 December 2020)**: 6 overdue · "),
    ],
)
def test_the_alert_strips_heading_leads_into_its_items_in_the_pages_language(lang, start):
    """The strip joined its heading and items with an ideographic space (U+3000) in both languages: an English page
    read "Alerts (as of 31 December 2020)\u30006 overdue", a Chinese gap in an English line, copied as such. English
    now takes a colon; Chinese keeps its full-width space."""
    at = run_page(query={"lang": lang})
    heading = start.split("**")[1]
    strip = next(
        as_read(m.value).replace("\\", "") for m in at.markdown if heading in as_read(m.value).replace("\\", "")
    )
    assert strip.startswith(start)
    assert (lang == "zh") == ("\u3000" in strip)
