"""A brief asked for a whole year that the data has not finished (the command line's default near a year's end, or a
scheduled brief) is taken at the data date throughout, as the pages take it: its charts and issue lists agree with
its own summary and with an independent recomputation, not with the period's end."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from oversight import briefing
from oversight.charts import catalog
from oversight.data import store
from oversight.data.filters import Filter, Quarter
from tests import oracle

CUT_DAY = date(2020, 8, 14)


@pytest.fixture(scope="module")
def cut_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cut") / "data"
    oracle.cut_copy(oracle.Path(__file__).resolve().parent.parent / "data", folder, CUT_DAY)
    return folder


def test_a_brief_for_a_year_the_data_has_not_finished_is_taken_at_the_data_date(cut_folder):
    connection = store.open_folder(cut_folder)
    whole_year = Filter((), Quarter(2020, 1), Quarter(2020, 4))  # not resolved: what the command line passes
    spec = next(spec for spec in catalog.all_charts() if spec.key == "meetings_by_quarter")
    report = briefing.collect_report(briefing.as_query_runner(connection), whole_year, "zh", [spec])
    view = oracle.View(oracle.read_ledgers(cut_folder), (), (2020, 1), (2020, 4))
    assert view.as_of == CUT_DAY

    assert report.context.filter.cutoff == CUT_DAY
    overdue = sorted(report.overdue_issues["issue_id"])
    assert overdue == sorted(issue for issue, _ in view.overdue_list()) and len(overdue) == 3

    by_quarter = report.sections[0].frame.set_index("quarter_key")
    for row in view.meetings_by_quarter():
        shown = by_quarter.loc[row["quarter_key"], "meetings"]
        if row["meetings"] is None:
            assert pd.isna(shown), row  # 2020Q4 has no data yet: no value, not 0
        else:
            assert int(shown) == row["meetings"], row
