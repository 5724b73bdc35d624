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
