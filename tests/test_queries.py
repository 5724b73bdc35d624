"""Every query file against the figures the sample data must reproduce, and against pandas recomputations."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from oversight.data import queries
from oversight.data.filters import Filter, Quarter

Q = Quarter.parse


def _year(series: pd.Series) -> pd.Series:
    return series.map(lambda d: d.year)


def _quarter_key(series: pd.Series) -> pd.Series:
    return series.map(lambda d: d.year * 10 + (d.month - 1) // 3 + 1)


def test_every_query_file_is_named_by_the_code_that_runs_it():
    """A query file the code never names is a definition nobody reads, kept in step with README's 口径说明 for
    nothing: each ``queries/**/<name>.sql`` is a string of the code (``page.query("…")``, a ``ChartSpec``'s query, a
    rule's, a running total's statement or a roll-up's twin of its query)."""
    import ast
    from pathlib import Path

    root = Path(queries.__file__).resolve().parents[2]
    sources = [root / "app.py", *(root / "pages").glob("*.py"), *(root / "oversight").rglob("*.py")]
    strings = {
        node.value
        for path in sources
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    files = sorted((root / "queries").rglob("*.sql"))
    assert len(files) > 40 and [str(path.relative_to(root)) for path in files if path.stem not in strings] == []


def test_every_query_file_has_a_header_comment_naming_its_parameters():
    for name in queries.query_names():
        lines = queries.sql_text(name).splitlines()
        assert lines[0].startswith("-- ") and lines[1].startswith("-- "), name
        assert "Parameters" in "\n".join(lines[:4]), name
        for parameter in queries.parameter_names(queries.sql_text(name)):
            assert f"${parameter}" in "\n".join(lines[:4]), (name, parameter)


def test_data_span_is_2019q1_to_2020q4(span):
    assert (span.first, span.last) == (Q("2019Q1"), Q("2020Q4"))
    assert span.last_day <= date(2020, 12, 31)
    assert len(span.unit_ids) == 9


def test_default_filter_is_the_latest_year_all_units(default_filter):
    assert default_filter == Filter((), Q("2020Q1"), Q("2020Q4"))


def test_kpi_totals_reproduce_the_article_for_2020(connection, default_filter):
    row = queries.run(connection, "kpi_totals", default_filter).iloc[0]
    assert row["units_consulted"] == 9
    assert row["issues"] == 16
    assert row["suggestions"] == 19
    assert row["special_studies"] == 17
    assert row["meetings"] == 232
    assert row["issues_rectified"] == 9


def test_kpi_totals_a_year_earlier(connection, default_filter):
    row = queries.run(connection, "kpi_totals", default_filter.previous_year()).iloc[0]
    assert (row["units_consulted"], row["issues"], row["suggestions"], row["special_studies"], row["meetings"]) == (
        7,
        11,
        13,
        10,
        341,
    )


def test_kpi_totals_match_pandas_for_one_unit_and_one_quarter(connection, frames):
    filter_ = Filter(("gov_office",), Q("2020Q2"), Q("2020Q3"))
    row = queries.run(connection, "kpi_totals", filter_).iloc[0]
    issues = frames["issues"]
    in_scope = (issues["unit"] == "gov_office") & _quarter_key(issues["date_raised"]).between(20202, 20203)
    assert row["issues"] == in_scope.sum()
    meetings = frames["meetings"]
    in_scope = (meetings["unit"] == "gov_office") & _quarter_key(meetings["date"]).between(20202, 20203)
    assert row["meetings"] == in_scope.sum()
    assert row["avg_duration_min"] == pytest.approx(meetings.loc[in_scope, "duration_min"].mean())


def test_issues_suggestions_by_unit_lists_every_unit_and_adds_up(connection, default_filter):
    frame = queries.run(connection, "issues_suggestions_by_unit", default_filter)
    assert len(frame) == 9
    assert frame["issues"].sum() == 16
    assert frame["suggestions"].sum() == 19
    assert frame.iloc[0]["unit_id"] == "gov_office" and frame.iloc[0]["issues"] == 3
    assert list(frame["issues"]) == sorted(frame["issues"], reverse=True)


def test_by_unit_keeps_a_selected_unit_with_no_issues_as_zero(connection):
    frame = queries.run(connection, "issues_suggestions_by_unit", Filter(("counsellors",), Q("2019Q1"), Q("2019Q4")))
    assert frame.to_dict("records") == [
        {
            "unit_id": "counsellors",
            "name_zh": "省政府参事室",
            "name_en": "Counsellors' Office of the Provincial Government",
            "short_name_en": "Counsellors' Office",
            "issues": 0,
            "suggestions": 1,
        }
    ]


def test_meetings_by_quarter_fall_against_the_same_quarter_a_year_earlier(connection, default_filter):
    frame = queries.run(connection, "meetings_by_quarter", default_filter)
    assert list(frame["quarter_key"]) == [20201, 20202, 20203, 20204]
    assert list(frame["meetings"]) == [60, 49, 58, 65]
    assert list(frame["prev_meetings"]) == [87, 77, 84, 93]
    assert (frame["avg_duration_min"] < frame["prev_avg_duration_min"]).all()
    assert frame["meetings"].sum() == 232


def test_meetings_by_quarter_matches_pandas(connection, frames):
    filter_ = Filter(("petitions", "research"), Q("2019Q3"), Q("2020Q2"))
    frame = queries.run(connection, "meetings_by_quarter", filter_)
    meetings = frames["meetings"]
    scoped = meetings[meetings["unit"].isin(["petitions", "research"])]
    expected = _quarter_key(scoped["date"]).value_counts()
    assert list(frame["quarter_key"]) == [20193, 20194, 20201, 20202]
    assert list(frame["meetings"]) == [expected.get(k, 0) for k in frame["quarter_key"]]
    # 2018 is before the records begin: unknown, not zero
    assert list(frame["prev_meetings"].iloc[2:]) == [expected.get(k - 10, 0) for k in frame["quarter_key"].iloc[2:]]
    assert frame["prev_meetings"].iloc[:2].isna().all()
    merged = scoped[scoped["merged"]]
    assert list(frame["merged"]) == [int((_quarter_key(merged["date"]) == k).sum()) for k in frame["quarter_key"]]


def test_a_range_crossing_the_year_generates_every_quarter_even_without_meetings(connection):
    frame = queries.run(connection, "meetings_by_quarter", Filter((), Q("2020Q3"), Q("2021Q2")))
    assert list(frame["quarter_key"]) == [20203, 20204, 20211, 20212]
    assert list(frame["meetings"])[2:] == [0, 0]
    assert list(frame["prev_meetings"])[2:] == [60, 49]


def test_issues_by_category_adds_up_to_sixteen(connection, default_filter, frames):
    frame = queries.run(connection, "issues_by_category", default_filter)
    assert frame["issues"].sum() == 16
    issues = frames["issues"]
    expected = issues[_year(issues["date_raised"]) == 2020]["category"].value_counts()
    assert dict(zip(frame["category"], frame["issues"])) == expected.to_dict()


def test_reminders_by_form_in_contract_order(connection, default_filter, frames):
    frame = queries.run(connection, "reminders_by_form", default_filter)
    assert list(frame["form"]) == ["written", "in_person", "meeting"]
    reminders = frames["reminders"]
    assert frame["reminders"].sum() == (_year(reminders["date"]) == 2020).sum()


def test_unit_filter_is_a_bound_parameter_not_sql_text(connection, default_filter):
    hostile = default_filter.with_units(["gov_office'; drop table issues; --"])
    assert queries.run(connection, "kpi_totals", hostile).iloc[0]["issues"] == 0
    assert connection.execute("select count(*) from issues").fetchone()[0] == 27


def test_a_query_refuses_to_run_without_its_parameters(connection):
    with pytest.raises(KeyError, match="period_start"):
        queries.run(connection, "issues_by_category")


def test_year_earlier_meetings_before_the_records_begin_are_unknown_not_zero(connection):
    frame = queries.run(connection, "meetings_by_quarter", Filter((), Q("2019Q3"), Q("2020Q2")))
    assert frame["prev_meetings"].isna().tolist() == [True, True, False, False]
    assert list(frame["prev_meetings"])[2:] == [87, 77]
