"""The KPI cards: values, units and the change against a year earlier."""

from __future__ import annotations

from oversight.core import numbers
from oversight.data import queries
from oversight.present import kpis
from tests import oracle


def _cards(connection, filter_, lang):
    current = queries.run(connection, "kpi_totals", filter_).iloc[0]
    previous = queries.run(connection, "kpi_totals", filter_.previous_year()).iloc[0]
    return {card.key: card for card in kpis.overview_kpis(current, previous, lang, "2019")}


def test_default_cards_in_chinese(connection, default_filter):
    cards = _cards(connection, default_filter, "zh")
    assert [c.display for c in cards.values()] == ["9家", "16个", "19条", "17次", "56.3%", "232次"]
    assert cards["issues"].delta == "+5个（+45.5%）"  # 16 against 11
    assert cards["meetings"].delta == "-109次（-32.0%）"  # 232 against 341
    assert cards["rectification_rate"].delta == "-7.4个百分点"  # 9/16 against 7/11


def test_default_cards_in_english(connection, default_filter):
    cards = _cards(connection, default_filter, "en")
    assert cards["issues"].label == "Issues raised" and cards["issues"].display == "16"
    assert cards["rectification_rate"].delta == "-7.4 pp"
    assert cards["issues"].delta == "+5 (+45.5%)"


def test_rounding_is_half_up_as_people_round():
    assert str(kpis.round_half_up(56.25, 1)) == "56.3"
    assert str(kpis.round_half_up(0.125, 2)) == "0.13"


def test_a_rate_rounds_as_dividing_by_hand_does_despite_floating_point():
    """23 of 80 is 28.75%, which floating point computes as 28.749999999999996: it reads 28.8%, not 28.7%."""
    assert numbers.fixed(kpis.rate(23, 80), 1) == "28.8"
    wrong = [
        (part, whole)
        for whole in range(1, 201)
        for part in range(whole + 1)
        if numbers.fixed(kpis.rate(part, whole), 1) != str(oracle.half_up(oracle.percent(part, whole), 1))
    ]
    assert wrong == []


def test_total_hours_are_written_to_one_decimal_rounded_from_exact_minutes():
    """183 minutes are 3.1 hours (3.05 half up), not floating point's 3.0499…; 695 against 1,325 is 10.5 fewer; a
    20-minute meeting is 0.3小时, not 0小时, and a change of 25 minutes is one, not 持平 (README, Rounding)."""
    row = {"meetings": 10, "avg_duration_min": 69.5, "total_minutes": 695, "merged": 0, "prereviewed": 0, "attended": 0}
    cases = [
        (695, 1325, "11.6小时", "-10.5小时（-47.5%）"),
        (183, 183, "3.1小时", "持平"),
        (20, 45, "0.3小时", "-0.4小时（-55.6%）"),
        (2340, 5700, "39小时", "-56小时（-58.9%）"),
        (600000, 540000, "10,000小时", "+1,000小时（+11.1%）"),
    ]
    for now, before, display, delta in cases:
        current, earlier = {**row, "total_minutes": now}, {**row, "total_minutes": before}
        cards = {card.key: card for card in kpis.meeting_kpis(current, earlier, None, "zh", "上年同期", None)}
        assert (cards["total_hours"].display, cards["total_hours"].delta) == (display, delta)


def test_no_change_without_a_previous_value():
    assert kpis.percent_change(5, 0) is None
    assert kpis.rate(3, 0) is None


def test_an_average_of_nothing_says_what_there_was_none_of(connection):
    """A reviewer's 2019 Q1 of the Counsellors' Office: 整改用时中位数 "—" above 无可比数据, beside cards that said
    本期未指出问题 and 本期无到期应整改问题 — as if only the year before were missing."""
    from oversight.data import queries
    from oversight.data.filters import Filter, Quarter

    filter_ = Filter(("counsellors",), Quarter(2019, 1), Quarter(2019, 1))
    row = queries.run(connection, "rectification_summary", filter_).iloc[0].to_dict()
    assert (row["issues"], row["rectified"]) == (0, 0)  # the reviewer's case, as the sample has it
    for lang, reason in (("zh", "本期未指出问题"), ("en", "no issues raised")):
        cards = {card.key: card for card in kpis.issue_kpis(row, None, lang, "")}
        median = cards["median_days_to_rectify"]
        # no issue raised: the median says what the rate beside it says
        assert (median.display, median.delta) == ("—", reason) == ("—", cards["rectification_rate"].delta)
    none = {"meetings": 0, "avg_duration_min": None, "total_minutes": 0, "merged": 0, "prereviewed": 0, "attended": 0}
    cards = {card.key: card for card in kpis.meeting_kpis(none, None, None, "en", "", None)}
    assert (cards["avg_duration"].display, cards["avg_duration"].delta) == ("—", "no meetings")


def test_a_median_of_no_rectified_issue_does_not_deny_an_issue_rectified_in_the_period(connection):
    """The Counsellors' Office in 2020 Q4: the Overview's 较上季度 counts 新整改完成问题 1个 (WT2020-025, raised
    2020-09-24, rectified 2020-12-10); the Issues page's median said 本期无已整改问题 under "—". No issue was raised in
    the quarter: the median says so. In 2020 Q3 the issue was raised and not yet rectified: it says that."""
    from oversight.data import queries
    from oversight.data.filters import Filter, Quarter

    q4 = Filter(("counsellors",), Quarter(2020, 4), Quarter(2020, 4))
    row = queries.run(connection, "rectification_summary", q4).iloc[0].to_dict()
    assert (row["issues"], row["rectified"]) == (0, 0)
    for lang, reason in (("zh", "本期未指出问题"), ("en", "no issues raised")):
        median = {card.key: card for card in kpis.issue_kpis(row, None, lang, "")}["median_days_to_rectify"]
        assert (median.display, median.delta) == ("—", reason)
    q3 = Filter(("counsellors",), Quarter(2020, 3), Quarter(2020, 3))
    row = queries.run(connection, "rectification_summary", q3).iloc[0].to_dict()
    assert (row["issues"], row["rectified"]) == (1, 0)
    for lang, reason in (("zh", "本期指出的问题尚无已整改"), ("en", "none rectified yet")):
        median = {card.key: card for card in kpis.issue_kpis(row, None, lang, "")}["median_days_to_rectify"]
        assert (median.display, median.delta) == ("—", reason)


def test_a_median_of_one_day_and_a_change_of_one_day_are_singular_in_english(connection):
    """An issue rectified the day after it was raised: the card read "1 days", its change "-1 days"."""
    from oversight.data import queries
    from oversight.data.filters import Filter, Quarter

    row = queries.run(connection, "rectification_summary", Filter((), Quarter(2020, 1), Quarter(2020, 4))).iloc[0]
    now = {**row.to_dict(), "median_days_to_rectify": 1.0}
    before = {**row.to_dict(), "median_days_to_rectify": 2.0}
    cards = {card.key: card for card in kpis.issue_kpis(now, before, "en", "2019")}
    assert (cards["median_days_to_rectify"].display, cards["median_days_to_rectify"].delta) == ("1 day", "-1 day")
    before["median_days_to_rectify"] = 2.5  # a half day stays plural, as does any other number
    cards = {card.key: card for card in kpis.issue_kpis(now, before, "en", "2019")}
    assert cards["median_days_to_rectify"].delta == "-1.5 days"
    now["median_days_to_rectify"], before["median_days_to_rectify"] = 57.5, 58.5
    cards = {card.key: card for card in kpis.issue_kpis(now, before, "en", "2019")}
    assert (cards["median_days_to_rectify"].display, cards["median_days_to_rectify"].delta) == ("57.5 days", "-1 day")
    cards = {card.key: card for card in kpis.issue_kpis(now, before, "zh", "2019")}
    assert (cards["median_days_to_rectify"].display, cards["median_days_to_rectify"].delta) == ("57.5天", "-1天")


def test_a_missing_figures_reason_fits_its_card():
    """A card's reason for "—" sits in one pill under the figure, cut with "…" where it runs past the card: at
    1280 px, three cards to a row, "none of the period's issues rectifie…" was cut. The longest that fits is
    "no issue due for rectification" (30 characters; a Chinese character is about two)."""
    import json

    from oversight import config
    from oversight.core import i18n

    keys = [
        key
        for key in json.loads((config.LOCALE_DIR / "en" / "definitions.json").read_text())
        if ".nothing_to_rate." in key
    ]
    assert len(keys) == 5
    for key in keys:
        assert len(i18n.t(key, "en")) <= 30, key
        assert 2 * len(i18n.t(key, "zh")) <= 30, key


def test_a_change_of_hours_between_large_totals_rounds_as_the_minutes_do():
    """122,884 minutes against 122,881 a year earlier are 3 minutes more, 0.05 hours: +0.1小时 half up. In floating
    point 122884/60 − 122881/60 is 0.04999999999927…, whose noise (from the 2,048 hours, not from the 0.05) twelve
    significant digits of the difference kept, so the card said 持平."""
    row = {"meetings": 10, "avg_duration_min": 69.5, "total_minutes": 695, "merged": 0, "prereviewed": 0, "attended": 0}
    for now, before, delta in ((122884, 122881, "+0.1小时（0.0%）"), (122881, 122884, "-0.1小时（0.0%）")):
        current, earlier = {**row, "total_minutes": now}, {**row, "total_minutes": before}
        cards = {card.key: card for card in kpis.meeting_kpis(current, earlier, None, "zh", "上年同期", None)}
        assert cards["total_hours"].delta == delta
    assert str(kpis.round_half_up(122884 / 60 - 122881 / 60, 1)) == "0.1"
