"""What changed since last quarter (Overview): each count recomputed with pandas from the spreadsheets."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.data import queries
from oversight.data.filters import Filter, Quarter
from oversight.present import changes
from tests import oracle


@pytest.fixture(scope="module")
def ledgers():
    return oracle.read_ledgers(oracle.Path(__file__).resolve().parent.parent / "data")


def _expected(ledgers, units: tuple[str, ...], first: date, last: date) -> dict[str, int]:
    def scoped(frame):
        return frame if not units else frame[frame["unit"].isin(units)]

    def between(values):
        return values.map(lambda day: day is not None and first <= day <= last)

    issues = scoped(ledgers.issues)
    return {
        "issues": int(between(issues["raised"]).sum()),
        # rectified within the quarter, whenever raised
        "rectified": int(((issues["status"] == "rectified") & between(issues["rectified"])).sum()),
        "suggestions": int(between(scoped(ledgers.suggestions)["made"]).sum()),
        "meetings": int(between(scoped(ledgers.meetings)["date"]).sum()),
    }


def _run(connection):
    return lambda name, filter_: queries.run(connection, name, filter_)


@pytest.mark.parametrize("units", [(), ("petitions", "research")])
def test_the_last_quarter_against_the_one_before(connection, span, ledgers, units):
    found = changes.quarter_changes(_run(connection), span, Filter(units, Quarter(2020, 1), Quarter(2020, 4)))
    assert found is not None and found.quarter.start == found.quarter.end == Quarter(2020, 4)
    assert found.now == _expected(ledgers, units, date(2020, 10, 1), date(2020, 12, 31))
    assert found.earlier == _expected(ledgers, units, date(2020, 7, 1), date(2020, 9, 30))
    assert found.now["rectified"] > 0 or units  # the sample rectifies issues in 2020 Q4


def test_the_lines_say_both_quarters_and_the_change(connection, span, ledgers):
    found = changes.quarter_changes(_run(connection), span, span.default_filter())
    now, before = found.now["meetings"], found.earlier["meetings"]
    zh = found.lines("zh")
    assert found.heading("zh") == "2020年第4季度较上季度"
    assert zh[3].startswith(f"会议数量{now}次（上季度{before}次）：")
    assert zh[3].endswith("持平" if now == before else "）")
    en = found.lines("en")
    assert en[0].startswith(f"New issues raised: {found.now['issues']} (last quarter {found.earlier['issues']})")


def test_the_first_quarter_of_the_data_has_nothing_to_compare_with(connection, span, ledgers):
    found = changes.quarter_changes(_run(connection), span, Filter((), Quarter(2019, 1), Quarter(2019, 1)))
    assert found.earlier is None and found.before is None
    assert found.now == _expected(ledgers, (), date(2019, 1, 1), date(2019, 3, 31))
    assert found.lines("zh")[0].endswith("（上季度无可比数据）")


def test_a_quarter_running_to_the_data_date_is_compared_day_for_day(connection, span, ledgers):
    """Data to 15 November: 1 October–15 November against 1 July–15 August (as 环比 compares), not all of Q3."""
    from dataclasses import replace

    cut = replace(span, last_day=date(2020, 11, 15))
    found = changes.quarter_changes(_run(connection), cut, cut.default_filter())
    assert found.quarter.as_of == date(2020, 11, 15) and found.before.as_of == date(2020, 8, 15)
    assert found.now == _expected(ledgers, (), date(2020, 10, 1), date(2020, 11, 15))
    assert found.earlier == _expected(ledgers, (), date(2020, 7, 1), date(2020, 8, 15))
    assert found.heading("zh") == "2020年第4季度（截至11月15日）较2020年第3季度同期（截至8月15日）"


def test_issues_none_of_them_rectified_give_zero_not_an_error(connection, span):
    """Found by the soak test: where no issue is rectified yet, the rectification dates were all empty, and pandas
    turned them into a datetime column that could not be compared with a date. The count is now the query's."""
    import pandas as pd

    def run(name, filter_):
        if name == "issues_rectified_in_span":  # neither of two issues rectified by the as-of date
            return pd.DataFrame({"rectified": [0]})
        return queries.run(connection, name, filter_)

    found = changes.quarter_changes(run, span, span.default_filter())
    assert found.now["rectified"] == 0 and found.earlier["rectified"] == 0


def test_a_links_day_cuts_the_last_quarter_and_the_one_before_as_many_days_in(connection, span, ledgers):
    """A digest's link, ``?from=2020Q1&to=2020Q4&day=2020-11-20``: the page says 各项数据截至所选日期2020年11月20日, and
    the box said 2020年第4季度较上季度 of the whole quarters: 会议数量65次（上季度58次）：+7次, where to the day it is 35 against
    37 to 20 August, -2次 (fewer meetings, not more)."""
    linked = span.resolve(Filter((), Quarter(2020, 1), Quarter(2020, 4), day=date(2020, 11, 20)))
    found = changes.quarter_changes(_run(connection), span, linked)
    assert found is not None and found.quarter.as_of == date(2020, 11, 20)
    assert found.now == _expected(ledgers, (), date(2020, 10, 1), date(2020, 11, 20))
    assert found.earlier == _expected(ledgers, (), date(2020, 7, 1), date(2020, 8, 20))  # 50 days in, as 环比
    assert found.heading("zh") == "2020年第4季度（截至11月20日）较2020年第3季度同期（截至8月20日）"
    # the day is the last quarter's: a range the data stops inside of keeps the data date's cut
    past = span.resolve(Filter((), Quarter(2020, 4), Quarter(2021, 1), day=date(2021, 2, 1)))
    assert changes.quarter_changes(_run(connection), span, past).quarter.as_of == date(2020, 12, 31)
