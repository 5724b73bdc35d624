"""The rest of every analysis page against the independent recomputation (``tests/oracle.py``), value by value,
over the same filters as ``test_definitions`` (sample, the sample cut at 2020-08-14, and the scale data set):

- meetings: the average-length and total-time cards, the 环比 line, the duration and shares charts' per-quarter
  values, the heatmap's every cell, the reduction table's every column;
- issues: by category and by source, days to rectify in the issue table;
- suggestions: every chart (by unit and status, by category, by status, by link) and the table;
- reminders: reminders and activities per quarter and per unit, the units with no consultation;
- unit profile: every unit's figures and the all-unit average, the unit's cards, trends, open issues, meetings.
"""

from __future__ import annotations

import math
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from oversight.charts import catalog, kinds
from oversight.core import i18n
from oversight.present import kpis, summary, tables
from tests import oracle
from tests.test_definitions import (
    ALL_CASES,
    CASES,
    QUICK_SCALE_CASE,
    Case,
    Worlds,
    _none_if_missing,
    _setup,
    _year_on_year,
)

# make test-fast keeps a few filters of each kind here (the rest run in make test): whole years before and after
# the data date, a range reaching before the records, a single quarter, a single unit, the cut and scale data.
QUICK = (
    Case("sample", (), (2020, 1), (2020, 4)),
    Case("sample", (), (2019, 1), (2020, 4)),
    Case("sample", (), (2020, 3), (2020, 3)),
    Case("sample", ("gov_office",), (2020, 1), (2020, 4), "en"),
    Case("cut", (), (2020, 1), (2020, 4)),
    Case("cut", (), (2020, 4), (2020, 4)),
    QUICK_SCALE_CASE,
)


def _quick_subset(params: list) -> list:
    return [
        param
        if param.values[0] in QUICK
        else pytest.param(*param.values, id=param.id, marks=(*param.marks, pytest.mark.slow))
        for param in params
    ]


PAGE_CASES = _quick_subset(CASES)
LAST_SEPARATOR = "、"  # a Chinese list is joined the same way to its end (甲、乙、丙)


def test_the_quick_filters_are_among_the_filters():
    assert set(QUICK) <= set(ALL_CASES)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> Worlds:
    return Worlds(tmp_path_factory.mktemp("worlds"))


def _value(value) -> float | None:
    """A query's number as a float, None where it is unknown (NULL / NaN)."""
    return None if pd.isna(value) else float(value)


def _same(got: float | None, expected: float | None) -> bool:
    if got is None or expected is None:
        return got is expected
    return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9)


def _rounded(value: float | Fraction | None, digits: int = 1) -> float | None:
    return None if value is None else float(oracle.half_up(value, digits))


def _day(value):
    return None if pd.isna(value) else pd.Timestamp(value).date()


# ---------------------------------------------------------------- meetings page


@pytest.mark.parametrize("case", PAGE_CASES)
def test_meeting_length_and_time_cards_and_the_span_before(worlds, case):
    filter_, span, view, run = _setup(worlds, case)
    current, earlier = _year_on_year(run, span, filter_, "meeting_totals")
    # 环比 as the page asks for it: no line for four quarters (its span before is the year before)
    four_quarters = filter_.previous_span().start == filter_.start.shift(-4)
    before_filter = span.span_before(filter_)
    before_row = None if four_quarters or before_filter is None else run("meeting_totals", before_filter).iloc[0]
    cards = {
        card.key: card
        for card in kpis.meeting_kpis(current, earlier, before_row, case.lang, "—", None if four_quarters else "P")
    }
    now, year_earlier = view.totals(), view.year_earlier()
    before = year_earlier.totals() if year_earlier else None

    average = cards["avg_duration"]
    expected_average = (
        "—" if now["avg_duration_min"] is None else oracle.average_text(now["avg_duration_min"], "minutes", case.lang)
    )
    assert (average.display, average.delta) == (
        expected_average,
        oracle.average_delta(
            now["avg_duration_min"],
            before["avg_duration_min"] if before else None,
            "minutes",
            case.lang,
            # the year before covered, without a meeting: said so, not 无可比数据
            "meetings" if before and not before["meetings"] else None,
        ),
    )

    hours = cards["total_hours"]
    assert (hours.display, hours.delta) == (  # hours to one decimal (README, Rounding)
        oracle.count_text(oracle.hours(now["total_minutes"]), "hours", case.lang, 1),
        oracle.count_delta(
            oracle.hours(now["total_minutes"]),
            oracle.hours(before["total_minutes"]) if before else None,
            "hours",
            case.lang,
            1,
        ),
    )

    span_before = view.span_before()
    assert (before_filter is None) == (span_before is None)
    if four_quarters:
        assert cards["meetings"].secondary is None
    else:
        delta = oracle.count_delta(
            now["meetings"], span_before.totals()["meetings"] if span_before else None, "meetings", case.lang
        )
        # the span compared is named (环比 +8次 alone compared 33 with 25 meetings of a cut 1 April–15 May unsaid),
        # and none where there is nothing to compare with (较2017年… named quarters before the data began)
        if span_before is None:
            expected = f"环比{delta}" if case.lang == "zh" else f"{delta} for the span before"
        else:
            expected = f"环比{delta}，较P" if case.lang == "zh" else f"{delta} vs P"
        assert cards["meetings"].secondary == expected


@pytest.mark.parametrize("case", PAGE_CASES)
def test_meeting_duration_and_shares_per_quarter(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    frame = run("meetings_by_quarter")
    expected = view.meeting_quarters()
    assert [int(key) for key in frame["quarter_key"]] == [row["quarter_key"] for row in expected]
    for row, want in zip(frame.to_dict("records"), expected):
        for column in ("avg_duration_min", "prev_avg_duration_min", "merged", "prereviewed", "attended"):
            assert _same(_value(row[column]), want[column]), (row["quarter_key"], column, row[column], want[column])

    # the charts draw these values rounded once, half up; an unknown value is a gap, never 0 or "NaN"
    bars = view.meetings_by_quarter()
    duration = catalog.make_meeting_duration_figure(frame, case.lang)
    assert list(duration.data[0].y) == [_rounded(row["avg_duration_min"]) for row in expected]
    if any(row["prev_avg_duration_min"] is not None for row in expected):
        assert list(duration.data[1].y) == [_rounded(row["prev_avg_duration_min"]) for row in expected]
    elif any(row["avg_duration_min"] is not None for row in expected):
        # no year-earlier figure in the whole range: no line, no legend entry for one, and the chart says so —
        # unless the range holds a quarter's year earlier itself (two years side by side compare within themselves)
        keys = {row["quarter_key"] for row in expected}
        within = any(key - 10 in keys for key in keys)
        assert len(duration.data) == 1 and len(duration.layout.annotations) == (0 if within else 1)
    # labelled to the tenth the card and the reading write, without a trailing .0 (73.3, 109)
    assert list(duration.data[0].text) == [
        "" if row["avg_duration_min"] is None else f"{oracle.half_up(row['avg_duration_min'], 1).normalize():,f}"
        for row in expected
    ]
    shares = {trace.name: list(trace.y) for trace in catalog.make_meeting_shares_figure(frame, case.lang).data}
    for column, trace in zip(("prereviewed", "attended", "merged"), shares.values()):
        assert trace == [
            _rounded(oracle.percent(want[column], bar["meetings"])) if bar["meetings"] else None
            for want, bar in zip(expected, bars)
        ], column


@pytest.mark.parametrize("case", PAGE_CASES)
def test_meetings_heatmap_every_cell(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    frame = run("meetings_by_unit_quarter")
    got = {
        (row["unit_id"], int(row["quarter_key"])): _none_if_missing(row["meetings"]) for row in frame.to_dict("records")
    }
    assert got == view.unit_quarter_meetings()
    # the units sheet's order, first on top
    ids = [unit for unit in view.ledgers.units["unit_id"] if not case.units or unit in case.units]
    assert list(dict.fromkeys(frame["unit_id"])) == ids
    if 0 < len(ids) <= kinds.MAX_UNIT_ROWS:
        figure = catalog.make_meeting_heatmap_figure(frame, case.lang)
        cells = [[got[(unit, q[0] * 10 + q[1])] for q in view.quarters()] for unit in reversed(ids)]
        assert [list(row) for row in figure.data[0].text] == [
            ["" if v is None else str(v) for v in row] for row in cells
        ]
        # the colours run from no meetings to the most: the fewest shown is not drawn as none
        known = [v for row in cells for v in row if v is not None]
        assert (figure.data[0].zmin, figure.data[0].zmax) == (0, max([1, *known]))


@pytest.mark.parametrize("case", PAGE_CASES)
def test_meeting_reduction_table_every_column(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    frame = run("meeting_reduction_by_unit")
    expected = view.unit_meeting_reduction()
    assert set(frame["unit_id"]) == set(expected)
    for row in frame.to_dict("records"):
        want = expected[row["unit_id"]]
        for column, value in want.items():
            assert _same(_value(row[column]), value), (row["unit_id"], column, row[column], value)
    # biggest cut first (in percent, a change from zero last), then the change, then the unit id
    order = sorted(
        expected,
        key=lambda u: (
            expected[u]["change_pct"] is None,
            expected[u]["change_pct"] or 0,
            expected[u]["change"] is None,
            expected[u]["change"] or 0,
            u,
        ),
    )
    assert list(frame["unit_id"]) == order
    shown = tables.present(frame, tables.MEETING_REDUCTION_COLUMNS, case.lang)
    comparable = view.year_earlier() is not None

    def shown_as(cell, value, compares: bool) -> bool:
        return pd.isna(cell) if value is None else _same(float(cell), value)

    if not comparable:  # nothing to compare with: the comparison's columns are left out, not filled with 无可比数据
        for cells, unit in zip(shown.itertuples(index=False), frame["unit_id"]):
            want = expected[unit]
            assert shown_as(cells[1], want["meetings"], False), unit
            assert shown_as(cells[2], _rounded(want["avg_duration_min"]), False), unit
            assert (cells[3], cells[4]) == (want["merged"], want["prereviewed"]), unit
        assert len(shown.columns) == 5
        return
    for cells, unit in zip(shown.itertuples(index=False), frame["unit_id"]):
        want = expected[unit]
        # the ranking's measure first, beside the unit (a phone showed only the unit and its meetings)
        assert shown_as(cells[1], _rounded(want["change_pct"]), True), unit
        assert shown_as(cells[2], want["change"], True), unit
        assert shown_as(cells[3], want["meetings"], False), unit
        assert shown_as(cells[4], want["prev_meetings"], True), unit
        assert shown_as(cells[5], _rounded(want["avg_duration_min"]), False), unit
        assert shown_as(cells[6], _rounded(want["prev_avg_duration_min"]), True), unit
        assert (cells[7], cells[8]) == (want["merged"], want["prereviewed"]), unit


# ---------------------------------------------------------------- issues page


@pytest.mark.parametrize("case", PAGE_CASES)
def test_issues_by_category_and_source(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    for name, column in (("issues_by_category", "category"), ("issues_by_source", "source")):
        frame = run(name)
        expected = view.per_code(view.issues, column)
        assert dict(zip(frame[column], frame["issues"].astype(int))) == expected, name
        assert list(frame[column]) == sorted(expected, key=lambda code: (-expected[code], code)), name


@pytest.mark.parametrize("case", PAGE_CASES)
def test_days_to_rectify_in_the_issue_table(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    frame = run("issues_in_view")
    expected = view.days_to_rectify()
    assert dict(zip(frame["issue_id"], map(_none_if_missing, frame["days_to_rectify"]))) == expected
    shown = tables.present(frame, tables.ISSUE_COLUMNS, case.lang)
    assert [_none_if_missing(v) for v in shown.iloc[:, 5]] == [expected[i] for i in frame["issue_id"]]


@pytest.mark.parametrize("case", PAGE_CASES)
def test_overdue_table_and_the_issue_tables_overdue_columns(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    overdue = run("overdue_issues")
    assert {r.issue_id: (r.status, int(r.age_days)) for r in overdue.itertuples()} == view.overdue_rows()
    in_view = run("issues_in_view")
    expected = view.issue_overdue()
    assert {r.issue_id: _none_if_missing(r.days_overdue) for r in in_view.itertuples()} == expected
    assert {r.issue_id: bool(r.overdue) for r in in_view.itertuples()} == {
        i: d is not None for i, d in expected.items()
    }


# ---------------------------------------------------------------- suggestions page


@pytest.mark.parametrize("case", PAGE_CASES)
def test_suggestion_charts_and_table(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    suggestions = view.suggestions

    by_unit = run("suggestions_by_unit")
    expected = view.per_unit_code(suggestions, "status", oracle.ADOPTION_CODES)
    got = {
        row["unit_id"]: {code: int(row[code]) for code in oracle.ADOPTION_CODES} for row in by_unit.to_dict("records")
    }
    assert got == expected
    assert [int(n) for n in by_unit["suggestions"]] == [sum(expected[u].values()) for u in by_unit["unit_id"]]
    assert list(by_unit["unit_id"]) == sorted(expected, key=lambda u: (-sum(expected[u].values()), u))

    by_category = run("suggestions_by_category")
    expected_categories = view.per_code(suggestions, "category")
    assert dict(zip(by_category["category"], by_category["suggestions"].astype(int))) == expected_categories
    assert list(by_category["category"]) == sorted(expected_categories, key=lambda c: (-expected_categories[c], c))

    by_status = run("suggestions_by_status")
    expected_statuses = view.per_code(suggestions, "status")
    assert list(zip(by_status["status"], by_status["suggestions"].astype(int))) == [
        (code, expected_statuses[code]) for code in oracle.ADOPTION_CODES if code in expected_statuses
    ]
    by_link = run("suggestions_by_link")
    assert dict(zip(by_link["link"], by_link["suggestions"].astype(int))) == view.suggestion_links()
    # the donuts' shares are the app's own, half up, of these counts
    for frame, builder in (
        (by_status, catalog.make_suggestions_by_status_figure),
        (by_link, catalog.make_suggestions_by_link_figure),
    ):
        if frame.empty:
            continue
        pie = builder(frame, case.lang).data[0]
        total = sum(pie.values)
        assert total == len(suggestions)
        for text, label, value in zip(pie.text, pie.labels, pie.values):
            share = f"{oracle.half_up(oracle.percent(value, total), 1)}%"
            assert value > 0 and text == share
            # 书面提醒15（35.7%）: no space between Chinese and a number; Written 15 (35.7%)
            said = f"{value}（{share}）" if case.lang == "zh" else f" {value} ({share})"
            assert label.endswith(said) and not (case.lang == "zh" and label.endswith(" " + said))

    table = run("suggestions_in_view")
    got_rows = [
        (
            r.suggestion_id,
            r.unit_id,
            _day(r.date_made),
            r.category,
            r.status,
            None if pd.isna(r.issue_id) else r.issue_id,
        )
        for r in table.itertuples()
    ]
    assert got_rows == view.suggestion_rows()


# ---------------------------------------------------------------- reminders page


@pytest.mark.parametrize("case", PAGE_CASES)
def test_reminders_and_activities_per_quarter(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    for name, frame_of, column, codes in (
        ("reminders_by_quarter_form", view.ledgers.reminders, "form", oracle.FORM_CODES),
        ("activities_by_quarter", view.ledgers.activities, "kind", oracle.KIND_CODES),
    ):
        frame = run(name)
        got = [
            {"quarter_key": int(row["quarter_key"]), **{code: _none_if_missing(row[code]) for code in codes}}
            for row in frame.to_dict("records")
        ]
        assert got == view.by_quarter(frame_of, column, codes), name
    reminders = run("reminders_by_quarter_form")
    expected = view.by_quarter(view.ledgers.reminders, "form", oracle.FORM_CODES)
    assert [_none_if_missing(v) for v in reminders["reminders"]] == [
        None if row["written"] is None else sum(row[code] for code in oracle.FORM_CODES) for row in expected
    ]


@pytest.mark.parametrize("case", PAGE_CASES)
def test_reminders_and_activities_by_unit_and_units_not_consulted(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    for name, frame, column, codes, total in (
        ("reminders_by_unit", view.reminders, "form", oracle.FORM_CODES, "reminders"),
        ("activities_by_unit", view.activities, "kind", oracle.KIND_CODES, "activities"),
    ):
        result = run(name)
        expected = view.per_unit_code(frame, column, codes)
        got = {row["unit_id"]: {code: int(row[code]) for code in codes} for row in result.to_dict("records")}
        assert got == expected, name
        assert [int(n) for n in result[total]] == [sum(expected[u].values()) for u in result["unit_id"]], name
        assert list(result["unit_id"]) == sorted(expected, key=lambda u: (-sum(expected[u].values()), u)), name
        # the chart: the first units (``kinds.TOP_UNIT_ROWS``) and one row adding up the rest; every bar adds up
        builder = (
            catalog.make_reminders_by_unit_figure if total == "reminders" else catalog.make_activities_by_unit_figure
        )
        figure = builder(result, case.lang)
        # a form or kind with nothing in view draws no bar (all of them where nothing at all); the legend names it
        # with its 0 in an uncoloured entry, not a bar trace (``kinds.add_none_entry``, tests/test_none_in_legend.py)
        drawn = [code for code in codes if sum(counts[code] for counts in expected.values())] or list(codes)
        bars = [trace for trace in figure.data if trace.type == "bar"]
        assert len(bars) == len(drawn), name
        # the "…: 0" entries, where due: one for each run of neighbouring kinds with none, in the definition's order
        runs = sum(1 for at, code in enumerate(codes) if code not in drawn and (at == 0 or codes[at - 1] in drawn))
        assert len(figure.data) - len(bars) == runs, name
        # of more units than a top and one, only units with something have a row of their own; units tied with the
        # last of the top are drawn with it where the picture has rows for them (tests/test_top_units_ties.py)
        totals = sorted((sum(counts.values()) for counts in expected.values()), reverse=True)
        top = min(kinds.TOP_UNIT_ROWS, sum(1 for total in totals if total))
        if len(expected) > kinds.TOP_UNIT_ROWS + 1 and top:
            tied = sum(1 for total in totals if total and total >= totals[top - 1])
            top = tied if tied <= kinds.MOST_UNIT_BARS else top
        # a rest row cut at the plot's end draws each part as its share of the plot, its true count kept apart
        for code, trace in zip(drawn, bars):
            rows = len(expected) if len(expected) <= kinds.TOP_UNIT_ROWS + 1 or len(expected) - top <= 1 else top + 1
            assert len(trace.x) == rows, name
            assert sum(kinds.bar_values(trace)) == sum(counts[code] for counts in expected.values()), (name, code)

    missing = run("units_without_consultation")
    assert [(r.unit_id, _day(r.last_consultation)) for r in missing.itertuples()] == view.units_without_consultation()


# ---------------------------------------------------------------- unit profile page


@pytest.mark.parametrize("case", PAGE_CASES)
def test_unit_profile(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    metrics = run("unit_metrics")
    expected = view.unit_metrics()
    assert set(metrics["unit_id"]) == set(expected)
    for row in metrics.to_dict("records"):
        for column, value in expected[row["unit_id"]].items():
            assert _same(_value(row[column]), value), (row["unit_id"], column, row[column], value)

    # the profile's unit and its cards beside the all-unit average
    unit = _profile_unit(view, case)
    cards = kpis.unit_profile_kpis(catalog.unit_beside_average(metrics, unit), case.lang, "U")
    for card in cards:
        mine = expected[unit][card.key]
        average = oracle.average_of_units(expected, card.key)
        difference = oracle.half_up(mine - average, 1)
        # each card carries its measure's unit (3个, 2条, 5次), the difference and the average too
        unit_key = kpis.PROFILE_UNITS[card.key]
        assert card.display == i18n.t(unit_key, case.lang, value=f"{oracle.half_up(mine, 0):,}"), card.key
        # the difference and the average written as the chart's bars are (1, 1.8, 2): no trailing .0 (-1.0条 was)
        written = str(difference.to_integral()) if difference == difference.to_integral() else str(difference)
        assert card.delta == (
            i18n.t(unit_key, case.lang, value=f"{'+' if difference > 0 else ''}{written}")
            if difference
            else {"zh": "持平", "en": "level"}[case.lang]
        ), card.key
        mean = oracle.half_up(average, 1)
        mean_text = f"{mean.to_integral():,}" if mean == mean.to_integral() else f"{mean:,}"
        # 全部单位平均1.8个 (no space between Chinese and a number), Average of all units: 1.8
        said = i18n.t(unit_key, case.lang, value=mean_text)
        assert card.secondary.endswith(said if case.lang == "zh" else " " + said), card.key
        assert ".0" not in card.delta + card.secondary, card.key
    # the unit-beside-average chart draws the same two values per measure
    figure = catalog.make_unit_vs_average_figure(catalog.unit_beside_average(metrics, unit), case.lang, "U")
    measures = [card.key for card in cards]
    assert list(figure.data[0].x) == [expected[unit][m] for m in measures]
    assert list(figure.data[1].x) == [_rounded(oracle.average_of_units(expected, m)) for m in measures]

    one = oracle.View(view.ledgers, (unit,), case.start, case.end, day=case.day)
    unit_filter = filter_.with_units([unit])
    latest = run("latest_meetings", unit_filter, limit=10)
    assert [(r.meeting_id, _day(r.date), float(r.duration_min)) for r in latest.itertuples()] == one.latest_meetings(10)

    unresolved = run("unresolved_issues", unit_filter)
    assert [
        (r.issue_id, r.status, bool(r.overdue), int(r.age_days)) for r in unresolved.itertuples()
    ] == one.unresolved()


def _profile_unit(view: oracle.View, case) -> str:
    """The profile's unit: the filter's first, else the first listed."""
    return case.units[0] if case.units else str(view.ledgers.units["unit_id"].iloc[0])


@pytest.mark.parametrize("case", PAGE_CASES)
def test_unit_trends(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    unit = _profile_unit(view, case)
    one = oracle.View(view.ledgers, (unit,), case.start, case.end, day=case.day)
    trends = run("trends_by_quarter", filter_.with_units([unit]))
    got = [
        {
            "quarter_key": int(row["quarter_key"]),
            **{c: _none_if_missing(row[c]) for c in ("meetings", "issues", "suggestions", "reminders")},
            "avg_duration_min": _value(row["avg_duration_min"]),
        }
        for row in trends.to_dict("records")
    ]
    want = one.trends()
    assert [{k: v for k, v in r.items() if k != "avg_duration_min"} for r in got] == [
        {k: v for k, v in r.items() if k != "avg_duration_min"} for r in want
    ]
    assert all(_same(g["avg_duration_min"], w["avg_duration_min"]) for g, w in zip(got, want))


# ---------------------------------------------------------------- the written summary, every figure


def _quarter_zh(quarter: tuple[int, int]) -> str:
    return f"{quarter[0]}年第{quarter[1]}季度"


def _plain_number(value) -> str:
    """Without a whole number's ".0", thousands grouped as the cards group them (缩短1,062分钟)."""
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


def _expected_summary_zh(view: oracle.View, case) -> list[str]:
    """The three paragraphs of the briefing's summary, written from the oracle's figures with the zh wording."""
    now, earlier = view.totals(), view.year_earlier()
    before = earlier.totals() if earlier else None
    # a span to date opens with its cut (2020年（截至8月14日）), as the pack's period: 2020年 read as the whole year
    day = view.as_of
    cut = ""
    if view.to_date and day >= oracle.quarter_first(*case.start):
        cut = (
            f"（截至{day.month}月{day.day}日）"
            if day.year == case.end[0]
            else f"（截至{day.year}年{day.month}月{day.day}日）"
        )
    if case.start[1] == 1 and case.end == (case.start[0], 4):
        # 今年以来 only for the year under way: a 2020 report made later says 2020年
        # (with its cut where the data stop before today: 今年以来 alone is to today)
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        if case.start[0] == today.year:
            opening = f"今年以来{cut if day < today else ''}，"
        else:
            opening = f"{case.start[0]}年{cut}，"
    elif case.start == case.end:
        opening = f"{_quarter_zh(case.start)}{cut}，"
    else:
        opening = f"{_quarter_zh(case.start)}至{_quarter_zh(case.end)}{cut}，"

    if not (now["units_consulted"] or now["issues"] or now["suggestions"]):
        consultation = f"{opening}暂无定期会商、指出问题和意见建议的记录。"
    else:
        # of one unit chosen, 该单位; none consulted, said so (not 与0家…开展定期会商)
        one = len(case.units) == 1
        if not now["units_consulted"]:
            partner = "该单位" if one else "综合监督单位"
            consultation = f"{opening}驻省政府办公厅纪检监察组未与{partner}党组（党委）开展定期会商；"
        elif one:
            consultation = (
                f"{opening}驻省政府办公厅纪检监察组与该单位党组（党委）开展定期会商，深入分析该单位政治生态，"
            )
        else:
            consultation = (
                f"{opening}驻省政府办公厅纪检监察组与{now['units_consulted']:,}家综合监督单位党组（党委）开展定期会商，"
                f"深入分析{'该' if now['units_consulted'] == 1 else '各'}单位政治生态，"
            )
        # nothing is said in words, not as 0个 (指出问题0个 read as a figure to report)
        issues = f"指出问题{now['issues']:,}个" if now["issues"] else "未指出问题"
        suggestions = f"提出意见建议{now['suggestions']:,}条" if now["suggestions"] else "未提出意见建议"
        consultation += f"{issues}，{suggestions}。"
        if now["issues"]:
            day = view.as_of
            rate = oracle.half_up(oracle.percent(now["issues_rectified"], now["issues"]), 1)
            rectified = f"已整改问题{now['issues_rectified']:,}个" if now["issues_rectified"] else "尚无问题整改完成"
            consultation += f"截至{day.year}年{day.month}月{day.day}日，{rectified}，整改率{rate}%"
            if before and before["issues"]:
                consultation += (
                    f"（上年同期{oracle.half_up(oracle.percent(before['issues_rectified'], before['issues']), 1)}%）"
                )
            consultation += "。"
            categories = view.per_code(view.issues, "category")
            most = max(categories.values())
            labels = {code: label for label, code in oracle.CATEGORIES.items()}
            leaders = [labels[code] for code in sorted(categories) if categories[code] == most]  # a tie: all named
            if sum(1 for n in categories.values() if n) == 1:  # one category only: not 最多 of one
                every = "均" if most > 1 else ""
                consultation += f"从问题类别看，所指出的{most:,}个问题{every}属{leaders[0]}方面。"
            elif len(leaders) == 1:
                consultation += f"从问题类别看，{leaders[0]}方面问题最多，共{most:,}个。"
            else:
                named = "、".join(leaders[:-1]) + LAST_SEPARATOR + leaders[-1]
                if len(leaders) == sum(1 for n in categories.values() if n):  # all of them: an even spread
                    consultation += f"从问题类别看，{named}{len(leaders)}个方面各{most:,}个。"
                else:
                    consultation += f"从问题类别看，{named}方面问题并列最多，各{most:,}个。"

    # of one unit, 该单位: "综合监督单位" read as if of many
    who = "该单位" if len(case.units) == 1 else "综合监督单位"
    if now["special_studies"]:
        collaboration = f"与{who}机关纪委专题研究工作{now['special_studies']:,}次"
    else:
        collaboration = f"未与{who}机关纪委开展专题研究"
    forms = view.per_code(view.reminders, "form")
    if forms:
        labels = {code: label for label, code in oracle.FORMS.items()}
        listed = "、".join(f"{labels[code]}{forms[code]:,}次" for code in oracle.FORM_CODES if code in forms)
        if len(forms) == 1:  # one form: not 采取书面提醒1次等方式 (等 of one)
            collaboration += f"，以{labels[next(iter(forms))]}方式开展日常提醒{sum(forms.values()):,}次"
        else:
            collaboration += f"，采取{listed}等方式开展日常提醒{sum(forms.values()):,}次"
    collaboration += "。"

    if not now["meetings"]:
        meetings = "会议监督方面，本期暂无会议记录。"
    else:
        meetings = f"会议监督方面，{who}召开会议{now['meetings']:,}次"
        if before is None and view.year_earlier_begins_before_the_data():
            year, quarter = view.ledgers.first_quarter
            meetings += f"，上年同期始于数据起始（{year}年第{quarter}季度）之前，不作比较"
        elif before is None:
            meetings += "，上年同期无可比数据"
        elif before["meetings"]:
            change = oracle.half_up(oracle.percent(now["meetings"] - before["meetings"], before["meetings"]), 1)
            if change == 0:
                meetings += "，会议数量与上年同期持平"
            else:
                word = "下降" if change < 0 else "增长"
                meetings += f"，会议数量同比{word}{abs(change)}%（上年同期{before['meetings']:,}次）"
        shown = oracle.half_up(now["avg_duration_min"], 1)
        meetings += f"；平均时长{_plain_number(shown)}分钟"
        if before and before["avg_duration_min"] is not None:
            # the difference of the means, rounded once: the 平均会议时长 card's 同比
            difference = oracle.half_up(before["avg_duration_min"] - now["avg_duration_min"], 1)
            if difference:
                meetings += f"，{'缩短' if difference > 0 else '延长'}{_plain_number(abs(difference))}分钟"
        # a practice no meeting had is said in words (纪检监察组列席0次 read as a figure)
        merged = f"合并召开{now['merged']:,}次" if now["merged"] else "无合并召开的会议"
        prereviewed = (
            f"议题提前报送纪检监察组审核{now['prereviewed']:,}次"
            if now["prereviewed"]
            else "无议题提前报送纪检监察组审核的会议"
        )
        attended = f"纪检监察组列席{now['attended']:,}次" if now["attended"] else "纪检监察组未列席会议"
        meetings += f"。其中{merged}，{prereviewed}，{attended}。"
    return [consultation, collaboration, meetings]


@pytest.mark.parametrize("case", PAGE_CASES)
def test_written_summary_every_figure(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    written = summary.written_summary(lambda name, f: run(name, f), case.filter, "zh")
    assert written == _expected_summary_zh(view, case)
