"""The roll-ups answer exactly what the rows answer: every rolled-up query beside its row-level twin.

Three stores: the sample; a generated scale folder (oversight.devdata.scale, ~500 units, 2018–2020) read as
the app reads it; and the same scale ledgers cut at a day inside a quarter, so the data date (the as-of date of
a year to date, and the cut-off a year earlier) falls mid-quarter and the cut quarter is read from the rows.
Filters: whole years, single quarters, ranges across years, before the first record and after the data date,
all units, one unit, a few units, a unit with no records; each resolved against the data date, with its
year-earlier and span-before comparisons, and with cut-offs on days inside quarters (29 February too).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from oversight.data import queries, store
from oversight.data.filters import DataSpan, Filter, Quarter, rollup_bounds, same_day_years_earlier, split_for_rollups
from oversight.devdata import scale
from oversight.ingest import checked_folder

SCALE_MEETINGS = 20_000
MID_QUARTER_DATA_DATE = date(2020, 11, 17)
_EVENT_DATES = {
    "meetings": "date",
    "issues": "date_raised",
    "suggestions": "date_made",
    "reminders": "date",
    "activities": "date",
}


@pytest.fixture(scope="module")
def scale_frames(tmp_path_factory) -> dict[str, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("rollup-scale")
    scale.write(folder, SCALE_MEETINGS, csv=True)
    return checked_folder.read_folder(folder)


@pytest.fixture(scope="module")
def scale_store(scale_frames):
    return store.connect(scale_frames)


@pytest.fixture(scope="module")
def mid_quarter_store(scale_frames):
    """The scale ledgers as they stood on 17 November 2020: nothing recorded (or rectified) after that day."""
    cut = pd.Timestamp(MID_QUARTER_DATA_DATE)
    frames = {}
    for name, frame in scale_frames.items():
        if name in _EVENT_DATES:
            frame = frame[pd.to_datetime(frame[_EVENT_DATES[name]]) <= cut].copy()
        if name == "issues":
            later = pd.to_datetime(frame["rectified_date"]) > cut
            frame.loc[later, "rectified_date"] = None
            frame.loc[later, "status"] = "in_progress"
        frames[name] = frame
    frames["suggestions"] = frames["suggestions"][
        frames["suggestions"]["issue_id"].isna() | frames["suggestions"]["issue_id"].isin(frames["issues"]["issue_id"])
    ]
    return store.connect(frames)


def _filters(span: DataSpan) -> list[Filter]:
    """Many views of the data, each resolved as the app resolves it, with its comparisons."""
    units = span.unit_ids
    selections = [(), units[:1], units[1:4], ("no_such_unit",)]
    first, last = span.first, Quarter(span.last.year, 4)
    ranges = [(Quarter(year, 1), Quarter(year, 4)) for year in range(first.year - 1, last.year + 2)]
    ranges += [(quarter, quarter) for quarter in (first.shift(-1), first, *span.quarters[2::4], last, last.shift(1))]
    ranges += [(first, last), (first.shift(2), last.shift(-1)), (first.shift(-4), first.shift(1))]
    views: list[Filter] = []
    for chosen in selections:
        for start, end in ranges:
            resolved = span.resolve(Filter(chosen, start, end))
            views += [resolved, resolved.previous_year(), resolved.previous_span()]
    # cut-offs on days inside quarters, as a year to date and its year-earlier twin make them
    for day in (date(2019, 2, 28), date(2020, 2, 29), date(2020, 5, 17), date(2019, 12, 30), date(2020, 10, 1)):
        for chosen in selections[:2]:
            cut = Filter(chosen, Quarter(day.year, 1), Quarter(day.year, 4), cutoff=day)
            views += [
                cut,
                cut.previous_year(),
                cut.previous_span(),
                Filter(chosen, Quarter.of(day), Quarter.of(day), day),
            ]
    return views


def _assert_twins_equal(connection) -> int:
    assert queries._has_rollups(connection)
    span = queries.data_span(connection)
    checked = 0
    for filter_ in _filters(span):
        for name in queries.rollup_names():
            if name.startswith("alert_"):
                continue  # a 预警 rule takes an as-of date, not a filter: checked below
            rolled = queries.run(connection, name, filter_)
            rows = queries.run_rows(connection, name, filter_)
            try:
                pd.testing.assert_frame_equal(rolled, rows, check_exact=False, rtol=1e-12)
            except AssertionError as error:
                raise AssertionError(f"{name} differs for {filter_}: {error}") from None
            checked += 1
    return checked


def test_every_rolled_up_query_has_its_row_level_twin_with_the_same_parameters():
    names = [name for name in queries.rollup_names() if not name.startswith("alert_")]  # these take $as_of
    assert {"kpi_totals", "meetings_by_quarter", "meeting_totals", "reminder_totals", "suggestion_totals"} <= set(names)
    view = Filter((), Quarter(2020, 1), Quarter(2020, 4))
    bounds = rollup_bounds(view.sql_params())
    assert bounds is not None
    for name in names:
        rolled = queries.rollup_text(name)
        assert rolled is not None and name in queries.query_names()
        # the twin's parameters, less the days the split turns into bounds, plus those bounds
        twin = queries.parameter_names(queries.sql_text(name))
        assert twin - {"period_start", "prev_end"} <= queries.parameter_names(rolled) <= twin | bounds.keys(), name
    rule = "alert_meetings_rising"  # no period to split: exactly the parameters of its twin
    assert queries.parameter_names(queries.rollup_text(rule) or "") == queries.parameter_names(queries.sql_text(rule))


def test_a_period_splits_into_whole_quarters_and_the_days_of_a_quarter_cut_short():
    assert split_for_rollups(date(2020, 1, 1), date(2020, 12, 31)) == (
        20201,
        20204,
        date(2021, 1, 1),
        date(2020, 12, 31),
    )
    assert split_for_rollups(date(2020, 1, 1), date(2020, 11, 17)) == (
        20201,
        20203,
        date(2020, 10, 1),
        date(2020, 11, 17),
    )
    assert split_for_rollups(date(2020, 1, 1), date(2020, 2, 29)) == (20201, 20194, date(2020, 1, 1), date(2020, 2, 29))
    # a range that begins after the data date: nothing whole, no tail
    assert split_for_rollups(date(2021, 1, 1), date(2020, 11, 17)) == (
        20211,
        20203,
        date(2021, 1, 1),
        date(2020, 11, 17),
    )
    assert split_for_rollups(date(2020, 2, 1), date(2020, 12, 31)) is None


def test_rollups_equal_rows_on_the_sample(connection):
    assert _assert_twins_equal(connection) > 1000


@pytest.mark.slow  # ~1,700 query pairs over 500 units; make test runs it, make test-fast leaves it out
def test_rollups_equal_rows_on_a_scale_folder(scale_store):
    assert queries.data_span(scale_store).last_day == date(2020, 12, 31)
    assert _assert_twins_equal(scale_store) > 1000


@pytest.mark.slow
def test_rollups_equal_rows_where_the_data_date_falls_inside_a_quarter(mid_quarter_store):
    span = queries.data_span(mid_quarter_store)
    assert span.last_day == MID_QUARTER_DATA_DATE
    # the default view is a year to date, compared with the same days a year earlier
    view = span.resolve(span.default_filter())
    assert view.as_of == MID_QUARTER_DATA_DATE and view.previous_year().as_of == date(2019, 11, 17)
    assert _assert_twins_equal(mid_quarter_store) > 1000


def test_the_figures_are_real_numbers_recomputed_from_the_rows(scale_frames, scale_store):
    """Not only equal to each other: the 2020 meetings and issues as pandas counts them from the ledgers."""
    span = queries.data_span(scale_store)
    view = span.resolve(span.default_filter())
    totals = queries.run(scale_store, "kpi_totals", view).iloc[0]
    meetings = scale_frames["meetings"]
    in_2020 = pd.to_datetime(meetings["date"]).dt.year == 2020
    assert totals["meetings"] == in_2020.sum() > 0
    assert totals["avg_duration_min"] == pytest.approx(meetings.loc[in_2020, "duration_min"].mean(), rel=1e-12)
    issues = scale_frames["issues"]
    raised = issues[pd.to_datetime(issues["date_raised"]).dt.year == 2020]
    rectified = (raised["status"] == "rectified") & (pd.to_datetime(raised["rectified_date"]) <= "2020-12-31")
    assert (totals["issues"], totals["issues_rectified"]) == (len(raised), rectified.sum())


def test_a_store_without_every_ledger_reads_rows(frames):
    partial = store.connect({name: frames[name] for name in ("units", "meetings")})
    assert not store.has_rollups(partial)
    view = Filter((), Quarter(2020, 1), Quarter(2020, 4))
    assert (
        queries.run(partial, "meeting_totals", view).iloc[0]["meetings"]
        == (pd.to_datetime(frames["meetings"]["date"]).dt.year == 2020).sum()
    )


def _as_of_days(span: DataSpan) -> list[date]:
    """As-of dates for the 预警 rules: quarter ends, days inside quarters, 29 February, before and after the data."""
    assert span.last_day is not None
    days = [q.last_day for q in span.quarters[::3]] + [span.last_day, date(2020, 2, 29), date(2019, 11, 17)]
    return days + [span.first.first_day, span.first.shift(-1).last_day, span.last.shift(2).last_day]


@pytest.mark.parametrize(
    "store_fixture", ["connection", pytest.param("scale_store", marks=pytest.mark.slow), "mid_quarter_store"]
)
def test_the_meetings_rising_rule_from_the_day_rollup_equals_its_rows(request, store_fixture):
    connection = request.getfixturevalue(store_fixture)
    span = queries.data_span(connection)
    checked = 0
    for as_of in _as_of_days(span):
        for units in ([], list(span.unit_ids[:3]), ["no_such_unit"]):
            for min_increase in (1, 3):
                params = {"units": units, "as_of": as_of, "min_increase": min_increase}
                params["year_earlier"] = same_day_years_earlier(as_of)
                rolled = queries.run(connection, "alert_meetings_rising", **params)
                rows = queries.run_rows(connection, "alert_meetings_rising", **params)
                pd.testing.assert_frame_equal(rolled, rows, obj=f"alert_meetings_rising {params}")
                checked += len(rolled)
    assert checked > 0  # some views do flag units: the comparison is not between two empty lists
