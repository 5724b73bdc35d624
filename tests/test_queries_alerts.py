"""The alert rules' query files on the sample at 8 November 2020 (the rules themselves, against pandas and
hand-made cases, are in test_alerts.py): columns, order, and the figures a leader would read that day."""

from __future__ import annotations

from datetime import date

from oversight.data import queries

AS_OF = date(2020, 11, 8)


def _run(connection, name, **extra):
    return queries.run(connection, name, None, units=[], as_of=AS_OF, **extra)


def test_overdue_issues_oldest_overdue_first(connection):
    frame = _run(connection, "alert_overdue_issues")
    assert list(frame.columns) == [
        "unit_id",
        "name_zh",
        "name_en",
        "issue_id",
        "date_raised",
        "category",
        "description",
        "due_date",
        "days_overdue",
    ]
    assert list(frame["issue_id"]) == ["WT2020-012", "WT2020-013", "WT2020-014", "WT2020-018", "WT2020-021"]
    assert list(frame["days_overdue"]) == [203, 164, 161, 20, 1]


def test_due_soon_issues_include_the_due_date_itself(connection):
    frame = _run(connection, "alert_due_soon_issues", due_within=0)
    assert list(frame["issue_id"]) == ["WT2020-022"] and list(frame["days_left"]) == [0]
    assert _run(connection, "alert_due_soon_issues", due_within=38)["issue_id"].tolist() == ["WT2020-022", "WT2020-024"]


def test_units_without_consultation_never_consulted_first(connection):
    frame = _run(connection, "alert_units_without_consultation")
    assert len(frame) == 9 and set(frame["quarter_key"]) == {20204}
    assert frame["last_consultation"].is_monotonic_increasing
    # as of 8 November, petitions' consultation of 19 December has not happened yet
    assert "petitions" in set(frame["unit_id"])
    assert "petitions" not in set(
        queries.run(connection, "alert_units_without_consultation", None, units=[], as_of=date(2020, 12, 31))["unit_id"]
    )


def test_meetings_rising_is_empty_on_the_sample_where_meetings_fall(connection):
    end_2020 = {"as_of": date(2020, 12, 31), "year_earlier": date(2019, 12, 31)}
    frame = queries.run(connection, "alert_meetings_rising", None, units=[], **end_2020, min_increase=1)
    assert frame.empty and list(frame.columns) == [
        "unit_id",
        "name_zh",
        "name_en",
        "quarter_key",
        "meetings",
        "prev_meetings",
        "increase",
    ]
    # with no threshold every unit shows, and the whole quarter's total is the sample's 65 against 93 a year earlier
    everyone = queries.run(connection, "alert_meetings_rising", None, units=[], **end_2020, min_increase=-1000)
    assert (everyone["meetings"].sum(), everyone["prev_meetings"].sum()) == (65, 93)
    # on 8 November, Q4 to date against Q4 2019 to 8 November
    to_date = _run(connection, "alert_meetings_rising", year_earlier=date(2019, 11, 8), min_increase=-1000)
    assert to_date["meetings"].sum() < 65 and to_date["prev_meetings"].sum() < 93
