"""Unit scope, proved against the sample data in DuckDB: a unit account never reads another unit's rows.

Every query file that binds ``$units`` is run for each unit account asking for
another unit (a tampered ``?unit=``): no row of another unit, no count above zero.
The 2020 totals (16 issues, 19 suggestions) reach leaders, never a unit account.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from oversight.auth.roles import Account
from oversight.auth.unit_scope import (
    NO_UNIT,
    Scope,
    scoped_filter,
    scoped_rows,
    scoped_span,
    scoped_units,
    selects_nothing,
)
from oversight.data import queries
from oversight.data.scoped import scoped_run

UNIT_QUERIES = sorted(
    name for name in queries.query_names() if "units" in queries.parameter_names(queries.sql_text(name))
)
_AS_OF = {"as_of": date(2020, 11, 8)}  # the alert rules count from a date, not a filter
EXTRA = {
    "latest_meetings": {"limit": 1000},
    "alert_overdue_issues": _AS_OF,
    "alert_due_soon_issues": {**_AS_OF, "due_within": 30},
    "alert_units_without_consultation": _AS_OF,
    "alert_meetings_rising": {**_AS_OF, "year_earlier": date(2019, 11, 8), "min_increase": 1},
}
# Columns that name a quarter rather than count something: they stay filled when nothing is selected.
_KEY_COLUMNS = {"quarter_key", "year", "quarter", "ordinal", "link", "form", "status", "category", "source"}


def unit_account(*units: str) -> Account:
    return Account("unit-officer", "unit", tuple(units))


@pytest.fixture(scope="module")
def unit_ids(connection) -> list[str]:
    return list(queries.run(connection, "units")["unit_id"])


def _counts(frame: pd.DataFrame) -> pd.DataFrame:
    numeric = frame.select_dtypes("number")
    return numeric[[c for c in numeric.columns if c not in _KEY_COLUMNS]]


# ---------------------------------------------------------------- the rule, value by value


def test_leader_and_admin_get_the_request_as_is():
    for role in ("leader", "admin"):
        scope = Account("x", role).scope
        assert scope.unrestricted
        assert scoped_units((), scope) == ()  # all units, as the SQL reads an empty list
        assert scoped_units(("gov_office", "research"), scope) == ("gov_office", "research")


def test_unit_account_gets_its_units_or_the_intersection_or_nothing():
    scope = unit_account("research", "petitions").scope
    assert scoped_units((), scope) == ("research", "petitions")
    assert scoped_units(("petitions", "gov_office"), scope) == ("petitions",)
    assert scoped_units(("petitions", "petitions"), scope) == ("petitions",)
    assert scoped_units(("gov_office",), scope) == (NO_UNIT,)
    assert selects_nothing(scoped_units(("gov_office", "chronicles"), scope))
    assert not selects_nothing(scoped_units((), scope))


def test_a_scope_with_no_units_selects_nothing_rather_than_everything():
    assert scoped_units((), Scope(())) == (NO_UNIT,)
    assert scoped_units(("research",), Scope(())) == (NO_UNIT,)


def test_the_sentinel_can_never_be_a_unit_id():
    from oversight.ingest.cells import _SLUG

    assert not _SLUG.match(NO_UNIT)
    assert NO_UNIT != "" and NO_UNIT.strip() != ""


def test_scoped_filter_keeps_the_quarters(default_filter):
    tampered = default_filter.with_units(("gov_office",))
    scoped = scoped_filter(tampered, unit_account("research").scope)
    assert scoped.units == (NO_UNIT,)
    assert (scoped.start, scoped.end) == (default_filter.start, default_filter.end)
    assert scoped.sql_params()["units"] == [NO_UNIT]


def test_scoped_span_offers_only_the_allowed_units(span):
    assert scoped_span(span, unit_account("petitions").scope).unit_ids == ("petitions",)
    assert scoped_span(span, Scope.everything()) is span


# ---------------------------------------------------------------- the proof against DuckDB


def test_every_query_but_the_few_over_all_units_takes_the_unit_scope():
    """A new query joins the proof below by taking ``$units``; one that does not would read every unit for a unit
    account, so the queries without it are named here (a count of 34 failed for every new query instead)."""
    over_all_units = set(queries.query_names()) - set(UNIT_QUERIES)
    # the unit list, the data's extent, and the profile's all-unit average (a unit's own row is picked in Python)
    assert over_all_units == {"units", "data_span", "unit_metrics"}
    assert "kpi_totals" in UNIT_QUERIES


@pytest.mark.parametrize("name", UNIT_QUERIES)
def test_unit_account_asking_for_another_unit_reads_nothing(connection, default_filter, unit_ids, name):
    for own, other in zip(unit_ids, unit_ids[1:] + unit_ids[:1]):
        tampered = default_filter.with_units((other,))  # ?unit=<other unit>
        frame = scoped_run(connection, name, tampered, unit_account(own).scope, **EXTRA.get(name, {}))
        if "unit_id" in frame.columns:
            assert frame.empty, (name, own, other)
        counts = _counts(frame)
        assert (counts.fillna(0) == 0).all().all(), (name, own, other, counts.to_dict())
        # the same bytes a direct run for no unit at all gives: nothing of `other` got through
        nothing = queries.run(connection, name, default_filter.with_units((NO_UNIT,)), **EXTRA.get(name, {}))
        pd.testing.assert_frame_equal(frame, nothing)


@pytest.mark.parametrize("name", UNIT_QUERIES)
def test_unit_account_reads_exactly_its_own_unit(connection, default_filter, unit_ids, name):
    for own in unit_ids:
        mine = scoped_run(connection, name, default_filter, unit_account(own).scope, **EXTRA.get(name, {}))
        if "unit_id" in mine.columns:
            assert set(mine["unit_id"]) <= {own}, (name, own)
        as_leader = queries.run(connection, name, default_filter.with_units((own,)), **EXTRA.get(name, {}))
        pd.testing.assert_frame_equal(mine, as_leader)


def test_extra_units_cannot_widen_the_scope(connection, default_filter):
    frame = scoped_run(
        connection, "issues_in_view", default_filter, unit_account("research").scope, units=["gov_office", "petitions"]
    )
    assert frame.empty
    frame = scoped_run(connection, "issues_in_view", default_filter, unit_account("research").scope, units=[])
    assert set(frame["unit_id"]) == {"research"}


def test_a_multi_unit_account_sees_only_the_allowed_part_of_a_request(connection, default_filter):
    account = unit_account("research", "petitions")
    frame = scoped_run(
        connection, "issues_suggestions_by_unit", default_filter.with_units(("petitions", "gov_office")), account.scope
    )
    assert list(frame["unit_id"]) == ["petitions"]
    both = scoped_run(connection, "issues_suggestions_by_unit", default_filter, account.scope)
    assert set(both["unit_id"]) == {"research", "petitions"}


# ---------------------------------------------------------------- the 16 / 19 totals


def test_leaders_see_the_2020_totals(connection, default_filter):
    for role in ("leader", "admin"):
        totals = scoped_run(connection, "kpi_totals", default_filter, Account("x", role).scope).iloc[0]
        assert (totals["issues"], totals["suggestions"], totals["special_studies"]) == (16, 19, 17)


def test_no_unit_account_ever_sees_the_16_and_19_totals(connection, default_filter, unit_ids):
    issue_sum = suggestion_sum = 0
    for own in unit_ids:
        scope = unit_account(own).scope
        for request in ((), (own,), tuple(unit_ids), tuple(u for u in unit_ids if u != own)):
            filter_ = default_filter.with_units(request)
            totals = scoped_run(connection, "kpi_totals", filter_, scope).iloc[0]
            assert totals["issues"] < 16 and totals["suggestions"] < 19, (own, request)
            assert scoped_run(connection, "suggestion_totals", filter_, scope).iloc[0]["suggestions"] < 19
            assert scoped_run(connection, "rectification_summary", filter_, scope).iloc[0]["issues"] < 16
            trends = scoped_run(connection, "trends_by_quarter", filter_, scope)
            assert trends["issues"].sum() < 16 and trends["suggestions"].sum() < 19
            per_unit = scoped_run(connection, "issues_suggestions_by_unit", filter_, scope)
            assert per_unit["issues"].sum() < 16 and per_unit["suggestions"].sum() < 19
        mine = scoped_run(connection, "kpi_totals", default_filter, scope).iloc[0]
        issue_sum += int(mine["issues"])
        suggestion_sum += int(mine["suggestions"])
    # the nine unit scopes split the totals exactly: nothing lost, nothing counted twice
    assert (issue_sum, suggestion_sum) == (16, 19)


# ---------------------------------------------------------------- queries without $units


def test_unit_metrics_and_units_are_cut_to_the_scope(connection, default_filter):
    scope = unit_account("research").scope
    metrics = scoped_run(connection, "unit_metrics", default_filter, scope)
    assert list(metrics["unit_id"]) == ["research"]
    assert metrics["issues"].sum() < 16  # the all-units average (and so the total) is not derivable
    assert list(scoped_run(connection, "units", None, scope)["unit_id"]) == ["research"]
    everyone = scoped_run(connection, "unit_metrics", default_filter, Scope.everything())
    assert (len(everyone), everyone["issues"].sum(), everyone["suggestions"].sum()) == (9, 16, 19)


def test_data_span_is_free_of_unit_data(connection):
    frame = scoped_run(connection, "data_span", None, unit_account("research").scope)
    assert len(frame) == 1


def test_a_query_without_units_or_unit_id_is_refused_to_a_unit_account(connection, monkeypatch):
    monkeypatch.setattr(queries, "sql_text", lambda name: "select count(*) as issues from issues")
    with pytest.raises(PermissionError):
        scoped_run(connection, "all_issues_total", None, unit_account("research").scope)
    assert scoped_run(connection, "all_issues_total", None, Scope.everything()).iloc[0]["issues"] == 27


def test_scoped_rows_on_a_plain_frame():
    frame = pd.DataFrame({"unit_id": ["research", "gov_office", "research"], "n": [1, 2, 3]})
    assert list(scoped_rows(frame, unit_account("research").scope)["n"]) == [1, 3]
    assert scoped_rows(frame, Scope.everything()) is frame


def test_the_proof_would_catch_a_leak(connection, default_filter, unit_ids):
    """Without the scope the tampered request does read the other unit, and an empty list reads everyone:
    the checks above are not passing by accident."""
    leaking = 0
    for name in UNIT_QUERIES:
        frame = queries.run(connection, name, default_filter.with_units((unit_ids[1],)), **EXTRA.get(name, {}))
        leaking += bool((_counts(frame).fillna(0) != 0).any().any())
    assert leaking >= 25
    everyone = queries.run(connection, "kpi_totals", default_filter.with_units(())).iloc[0]
    assert (everyone["issues"], everyone["suggestions"]) == (16, 19)


def test_a_suggestion_linked_to_another_units_issue_never_shows_that_issue(frames, default_filter):
    """A folder written before the import refused such links: a 省政府办公厅 suggestion linked to a 省政府研究室 issue
    showed the issue's description to 省政府办公厅's account."""
    from oversight.data import store

    issues = frames["issues"]
    foreign = issues[(issues["unit"] == "research") & issues["date_raised"].map(lambda d: d.year == 2020)].iloc[0]
    suggestions = frames["suggestions"].copy()
    mine = suggestions.index[
        (suggestions["unit"] == "gov_office") & suggestions["date_made"].map(lambda d: d.year == 2020)
    ][0]
    suggestions.loc[mine, "issue_id"] = foreign["issue_id"]
    connection = store.connect({**frames, "suggestions": suggestions})
    shown = scoped_run(connection, "suggestions_in_view", default_filter, unit_account("gov_office").scope)
    row = shown[shown["suggestion_id"] == suggestions.loc[mine, "suggestion_id"]].iloc[0]
    assert row["issue_id"] == foreign["issue_id"] and pd.isna(row["issue_description"])
    # a link within the unit still shows its issue
    own = shown[shown["issue_id"].notna() & (shown["suggestion_id"] != row["suggestion_id"])]
    assert own["issue_description"].notna().all()
