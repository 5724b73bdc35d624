"""The Overview's 预警 strip, its 较上季度 list and the pushed digest with the data date on the calendar's edges
(``test_definitions.EDGE_DAYS``: a quarter's first and last day, 31 December, 1 January, 29 February, the days
before, of and after a 整改期限), each recomputed with pandas from a copy of the sample cut at that day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from oversight import alerts
from oversight.alerts.strip import AlertStrip
from oversight.auth.unit_scope import Scope
from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter
from oversight.present import changes
from tests import oracle
from tests.test_definitions import EDGE_DAYS, QUICK_EDGE_DAYS

DAYS = [pytest.param(day, id=str(day), marks=() if day in QUICK_EDGE_DAYS else pytest.mark.slow) for day in EDGE_DAYS]


@pytest.fixture(scope="module")
def cut(tmp_path_factory):
    made: dict[date, tuple] = {}

    def at(day: date):
        if day not in made:
            folder = tmp_path_factory.mktemp(f"cut-{day}") / "data"
            oracle.cut_copy(store.SAMPLE_DATA_DIR, folder, day)
            oracle.recorded_on(folder, day)
            connection = store.open_folder(folder)
            made[day] = (connection, queries.data_span(connection), oracle.read_ledgers(folder))
        return made[day]

    return at


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _between(values, first: date, last: date) -> int:
    return int(values.map(lambda day: day is not None and first <= day <= last).sum())


@pytest.mark.parametrize("day", DAYS)
def test_the_strip_on_the_data_date_says_what_the_spreadsheets_say(cut, day):
    connection, span, ledgers = cut(day)
    assert span.last_day == day
    filter_ = span.resolve(Filter((), Quarter(day.year, 1), Quarter(day.year, 4)))
    strip = AlertStrip(alerts.alerts_for(connection, Scope.everything(), filter_.as_of, alerts.DEFAULT_RULES, ()))
    view = oracle.View(ledgers, (), (day.year, 1), (day.year, 4))
    assert strip.digest.as_of == view.as_of == day
    assert [(i.issue_id, int(i.facts["days_overdue"])) for i in strip.overdue] == view.overdue_list()
    # the Issues page's 逾期未整改 card at the same day counts the same issues
    assert int(queries.run(connection, "rectification_summary", filter_).iloc[0]["overdue"]) == len(strip.overdue)
    issues = ledgers.issues
    open_then = issues[(issues["raised"] <= day) & ~view.rectified_by(issues, day)]
    due = open_then["due"]
    soon = open_then[due.map(lambda d: d is not None and day <= d <= day + timedelta(days=30))]
    assert sorted(i.issue_id for i in strip.due_soon) == sorted(soon["issue_id"])  # due on the day itself: soon
    first = oracle.quarter_first(*_quarter(day))
    activities = ledgers.activities
    consulted = activities[
        (activities["kind"] == "consultation") & (activities["date"] >= first) & (activities["date"] <= day)
    ]
    assert sorted(i.unit_id for i in strip.without_consultation) == sorted(
        set(ledgers.units["unit_id"]) - set(consulted["unit"])
    )


@pytest.mark.parametrize("day", DAYS)
def test_the_quarter_list_compares_the_data_dates_quarter_with_as_many_days_of_the_one_before(cut, day):
    connection, span, ledgers = cut(day)
    found = changes.quarter_changes(
        lambda name, f: queries.run(connection, name, f),
        span,
        span.resolve(Filter((), Quarter(day.year, 1), Quarter(day.year, 4))),
    )
    first = oracle.quarter_first(*_quarter(day))
    before_first = oracle.quarter_first(*oracle.shift(*_quarter(day), -1))
    before_last = min(before_first + (day - first), oracle.quarter_last(*oracle.shift(*_quarter(day), -1)))

    def counts(start: date, end: date) -> dict[str, int]:
        issues = ledgers.issues
        return {
            "issues": _between(issues["raised"], start, end),
            "rectified": _between(issues.loc[issues["status"] == "rectified", "rectified"], start, end),
            "suggestions": _between(ledgers.suggestions["made"], start, end),
            "meetings": _between(ledgers.meetings["date"], start, end),
        }

    assert found.quarter.start == found.quarter.end == Quarter(*_quarter(day)) and found.quarter.as_of == day
    assert found.now == counts(first, day)
    assert found.earlier == counts(before_first, before_last)


@pytest.mark.parametrize("day", DAYS)
def test_the_digest_on_the_data_date_and_the_day_after(cut, day):
    """On the data date the digest names one day and counts as the pages do; the day after, the deadlines run on
    to it (a deadline due on the data date is 逾期 1 day) while the statuses stay the ledgers'."""
    connection, span, ledgers = cut(day)
    view = oracle.View(ledgers, (), (day.year, 1), (day.year, 4))
    runner = alerts.scoped_runner(connection, Scope.everything())
    on_the_day = alerts.collect_alerts(runner, day, alerts.DEFAULT_RULES, ())
    assert sorted(i.issue_id for i in on_the_day.items if i.rule == "overdue") == sorted(
        issue for issue, _ in view.overdue_list()
    )
    after = alerts.collect_alerts(runner, day + timedelta(days=1), alerts.DEFAULT_RULES, ())
    issues = ledgers.issues
    still_open = issues[(issues["raised"] <= day) & ~view.rectified_by(issues, day)]
    late = still_open[still_open["due"].map(lambda d: d is not None and d < day + timedelta(days=1))]
    overdue_after = {i.issue_id: int(i.facts["days_overdue"]) for i in after.items if i.rule == "overdue"}
    assert overdue_after == {row.issue_id: (day + timedelta(days=1) - row.due).days for row in late.itertuples()}
