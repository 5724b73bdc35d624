"""The alert rules against expectations recomputed with pandas from the ledgers, on the sample data and on
hand-made cases (due today, due tomorrow, rectified late, a unit never consulted, meetings rising)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from oversight import alerts
from oversight.alerts import digest_text
from oversight.alerts.configuration import Rules
from oversight.auth import unit_scope
from oversight.data import store
from oversight.data.filters import same_day_years_earlier
from oversight.ingest import checked_folder

EVERYTHING = unit_scope.Scope.everything()


# ---------------------------------------------------------------- independent expectations (pandas only)


def _not_rectified_by(issues: pd.DataFrame, day: date) -> pd.Series:
    return issues["rectified_date"].isna() | (issues["rectified_date"] > day)


def _raised_by(issues: pd.DataFrame, day: date) -> pd.Series:
    """An issue raised after D was not there at D: no alert of D names it."""
    return issues["date_raised"] <= day


def expected_overdue(frames, day: date) -> set[str]:
    issues = frames["issues"]
    late = (issues["due_date"] < day) & _not_rectified_by(issues, day) & _raised_by(issues, day)
    return set(issues.loc[late, "issue_id"])


def expected_due_soon(frames, day: date, days: int) -> set[str]:
    issues = frames["issues"]
    window = (issues["due_date"] >= day) & (issues["due_date"] <= day + timedelta(days=days))
    return set(issues.loc[window & _not_rectified_by(issues, day) & _raised_by(issues, day), "issue_id"])


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _record_dates(frames) -> list[date]:
    """Every recorded day (the data date is the latest; a due date is a deadline, not a record)."""
    columns = (
        ("meetings", "date"),
        ("issues", "date_raised"),
        ("issues", "rectified_date"),
        ("suggestions", "date_made"),
        ("reminders", "date"),
        ("activities", "date"),
    )
    return [d for t, c in columns for d in frames[t][c] if d is not None and not pd.isna(d)]


def _quarter_without_records(frames, day: date) -> bool:
    """D's quarter began after the data date: the quarter rules have nothing to judge (README, 口径说明)."""
    return max(_record_dates(frames)) < date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def expected_not_consulted(frames, day: date) -> set[str]:
    if _quarter_without_records(frames, day):
        return set()
    activities = frames["activities"]
    # as of D: a consultation later in D's quarter has not happened yet
    consulted = {
        row.unit
        for row in activities.itertuples()
        if row.kind == "consultation" and _quarter(row.date) == _quarter(day) and row.date <= day
    }
    return set(frames["units"]["unit_id"]) - consulted


def expected_rising(frames, day: date, min_increase: int = 1) -> dict[str, tuple[int, int]]:
    first = min(
        min(frames[t][c])
        for t, c in (
            ("meetings", "date"),
            ("issues", "date_raised"),
            ("suggestions", "date_made"),
            ("reminders", "date"),
            ("activities", "date"),
        )
    )
    year, quarter = _quarter(day)
    if (year - 1, quarter) < _quarter(first) or _quarter_without_records(frames, day):
        return {}
    meetings = frames["meetings"]
    # D's quarter to D against the same quarter a year earlier to the same day; the end of February is the end of
    # February both years (README, 口径说明, 同比)
    if day.month == 2 and (day + timedelta(days=1)).month == 3:
        same_day = date(day.year - 1, 3, 1) - timedelta(days=1)
    else:
        same_day = day.replace(year=day.year - 1)
    now = meetings[[_quarter(d) == (year, quarter) and d <= day for d in meetings["date"]]].groupby("unit").size()
    then = (
        meetings[[_quarter(d) == (year - 1, quarter) and d <= same_day for d in meetings["date"]]]
        .groupby("unit")
        .size()
    )
    result = {}
    for unit in frames["units"]["unit_id"]:
        current, earlier = int(now.get(unit, 0)), int(then.get(unit, 0))
        if current - earlier >= min_increase:
            result[unit] = (current, earlier)
    return result


def _ids(digest: alerts.Digest, rule: str) -> set[str]:
    return {item.issue_id if item.issue_id else item.unit_id for item in digest.items if item.rule == rule}


def _digest(connection, day: date, rules: Rules = alerts.DEFAULT_RULES, scope=EVERYTHING, units=()) -> alerts.Digest:
    return alerts.collect_alerts(alerts.scoped_runner(connection, scope), day, rules, units)


# ---------------------------------------------------------------- the sample data

SAMPLE_DAYS = [
    date(2019, 3, 31),
    date(2019, 6, 30),
    date(2020, 2, 17),
    date(2020, 5, 31),
    date(2020, 11, 8),
    date(2020, 12, 31),
    date(2021, 3, 16),
]


@pytest.mark.parametrize("day", SAMPLE_DAYS, ids=str)
@pytest.mark.parametrize("days", [0, 1, 30, 90])
def test_issue_rules_on_the_sample_match_pandas(frames, connection, day, days):
    digest = _digest(connection, day, Rules(due_within_days=days))
    assert _ids(digest, "overdue") == expected_overdue(frames, day)
    assert _ids(digest, "due_soon") == expected_due_soon(frames, day, days)


@pytest.mark.parametrize("day", SAMPLE_DAYS, ids=str)
def test_unit_rules_on_the_sample_match_pandas(frames, connection, day):
    digest = _digest(connection, day)
    assert _ids(digest, "no_consultation") == expected_not_consulted(frames, day)
    rising = {
        item.unit_id: (item.facts["meetings"], item.facts["prev_meetings"])
        for item in digest.items
        if item.rule == "meetings_rising"
    }
    assert rising == expected_rising(frames, day)


def test_sample_figures_on_the_last_day_of_2020(frames, connection):
    digest = _digest(connection, date(2020, 12, 31))
    # six 2020 issues were still open at the year's end and past their due date
    assert sorted(_ids(digest, "overdue")) == [
        "WT2020-012",
        "WT2020-013",
        "WT2020-014",
        "WT2020-021",
        "WT2020-022",
        "WT2020-024",
    ]
    assert digest.counts() == {"overdue": 6, "due_soon": 0, "no_consultation": 8, "meetings_rising": 0}
    assert _ids(digest, "no_consultation") == set(frames["units"]["unit_id"]) - {"petitions"}  # 19 Dec 2020
    overdue = {item.issue_id: item.facts["days_overdue"] for item in digest.items if item.rule == "overdue"}
    assert overdue["WT2020-012"] == (date(2020, 12, 31) - date(2020, 4, 19)).days == 256


def test_rules_can_be_switched_off(connection):
    digest = _digest(connection, date(2020, 12, 31), Rules(overdue=False, no_consultation=False))
    assert {item.rule for item in digest.items} <= {"due_soon", "meetings_rising"}
    assert set(digest.counts()) == {"due_soon", "meetings_rising"}


# ---------------------------------------------------------------- hand-made cases

D = date(2020, 11, 8)


def _issue(
    issue_id: str,
    due: date | None,
    rectified: date | None = None,
    unit: str = "research",
    raised: date = date(2020, 9, 1),
) -> dict:
    return {
        "issue_id": issue_id,
        "unit": unit,
        "date_raised": raised,
        "source": "daily",
        "category": "conduct",
        "description": f"测试问题 {issue_id}",
        "status": "rectified" if rectified else "in_progress",
        "due_date": due,
        "rectified_date": rectified,
    }


def _with_rows(frames, table: str, rows: list[dict]) -> dict:
    changed = dict(frames)
    changed[table] = pd.concat([frames[table], pd.DataFrame(rows)], ignore_index=True)
    return changed


@pytest.fixture(scope="module")
def made(frames):
    """The sample plus: issues due today, tomorrow, yesterday; rectified late, on time, never due; a new unit."""
    cases = [
        _issue("T-TODAY", D),
        _issue("T-TOMORROW", D + timedelta(days=1)),
        _issue("T-YESTERDAY", D - timedelta(days=1)),
        _issue("T-LATE", D - timedelta(days=10), rectified=D + timedelta(days=5)),  # rectified after its due date
        _issue("T-ONTIME", D - timedelta(days=10), rectified=D - timedelta(days=20)),
        _issue("T-RECT-TODAY", D - timedelta(days=3), rectified=D),  # rectified on D itself: not overdue at D
        _issue("T-NODUE", None),
        _issue("T-OLD", date(2019, 6, 1), raised=date(2019, 1, 5)),  # raised long before the period: still overdue
        _issue("T-DAY31", D + timedelta(days=31)),
    ]
    changed = _with_rows(frames, "issues", cases)
    changed = _with_rows(
        changed,
        "units",
        [
            {
                "unit_id": "new_unit",
                "name_zh": "新设单位",
                "name_en": "New unit",
                "short_names": None,
                "party_org": "党组",
            }
        ],
    )
    return changed, store.connect(changed)


def test_due_today_is_due_soon_not_overdue(made):
    frames, connection = made
    digest = _digest(connection, D, Rules(due_within_days=0))
    assert "T-TODAY" in _ids(digest, "due_soon") and "T-TODAY" not in _ids(digest, "overdue")
    assert "T-TOMORROW" not in _ids(digest, "due_soon")  # outside a zero-day window
    today = next(item for item in digest.items if item.issue_id == "T-TODAY")
    assert today.facts["days_left"] == 0
    assert _ids(digest, "due_soon") == expected_due_soon(frames, D, 0)


def test_due_on_the_digests_day_is_due_today_only_on_that_day(made, monkeypatch):
    """A digest for 8 November 2020 read in a later year said of an issue due that day "（…，今天到期）" / "due today",
    and its counts "今天到期1项", under a heading of 截至2020年11月8日: today was years later. "Today" and "this
    quarter" are said only on the team's day (Beijing) in that day and quarter; on any other, the day and the quarter
    are named."""
    from datetime import datetime

    from oversight import config

    frames, connection = made
    digest = _digest(connection, D, Rules(due_within_days=0))
    today = next(item for item in digest.items if item.issue_id == "T-TODAY")
    monkeypatch.setattr(config, "team_now", lambda: datetime(2026, 12, 5, 9, 0, tzinfo=config.TEAM_TIME_ZONE))
    zh, en = (digest_text.item_text(today, lang) for lang in ("zh", "en"))
    assert zh.endswith("（作风建设，2020年11月8日到期）") and "今天" not in zh, zh
    assert en.endswith(" (Conduct; due 8 November 2020)") and "today" not in en, en
    due = len(expected_due_soon(frames, D, 0))  # T-TODAY and the sample's WT2020-022, from the frames
    counts = {lang: digest_text.counts_line(digest, lang) for lang in ("zh", "en")}
    assert f" · 2020年11月8日到期{due}项 · 2020年第4季度（截至11月8日）未会商" in counts["zh"], counts
    assert f" · {due} due on 8 November 2020 · " in counts["en"] and "today" not in counts["en"], counts
    # on the day itself (07:00 in Beijing, still the 7th in UTC), today
    monkeypatch.setattr(
        config,
        "team_now",
        lambda: datetime(2020, 11, 7, 23, 0, tzinfo=ZoneInfo("UTC")).astimezone(config.TEAM_TIME_ZONE),
    )
    zh, en = (digest_text.item_text(today, lang) for lang in ("zh", "en"))
    assert zh.endswith("（作风建设，今天到期）") and en.endswith(" (Conduct; due today)")
    assert f" · 今天到期{due}项 · " in digest_text.counts_line(digest, "zh")
    assert f" · {due} due today · " in digest_text.counts_line(digest, "en")


def test_this_quarter_is_said_only_in_that_quarter(monkeypatch):
    """ "本季度未会商8家" in a digest for 31 December 2020 read in 2026: this quarter was 2026年第4季度. The quarter
    whole is named outside itself, and called 本季度 / this quarter within it. The count recomputed from the sheets."""
    from datetime import datetime

    from oversight import config
    from tests import oracle

    ledgers = oracle.read_ledgers(store.SAMPLE_DATA_DIR)
    activities = ledgers.activities
    in_q4 = (activities["date"] >= date(2020, 10, 1)) & (activities["date"] <= date(2020, 12, 31))
    consulted = set(activities.loc[(activities["kind"] == "consultation") & in_q4, "unit"])
    missing = len(set(ledgers.units["unit_id"]) - consulted)
    digest = _digest(store.connect(checked_folder.read_folder(store.SAMPLE_DATA_DIR)), date(2020, 12, 31))
    monkeypatch.setattr(config, "team_now", lambda: datetime(2026, 12, 5, 9, 0, tzinfo=config.TEAM_TIME_ZONE))
    zh, en = (digest_text.counts_line(digest, lang) for lang in ("zh", "en"))
    assert f"2020年第4季度未会商{missing}家" in zh and "本季度" not in zh, zh
    assert f"{missing} units not consulted in 2020 Q4" in en and "this quarter" not in en, en
    monkeypatch.setattr(config, "team_now", lambda: datetime(2021, 1, 5, 9, 0, tzinfo=config.TEAM_TIME_ZONE))
    assert f"2020年第4季度未会商{missing}家" in digest_text.counts_line(digest, "zh")
    monkeypatch.setattr(config, "team_now", lambda: datetime(2020, 12, 31, 18, 0, tzinfo=config.TEAM_TIME_ZONE))
    zh, en = (digest_text.counts_line(digest, lang) for lang in ("zh", "en"))
    assert f"本季度未会商{missing}家" in zh and f"{missing} units not consulted this quarter" in en


def test_due_tomorrow_needs_a_window_of_one_day(made):
    frames, connection = made
    digest = _digest(connection, D, Rules(due_within_days=1))
    assert {"T-TODAY", "T-TOMORROW"} <= _ids(digest, "due_soon")
    tomorrow = next(item for item in digest.items if item.issue_id == "T-TOMORROW")
    assert tomorrow.facts["days_left"] == 1 and "1 day left" in digest_text.item_text(tomorrow, "en")
    assert "T-DAY31" not in _ids(_digest(connection, D, Rules(due_within_days=30)), "due_soon")
    assert "T-DAY31" in _ids(_digest(connection, D, Rules(due_within_days=31)), "due_soon")


def test_an_issue_raised_after_the_day_is_not_due_soon_on_it(frames):
    """A ten-day deadline (shorter than the sample's 90 days) on an issue raised the day after D: D's digest, or the
    strip of a view taken at D, does not name it as due soon; from the day it is raised it is."""
    raised = D + timedelta(days=1)
    changed = _with_rows(frames, "issues", [_issue("T-NOT-YET", D + timedelta(days=10), raised=raised)])
    connection = store.connect(changed)
    assert _ids(_digest(connection, D), "due_soon") == expected_due_soon(changed, D, 30)
    assert "T-NOT-YET" not in expected_due_soon(changed, D, 30)
    assert "T-NOT-YET" in expected_due_soon(changed, raised, 30)
    assert _ids(_digest(connection, raised), "due_soon") == expected_due_soon(changed, raised, 30)


def test_overdue_counts_from_the_day_after_the_due_date(made):
    frames, connection = made
    digest = _digest(connection, D)
    overdue = {item.issue_id: item.facts["days_overdue"] for item in digest.items if item.rule == "overdue"}
    assert overdue["T-YESTERDAY"] == 1
    assert "T-OLD" in overdue  # whatever the date raised
    assert "T-NODUE" not in overdue and "T-ONTIME" not in overdue and "T-RECT-TODAY" not in overdue
    assert set(overdue) == expected_overdue(frames, D)


def test_rectified_late_is_overdue_until_the_day_it_was_rectified(made):
    frames, connection = made
    rectified = D + timedelta(days=5)
    for day, overdue in (
        (D, True),
        (rectified - timedelta(days=1), True),
        (rectified, False),
        (rectified + timedelta(days=1), False),
    ):
        assert ("T-LATE" in _ids(_digest(connection, day), "overdue")) is overdue, day
        assert ("T-LATE" in expected_overdue(frames, day)) is overdue


def test_a_unit_never_consulted_is_named_with_no_last_date(made):
    frames, connection = made
    digest = _digest(connection, D)
    item = next(item for item in digest.items if item.rule == "no_consultation" and item.unit_id == "new_unit")
    assert item.facts["last_consultation"] is None
    # no consultation on record: none since the data start, not "never" (before it nothing is known)
    assert "从未" not in digest_text.item_text(item, "zh", data_start=date(2019, 1, 5))
    assert "自2019年第1季度数据起始以来无会商记录" in digest_text.item_text(item, "zh", data_start=date(2019, 1, 5))
    assert _ids(digest, "no_consultation") == expected_not_consulted(frames, D)
    # a unit consulted in the quarter of the as-of date is not named
    assert "petitions" not in _ids(_digest(connection, date(2020, 12, 31)), "no_consultation")


def _meeting(meeting_id: str, unit: str, day: date) -> dict:
    return {
        "meeting_id": meeting_id,
        "unit": unit,
        "date": day,
        "kind": "office",
        "duration_min": 60,
        "agenda_items": 2,
        "agenda_prereviewed": True,
        "attended_by_team": False,
        "merged": False,
        "notes": None,
    }


def test_meetings_rising_against_the_same_quarter_a_year_earlier(frames):
    extra = [_meeting(f"T-M{n:02d}", "counsellors", date(2020, 10, 1) + timedelta(days=n)) for n in range(40)]
    changed = _with_rows(frames, "meetings", extra)
    connection = store.connect(changed)
    expected = expected_rising(changed, D)
    assert "counsellors" in expected
    digest = _digest(connection, D)
    rising = {
        item.unit_id: (item.facts["meetings"], item.facts["prev_meetings"])
        for item in digest.items
        if item.rule == "meetings_rising"
    }
    assert rising == expected
    item = next(item for item in digest.items if item.rule == "meetings_rising")
    assert (
        item.facts["quarter"] == "2020Q4"
        and item.facts["increase"] == expected["counsellors"][0] - expected["counsellors"][1]
    )
    # a threshold above the increase silences it
    high = Rules(min_increase=item.facts["increase"] + 1)
    assert not [i for i in _digest(connection, D, high).items if i.rule == "meetings_rising"]


def test_meetings_rising_names_the_days_it_counts_in_both_quarters(frames):
    """Records to 8 Nov 2020: 2020 Q4 to 8 Nov against 2019 Q4 to 8 Nov. The digest says so for both quarters (it
    read "2019年第4季度 N 次", which the dashboard's 2019 Q4, counted whole, contradicts)."""
    extra = [_meeting(f"T-M{n:02d}", "counsellors", date(2020, 10, 1) + timedelta(days=n)) for n in range(30)]
    changed = _with_rows(frames, "meetings", extra)
    changed["meetings"] = changed["meetings"][changed["meetings"]["date"] <= D]
    for table, column in (
        ("issues", "date_raised"),
        ("suggestions", "date_made"),
        ("reminders", "date"),
        ("activities", "date"),
    ):
        changed[table] = changed[table][changed[table][column] <= D]
    changed["issues"] = changed["issues"].assign(
        rectified_date=[r if r is not None and r <= D else None for r in changed["issues"]["rectified_date"]],
        status=[
            s if r is not None and r <= D or s != "rectified" else "in_progress"
            for s, r in zip(changed["issues"]["status"], changed["issues"]["rectified_date"])
        ],
    )
    digest = _digest(store.connect(changed), date(2020, 12, 31))
    assert digest.quarter_counted_to == D
    meetings, prev = expected_rising(changed, D)["counsellors"]
    text = digest_text.render_text(digest, "zh")
    assert f"2020年第4季度（截至11月8日）召开会议{meetings}次，2019年第4季度（截至11月8日）为{prev}次" in text
    english = digest_text.render_markdown(digest, "en")
    assert f"{meetings} meetings in 2020 Q4 (to 8 November) against {prev} in 2019 Q4 (to 8 November)" in english


def test_the_end_of_february_is_compared_with_the_end_of_february(frames):
    """As of 28 Feb 2021 a year earlier is 29 Feb 2020, the month's end both years: a meeting on 29 Feb 2020 counts."""
    assert same_day_years_earlier(date(2021, 2, 28)) == date(2020, 2, 29)
    assert same_day_years_earlier(date(2020, 2, 29)) == date(2019, 2, 28)
    assert same_day_years_earlier(date(2021, 2, 27)) == date(2020, 2, 27)
    leap = [_meeting("T-LEAP", "counsellors", date(2020, 2, 29))]
    more = [_meeting(f"T-N{n}", "counsellors", date(2021, 2, 28) - timedelta(days=4 * n)) for n in range(12)]
    changed = _with_rows(_with_rows(frames, "meetings", leap), "meetings", more)
    day = date(2021, 2, 28)
    digest = _digest(store.connect(changed), day)
    rising = {
        i.unit_id: (i.facts["meetings"], i.facts["prev_meetings"]) for i in digest.items if i.rule == "meetings_rising"
    }
    assert rising["counsellors"] == expected_rising(changed, day)["counsellors"]
    counted_then = sum(
        1
        for m in changed["meetings"].itertuples()
        if m.unit == "counsellors" and date(2020, 1, 1) <= m.date <= date(2020, 2, 29)
    )
    assert rising["counsellors"][1] == counted_then


def test_no_comparison_before_the_data_begins_unless_any_ledger_reaches_back(frames):
    # 2019 Q4 against 2018 Q4: the sample begins in January 2019, so there is nothing to compare with
    day = date(2019, 11, 15)
    assert not [i for i in _digest(store.connect(frames), day).items if i.rule == "meetings_rising"]
    assert expected_rising(frames, day) == {}
    # one reminder dated 2018 Q4 means the data covers that quarter: every unit with meetings is now "up" from 0
    reminder = {
        "reminder_id": "T-R1",
        "unit": "research",
        "date": date(2018, 10, 15),
        "form": "written",
        "subject": "测试",
    }
    changed = _with_rows(frames, "reminders", [reminder])
    digest = _digest(store.connect(changed), day)
    rising = {
        item.unit_id: (item.facts["meetings"], item.facts["prev_meetings"])
        for item in digest.items
        if item.rule == "meetings_rising"
    }
    assert rising == expected_rising(changed, day) and rising
    assert all(prev == 0 for _, prev in rising.values())


# ---------------------------------------------------------------- scope


def test_a_unit_scope_sees_only_its_units_alerts(connection):
    scope = unit_scope.Scope(("gov_office",))
    digest = _digest(connection, D, scope=scope)
    assert {item.unit_id for item in digest.items} == {"gov_office"}
    assert digest.unit_order == ("gov_office",)
    # asking for another unit cannot widen the scope: it selects nothing
    assert _digest(connection, D, scope=scope, units=("research",)).items == ()


def test_units_narrow_an_unrestricted_digest(frames, connection):
    digest = _digest(connection, date(2020, 12, 31), units=("research", "petitions"))
    assert {item.unit_id for item in digest.items} == {"research", "petitions"}
    assert _ids(digest, "overdue") == {"WT2020-013", "WT2020-014"}
    assert _ids(digest, "no_consultation") == {"research"}  # petitions was consulted on 19 December


# ---------------------------------------------------------------- text and JSON


def test_text_groups_by_unit_the_worst_first(connection):
    digest = _digest(connection, D)
    text = digest_text.render_text(digest, "zh")
    assert text.startswith("派驻监督预警摘要\n截至2020年11月8日（2020年第4季度）\n")
    # as of 8 November: petitions' consultation of 19 December has not happened yet; Q4 to 8 November has more
    # meetings than Q4 2019 to 8 November at two units
    assert "逾期未整改5项 · 30天内到期1项 · 2020年第4季度（截至11月8日）未会商9家 · 会议同比增多2家" in text
    units = [unit for unit, _ in digest.by_unit()]
    assert units == sorted(units, key=lambda unit: alerts.worst_first([i for i in digest.items if i.unit_id == unit]))
    # two issues overdue before one (tests/test_digest_worst_first.py recounts the order with pandas)
    assert text.index("省政府办公厅（gov_office）") < text.index("省政府研究室（research）")
    assert (
        "  - 逾期：WT2020-021 重大事项决策前论证不充分，决策程序不够规范（决策程序，整改期限2020年11月7日，已逾期1天）"
        in text
    )
    english = digest_text.render_text(digest, "en")
    assert "5 overdue · 1 due within 30 days · 9 units not consulted in 2020 Q4 (to 8 November)" in english


def test_json_is_plain_data_and_its_fingerprint_follows_the_content(connection):
    import json

    digest = _digest(connection, D)
    data = json.loads(json.dumps(digest.as_dict()))
    assert data["as_of"] == "2020-11-08" and data["quarter"] == "2020Q4"
    assert data["counts"] == {"overdue": 5, "due_soon": 1, "no_consultation": 9, "meetings_rising": 2}
    first = data["units"][0]
    assert first["unit_id"] == "gov_office" and first["alerts"][0]["due_date"] == "2020-10-19"
    assert digest.fingerprint() == _digest(connection, D).fingerprint()
    assert digest.fingerprint() != _digest(connection, D + timedelta(days=1)).fingerprint()


def test_markdown_escapes_ledger_text_and_keeps_within_the_robot_budget(frames):
    hostile = _issue("T-MD", D - timedelta(days=2), unit="research")
    hostile["description"] = '**粗体** [链接](http://x) <font color="warning">红</font>\n# 标题'
    connection = store.connect(_with_rows(frames, "issues", [hostile]))
    digest = _digest(connection, D)
    markdown = digest_text.render_markdown(digest, "zh")
    line = next(line for line in markdown.splitlines() if "T-MD" in line)
    assert "\\*\\*粗体\\*\\*" in line and "\\[链接\\](h\u2060ttp://x)" in line
    assert "<font" not in line and "＜font" in line and "\n# 标题" not in markdown
    # an entity would be decoded into the tag or character it names; the ampersand reads the same full-width
    hostile["description"] = "R&D 经费 &lt;font color=&quot;warning&quot;&gt;"
    hostile["issue_id"] = "T&lt;*MD*&gt;"
    markdown = digest_text.render_markdown(_digest(store.connect(_with_rows(frames, "issues", [hostile])), D), "zh")
    line = next(line for line in markdown.splitlines() if "R＆D" in line)
    assert "&" not in line and "T＆lt;\\*MD\\*＆gt;" in line and "R＆D 经费 ＆lt;font color=＆quot;" in line
    small = digest_text.render_markdown(digest, "zh", max_bytes=700)
    assert len(small.encode("utf-8")) <= 700
    assert small.rstrip().endswith("请在看板中查看。")


def test_alerts_for_a_scope_uses_the_settings_files_rules(connection, tmp_path, monkeypatch):
    """The call the Overview's 预警 strip makes: a scope, an as-of date, the configured thresholds."""
    settings = tmp_path / "alerts.toml"
    settings.write_text("[rules.due_soon]\ndays = 0\n[rules.no_consultation]\nenabled = false\n", encoding="utf-8")
    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(settings))
    digest = alerts.alerts_for(connection, unit_scope.Scope(("data_admin",)), D)
    assert [(item.rule, item.issue_id) for item in digest.items] == [("due_soon", "WT2020-022")]
    assert digest.counts() == {"overdue": 0, "due_soon": 1, "meetings_rising": 0}


def test_only_quarter_rules_left_unjudged_say_so_and_not_that_none_is_enabled(connection):
    from oversight.alerts import digest_text

    quarter_only = Rules(overdue=False, due_soon=False)
    digest = _digest(connection, date(2021, 1, 5), quarter_only)  # the sample's records stop on 2020-12-31
    assert digest.not_judged == ("no_consultation", "meetings_rising") and digest.counts() == {}
    text = digest_text.render_text(digest, "zh")
    assert "未启用任何预警规则" not in text
    assert text.startswith(
        "派驻监督预警摘要\n截至2021年1月5日（2021年第1季度）：逾期、到期天数算至该日；整改状态按台账记录，"
        "数据截至2020年12月31日\n"
        "2021年第1季度尚无记录，未判断：未会商、会议增多\n"
    )
    assert "No alert rule is enabled" not in digest_text.render_markdown(digest, "en")
    nothing = Rules(overdue=False, due_soon=False, no_consultation=False, meetings_rising=False)
    assert "未启用任何预警规则" in digest_text.render_text(_digest(connection, date(2020, 11, 8), nothing), "zh")


def test_quarter_rules_count_to_the_data_date_where_the_records_stop_inside_the_quarter():
    """Records to 2021-01-02, a digest on 2021-02-01: the quarter's rules count it to 2 January (会议增多 then
    compares the same two days a year earlier); the issue rules take the digest's own day."""
    asked: dict[str, date] = {}

    def run_query(name, **params):
        if name == "data_span":
            return pd.DataFrame([{"first_day": pd.Timestamp(2019, 1, 1), "last_day": pd.Timestamp(2021, 1, 2)}])
        if name == "units":
            return pd.DataFrame({"unit_id": []})
        asked[name] = params["as_of"]
        return pd.DataFrame(columns=["unit_id", "name_zh", "name_en"])

    digest = alerts.collect_alerts(run_query, date(2021, 2, 1))
    assert digest.not_judged == () and digest.data_date == date(2021, 1, 2)
    assert asked == {
        "alert_overdue_issues": date(2021, 2, 1),
        "alert_due_soon_issues": date(2021, 2, 1),
        "alert_units_without_consultation": date(2021, 1, 2),
        "alert_meetings_rising": date(2021, 1, 2),
    }


def test_a_unit_with_many_alerts_is_cut_inside_and_every_unit_after_it_is_still_named(frames):
    """Sixty-four overdue issues of the first unit (rev-d #1): the message named no unit at all, only
    "另有9家单位的77条预警"."""
    many = [
        _issue(f"WT2020-{n}", date(2020, 6, 30), unit="gov_office", raised=date(2020, 3, 1)) for n in range(100, 164)
    ]
    digest = _digest(store.connect(_with_rows(frames, "issues", many)), D)
    groups = digest.by_unit()
    assert groups[0][0] == "gov_office" and len(groups[0][1]) > 60
    markdown = digest_text.render_markdown(digest, "zh")
    lines = markdown.splitlines()
    assert len(markdown.encode("utf-8")) <= digest_text.ROBOT_MAX_BYTES
    named = [line for line in lines if line.startswith("**")]
    assert named == [f"**{items[0].unit_name('zh')}**" for _unit, items in groups]  # every unit, in order
    shown = sum(line.startswith("- **") for line in lines)
    more = [int(n) for n in re.findall(r"该单位另有(\d+)条预警", markdown)]
    assert more and more[0] == len(groups[0][1]) - sum(line.startswith("- **") and "WT2020-1" in line for line in lines)
    assert shown + sum(more) == len(digest.items)
    assert "家单位的" not in markdown  # no unit was left out whole: the closing count would say it twice


def test_units_that_do_not_fit_even_by_name_are_counted_exactly_in_the_last_line(frames):
    many = [_issue(f"WT2020-{n}", date(2020, 6, 30), unit="gov_office") for n in range(100, 164)]
    digest = _digest(store.connect(_with_rows(frames, "issues", many)), D)
    groups = digest.by_unit()
    for budget, lang in ((700, "zh"), (900, "en")):
        markdown = digest_text.render_markdown(digest, lang, max_bytes=budget)
        assert len(markdown.encode("utf-8")) <= budget
        lines = markdown.splitlines()
        named = sum(line.startswith("**") for line in lines)
        assert 1 <= named < len(groups)
        left_out = groups[named:]
        closing = (
            f"……另有{len(left_out)}家单位的{sum(len(items) for _u, items in left_out)}条预警，请在看板中查看。"
            if lang == "zh"
            else f"… and {sum(len(items) for _u, items in left_out)} more alerts for {len(left_out)} more units: "
            "see the dashboard."
        )
        assert lines[-1] == closing
        pattern = r"该单位(?:另)?有(\d+)条预警" if lang == "zh" else r"(\d+) (?:more )?alerts? for this unit"
        counted = sum(int(n) for n in re.findall(pattern, markdown))
        shown = sum(line.startswith("- **") for line in lines)
        assert shown + counted == sum(len(items) for _u, items in groups[:named])


def test_one_meeting_against_none_a_year_earlier_is_one_meeting_in_english():
    """A unit that held one meeting where it held none a year before read "1 meetings in 2020 Q4 against 0"."""
    from oversight.alerts import AlertItem
    from oversight.alerts.digest_text import item_text

    def rising(meetings: int, prev: int) -> AlertItem:
        facts = {"quarter": "2020Q4", "meetings": meetings, "prev_meetings": prev, "increase": meetings - prev}
        return AlertItem("meetings_rising", "research", "省政府研究室", "Research Office", facts=facts)

    assert item_text(rising(1, 0), "en") == "1 meeting in 2020 Q4 against 0 in 2019 Q4, 1 more"
    assert item_text(rising(3, 1), "en") == "3 meetings in 2020 Q4 against 1 in 2019 Q4, 2 more"
    assert item_text(rising(1, 0), "zh") == "2020年第4季度召开会议1次，2019年第4季度为0次，增加1次"


def test_a_line_break_in_a_description_cannot_forge_a_heading_or_an_alert_in_the_text_digest():
    """An attack review: a description "…\\n省政府研究室（research）\\n  - 逾期：WT2020-777 …" put a second unit's heading
    and a made-up alert in a unit account's terminal digest and e-mail, with the unit's real alerts under it."""
    from oversight.alerts import DEFAULT_RULES, AlertItem, Digest
    from oversight.alerts.digest_text import render_text

    forged = "第一行正常描述\n省政府研究室（research）\n  - 逾期：WT2020-777 伪造的一条预警"
    item = AlertItem(
        "overdue",
        "gov_office",
        "省政府办公厅",
        "General Office",
        issue_id="WT2020-905",
        facts={"description": forged, "due_date": "2020-07-05", "days_overdue": 126, "category": "conduct"},
    )
    text = render_text(Digest(date(2020, 11, 8), DEFAULT_RULES, (item,), ("gov_office",)), "zh")
    lines = text.splitlines()
    assert "省政府研究室（research）" not in lines and not any(
        line.startswith("  - 逾期：WT2020-777") for line in lines
    )
    (alert,) = [line for line in lines if line.startswith("  - ")]
    assert "第一行正常描述 省政府研究室（research） - 逾期：WT2020-777 伪造的一条预警" in alert


# ---------------------------------------------------------------- 未会商 in words, recomputed from the spreadsheets


@pytest.mark.parametrize(
    ("day", "units"),
    [
        (date(2019, 2, 1), ()),  # the data start's own quarter: nobody's consultation before it is known
        (date(2019, 3, 31), ("research", "counsellors")),
        (date(2019, 6, 30), ()),
        (date(2020, 7, 1), ()),  # counsellors: none on record in the six quarters before
        (date(2020, 11, 8), ("gov_office", "chronicles")),
    ],
)
def test_a_unit_without_consultation_is_named_with_its_last_one_or_none_since_the_data_start(connection, day, units):
    """Every 未会商 line of the text and the robots' digest, recomputed with pandas from the spreadsheets: the last
    consultation before the quarter where there is one, and otherwise "none on record since the data start" — never
    "此前从未会商" / "never consulted", which claimed what the ledgers, starting in 2019 Q1, cannot know."""
    from tests import oracle

    ledgers = oracle.read_ledgers(store.SAMPLE_DATA_DIR)
    quarter = (day.year, (day.month - 1) // 3 + 1)
    start = oracle.quarter_first(*quarter)
    consultations = ledgers.activities[ledgers.activities["kind"] == "consultation"]
    in_quarter = set(consultations.loc[(consultations["date"] >= start) & (consultations["date"] <= day), "unit"])
    before = consultations[consultations["date"] < start].groupby("unit")["date"].max().to_dict()
    scope = list(units) or list(ledgers.units["unit_id"])
    first = ledgers.first_quarter
    expected_zh, expected_en = {}, {}
    for unit in (u for u in scope if u not in in_quarter):
        last = before.get(unit)
        # in English the day counted to and the note after it are one bracket: "2020 Q3 (to 14 August; last one …)"
        zh_quarter, en_quarter = f"{quarter[0]}年第{quarter[1]}季度", f"{quarter[0]} Q{quarter[1]} ("
        if day < oracle.quarter_last(*quarter):  # a quarter not over is named with the day counted to
            zh_quarter += f"（截至{day.month}月{day.day}日）"
            en_quarter += f"to {day.day} {day.strftime('%B')}; "
        if last is None:
            expected_zh[unit] = f"{zh_quarter}未开展定期会商（自{first[0]}年第{first[1]}季度数据起始以来无会商记录）"
            expected_en[unit] = (
                f"no regular consultation in {en_quarter}none on record since the data start, {first[0]} Q{first[1]})"
            )
        else:
            expected_zh[unit] = f"{zh_quarter}未开展定期会商（上次会商{last.year}年{last.month}月{last.day}日）"
            expected_en[unit] = f"no regular consultation in {en_quarter}last one {last.day} {last:%B} {last.year})"
    assert expected_zh, "each case has a unit without consultation"
    digest = _digest(connection, day, units=units)
    for lang, expected in (("zh", expected_zh), ("en", expected_en)):
        said = {
            item.unit_id: digest_text.item_text(
                item, lang, data_start=digest.data_start, counted_to=digest.quarter_counted_to
            )
            for item in digest.items
            if item.rule == "no_consultation"
        }
        assert said == expected, lang
        text, markdown = digest_text.render_text(digest, lang), digest_text.render_markdown(digest, lang)
        for line in expected.values():
            assert line in text and line in markdown
        assert "从未" not in text + markdown and "never" not in text + markdown


def test_the_count_line_names_the_days_counted_where_the_records_stop_inside_the_quarter(tmp_path):
    """Ledgers to 14 August, a digest on 20 September: the count line said "本季度未会商 N 家", read aloud as the quarter
    to 20 September (or whole), while the items below it said 2020年第3季度（截至8月14日）. It names the same span."""
    from tests import oracle

    folder = tmp_path / "data"
    oracle.cut_copy(store.SAMPLE_DATA_DIR, folder, date(2020, 8, 14))
    ledgers = oracle.read_ledgers(folder)
    activities = ledgers.activities
    consulted = set(
        activities.loc[
            (activities["kind"] == "consultation")
            & (activities["date"] >= date(2020, 7, 1))
            & (activities["date"] <= date(2020, 8, 14)),
            "unit",
        ]
    )
    missing = len(set(ledgers.units["unit_id"]) - consulted)
    assert 0 < missing < len(ledgers.units)
    digest = _digest(store.connect(checked_folder.read_folder(folder)), date(2020, 9, 20))
    zh, en = (digest_text.counts_line(digest, lang) for lang in ("zh", "en"))
    assert f"2020年第3季度（截至8月14日）未会商{missing}家" in zh and "本季度" not in zh
    assert f"{missing} units not consulted in 2020 Q3 (to 14 August)" in en and "this quarter" not in en
    # where the records reach the digest's day, that day is named all the same: the quarter is not over
    to_date = _digest(store.connect(checked_folder.read_folder(folder)), date(2020, 8, 14))
    assert f"2020年第3季度（截至8月14日）未会商{missing}家" in digest_text.counts_line(to_date, "zh")
    # a quarter's last day counts the quarter whole: named alone (本季度 only within it: see the test below)
    whole = _digest(store.connect(checked_folder.read_folder(store.SAMPLE_DATA_DIR)), date(2020, 9, 30))
    assert "2020年第3季度未会商" in digest_text.counts_line(whole, "zh")


def test_rule_names_inside_an_english_sentence_are_not_capitalised(frames):
    """ "No records yet for 2021 Q1, so not judged: Not consulted, More meetings": a rule's name that starts a line is
    capitalised; inside a sentence it is not (Chinese unchanged)."""
    digest = _digest(store.connect(frames), date(2021, 2, 1))
    assert digest_text.not_judged_lines(digest, "en") == [
        "No records yet for 2021 Q1, so not judged: not consulted, more meetings"
    ]
    assert digest_text.not_judged_lines(digest, "zh") == ["2021年第1季度尚无记录，未判断：未会商、会议增多"]
    assert "  - Overdue: " in digest_text.render_text(digest, "en")  # at a line's start it stays a heading


def test_a_digest_of_many_chosen_units_counts_them_in_the_robots_scope_line(frames):
    """A digest of 300 chosen units (``--unit`` for a city's bureaus in the scale folder) named every one of them in
    the robots' scope line: 企业微信 got 4096 bytes of names cut mid-name ("Hengyang Letters an…") and not one count,
    钉钉9,617 bytes. The e-mail, which has room, still names them all."""
    extra = [
        {"unit_id": f"u{n:03d}", "name_zh": f"测试市第{n}局", "name_en": f"Test City Bureau {n}", "party_org": "党组"}
        for n in range(300)
    ]
    frames = _with_rows(frames, "units", extra)
    chosen = tuple(frames["units"]["unit_id"])
    digest = _digest(store.connect(frames), D, units=chosen)
    counts = digest.counts()
    for lang, scope, counted in (
        (
            "zh",
            f"监督范围：所选{len(chosen)}家单位（单位较多，名单见邮件或看板）",
            f"逾期未整改**{counts['overdue']}**项",
        ),
        (
            "en",
            f"Scope: {len(chosen)} selected units (too many to name here: see the e-mail or the dashboard)",
            f"**{counts['overdue']}** overdue",
        ),
    ):
        markdown = digest_text.render_markdown(digest, lang)
        assert len(markdown.encode("utf-8")) <= digest_text.ROBOT_MAX_BYTES
        lines = markdown.splitlines()
        assert lines[2] == scope and counted in markdown
        assert "测试市第299局" in digest_text.render_text(digest, "zh")  # the e-mail's body names every unit


def test_links_and_addresses_typed_into_a_ledger_are_not_live_in_the_mailed_digest(frames):
    """The robots' message kept a description's address from becoming a link; the e-mail, plain text, carried it as
    typed, and Outlook, Foxmail and webmail made "http://evil.cn/login", "www.evil.cn" and "a@b.cn" live links in
    the leader's inbox, as if the team sent them."""
    from oversight import push
    from oversight.alerts.configuration import Channel

    hostile = _issue("T-LINK", D - timedelta(days=2), unit="research")
    hostile["description"] = "详见 http://evil.cn/login、HTTPS://x.cn、www.evil.cn，联系 a@b.cn"
    digest = _digest(store.connect(_with_rows(frames, "issues", [hostile])), D)
    text = digest_text.render_text(digest, "zh")
    message = push.Message("alerts", digest_text.subject(digest, "zh"), "", text)
    channel = Channel("邮件", "email", host="127.0.0.1", port=25, sender="o@example.gov.cn", to=("z@example.gov.cn",))
    body = push.email_message(channel, message).get_body(("plain",)).get_content()
    line = next(line for line in body.splitlines() if "T-LINK" in line)
    for live in ("http://", "HTTPS://", "www.", "a@b.cn"):
        assert live not in line, live
    # what the leader reads is the same characters, with an invisible word joiner inside each trigger
    assert line.replace("\u2060", "") == next(line for line in text.splitlines() if "T-LINK" in line)
