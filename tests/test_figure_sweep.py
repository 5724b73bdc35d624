"""A randomized sweep of every figure against the independent pandas recomputation (``tests/oracle.py``).

``test_definitions`` and ``test_definitions_pages`` compare every card, chart value, table cell and summary
sentence over hand-picked filters. This file draws 150 more from a fixed seed: random unit sets (one unit, a few,
all), random quarter ranges (before the first record, reaching past the data date, wholly after it, one quarter,
across a year's end), on the sample, the sample cut at 2020-08-14 and at six random days, and the sample run on
to 28 February 2021, in both languages. Each goes through every one of those comparisons and through the 预警
strip, the 较上季度 box, every chart's reading, every chart's CSV and Excel file and the Word report, so that a
disagreement the picked filters missed is found. Every check of a filter runs, and the test names each that
disagreed. 40 more (``DAY_SWEEP``) take each filter at a link's day (``day=``, README's URL parameters): every
figure as of a day of the range's last quarter, the oracle's view cut at that day on its own. It takes about twelve
minutes: marked slow (make test).
"""

from __future__ import annotations

import inspect
import io
import random
import re
from datetime import date, timedelta

import pandas as pd
import pytest
from docx import Document

from oversight import briefing
from oversight.charts import catalog
from oversight.core import i18n
from oversight.data import queries
from oversight.data.filters import Filter, Quarter
from oversight.export.data_files import chart_data_table, table_csv_bytes, table_xlsx_bytes
from oversight.present.changes import quarter_changes
from tests import oracle, test_alert_strip, test_definitions, test_definitions_pages, test_takeaways
from tests.test_definitions import (
    ALL_UNITS,
    OVERVIEW_CARD_COUNTS,
    Case,
    Worlds,
    _expected_counts,
    _expected_shares,
)
from tests.test_definitions_pages import _expected_summary_zh

SEED = 20261205
SWEEP_SIZE = 150
# the sample's records run 2019Q1 to 2020Q4; the range reaches two years before and one after
QUARTERS = [(year, quarter) for year in range(2017, 2022) for quarter in range(1, 5)]
# the sample as it stood on six random days (each the data date: a quarter, a year and a comparison to date)
_DAYS = random.Random(SEED + 1)
CUT_DAYS = tuple(date(2019, 2, 1) + timedelta(days=_DAYS.randint(0, 700)) for _ in range(6))
FOLDERS = ("sample", "sample", "cut", "leap", *(f"cut:{day}" for day in CUT_DAYS))


def _units(picker: random.Random) -> tuple[str, ...]:
    kind = picker.choice(("all", "one", "some"))
    if kind == "all":
        return ()
    count = 1 if kind == "one" else picker.randint(2, len(ALL_UNITS) - 1)
    return tuple(sorted(picker.sample(ALL_UNITS, count), key=ALL_UNITS.index))


def _range(picker: random.Random) -> tuple[tuple[int, int], tuple[int, int]]:
    kind = picker.choice(("one", "any", "any", "year_end"))
    if kind == "one":
        quarter = picker.choice(QUARTERS)
        return quarter, quarter
    if kind == "year_end":  # a range across 31 December
        year = picker.randint(2017, 2020)
        return (year, picker.randint(1, 4)), (year + 1, picker.randint(1, 4))
    start, end = sorted(picker.sample(QUARTERS, 2))
    return start, end


def sweep_cases() -> list[Case]:
    picker = random.Random(SEED)
    cases: list[Case] = []
    while len(cases) < SWEEP_SIZE:
        start, end = _range(picker)
        case = Case(picker.choice(FOLDERS), _units(picker), start, end, picker.choice(("zh", "en")))
        if case not in cases:
            cases.append(case)
    return cases


SWEEP = sweep_cases()

# A link's day= (README's URL parameters): every figure taken at a day of the range's last quarter. Its own seed, so the
# sweep above keeps its cases: the last quarter's first day, a day inside it, the day before its last, with single
# units, ranges over years and ranges past the data date; and 29 February, the day a year earlier of which and the day
# whose year earlier is the end of February (28 February 2021 against 29 February 2020).
DAY_SWEEP_SIZE = 40


def _day_of(picker: random.Random, quarter: Quarter) -> date:
    kind = picker.choice(("first", "inside", "before_last"))
    if kind == "first":
        return quarter.first_day
    if kind == "before_last":
        return quarter.last_day - timedelta(days=1)
    return quarter.first_day + timedelta(days=picker.randint(1, (quarter.last_day - quarter.first_day).days - 2))


def _day_range(picker: random.Random) -> tuple[tuple[int, int], tuple[int, int]]:
    """Mostly a range whose last quarter the sample's records reach (2019 Q1 to 2020 Q4), so the day cuts them."""
    recorded = [quarter for quarter in QUARTERS if (2019, 1) <= quarter <= (2020, 4)]
    kind = picker.choice(("one", "years", "past_the_data", "any", "any"))
    if kind == "one":
        quarter = picker.choice(recorded)
        return quarter, quarter
    if kind == "years":  # over two years or more, from before the first record
        end = picker.choice(recorded)
        return picker.choice([q for q in QUARTERS if q[0] <= end[0] - 2]), end
    if kind == "past_the_data":  # ends after the sample's data date (and a cut copy's)
        return picker.choice(QUARTERS[8:16]), picker.choice(QUARTERS[16:])
    end = picker.choice(recorded)
    return picker.choice([q for q in QUARTERS if q <= end]), end


def day_sweep_cases() -> list[Case]:
    picker = random.Random(SEED + 2)
    cases = [
        Case("sample", (), (2020, 1), (2020, 1), "zh", date(2020, 2, 29)),  # its year earlier: 28 February 2019
        Case("sample", ("gov_office",), (2019, 1), (2020, 1), "en", date(2020, 2, 28)),
        Case("leap", (), (2021, 1), (2021, 1), "zh", date(2021, 2, 28)),  # the end of February: to 29 February 2020
        Case("leap", (), (2020, 1), (2021, 1), "en", date(2021, 2, 27)),
        Case("sample", (), (2020, 1), (2020, 4), "zh", date(2020, 11, 20)),  # the digest's link of README
    ]
    while len(cases) < DAY_SWEEP_SIZE:
        start, end = _day_range(picker)
        day = _day_of(picker, Quarter(*end))
        case = Case(picker.choice(FOLDERS), _units(picker), start, end, picker.choice(("zh", "en")), day)
        if case not in cases:
            cases.append(case)
    return cases


DAY_SWEEP = day_sweep_cases()


def _checks() -> list:
    """Every comparison of the two definition files that takes one filter (``worlds, case``)."""
    checks = []
    for module in (test_definitions, test_definitions_pages):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("test_") and list(inspect.signature(function).parameters) == ["worlds", "case"]:
                checks.append(function)
    return checks


def _filter(worlds, case: Case) -> Filter:
    _, span, _ = worlds[case.folder]
    return span.resolve(case.filter)


def check_alert_strip(worlds, case):
    """The 预警 strip: overdue (and the longest), due within 30 days, units without a consultation this quarter."""
    connection, span, ledgers = worlds[case.folder]
    test_alert_strip.test_the_strip_says_what_the_spreadsheets_say(
        connection, span, ledgers, case.units, case.start, case.end, case.day
    )


def check_readings(worlds, case):
    """Every chart's reading (the takeaway under it and beside it in the pack): its numbers are its chart's."""
    connection, _, _ = worlds[case.folder]
    test_takeaways.assert_every_number_is_the_charts_own(connection, _filter(worlds, case), case.lang)


def _changes_expected(view: oracle.View) -> dict[str, int]:
    issues = view.scoped(view.ledgers.issues)
    newly = view.rectified_by(issues, view.as_of) & (
        issues["rectified"].map(lambda d: d is not None and d >= view.period_start)
    )
    totals = view.totals()
    return {
        "issues": totals["issues"],
        "rectified": int(newly.sum()),
        "suggestions": totals["suggestions"],
        "meetings": totals["meetings"],
    }


def check_since_last_quarter(worlds, case):
    """The Overview's 较上季度 box: the filter's last quarter the data reach against the span before it."""
    connection, span, ledgers = worlds[case.folder]
    changes = quarter_changes(lambda name, f: queries.run(connection, name, f), span, _filter(worlds, case))
    day = ledgers.data_date
    last = min(case.end, (day.year, (day.month - 1) // 3 + 1))
    if last < case.start or last < ledgers.first_quarter:
        assert changes is None
        return
    # a link's day is a day of the range's last quarter: it cuts that quarter only
    view = oracle.View(ledgers, case.units, last, last, day=case.day if last == case.end else None)
    before = view.span_before()
    assert changes is not None and changes.quarter.as_of == view.as_of
    assert changes.now == _changes_expected(view)
    assert changes.earlier == (None if before is None else _changes_expected(before))
    if before is not None:
        assert changes.before is not None and changes.before.as_of == before.as_of


def _read_back(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    csv = pd.read_csv(io.BytesIO(table_csv_bytes(table)), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    xlsx = pd.read_excel(io.BytesIO(table_xlsx_bytes(table, "data")), engine="openpyxl", dtype=object)
    return csv, xlsx


def _number(value) -> float | None:
    """A cell as a number, an empty one as None."""
    return None if value is None or value == "" or pd.isna(value) else float(value)


def _rounded(value) -> float | None:
    return None if pd.isna(value) else float(oracle.half_up(value, 1))


def check_chart_downloads(worlds, case):
    """Every chart's CSV and Excel file: each number is its chart's, rounded half up once, a quarter without
    data left empty (not 0), and a donut's shares beside its counts are each count's share of the whole."""
    connection, _, _ = worlds[case.folder]
    filter_ = _filter(worlds, case)
    share = i18n.t("export.column.share", case.lang)
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, filter_)
        table = chart_data_table(frame, case.lang, spec.key)
        csv, xlsx = _read_back(table)
        assert list(csv.columns) == list(table.columns) == list(xlsx.columns), spec.key
        assert len(csv) == len(frame) == len(xlsx), spec.key
        for column in spec.value_columns:
            header = i18n.t(f"export.column.{column}", case.lang)
            expected = [_rounded(v) for v in frame[column]]
            assert [_number(v) for v in csv[header]] == expected, (spec.key, column)
            assert [_number(v) for v in xlsx[header]] == expected, (spec.key, column)
        if share in csv:
            counts = frame[spec.value_columns[0]]
            whole = float(counts.sum())
            shares = [float(oracle.half_up(oracle.percent(n, whole), 1)) if whole else None for n in counts]
            assert [_number(v) for v in csv[share]] == shares, spec.key


def check_word_report(worlds, case):
    """The Word report's key figures, its 工作概况 paragraphs (Chinese) and its two issue lists."""
    connection, _, ledgers = worlds[case.folder]
    view = oracle.View(ledgers, case.units, case.start, case.end, day=case.day)
    report = briefing.collect_report(
        briefing.as_query_runner(connection),
        case.filter,
        case.lang,
        (),
    )
    document = Document(io.BytesIO(briefing.docx_bytes(report)))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    cards = {row[0]: (row[1], row[2]) for row in rows if len(row) == 3}
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    if case.end < ledgers.first_quarter:
        # a range wholly before the first record: nothing is known of it, so no figure, and the summary says why
        # (its zeros read 指出问题0个, as if nothing had happened)
        unknown = {"zh": "无记录", "en": "no records"}[case.lang]
        assert {cards[card.label] for card in report.kpis} == {("—", unknown)}
        if case.lang == "zh":
            first = "{}年第{}季度".format(*ledgers.first_quarter)
            assert any(f"在数据起始（{first}）之前，没有记录" in paragraph for paragraph in paragraphs)
    else:
        expected = _expected_counts(
            view,
            OVERVIEW_CARD_COUNTS,
            case.lang,
        ) | _expected_shares(view, [("rectification_rate", "issues_rectified", "issues")], case.lang)
        assert {card.key: cards[card.label] for card in report.kpis} == expected
        if case.lang == "zh":
            for expected_paragraph in _expected_summary_zh(view, case):
                assert expected_paragraph in paragraphs
    issue_ids = [re.match(r"WT\d{4}-\d{3}", cell) for row in rows for cell in row]
    listed = [match.group(0) for match in issue_ids if match]
    still_open = view.issues[~view.rectified_by(view.issues, view.as_of)].sort_values(["raised", "issue_id"])
    overdue = [issue for issue, _ in view.overdue_list()]
    assert sorted(listed) == sorted([*still_open["issue_id"][:40], *overdue[:40]])


CHECKS = [
    *_checks(),
    check_alert_strip,
    check_readings,
    check_since_last_quarter,
    check_chart_downloads,
    check_word_report,
]


def test_the_sweep_holds_every_kind_of_filter():
    assert len(SWEEP) == SWEEP_SIZE and len(CHECKS) >= 20
    assert any(c.units == () for c in SWEEP) and any(len(c.units) == 1 for c in SWEEP)
    assert any(c.end < (2019, 1) for c in SWEEP), "a range wholly before the first record"
    assert any(c.start < (2019, 1) <= c.end for c in SWEEP), "a range reaching before the first record"
    assert any(c.start > (2020, 4) and c.folder == "sample" for c in SWEEP), "a range after the data date"
    assert any(c.folder == "cut" and c.start <= (2020, 3) < c.end for c in SWEEP), "a range past the data date"
    assert any(c.start == c.end for c in SWEEP) and any(c.start[0] < c.end[0] for c in SWEEP)
    assert {c.lang for c in SWEEP} == {"zh", "en"}
    assert {c.folder for c in SWEEP} == set(FOLDERS)


def test_the_day_sweep_holds_every_kind_of_day():
    assert len(DAY_SWEEP) == DAY_SWEEP_SIZE and all(c.day is not None for c in DAY_SWEEP)
    days = [(c.day, Quarter(*c.end)) for c in DAY_SWEEP]
    assert any(day == quarter.first_day for day, quarter in days), "the last quarter's first day"
    assert any(day == quarter.last_day - timedelta(days=1) for day, quarter in days), "the day before its last"
    assert any(quarter.first_day < day < quarter.last_day - timedelta(days=1) for day, quarter in days), "a day inside"
    assert any(len(c.units) == 1 for c in DAY_SWEEP) and any(c.end[0] - c.start[0] >= 2 for c in DAY_SWEEP)
    assert any(c.folder == "sample" and c.end > (2020, 4) for c in DAY_SWEEP), "a range past the data date"
    assert any(c.day == date(2020, 2, 29) for c in DAY_SWEEP) and any(c.day == date(2021, 2, 28) for c in DAY_SWEEP)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> Worlds:
    return Worlds(tmp_path_factory.mktemp("worlds"))


@pytest.mark.slow
@pytest.mark.parametrize("case", [pytest.param(case, id=str(case)) for case in SWEEP])
def test_every_figure_of_a_random_filter(worlds, case):
    disagreements = []
    for check in CHECKS:
        try:
            check(worlds, case)
        except AssertionError as error:
            disagreements.append(f"{check.__module__}.{check.__name__}: {str(error)[:600]}")
    assert not disagreements, "\n".join(disagreements)


@pytest.mark.slow
@pytest.mark.parametrize("case", [pytest.param(case, id=str(case)) for case in DAY_SWEEP])
def test_every_figure_as_of_a_links_day(worlds, case):
    """Every figure of a link's day= view (各项数据截至所选日期…): the same checks, each with the day in its filter and
    in the oracle's view."""
    test_every_figure_of_a_random_filter(worlds, case)
