"""Every table on screen shows a missing value as "—" (not Streamlit's grey "None"), in both languages, and keeps
its cells typed (a date column still sorts as dates)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.apptest import run_page

PAGES = (
    "pages/01_meetings.py",
    "pages/02_issues.py",
    "pages/03_suggestions.py",
    "pages/04_reminders.py",
    "pages/05_unit_profile.py",
    "pages/08_audit.py",
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_table_shows_a_missing_value_as_a_dash(lang):
    at = run_page("app.py", {"lang": lang})
    seen = 0
    for script in PAGES:
        at.switch_page(script).run()
        assert not at.exception, script
        for table in at.dataframe:
            assert table.proto.placeholder == "—", (script, lang)
            seen += 1
    assert seen >= 6  # meetings, issues (2), suggestions, reminders, profile (2)…


def test_an_open_issue_has_an_empty_rectified_date_not_the_word_none():
    at = run_page("pages/02_issues.py")
    issues = next(table.value for table in at.dataframe if "整改完成日期" in table.value.columns)
    open_rows = issues[issues["整改状态"] != "已整改"]
    assert len(open_rows) > 0
    # missing, not the text "None": the placeholder draws it as "—", and the column stays a date column
    assert open_rows["整改完成日期"].isna().all()
    assert not (issues["整改完成日期"].astype(str) == "None").any()
    assert pd.api.types.is_datetime64_any_dtype(issues["整改完成日期"]) or all(
        hasattr(day, "year") for day in issues["整改完成日期"].dropna()
    )


def test_the_units_meeting_table_keeps_one_decimal_place_and_says_when_nothing_is_compared():
    """Seen trying the product: 70 beside 75.7 and -50 beside -42.9 in one column; over two years every row read
    无可比数据 under 按同比降幅, in no order."""
    import json

    at = run_page("pages/01_meetings.py", {"from": "2020Q3", "to": "2020Q3"})
    table = next(table for table in at.dataframe if "平均时长（分钟）" in table.value.columns)
    formats = {
        name: config["type_config"]["format"]
        for name, config in json.loads(table.proto.columns).items()
        if "type_config" in config
    }
    assert formats == {"增减（%）": "%.1f", "平均时长（分钟）": "%.1f", "上年同期平均时长（分钟）": "%.1f"}
    assert any("各单位精简会议排名（按同比降幅）" in md.value for md in at.markdown)
    changes = [value for value in table.value["增减（%）"] if value is not None]
    assert changes == sorted(changes)  # the largest reduction first
    at = run_page("pages/01_meetings.py", {"from": "2019Q1", "to": "2020Q4"})
    table = next(table for table in at.dataframe if "平均时长（分钟）" in table.value.columns)
    assert any("各单位会议情况（本期无上年同期可比，按会议数量排列）" in md.value for md in at.markdown)
    assert not any("按同比降幅" in md.value for md in at.markdown)
    meetings = list(table.value["会议数量"])
    assert meetings == sorted(meetings, reverse=True)
    # no column of 无可比数据 alone (on a phone they pushed the meetings off the screen): the title says why
    assert "上年同期" not in table.value.columns and "增减（%）" not in table.value.columns


def test_the_decisive_column_comes_before_the_unit():
    """On a phone a long unit name pushed the overdue list's 逾期天数 to the screen's edge, where 256 showed as "25"
    and 217 as "21": plausible wrong numbers. The days overdue (and the issue list's status) come before the unit."""
    from oversight.present import tables

    assert [column.source for column in tables.OVERDUE_COLUMNS[:3]] == ["issue_id", "days_overdue", "name_zh"]
    assert [column.source for column in tables.ISSUE_COLUMNS[:3]] == ["issue_id", "status_at_end", "name_zh"]
    # and the suggestions' adoption, and the meetings ranking's measure beside the unit (增减 and 降幅(%) were off
    # a phone's screen, and nothing on it said why 办公厅 ranked first)
    assert [column.source for column in tables.SUGGESTION_COLUMNS[:3]] == ["suggestion_id", "status", "name_zh"]
    assert [column.source for column in tables.MEETING_REDUCTION_COLUMNS[:3]] == ["name_zh", "change_pct", "change"]
