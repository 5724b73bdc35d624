"""Every card, chart value, table cell and summary figure against an independent pandas recomputation
(``tests/oracle.py``) over many filters: single quarters, ranges crossing years, ranges starting before the
records, ranges ending after the data date (a copy of the sample cut at 2020-08-14), the data date on the
calendar's edges (EDGE_DAYS; and 28 February 2021 against 29 February 2020), single units, random unit sets and
empty selections, in both languages; and the scale data set (504 units) for five filters.
``tests/test_definitions_pages.py`` checks the rest of every page over the same filters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from oversight import charts
from oversight.charts import catalog
from oversight.core import i18n
from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter
from oversight.devdata import scale
from oversight.present import kpis, summary, tables
from tests import oracle

SAMPLE = store.SAMPLE_DATA_DIR
CUT_DAY = date(2020, 8, 14)
# The scale generator's province (504 units, 2018Q1–2020Q4, data date 2020-12-31) at a size that builds and
# reads in a few seconds: 10,000 meetings, 500 issues and suggestions, 1,000 reminders and activities.
SCALE_MEETINGS = 10_000
ALL_UNITS = (
    "gov_office",
    "research",
    "offices_admin",
    "petitions",
    "counsellors",
    "foreign_affairs",
    "data_admin",
    "beijing_office",
    "chronicles",
)


@dataclass(frozen=True)
class Case:
    # "sample", "cut" (the sample as it stood on CUT_DAY), "cut:<day>" (as it stood on an edge of the calendar,
    # with that day the data date: EDGE_DAYS), "leap" (the sample run on to 28 February 2021) or "scale"
    folder: str
    units: tuple[str, ...]
    start: tuple[int, int]
    end: tuple[int, int]
    lang: str = "zh"
    day: date | None = None  # a link's day= (a day of the last quarter the figures are taken at): test_figure_sweep

    def __str__(self) -> str:
        units = "+".join(self.units) or "all"
        day = "" if self.day is None else f"-day{self.day}"
        return f"{self.folder}-{units}-{self.start[0]}Q{self.start[1]}-{self.end[0]}Q{self.end[1]}{day}-{self.lang}"

    @property
    def filter(self) -> Filter:
        """The filter as a link gives it (before the data date's cut-off)."""
        return Filter(self.units, Quarter(*self.start), Quarter(*self.end), day=self.day)


# The data date on the calendar's edges (README, 口径说明: every figure is taken at it): a quarter's first and last
# day, 31 December and 1 January, 29 February, and the days before, of and after a 整改期限 (WT2020-012's).
EDGE_DAYS = (
    date(2020, 7, 1),
    date(2020, 9, 30),
    date(2019, 12, 31),
    date(2020, 1, 1),
    date(2020, 2, 29),
    date(2020, 4, 18),
    date(2020, 4, 19),
    date(2020, 4, 20),
)
QUICK_EDGE_DAYS = (date(2020, 2, 29), date(2020, 4, 19))
SCALE_EMPTY_UNITS = ("changsha_health", "changsha_commerce")
QUICK_SCALE_CASE = Case("scale", (), (2020, 1), (2020, 4))
# a range starting on the data date (2020 Q3 to 1 July 2020, one day of data): compared with the same day a year
# earlier, not taken for a range starting after the data date (whose comparison is not made); make test-fast keeps it
STARTS_ON_THE_DATA_DATE = Case("cut:2020-07-01", (), (2020, 3), (2020, 3), "en")
BEFORE_THE_DATA = Case("scale", (), (2017, 3), (2018, 2), "en")


def _cases() -> list[Case]:
    cases = [Case("sample", (), (2020, 1), (2020, 4)), Case("sample", (), (2020, 1), (2020, 4), "en")]
    cases += [
        Case("sample", (), (year, q), (year, q), "zh" if q % 2 else "en") for year in (2019, 2020) for q in range(1, 5)
    ]
    cases += [
        Case("sample", (), start, end)
        for start, end in (
            ((2019, 1), (2020, 4)),
            ((2019, 3), (2020, 2)),
            ((2019, 2), (2019, 3)),
            ((2019, 1), (2019, 4)),
            ((2020, 2), (2020, 3)),
            ((2019, 4), (2020, 1)),
        )
    ]
    cases += [
        Case("sample", (unit,), (2020, 1), (2020, 4), "zh" if i % 2 else "en") for i, unit in enumerate(ALL_UNITS)
    ]
    picker = random.Random(20201231)
    quarters = [(y, q) for y in (2019, 2020) for q in range(1, 5)]
    for _ in range(10):
        units = tuple(sorted(picker.sample(ALL_UNITS, picker.randint(1, 4)), key=ALL_UNITS.index))
        start, end = sorted(picker.sample(quarters, 2))
        cases.append(Case("sample", units, start, end, picker.choice(["zh", "en"])))
    cases += [
        Case("cut", (), start, end, lang)
        for start, end, lang in (
            ((2020, 1), (2020, 4), "zh"),
            ((2020, 1), (2020, 4), "en"),
            ((2020, 3), (2020, 3), "zh"),
            ((2020, 4), (2020, 4), "zh"),
            ((2020, 1), (2020, 2), "en"),
            ((2019, 3), (2020, 3), "zh"),
            ((2019, 1), (2020, 4), "zh"),
        )
    ]
    cases += [
        Case("cut", ("petitions",), (2020, 1), (2020, 4)),
        Case("cut", ("gov_office", "research"), (2020, 3), (2020, 4), "en"),
    ]
    # each edge day as the data date: the year to it, and its quarter to it (2020-04-19: 2020年第2季度（截至4月19日）)
    for day in EDGE_DAYS:
        quarter = (day.year, (day.month - 1) // 3 + 1)
        cases += [Case(f"cut:{day}", (), (day.year, 1), (day.year, 4)), Case(f"cut:{day}", (), quarter, quarter, "en")]
    # to 28 February 2021 against to 29 February 2020 (the end of February both years), and a range across them
    cases += [
        Case("leap", (), (2021, 1), (2021, 1)),
        Case("leap", (), (2021, 1), (2021, 4), "en"),
        Case("leap", (), (2020, 1), (2021, 1)),
    ]
    cases += [
        QUICK_SCALE_CASE,  # the latest whole year
        Case("scale", ("changsha_finance",), (2019, 1), (2019, 4), "en"),  # one unit of 504
        Case("scale", (), (2018, 1), (2019, 2)),  # from the data's start: no year earlier to compare with
        BEFORE_THE_DATA,  # a range reaching before the data's start (the brief's --from accepts one)
        # two units with no record at all in 2020Q1 (a year earlier they had some): every figure empty
        Case("scale", SCALE_EMPTY_UNITS, (2020, 1), (2020, 1)),
    ]
    return cases


ALL_CASES = _cases()
# make test-fast keeps one of each kind (whole year, single quarters, ranges reaching before the data, cut data);
# the single units after the first two and the random mixes run in make test only.
_QUICK_UNITS = ALL_UNITS[:2]
CASES = [
    pytest.param(
        case,
        id=str(case),
        marks=pytest.mark.slow
        if len(case.units) > 1
        or (len(case.units) == 1 and case.folder == "sample" and case.units[0] not in _QUICK_UNITS)
        or (case.folder == "scale" and case != QUICK_SCALE_CASE)
        or (
            case.folder.startswith("cut:")
            and date.fromisoformat(case.folder[4:]) not in QUICK_EDGE_DAYS
            and case != STARTS_ON_THE_DATA_DATE
        )
        else (),
    )
    for case in ALL_CASES
]


def test_there_are_at_least_forty_filters_of_every_kind():
    assert len(ALL_CASES) >= 40
    assert any(c.folder == "cut" for c in ALL_CASES) and any(
        c.start < (2019, 3) and c.end >= (2020, 1) for c in ALL_CASES
    )
    assert any(len(c.units) == 1 for c in ALL_CASES) and any(c.lang == "en" for c in ALL_CASES)
    assert QUICK_SCALE_CASE in ALL_CASES and sum(c.folder == "scale" for c in ALL_CASES) >= 4
    assert STARTS_ON_THE_DATA_DATE in ALL_CASES


def test_the_scale_cases_are_what_they_say(worlds):
    _, span, ledgers = worlds["scale"]
    assert (span.first, span.last_day, len(ledgers.units)) == (Quarter(2018, 1), date(2020, 12, 31), 504)
    empty = oracle.View(ledgers, SCALE_EMPTY_UNITS, (2020, 1), (2020, 1))
    assert not any(value for key, value in empty.totals().items() if key != "median_days_to_rectify")
    assert empty.year_earlier() is not None and empty.year_earlier().totals()["meetings"] > 0


class Worlds(dict):
    """Per folder, built on first use: the app's DuckDB store and span, and the oracle's ledgers."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def __missing__(self, name: str):
        folder = self.folder(name)
        connection = store.open_folder(folder)
        world = (connection, queries.data_span(connection), oracle.read_ledgers(folder))
        self[name] = world
        return world

    def folder(self, name: str) -> Path:
        if name == "sample":
            return SAMPLE
        target = self.root / name.replace(":", "-") / "data"
        if not target.exists():
            if name == "cut":
                oracle.cut_copy(SAMPLE, target, CUT_DAY)
            elif name.startswith("cut:"):
                day = date.fromisoformat(name.removeprefix("cut:"))
                oracle.cut_copy(SAMPLE, target, day)
                oracle.recorded_on(target, day)
            elif name == "leap":
                oracle.leap_copy(SAMPLE, target)
            elif name == "scale":
                scale.write(target, SCALE_MEETINGS)
            else:
                raise KeyError(name)
        return target


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> Worlds:
    return Worlds(tmp_path_factory.mktemp("worlds"))


def _setup(worlds, case: Case):
    connection, span, ledgers = worlds[case.folder]
    filter_ = span.resolve(case.filter)
    view = oracle.View(ledgers, case.units, case.start, case.end, day=case.day)

    def run(name: str, f: Filter | None = None, **extra):
        return queries.run(connection, name, f or filter_, **extra)

    return filter_, span, view, run


def _year_on_year(run, span, filter_, name):
    earlier = span.year_earlier(filter_)
    return run(name).iloc[0], None if earlier is None else run(name, earlier).iloc[0]


def test_the_as_of_date_and_comparability_follow_the_definitions(worlds):
    for case in ALL_CASES:
        filter_, span, view, _ = _setup(worlds, case)
        assert filter_.as_of == view.as_of, case
        assert (span.year_earlier(filter_) is None) == (view.year_earlier() is None), case
        if view.year_earlier() is not None:  # to the same day a year earlier: 28 Feb 2021 is to 29 Feb 2020
            assert span.year_earlier(filter_).as_of == view.year_earlier().as_of, case


def test_the_edge_worlds_have_the_data_date_they_are_named_after(worlds):
    for day in EDGE_DAYS:
        _, span, ledgers = worlds[f"cut:{day}"]
        assert span.last_day == ledgers.data_date == day
    _, span, ledgers = worlds["leap"]
    assert span.last_day == ledgers.data_date == date(2021, 2, 28)
    assert oracle.year_before(date(2021, 2, 28)) == date(2020, 2, 29)


# ---------------------------------------------------------------- cards


def _expected_counts(
    view: oracle.View, keys_units: list[tuple[str, str, str]], lang: str
) -> dict[str, tuple[str, str]]:
    now, earlier = view.totals(), view.year_earlier()
    before = earlier.totals() if earlier else None
    return {
        card: (
            oracle.count_text(now[column], unit, lang),
            oracle.count_delta(now[column], before[column] if before else None, unit, lang),
        )
        for card, column, unit in keys_units
    }


def _expected_shares(view: oracle.View, keys: list[tuple[str, str, str]], lang: str) -> dict[str, tuple[str, str]]:
    now, earlier = view.totals(), view.year_earlier()
    before = earlier.totals() if earlier else None
    return {
        card: (
            oracle.share_text(now[part], now[whole]) or "—",
            oracle.share_delta((now[part], now[whole]), (before[part], before[whole]) if before else None, lang, whole),
        )
        for card, part, whole in keys
    }


def _shown(cards: list[kpis.Kpi]) -> dict[str, tuple[str, str]]:
    return {card.key: (card.display, card.delta) for card in cards}


# the Overview's cards that count: (card key, the view's column counted, the unit word), as the oracle reckons them
OVERVIEW_CARD_COUNTS = [
    ("units", "units_consulted", "units"),
    ("issues", "issues", "count"),
    ("suggestions", "suggestions", "items"),
    ("special_studies", "special_studies", "times"),
    ("meetings", "meetings", "meetings"),
]


@pytest.mark.parametrize("case", CASES)
def test_overview_cards(worlds, case):
    filter_, span, view, run = _setup(worlds, case)
    current, earlier = _year_on_year(run, span, filter_, "kpi_totals")
    shown = _shown(kpis.overview_kpis(current, earlier, case.lang, "—"))
    expected = _expected_counts(
        view,
        OVERVIEW_CARD_COUNTS,
        case.lang,
    )
    expected |= _expected_shares(view, [("rectification_rate", "issues_rectified", "issues")], case.lang)
    assert shown == expected


@pytest.mark.parametrize("case", CASES)
def test_issue_cards(worlds, case):
    filter_, span, view, run = _setup(worlds, case)
    current, earlier = _year_on_year(run, span, filter_, "rectification_summary")
    shown = _shown(kpis.issue_kpis(current, earlier, case.lang, "—"))
    expected = _expected_counts(
        view,
        [(key, key, "count") for key in ("issues", "due", "rectified", "late", "overdue", "not_yet_due")],
        case.lang,
    )
    expected |= _expected_shares(
        view, [("rectification_rate", "rectified", "issues"), ("on_time_rate", "on_time", "due")], case.lang
    )
    median = view.totals()["median_days_to_rectify"]

    def days(number) -> str:  # English says one day in the singular: 1 day, -1 day, 1.5 days (test_kpis)
        return "天" if case.lang == "zh" else " day" if abs(number) == 1 else " days"

    shown_median, change = shown.pop("median_days_to_rectify")
    # a median of whole days, written exactly (57.5天): the card's figure and its change give the year before's
    assert shown_median == (
        "—" if median is None else f"{oracle.half_up(median, 1).normalize():f}{days(oracle.half_up(median, 1))}"
    )
    year_before = view.year_earlier()
    before = None if year_before is None else year_before.totals()["median_days_to_rectify"]
    if median is None:
        # why there is none: no issue raised, or none of the period's issues rectified yet
        issues = view.totals()["issues"]
        assert change == oracle.NOTHING_TO_AVERAGE["days_of_no_issue" if not issues else "days"][case.lang == "en"]
    if median is not None and before is None and year_before is not None:
        # the year before is covered but has no median: it raised nothing, or rectified none of its issues
        raised_before = year_before.totals()["issues"]
        assert change == oracle.NOTHING_BEFORE["issues" if not raised_before else "rectified"][case.lang]
    if median is not None and before is not None:
        difference = oracle.half_up(median - before, 1)
        sign = "+" if difference > 0 else ""
        assert change == (
            i18n.t("kpi.unchanged", case.lang)
            if difference == 0
            else f"{sign}{difference.normalize():f}{days(difference)}"
        )
    assert shown == expected
    # the overdue card counts exactly the rows of the overdue table below it
    assert int(current["overdue"]) == len(run("overdue_issues")) == len(view.overdue_list())


@pytest.mark.parametrize("case", CASES)
def test_meeting_suggestion_and_reminder_cards(worlds, case):
    filter_, span, view, run = _setup(worlds, case)
    current, earlier = _year_on_year(run, span, filter_, "meeting_totals")
    shown = _shown(kpis.meeting_kpis(current, earlier, None, case.lang, "—", None))
    expected = _expected_counts(view, [("meetings", "meetings", "meetings")], case.lang)
    expected |= _expected_shares(
        view,
        [
            ("merged_share", "merged", "meetings"),
            ("prereviewed_share", "prereviewed", "meetings"),
            ("attended_share", "attended", "meetings"),
        ],
        case.lang,
    )
    for key in ("avg_duration", "total_hours"):
        shown.pop(key)
    assert shown == expected

    current, earlier = _year_on_year(run, span, filter_, "suggestion_totals")
    shown = _shown(kpis.suggestion_kpis(current, earlier, case.lang, "—"))
    expected = _expected_counts(view, [("suggestions", "suggestions", "items")], case.lang)
    expected |= _expected_shares(
        view,
        [
            ("adoption_rate", "adopted_or_implemented", "suggestions"),
            ("implementation_rate", "implemented", "suggestions"),
            ("linked_share", "linked", "suggestions"),
        ],
        case.lang,
    )
    assert shown == expected

    current, earlier = _year_on_year(run, span, filter_, "reminder_totals")
    shown = _shown(kpis.reminder_kpis(current, earlier, case.lang, "—"))
    expected = _expected_counts(
        view,
        [
            ("reminders", "reminders", "times"),
            ("consultations", "consultations", "times"),
            ("units", "units_consulted", "units"),
            ("special_studies", "special_studies", "times"),
            ("notifications", "notifications", "times"),
            ("secondments", "secondments", "times"),
        ],
        case.lang,
    )
    assert shown == expected


# ---------------------------------------------------------------- charts


def _none_if_missing(value):
    return None if pd.isna(value) else int(value)


@pytest.mark.parametrize("case", CASES)
def test_meetings_by_quarter_chart(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    frame = run("meetings_by_quarter")
    got = [
        {
            "quarter_key": int(row.quarter_key),
            "meetings": _none_if_missing(row.meetings),
            "prev_meetings": _none_if_missing(row.prev_meetings),
            "through_day": pd.Timestamp(row.through_day).date(),
        }
        for row in frame.itertuples()
    ]
    assert got == view.meetings_by_quarter()
    # each quarter's label says how far its figures run: a quarter the data date falls on the first day of runs to
    # that day (截至7月1日), not 尚无数据
    assert charts.quarter_labels(frame, case.lang) == [
        oracle.quarter_label((row["quarter_key"] // 10, row["quarter_key"] % 10), row["through_day"], case.lang)
        for row in got
    ]
    figure = charts.make_meetings_by_quarter_figure(frame, case.lang)
    labels = [a.text for a in figure.layout.annotations]
    expected = []
    rows = view.meetings_by_quarter()
    some_compared = any(row["prev_meetings"] is not None for row in rows)
    # a range holding a quarter's year earlier itself (two years side by side) compares within itself: no note
    keys = {row["quarter_key"] for row in rows}
    within = any(key - 10 in keys for key in keys)
    if not some_compared and not within and any(row["meetings"] is not None for row in rows):
        expected.append({"zh": "上年同期无可比数据", "en": "No comparable data a year earlier"}[case.lang])
    by_key = {row["quarter_key"]: row["meetings"] for row in rows}
    digits = 1 if len(rows) <= 8 else 0  # beyond eight quarters the changes lose their decimal, for room
    for row in rows:
        earlier = row["prev_meetings"]
        # no year-earlier figure from the query: the range's own bar a year earlier, for a whole quarter
        whole = row["through_day"] == oracle.quarter_last(row["quarter_key"] // 10, row["quarter_key"] % 10)
        if earlier is None and whole:
            earlier = by_key.get(row["quarter_key"] - 10)
        if earlier and row["meetings"] is not None:
            change = oracle.half_up(oracle.percent(row["meetings"] - earlier, earlier), digits)
            expected.append(f"{'+' if change > 0 else ''}{change}%")
        elif earlier is None and row["meetings"] is not None and some_compared:
            expected.append({"zh": "无可比", "en": "n/a"}[case.lang])
    if not some_compared and any(label.endswith("%") for label in expected):
        # no grey bar beside the changes (two years compare within themselves): a note says what they are against
        expected.append(
            {"zh": "百分比：较上年同期增减", "en": "%: change on the same quarter a year earlier"}[case.lang]
        )
    assert labels == expected
    assert "nan" not in str(figure.to_plotly_json()).lower().replace("nan'", "")  # no "NaN" label anywhere
    for trace in figure.data:
        assert all("nan" not in str(text).lower() for text in (trace.text or ()))


@pytest.mark.parametrize("case", CASES)
def test_by_unit_and_breakdown_charts(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    by_unit = run("issues_suggestions_by_unit").set_index("unit_id")
    assert {u: int(by_unit.loc[u, "issues"]) for u in by_unit.index} == view.per_unit(view.issues)
    assert {u: int(by_unit.loc[u, "suggestions"]) for u in by_unit.index} == view.per_unit(view.suggestions)

    status = run("issues_by_unit_status").set_index("unit_id")
    issues = view.issues.assign(at=view.status_at(view.issues, view.as_of))
    for code in ("open", "in_progress", "rectified"):
        assert {u: int(status.loc[u, code]) for u in status.index} == view.per_unit(issues[issues["at"] == code]), code
    # the bars' order: most issues first, ties by unit id, a unit with none last (not ranked as if it had one)
    raised = view.per_unit(view.issues)
    assert {u: int(status.loc[u, "issues"]) for u in status.index} == raised
    assert list(status.index) == sorted(raised, key=lambda unit: (-raised[unit], unit))

    forms = run("reminders_by_form").set_index("form")["reminders"].to_dict()
    expected_forms = view.reminders.groupby("form").size().to_dict()
    assert {k: int(v) for k, v in forms.items() if v} == expected_forms

    per_quarter = run("reminders_by_quarter_form")
    assert int(per_quarter["reminders"].fillna(0).sum()) == len(view.reminders)
    activities = run("activities_by_quarter")
    for kind in ("consultation", "special_study", "notification", "secondment"):
        assert int(activities[kind].fillna(0).sum()) == int((view.activities["kind"] == kind).sum()), kind
    heatmap = run("meetings_by_unit_quarter")
    assert int(heatmap["meetings"].fillna(0).sum()) == len(view.meetings)
    # a quarter after the data date is unknown (no value), never a row of zeros
    after = [q for q in view.quarters() if oracle.quarter_first(*q) > view.as_of]
    assert heatmap.loc[heatmap["quarter_key"].isin([y * 10 + q for y, q in after]), "meetings"].isna().all()

    figure = catalog.make_meeting_heatmap_figure(heatmap, case.lang) if not heatmap.empty else None
    if figure is not None:
        assert all("nan" not in str(cell).lower() for row in figure.data[0].text for cell in row)


# ---------------------------------------------------------------- tables


@pytest.mark.parametrize("case", CASES)
def test_issue_tables(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    overdue = run("overdue_issues")
    assert list(zip(overdue["issue_id"], overdue["days_overdue"].astype(int))) == view.overdue_list()

    in_view = run("issues_in_view")
    got = {
        row.issue_id: (
            row.status_at_end,
            None if pd.isna(row.rectified_date) else pd.Timestamp(row.rectified_date).date(),
        )
        for row in in_view.itertuples()
    }
    assert got == view.issue_rows()
    # status, rectified date and days in one row are as of the same day
    shown = tables.present(in_view, tables.ISSUE_COLUMNS, case.lang)
    assert (
        shown[tables.i18n.t("column.status", case.lang)]
        .isin([tables.i18n.code_label(c, case.lang) for c in ("open", "in_progress", "rectified")])
        .all()
    )


@pytest.mark.parametrize("case", CASES)
def test_meeting_reduction_table(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    frame = run("meeting_reduction_by_unit").set_index("unit_id")
    for unit, (now, before) in view.unit_meeting_change().items():
        row = frame.loc[unit]
        assert int(row["meetings"]) == now, unit
        assert _none_if_missing(row["prev_meetings"]) == before, unit
        assert _none_if_missing(row["change"]) == (None if before is None else now - before), unit
    shown = tables.present(frame.reset_index(), tables.MEETING_REDUCTION_COLUMNS, case.lang)
    no_comparison = oracle.NO_COMPARISON[case.lang]
    compared = [tables.i18n.t(c.header_key, case.lang) for c in tables.MEETING_REDUCTION_COLUMNS if c.compares]
    if view.year_earlier() is None:
        # no column of 无可比数据 only: the comparison's columns are left out, and the title says why
        assert not set(compared) & set(shown.columns) and len(shown.columns) == 5 + ("Unit (full name)" in shown)
    else:
        assert not (shown[tables.i18n.t("column.prev_meetings", case.lang)] == no_comparison).any()


# ---------------------------------------------------------------- the written summary


@pytest.mark.parametrize("case", CASES)
def test_the_line_under_the_caption_says_what_the_figures_run_to(worlds, case):
    filter_, span, view, _ = _setup(worlds, case)
    # a range starting on the data date runs to it (one day of data), not "starts after the data date"
    assert summary.to_date_note(filter_, case.lang, span.year_earlier(filter_) is not None) == view.as_of_note(
        case.lang
    )


@pytest.mark.parametrize("case", CASES)
def test_summary_sentences(worlds, case):
    filter_, _, view, run = _setup(worlds, case)
    text = " ".join(summary.written_summary(lambda name, f: run(name, f), case.filter, case.lang))
    now = view.totals()
    earlier = view.year_earlier()
    if now["meetings"]:
        if case.lang == "en":  # one unit is "the unit", not "the units"
            assert ("On meetings, the unit held" in text) == (len(case.units) == 1), text
        if earlier is None and view.year_earlier_begins_before_the_data():
            year, quarter = view.ledgers.first_quarter
            assert (
                f"上年同期始于数据起始（{year}年第{quarter}季度）之前，不作比较"
                if case.lang == "zh"
                else f"not compared with the same span a year earlier, which begins before the data start ({year} Q{quarter})"
            ) in text
        elif earlier is None:
            assert ("上年同期无可比数据" if case.lang == "zh" else "no comparable data a year earlier") in text
        else:
            before = earlier.totals()["meetings"]
            if before:
                change = oracle.half_up(oracle.percent(abs(now["meetings"] - before), before), 1)
                # in the meetings paragraph: 整改率0.0% before it is no change of the meetings' count
                meetings = text[text.index("会议监督方面" if case.lang == "zh" else "On meetings") :]
                assert (f"{change}%" in meetings) == (change != 0), text
    if now["issues"]:
        rate = oracle.half_up(oracle.percent(now["issues_rectified"], now["issues"]), 1)
        assert f"{rate}%" in text
        day = view.as_of
        assert (f"{day.year}年{day.month}月{day.day}日" if case.lang == "zh" else f"{day.day} ") in text


# ---------------------------------------------------------------- the cases the issue names


def _case_run(worlds, folder, start, end, units=()):
    return _setup(worlds, Case(folder, units, start, end))


def test_a_range_before_the_first_records_is_not_compared(worlds):
    filter_, span, view, run = _case_run(worlds, "sample", (2019, 1), (2020, 4))
    current, earlier = _year_on_year(run, span, filter_, "kpi_totals")
    cards = {c.key: c for c in kpis.overview_kpis(current, earlier, "zh", "2018")}
    assert cards["meetings"].display == "573次" and cards["meetings"].delta == "无可比数据"
    assert cards["special_studies"].delta == "无可比数据" and cards["meetings"].delta_arrow == "off"
    # the 2019 bars are drawn once, as this range's own bars, not again as "a year earlier"
    frame = run("meetings_by_quarter")
    assert frame["prev_meetings"].isna().all()
    figure = charts.make_meetings_by_quarter_figure(frame, "zh")
    # and no note says there is no year earlier: 2020's is the 2019 the chart draws beside it, and each 2020 bar
    # carries its change against it (87 → 60: -31.0%)
    assert len(figure.data) == 1
    by_quarter = dict(zip(frame["quarter_key"], frame["meetings"]))
    assert [note.text for note in figure.layout.annotations] == [
        *(
            f"{oracle.half_up(oracle.percent(by_quarter[key] - by_quarter[key - 10], by_quarter[key - 10]), 1)}%"
            for key in (20201, 20202, 20203, 20204)
        ),
        "百分比：较上年同期增减",  # what those percentages are, with no grey bar beside them to say so
    ]
    # the average length beside it: no legend entry for a year-earlier line that is not drawn, no note either
    durations = next(spec for spec in catalog.all_charts() if spec.key == "meeting_duration_by_quarter")
    frame = run(durations.query)
    assert frame["prev_avg_duration_min"].isna().all() and frame["avg_duration_min"].notna().all()
    for lang in ("zh", "en"):
        figure = durations.build(frame, lang)
        assert [trace.name for trace in figure.data] == [i18n.t("series.avg_duration", lang)]
        assert list(figure.layout.annotations) == []


def test_a_range_partly_before_the_records_is_not_compared_but_its_quarters_are(worlds):
    filter_, span, view, run = _case_run(worlds, "sample", (2019, 3), (2020, 2))
    assert span.year_earlier(filter_) is None
    frame = run("meetings_by_quarter")
    # 2020Q1–Q2 against 2019Q1–Q2: 109 against 164 (−33.5%), quarter by quarter on the chart
    assert frame["meetings"].iloc[2:].sum() == 109 and frame["prev_meetings"].iloc[2:].sum() == 164
    assert frame["prev_meetings"].iloc[:2].isna().all()
    # 2019Q3–Q4 have no year-earlier bar: each says 无可比 where the others show their change
    notes = [note.text for note in charts.make_meetings_by_quarter_figure(frame, "zh").layout.annotations]
    assert notes[:2] == ["无可比", "无可比"] and all(note.endswith("%") for note in notes[2:]) and len(notes) == 4


def test_the_span_before_a_first_quarter_is_not_compared(worlds):
    filter_, span, view, run = _case_run(worlds, "sample", (2019, 2), (2019, 3))
    assert span.span_before(filter_) is None  # 2018Q4–2019Q1 is partly before the records
    line = kpis.span_change_line(run("meeting_totals").iloc[0], None, "zh", "2018年第4季度至2019年第1季度")
    assert line.startswith("环比无可比数据")


def test_the_reduction_table_says_no_comparable_data_for_2019(worlds):
    filter_, span, view, run = _case_run(worlds, "sample", (2019, 1), (2019, 1))
    frame = run("meeting_reduction_by_unit")
    assert tables.meeting_ranking(frame)[0] == "table.meeting_reduction_uncompared"  # the title says so
    shown = tables.present(frame, tables.MEETING_REDUCTION_COLUMNS, "zh")
    assert list(shown.columns) == ["单位", "会议数量", "平均时长（分钟）", "合并召开", "议题提前报送审核"]


def test_a_year_to_date_is_taken_at_the_data_date_and_compared_with_the_same_dates(worlds):
    filter_, span, view, run = _case_run(worlds, "cut", (2020, 1), (2020, 4))
    assert span.last_day == CUT_DAY and filter_.as_of == CUT_DAY and filter_.is_to_date
    summary_row = run("rectification_summary").iloc[0]
    assert int(summary_row["overdue"]) == 3  # three deadlines had passed on 14 August, not eight
    overdue = run("overdue_issues")
    # nothing due after the data date is overdue (items due in October are not "53–73 days overdue")
    assert (pd.to_datetime(overdue["due_date"]).dt.date < CUT_DAY).all() and (overdue["days_overdue"] > 0).all()
    current, earlier = _year_on_year(run, span, filter_, "kpi_totals")
    assert earlier is not None
    change = kpis.percent_change(current["meetings"], earlier["meetings"])
    assert str(kpis.round_half_up(change, 1)) == "-34.0"  # year to date against the same dates of 2019
    frame = run("meetings_by_quarter")
    labels = charts.quarter_labels(frame, "zh")
    assert labels[2] == "2020年第3季度（截至8月14日）" and labels[3] == "2020年第4季度（尚无数据）"
    assert pd.isna(frame["meetings"].iloc[3])


def test_the_overdue_card_and_table_agree_for_a_quarter(worlds):
    filter_, span, view, run = _case_run(worlds, "sample", (2020, 3), (2020, 3))
    summary_row = run("rectification_summary").iloc[0]
    assert int(summary_row["overdue"]) == len(run("overdue_issues"))
    # every issue of the period is exactly one of: rectified, overdue, not yet due, or due today and open
    issues = view.issues
    due_today_open = int(((issues["due"] == view.as_of) & ~view.rectified_by(issues, view.as_of)).sum())
    assert (
        int(summary_row["issues"])
        == int(summary_row["rectified"])
        + int(summary_row["overdue_raised"])
        + int(summary_row["not_yet_due"])
        + due_today_open
    )
    # issues not yet due are not failures: 按期整改率 counts only the due ones
    assert int(summary_row["not_yet_due"]) > 0 and int(summary_row["due"]) < int(summary_row["issues"])


def test_status_and_dates_of_an_issue_row_are_as_of_one_day(worlds):
    filter_, span, view, run = _case_run(worlds, "sample", (2020, 3), (2020, 3))
    row = run("issues_in_view").set_index("issue_id").loc["WT2020-025"]
    assert row["status_at_end"] == "in_progress" and pd.isna(row["rectified_date"]) and pd.isna(row["days_to_rectify"])


def test_late_rectifications_have_a_figure(worlds):
    filter_, span, view, run = _case_run(worlds, "sample", (2019, 1), (2020, 4))
    row = run("rectification_summary").iloc[0]
    totals = view.totals()
    assert int(row["late"]) == totals["late"] > 0
    assert int(row["rectified"]) == int(row["on_time"]) + int(row["late"]) + int(
        (
            (view.issues["due"] > view.as_of)
            & view.rectified_by(view.issues, view.as_of)
            & (view.issues["rectified"].map(lambda d: d or date.max) <= view.issues["due"])
        ).sum()
    )


def test_rounding_is_half_up_once_everywhere(worlds):
    from oversight.core.numbers import fixed, signed

    assert fixed(73.25, 1) == "73.3" and fixed(31.25, 1) == "31.3" and fixed(121.25, 1) == "121.3"
    assert fixed(115.46, 0) == "115" and signed(-0.04, 1, "%") == "0.0%" and signed(-81.25, 1, "%") == "-81.3%"
    filter_, span, view, run = _case_run(worlds, "sample", (2020, 1), (2020, 4))
    frame = run("meetings_by_quarter")
    figure = catalog.make_meeting_duration_figure(frame, "zh")
    now = next(trace for trace in figure.data if not trace.line.dash or trace.line.dash == "solid")
    assert list(now.y)[0] == 73.3  # 73.25 minutes in 2020Q1, rounded half up
    previous = next(trace for trace in figure.data if trace.line.dash == "dash")
    # 115.46, rounded once, to the tenth the cards and readings write (a slide's 70 beside its reading's 69.5分钟)
    assert list(previous.text)[0] == "115.5" and list(now.text)[0] == "73.3"


def test_zero_counts_have_no_nan_label(worlds):
    filter_, span, view, run = _case_run(worlds, "sample", (2020, 1), (2020, 2))
    figure = charts.make_issues_suggestions_by_unit_figure(run("issues_suggestions_by_unit"), "zh")
    for trace in figure.data:
        assert all(text == "" or text.isdigit() for text in trace.text), trace.text


def test_donut_shares_are_the_apps_own_and_the_centre_says_what_it_counts(worlds):
    filter_, span, view, run = _case_run(worlds, "sample", (2020, 1), (2020, 4))
    figure = charts.make_reminders_by_form_figure(run("reminders_by_form"), "zh")
    total = sum(figure.data[0].values)
    assert total == 42
    # the slice carries its share, the legend its name, count and share (all the app's own, half up)
    for text, label, value in zip(figure.data[0].text, figure.data[0].labels, figure.data[0].values):
        share = f"{oracle.half_up(oracle.percent(value, total), 1)}%"
        assert text == share
        assert label.endswith(f"{value}（{share}）") and not label.endswith(
            f" {value}（{share}）"
        )  # 书面提醒15（35.7%）
    assert figure.layout.annotations[0].text == "日常提醒总数<br><b>42次</b>"


def test_every_card_is_defined_in_the_readme_and_has_a_one_line_help():
    from oversight.core import i18n

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    definitions = readme.split("## 口径说明", 1)[1].split("\n## ", 1)[0]
    row = {
        "units_consulted": 9,
        "issues": 16,
        "issues_rectified": 9,
        "suggestions": 19,
        "special_studies": 17,
        "meetings": 232,
        "avg_duration_min": 74.0,
        "total_minutes": 17000,
        "merged": 1,
        "prereviewed": 1,
        "attended": 1,
        "due": 10,
        "rectified": 9,
        "on_time": 5,
        "late": 4,
        "overdue": 6,
        "not_yet_due": 1,
        "median_days_to_rectify": 60,
        "adopted_or_implemented": 3,
        "implemented": 1,
        "linked": 2,
        "reminders": 42,
        "consultations": 11,
        "notifications": 13,
        "secondments": 5,
    }
    cards = (
        kpis.overview_kpis(row, row, "zh", "x")
        + kpis.meeting_kpis(row, row, row, "zh", "x", "y")
        + kpis.issue_kpis(row, row, "zh", "x")
        + kpis.suggestion_kpis(row, row, "zh", "x")
        + kpis.reminder_kpis(row, row, "zh", "x")
    )
    for card in cards:
        assert card.label in definitions, card.label
        assert "\n" not in card.help and card.help.startswith(i18n.t(f"kpi.def.{card.key}", "zh")), card.key
