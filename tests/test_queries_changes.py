"""``issues_rectified_in_span``, the count behind 新整改完成 in "what changed since last quarter", recomputed with
pandas from the spreadsheets: issues whatever their date raised, rectified within the span, as they stood at its
as-of date."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.data import queries
from oversight.data.filters import Filter, Quarter
from tests import oracle


@pytest.fixture(scope="module")
def issues():
    return oracle.read_ledgers(oracle.Path(__file__).resolve().parent.parent / "data").issues


def _expected(issues, units: tuple[str, ...], first: date, as_of: date) -> int:
    scoped = issues if not units else issues[issues["unit"].isin(units)]
    rectified = scoped["rectified"].map(lambda day: day is not None and first <= day <= as_of)
    raised = scoped["raised"].map(lambda day: day is not None and day <= as_of)
    return int(((scoped["status"] == "rectified") & rectified & raised).sum())


@pytest.mark.parametrize("units", [(), ("petitions", "research"), ("no_such_unit",)])
@pytest.mark.parametrize(
    "start, end, cutoff",
    [
        (Quarter(2020, 4), Quarter(2020, 4), None),
        (Quarter(2020, 3), Quarter(2020, 3), None),
        (Quarter(2020, 1), Quarter(2020, 4), None),
        (Quarter(2020, 4), Quarter(2020, 4), date(2020, 11, 15)),  # a quarter running to a data date
        (Quarter(2019, 1), Quarter(2019, 1), None),
    ],
)
def test_issues_rectified_in_a_span_as_they_stood_at_its_as_of_date(connection, issues, units, start, end, cutoff):
    span = Filter(units, start, end, cutoff)
    found = queries.run(connection, "issues_rectified_in_span", span)
    assert list(found.columns) == ["rectified"] and len(found) == 1
    assert int(found["rectified"].iloc[0]) == _expected(issues, units, start.first_day, span.as_of)


def test_the_sample_rectifies_issues_in_2020_q4(connection, issues):
    """Not a test of zeros: the sample's last quarter has rectifications, raised in it and before it."""
    found = queries.run(connection, "issues_rectified_in_span", Filter((), Quarter(2020, 4), Quarter(2020, 4)))
    assert int(found["rectified"].iloc[0]) == _expected(issues, (), date(2020, 10, 1), date(2020, 12, 31)) > 0
