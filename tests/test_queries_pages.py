"""The analysis pages' query files against the sample's 2020 figures; every query file runs and is covered."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter

Q = Quarter.parse
END_2020 = date(2020, 12, 31)


def _run(connection, name, filter_, **extra):
    return queries.run(connection, name, filter_, **extra)


# (query, column to add up, the 2020 total over all units)
TOTALS_2020 = [
    ("suggestions_by_unit", "suggestions", 19),
    ("suggestions_by_category", "suggestions", 19),
    ("suggestions_by_status", "suggestions", 19),
    ("suggestions_by_link", "suggestions", 19),
    ("issues_by_unit_status", "issues", 16),
    ("issues_by_source", "issues", 16),
    ("issues_by_category", "issues", 16),
    ("issues_suggestions_by_unit", "issues", 16),
    ("meetings_by_unit_quarter", "meetings", 232),
    ("meeting_reduction_by_unit", "meetings", 232),
    ("meeting_reduction_by_unit", "prev_meetings", 341),
    ("meetings_by_quarter", "meetings", 232),
    ("trends_by_quarter", "meetings", 232),
    ("trends_by_quarter", "issues", 16),
    ("trends_by_quarter", "suggestions", 19),
    ("activities_by_unit", "special_study", 17),
    ("activities_by_quarter", "special_study", 17),
    ("unit_metrics", "issues", 16),
    ("unit_metrics", "suggestions", 19),
    ("unit_metrics", "special_studies", 17),
]


@pytest.mark.parametrize("name, column, total", TOTALS_2020, ids=[f"{n}.{c}" for n, c, _ in TOTALS_2020])
def test_every_breakdown_adds_up_to_the_2020_total(connection, default_filter, name, column, total):
    assert _run(connection, name, default_filter)[column].sum() == total


def test_every_query_file_is_covered_by_a_test():
    from pathlib import Path

    tests = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_quer*.py"))
    untested = [name for name in queries.query_names() if f'"{name}"' not in tests]
    assert untested == []


def test_status_columns_add_up_per_unit(connection, default_filter):
    frame = _run(connection, "issues_by_unit_status", default_filter)
    assert (frame["open"] + frame["in_progress"] + frame["rectified"] == frame["issues"]).all()
    assert frame["rectified"].sum() == 9
    frame = _run(connection, "suggestions_by_unit", default_filter)
    assert (frame["proposed"] + frame["adopted"] + frame["implemented"] == frame["suggestions"]).all()


def test_rectification_summary_and_open_issues_agree(connection, default_filter, frames):
    summary = _run(connection, "rectification_summary", default_filter).iloc[0]
    assert (summary["issues"], summary["rectified"]) == (16, 9)
    assert len(_run(connection, "open_issues", default_filter)) == 16 - 9
    issues = frames["issues"]
    done = issues[(issues["status"] == "rectified") & issues["date_raised"].map(lambda d: d.year == 2020)]
    import statistics

    assert summary["median_days_to_rectify"] == statistics.median(
        (r.rectified_date - r.date_raised).days for r in done.itertuples()
    )


def test_an_issue_due_on_the_as_of_date_is_due_once_rectified_and_not_late_before(frames):
    """Two issues raised in 2020 Q4 with the deadline 31 Dec 2020, the as-of date: the open one is not yet due (not
    overdue either: the day is not over), the one rectified that day is due and on time. The on-time rate is 1 of 1,
    not 1 of 2; before, the open one made it 50% (and alone, 0%) beside 逾期未整改 0."""
    issues = frames["issues"].copy()
    q4 = issues["issue_id"].isin(["WT2020-026", "WT2020-027"])
    issues.loc[q4, "due_date"] = END_2020
    issues.loc[issues["issue_id"] == "WT2020-026", ["status", "rectified_date"]] = ["rectified", END_2020]
    issues.loc[issues["issue_id"] == "WT2020-027", ["status", "rectified_date"]] = ["open", None]
    connection = store.connect({**frames, "issues": issues[q4]})
    summary = _run(connection, "rectification_summary", Filter((), Q("2020Q4"), Q("2020Q4"))).iloc[0]
    figures = {key: int(summary[key]) for key in ("issues", "due", "on_time", "late", "overdue_raised", "not_yet_due")}
    assert figures == {"issues": 2, "due": 1, "on_time": 1, "late": 0, "overdue_raised": 0, "not_yet_due": 1}
    assert int(summary["overdue"]) == 0
    open_only = store.connect({**frames, "issues": issues[issues["issue_id"] == "WT2020-027"]})
    summary = _run(open_only, "rectification_summary", Filter((), Q("2020Q4"), Q("2020Q4"))).iloc[0]
    assert (int(summary["due"]), int(summary["not_yet_due"]), int(summary["overdue"])) == (0, 1, 0)


def test_overdue_issues_match_pandas_whenever_raised(connection, default_filter, frames):
    issues = frames["issues"]
    rectified_by_end = (issues["status"] == "rectified") & issues["rectified_date"].map(
        lambda d: d is not None and d <= END_2020
    )
    expected = issues[issues["due_date"].map(lambda d: d < END_2020) & ~rectified_by_end]
    frame = _run(connection, "overdue_issues", default_filter)
    assert set(frame["issue_id"]) == set(expected["issue_id"])
    assert (frame["days_overdue"] > 0).all()
    assert list(frame["days_overdue"]) == sorted(frame["days_overdue"], reverse=True)


def test_unresolved_issues_include_older_backlog(connection, frames):
    frame = _run(connection, "unresolved_issues", Filter((), Q("2020Q4"), Q("2020Q4")))
    issues = frames["issues"]
    rectified_by_end = (issues["status"] == "rectified") & issues["rectified_date"].map(
        lambda d: d is not None and d <= END_2020
    )
    assert set(frame["issue_id"]) == set(issues.loc[~rectified_by_end, "issue_id"])


def test_issues_in_view_status_at_end_of_an_earlier_period(connection):
    frame = _run(connection, "issues_in_view", Filter((), Q("2020Q2"), Q("2020Q2"))).set_index("issue_id")
    # WT2020-017 was rectified on 8 July: at the end of Q2 it was still in progress
    assert frame.loc["WT2020-017", "status"] == "rectified"
    assert frame.loc["WT2020-017", "status_at_end"] == "in_progress"
    assert frame.loc["WT2020-016", "status_at_end"] == "rectified"


def test_suggestions_in_view_carry_the_linked_issue(connection, default_filter):
    frame = _run(connection, "suggestions_in_view", default_filter)
    assert len(frame) == 19
    linked = frame[frame["issue_id"].notna()]
    assert len(linked) == 16 and linked["issue_description"].notna().all()


def test_reminders_queries_agree(connection, default_filter, frames):
    reminders = frames["reminders"]
    in_2020 = reminders["date"].map(lambda d: d.year == 2020).sum()
    assert _run(connection, "reminder_totals", default_filter).iloc[0]["reminders"] == in_2020
    assert _run(connection, "reminders_by_quarter_form", default_filter)["reminders"].sum() == in_2020
    assert _run(connection, "reminders_by_unit", default_filter)["reminders"].sum() == in_2020
    assert _run(connection, "reminders_by_form", default_filter)["reminders"].sum() == in_2020


def test_suggestion_and_meeting_totals(connection, default_filter):
    suggestions = _run(connection, "suggestion_totals", default_filter).iloc[0]
    assert (suggestions["suggestions"], suggestions["linked"]) == (19, 16)
    meetings = _run(connection, "meeting_totals", default_filter).iloc[0]
    assert meetings["meetings"] == 232 and meetings["merged"] == 56


def test_units_without_consultation(connection):
    assert _run(connection, "units_without_consultation", Filter((), Q("2020Q1"), Q("2020Q4"))).empty
    frame = _run(connection, "units_without_consultation", Filter((), Q("2019Q1"), Q("2019Q4")))
    assert set(frame["unit_id"]) == {"counsellors", "chronicles"}
    assert frame["last_consultation"].isna().all()


def test_latest_meetings_are_newest_first_and_limited(connection, default_filter):
    frame = _run(connection, "latest_meetings", default_filter.with_units(["research"]), limit=5)
    assert len(frame) == 5 and set(frame["unit_id"]) == {"research"}
    assert list(frame["date"]) == sorted(frame["date"], reverse=True)


def test_meeting_ranking_puts_the_biggest_cut_first(connection, default_filter):
    frame = _run(connection, "meeting_reduction_by_unit", default_filter)
    assert frame.iloc[0]["unit_id"] == "gov_office" and frame.iloc[0]["change"] == -16
    assert list(frame["change_pct"]) == sorted(frame["change_pct"])


def test_units_and_data_span_queries(connection):
    assert len(_run(connection, "units", None)) == 9
    assert _run(connection, "data_span", None).iloc[0]["first_quarter"] == 20191
