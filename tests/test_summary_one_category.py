"""The written summary's sentence on issue categories where every issue of the view is of one category.

Seen in the briefing of 省政府参事室 for 2020 Q3 (one issue, 作风建设): "The most common category was conduct, with 1
issue." / 从问题类别看，作风建设方面问题最多，共1个。 — "most" of a single category, read out over one issue. Where one
category holds every issue, the summary says so: 所指出的1个问题属作风建设方面 / The issue raised concerned conduct;
所指出的2个问题均属廉洁风险方面 / Every issue raised (2) concerned integrity risk. The categories recomputed with pandas
from the spreadsheets."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter
from oversight.present import summary

CATEGORY_EN = {"作风建设": "conduct", "廉洁风险": "integrity risk", "决策程序": "decision procedure"}


def _categories(unit_zh: str, start: str, end: str) -> pd.Series:
    issues = pd.read_excel(store.SAMPLE_DATA_DIR / "issues.xlsx", engine="openpyxl")
    raised = issues["发现日期"]
    chosen = issues[(issues["单位"] == unit_zh) & (raised >= start) & (raised <= end)]
    return chosen["问题类别"].value_counts()


@pytest.mark.parametrize(
    "unit, unit_zh, start, end, first, last",
    [
        ("counsellors", "省政府参事室", (2020, 3), (2020, 3), "2020-07-01", "2020-09-30"),
        ("offices_admin", "省机关事务管理局", (2019, 1), (2019, 4), "2019-01-01", "2019-12-31"),
        ("foreign_affairs", "省人民政府外事办公室", (2020, 1), (2020, 4), "2020-01-01", "2020-12-31"),
    ],
)
def test_one_category_is_not_called_the_most_common(connection, span, unit, unit_zh, start, end, first, last):
    categories = _categories(unit_zh, first, last)
    filter_ = span.resolve(Filter((unit,), Quarter(*start), Quarter(*end)))

    def run(name, f):
        return queries.run(connection, name, f)

    zh = summary.written_summary(run, filter_, "zh")[0]
    en = summary.written_summary(run, filter_, "en")[0]
    total = int(categories.sum())
    if len(categories) == 1:
        category = categories.index[0]
        every = "均" if total > 1 else ""
        assert zh.endswith(f"从问题类别看，所指出的{total}个问题{every}属{category}方面。"), zh
        said = (
            f"The issue raised concerned {CATEGORY_EN[category]}."
            if total == 1
            else f"Every issue raised ({total}) concerned {CATEGORY_EN[category]}."
        )
        assert en.endswith(said), en
        assert "最多" not in zh and "most common" not in en
    else:  # several categories (here one issue each: an even spread), not said as one
        assert len(categories) == 2 and "属" not in zh and "concerned" not in en


@pytest.mark.parametrize(
    "unit, unit_zh, start, end, first, last",
    [
        ("counsellors", "省政府参事室", (2020, 3), (2020, 3), "2020-07-01", "2020-09-30"),
        ("research", "省政府研究室", (2020, 3), (2020, 4), "2020-07-01", "2020-12-31"),
        ("gov_office", "省政府办公厅", (2020, 1), (2020, 4), "2020-01-01", "2020-12-31"),
    ],
)
def test_reminders_of_one_form_are_not_said_with_等(connection, span, unit, unit_zh, start, end, first, last):
    """Seen in the same briefing: 采取书面提醒1次等方式开展日常提醒1次 — 等方式 (and other ways) of one reminder in one
    form. One form: 以书面提醒方式开展日常提醒1次; several keep 采取书面提醒1次、会议提醒2次等方式…. Counted with pandas."""
    reminders = pd.read_excel(store.SAMPLE_DATA_DIR / "reminders.xlsx", engine="openpyxl")
    day = reminders["提醒日期"]
    forms = reminders[(reminders["单位"] == unit_zh) & (day >= first) & (day <= last)]["提醒方式"].value_counts()
    filter_ = span.resolve(Filter((unit,), Quarter(*start), Quarter(*end)))
    zh = summary.written_summary(lambda name, f: queries.run(connection, name, f), filter_, "zh")[1]
    total = int(forms.sum())
    if len(forms) == 1:
        assert zh.endswith(f"，以{forms.index[0]}方式开展日常提醒{total}次。") and "等方式" not in zh, zh
    else:
        assert len(forms) > 1 and zh.endswith(f"等方式开展日常提醒{total}次。"), zh
        assert all(f"{form}{n}次" in zh for form, n in forms.items())


UNITS = {
    "counsellors": "省政府参事室",
    "research": "省政府研究室",
    "chronicles": "省地方志编纂委员会办公室",
    "foreign_affairs": "省人民政府外事办公室",
}


@pytest.mark.parametrize("unit", UNITS, ids=str)
@pytest.mark.parametrize("quarter", [1, 2, 3, 4], ids=str)
def test_no_rest_when_nothing_was_rectified(connection, span, unit, quarter):
    """Seen in the briefing of 省政府参事室 for 2020 Q3: 共指出问题1个，尚无已整改，整改率0.0%；其余1个尚未整改完成（整改中）
    — 其余 ("the rest") of one issue, none set aside. Where nothing is rectified the rest is all of them: 该问题正在整改中,
    2个均在整改中; with some rectified, 其余N个尚未整改完成 as before. Statuses at the quarter's end, from pandas."""
    from oversight.briefing import takeaways
    from oversight.charts import catalog

    issues = pd.read_excel(store.SAMPLE_DATA_DIR / "issues.xlsx", engine="openpyxl")
    first, last = pd.Timestamp(2020, 3 * quarter - 2, 1), pd.Timestamp(2020, 3 * quarter, 1) + pd.offsets.MonthEnd(0)
    chosen = issues[(issues["单位"] == UNITS[unit]) & (issues["发现日期"] >= first) & (issues["发现日期"] <= last)]
    rectified = int(((chosen["整改状态"] == "已整改") & (chosen["整改完成日期"] <= last)).sum())
    spec = next(spec for spec in catalog.all_charts() if spec.key == "issues_by_unit_status")
    filter_ = span.resolve(Filter((unit,), Quarter(2020, quarter), Quarter(2020, quarter)))
    frame = queries.run(connection, spec.query, filter_)
    if chosen.empty:
        return
    zh = takeaways.takeaway(spec, frame, "zh")
    unfinished = len(chosen) - rectified
    if rectified == 0:
        assert "其余" not in zh, zh
        said = "；该问题正在整改中" if unfinished == 1 else f"；{unfinished}个均在整改中"
        assert said in zh, zh
    elif unfinished:
        assert f"；其余{unfinished}个尚未整改完成（整改中）" in zh, zh


@pytest.mark.parametrize(
    "unit, start, end, first, last",
    [
        ("counsellors", (2020, 3), (2020, 3), "2020-07-01", "2020-09-30"),
        ("foreign_affairs", (2019, 1), (2019, 1), "2019-01-01", "2019-03-31"),
        (None, (2020, 1), (2020, 4), "2020-01-01", "2020-12-31"),
    ],
)
def test_a_practice_no_meeting_had_is_said_in_words_in_the_shares_reading(
    connection, span, unit, start, end, first, last
):
    """Seen in the briefing of 省政府参事室 for 2020 Q3, whose overview says 纪检监察组未列席会议 / it attended none: the
    shares chart's reading said 纪检监察组列席占0.0% / "the team attended 0.0%". A practice no meeting had is said in
    words there too (纪检监察组未列席会议 / the team attended none); shares recomputed with pandas."""
    from oversight.briefing import takeaways
    from oversight.charts import catalog

    meetings = pd.read_excel(store.SAMPLE_DATA_DIR / "meetings.xlsx", engine="openpyxl")
    day = meetings["会议日期"]
    chosen = meetings[(day >= first) & (day <= last)]
    if unit:
        names = pd.read_excel(store.SAMPLE_DATA_DIR / "units.xlsx", engine="openpyxl")
        chosen = chosen[chosen["单位"] == dict(zip(names["单位编码"], names["单位名称"]))[unit]]
    said = {
        column: int((chosen[column] == "是").sum()) for column in ("议题提前报送审核", "纪检监察组列席", "合并召开")
    }
    spec = next(spec for spec in catalog.all_charts() if spec.key == "meeting_shares_by_quarter")
    filter_ = span.resolve(Filter((unit,) if unit else (), Quarter(*start), Quarter(*end)))
    frame = queries.run(connection, spec.query, filter_)
    zh, en = takeaways.takeaway(spec, frame, "zh"), takeaways.takeaway(spec, frame, "en")
    share = {column: n * 100 / len(chosen) for column, n in said.items()}
    none_zh = {
        "议题提前报送审核": "无议题提前报送审核的会议",
        "纪检监察组列席": "纪检监察组未列席会议",
        "合并召开": "无合并召开的会议",
    }
    none_en = {
        "议题提前报送审核": "no meeting had its agenda reviewed in advance",
        "纪检监察组列席": "the team attended none",
        "合并召开": "none were merged",
    }
    for column, n in said.items():
        assert (none_zh[column] in zh) == (n == 0), zh
        assert (none_en[column] in en) == (n == 0), en
        if n:
            assert f"{Decimal(str(share[column])).quantize(Decimal('0.1'), ROUND_HALF_UP)}%" in zh
    assert "占0.0%" not in zh and " 0.0%" not in en
