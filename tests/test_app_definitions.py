"""The definitions as a leader sees them on the pages (AppTest): no comparison against data that does not exist,
a year to date taken at the data date, the overdue card and its table in step."""

from __future__ import annotations

from datetime import date

import pytest

from tests import oracle
from tests.apptest import as_read, metrics, run_page

ISSUES = "pages/02_issues.py"
MEETINGS = "pages/01_meetings.py"


def _deltas(at) -> dict[str, str]:
    return {m.label: m.delta for m in at.metric}


def test_a_range_before_the_records_says_no_comparable_data_on_every_card():
    at = run_page(query={"from": "2019Q1", "to": "2020Q4"})
    assert metrics(at)["会议数量"] == "573次"
    assert set(_deltas(at).values()) == {"无可比数据"}
    assert all("上年同期（2018年第1季度至2019年第4季度）始于数据起始之前，不作比较" in m.help for m in at.metric)


def test_the_meetings_page_has_no_span_before_a_first_quarter():
    at = run_page(MEETINGS, {"from": "2019Q2", "to": "2019Q3"})
    assert any(c.value.startswith("环比无可比数据") for c in at.caption)
    assert _deltas(at)["会议数量"] == "无可比数据"


@pytest.fixture()
def cut_data(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    oracle.cut_copy(oracle.Path(__file__).resolve().parent.parent / "data", folder, date(2020, 8, 14))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    return folder


def test_a_year_to_date_is_shown_as_of_the_data_date(cut_data):
    at = run_page(ISSUES)
    shown = metrics(at)
    assert shown["逾期未整改"] == "3个"
    assert "截至8月14日" in as_read(at.caption[0].value)
    assert any("各项数据截至2020年8月14日" in as_read(c.value) for c in at.caption)
    overdue_table = at.dataframe[0].value
    assert len(overdue_table) == 3 and (overdue_table["逾期天数"] > 0).all()
    # the table's title names the day it counts to (it said 截至所选期末, read as 12月31日)
    assert "**逾期未整改问题（截至2020年8月14日）**" in [as_read(m.value) for m in at.markdown]
    view = oracle.View(oracle.read_ledgers(cut_data), (), (2020, 1), (2020, 4))
    en = run_page(query={"lang": "en"})
    assert metrics(en)["Meetings"] == str(view.totals()["meetings"])  # 2020 to 14 August
    assert _deltas(en)["Meetings"].endswith("(-34.0%)")  # against 2019 to 14 August


def test_the_profile_to_date_says_what_its_figures_run_to_and_nothing_about_a_year_earlier(cut_data):
    """The unit profile's cards compare a unit with the units' average: its to-date note explained what 同比
    compares, a comparison the page does not make. It says how far the figures run, as every page does."""
    at = run_page("pages/05_unit_profile.py")
    notes = [as_read(c.value) for c in at.caption if "所选期间止于数据日期之后" in c.value]
    assert notes == ["所选期间止于数据日期之后：各项数据截至2020年8月14日。"]
    issues = run_page(ISSUES)
    assert any("同比与上年同期截至2019年8月14日" in as_read(c.value) for c in issues.caption)


def test_a_range_that_starts_after_the_data_date_says_there_is_nothing_yet(cut_data):
    """Data to 14 August, ?from=2020Q4&to=2020Q4: the caption said 2020年第4季度（截至8月14日）, a day before the
    quarter began, and the note compared it with the same dates a year earlier. It now says there is no data yet."""
    at = run_page(ISSUES, {"from": "2020Q4", "to": "2020Q4"})
    assert "2020年第4季度（尚无数据）" in as_read(at.caption[0].value) and "截至8月14日" not in as_read(
        at.caption[0].value
    )
    notes = [as_read(c.value) for c in at.caption if "所选期间" in c.value]
    assert notes == ["所选期间在数据日期（2020年8月14日）之后才开始，尚无数据。"]
    # and no card, chart or table of zeros that are really unknowns (指出问题0个, nine units with 0 meetings)
    assert metrics(at) == {} and len(at.dataframe) == 0 and not at.exception
    meetings = run_page(MEETINGS, {"from": "2020Q4", "to": "2020Q4", "lang": "en"})
    assert metrics(meetings) == {} and len(meetings.dataframe) == 0 and not meetings.exception


def test_no_note_on_a_year_earlier_the_cards_do_not_compare_with(cut_data):
    """2019 Q1 to 2020 Q4 (data from 2019, to 14 August 2020): every card said 无可比数据 under a note saying 同比
    compared with the same dates a year earlier. The note now says only how far the figures run."""
    at = run_page(MEETINGS, {"from": "2019Q1", "to": "2020Q4"})
    assert set(_deltas(at).values()) == {"无可比数据"}
    notes = [as_read(c.value) for c in at.caption if "所选期间" in c.value]
    assert notes == ["所选期间止于数据日期之后：各项数据截至2020年8月14日。"]


def test_issue_cards_use_the_rectification_vocabulary_in_english():
    at = run_page(ISSUES, {"from": "2020Q3", "to": "2020Q3", "lang": "en"})
    labels = [m.label for m in at.metric]
    assert labels == [
        "Issues raised",
        "Due",
        "Rectified",
        "Rectification rate",
        "On-time rate",
        "Rectified late",
        "Overdue",
        "Not yet due",
        "Median days to rectify",
    ]
    assert "whenever raised" in next(m.help for m in at.metric if m.label == "Overdue")
