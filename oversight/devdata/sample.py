"""The deterministic sample data: 9 units, 2019 Q1 – 2020 Q4, written as the office would keep it.

``python -m oversight sample --out data`` regenerates ``data/``. The figures
the source article reports for 2020 are built in by construction (16 issues,
19 suggestions, 17 special studies, consultations with all 9 units), and the
meeting-reduction story is asserted before anything is written.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from oversight.contract.schema import (
    CATEGORIES,
    ISSUE_SOURCES,
    MEETING_KINDS,
    REMINDER_FORMS,
    SUGGESTION_STATUSES,
    TABLES,
)
from oversight.ingest import workbook

SEED = 2020
YEARS = (2019, 2020)
AS_OF = date(2020, 12, 31)


@dataclass(frozen=True)
class SampleUnit:
    unit_id: str
    name_zh: str
    short_name: str
    name_en: str
    party_org: str
    short_name_en: str
    issues: dict[int, int]  # year -> issues raised
    suggestions: dict[int, int]
    special_studies: dict[int, int]
    consultations: dict[int, int]


UNITS = (
    SampleUnit(
        "gov_office",
        "省政府办公厅",
        "办公厅",
        "General Office of the Provincial Government",
        "党组",
        "General Office",
        {2019: 2, 2020: 3},
        {2019: 2, 2020: 3},
        {2019: 2, 2020: 3},
        {2019: 1, 2020: 2},
    ),
    SampleUnit(
        "research",
        "省政府研究室",
        "研究室",
        "Research Office of the Provincial Government",
        "党组",
        "Research Office",
        {2019: 1, 2020: 1},
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 1},
    ),
    SampleUnit(
        "offices_admin",
        "省机关事务管理局",
        "机关事务局",
        "Provincial Government Offices Administration",
        "党组",
        "Offices Admin.",
        {2019: 2, 2020: 2},
        {2019: 2, 2020: 2},
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 1},
    ),
    SampleUnit(
        "petitions",
        "省信访局",
        "信访局",
        "Provincial Bureau of Letters and Calls",
        "党组",
        "Petitions Bureau",
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 2},
    ),
    SampleUnit(
        "counsellors",
        "省政府参事室",
        "参事室",
        "Counsellors' Office of the Provincial Government",
        "党组",
        "Counsellors' Office",
        {2019: 0, 2020: 1},
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 1},
        {2019: 0, 2020: 1},
    ),
    SampleUnit(
        "foreign_affairs",
        "省人民政府外事办公室",
        "外办",
        "Foreign Affairs Office of the Provincial Government",
        "党组",
        "Foreign Affairs",
        {2019: 1, 2020: 2},
        {2019: 2, 2020: 2},
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 1},
    ),
    SampleUnit(
        "data_admin",
        "省政务服务和大数据管理局",
        "大数据局",
        "Provincial Government Services and Big Data Administration",
        "党组",
        "Big Data Admin.",
        {2019: 2, 2020: 2},
        {2019: 2, 2020: 2},
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 1},
    ),
    SampleUnit(
        "beijing_office",
        "省人民政府驻北京办事处",
        "驻京办",
        "Beijing Office of the Provincial Government",
        "党委",
        "Beijing Office",
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 1},
    ),
    SampleUnit(
        "chronicles",
        "省地方志编纂委员会办公室",
        "地方志办",
        "Office of the Provincial Local Chronicles Compilation Committee",
        "党组",
        "Local Chronicles",
        {2019: 1, 2020: 1},
        {2019: 1, 2020: 2},
        {2019: 1, 2020: 1},
        {2019: 0, 2020: 1},
    ),
)

ISSUE_TEXT = {
    "primary_responsibility": [
        "党组研究全面从严治党工作次数偏少，主体责任落实不够到位",
        "对下属单位管党治党督促指导不够有力",
    ],
    "conduct": ["文件简报数量偏多，文风会风有待改进", "调研活动陪同人员偏多，作风建设仍需加强"],
    "integrity": ["公务接待审批把关不严，存在廉洁风险隐患", "政府采购内控制度执行不到位，廉洁风险防控存在薄弱环节"],
    "decision_procedure": ["重大事项决策前论证不充分，决策程序不够规范", "部分议题未经充分酝酿即提交党组会议研究"],
    "democratic_centralism": [
        "党组会议讨论时个别成员发表意见不充分，民主集中制执行不到位",
        "“三重一大”事项集体决策记录不完整",
    ],
    "meeting_discipline": ["会议数量偏多、时间偏长，同类会议未合并召开", "会议议题未按要求提前报送审核"],
    "other": ["干部教育管理存在薄弱环节", "档案管理不规范"],
}
SUGGESTION_TEXT = {
    "primary_responsibility": "建议党组定期专题研究全面从严治党工作，压实主体责任",
    "conduct": "建议持续精简文件简报，切实改进文风会风",
    "integrity": "建议完善公务接待和采购内控制度，加强廉洁风险防控",
    "decision_procedure": "建议健全重大事项决策前调研论证机制，规范决策程序",
    "democratic_centralism": "建议严格执行民主集中制，完善集体决策记录",
    "meeting_discipline": "建议合并召开内容相同或相近的会议，缩减会议时间",
    "other": "建议加强干部日常教育管理监督",
}
REMINDER_TEXT = [
    "落实中央八项规定精神",
    "节假日期间廉洁自律",
    "廉洁风险防控",
    "问题线索处置",
    "作风建设",
    "选人用人工作",
]


def _quarter_dates(rng: random.Random, year: int, quarter: int, count: int) -> list[date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    span = (end - start).days
    return sorted(start + timedelta(days=rng.randrange(span)) for _ in range(count))


def _year_dates(rng: random.Random, year: int, count: int, last: date | None = None) -> list[date]:
    start, end = date(year, 1, 6), min(last or date(year, 12, 20), date(year, 12, 20))
    return sorted(start + timedelta(days=rng.randrange((end - start).days)) for _ in range(count))


def _chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


def make_units() -> pd.DataFrame:
    return pd.DataFrame(
        [(u.unit_id, u.name_zh, u.name_en, u.short_name, u.party_org, u.short_name_en) for u in UNITS],
        columns=[c.name for c in TABLES["units"].columns],
    )


def make_meetings(rng: random.Random) -> pd.DataFrame:
    """Fewer, shorter, more often merged and pre-reviewed meetings in 2020 than in the same quarter of 2019."""
    kinds = list(MEETING_KINDS)
    rows = []
    for index, unit in enumerate(UNITS):
        base = 6 + (index * 3) % 5
        for quarter in range(1, 5):
            count_2019 = base + (1, 0, 1, 2)[quarter - 1] + rng.randint(0, 1)
            counts = {2019: count_2019, 2020: max(2, count_2019 - 2 - rng.randint(0, 2))}
            for year, count in counts.items():
                reformed = year == 2020
                for day in _quarter_dates(rng, year, quarter, count):
                    kind = rng.choices(kinds, weights=(35, 30, 25, 10))[0]
                    party_group = kind == "party_group"
                    duration = rng.randrange(45, 110, 5) if reformed else rng.randrange(70, 155, 5)
                    rows.append(
                        {
                            "unit": unit.unit_id,
                            "date": day,
                            "kind": kind,
                            "duration_min": duration,
                            "agenda_items": rng.randint(2, 8),
                            "agenda_prereviewed": _chance(
                                rng, (0.9 if party_group else 0.5) if reformed else (0.45 if party_group else 0.2)
                            ),
                            "attended_by_team": _chance(
                                rng, (0.6 if party_group else 0.1) if reformed else (0.3 if party_group else 0.05)
                            ),
                            "merged": _chance(rng, 0.25 if reformed else 0.05),
                            "notes": None,
                        }
                    )
    frame = pd.DataFrame(rows).sort_values(["date", "unit"], kind="stable").reset_index(drop=True)
    frame.loc[frame["merged"], "notes"] = "与同类会议合并召开"
    frame.insert(0, "meeting_id", [f"HY{d.year}-{i + 1:04d}" for i, d in enumerate(frame["date"])])
    return frame[[c.name for c in TABLES["meetings"].columns]]


def make_issues(rng: random.Random) -> pd.DataFrame:
    rows = []
    categories, sources = list(CATEGORIES), list(ISSUE_SOURCES)
    for year in YEARS:
        for unit in UNITS:
            for raised in _year_dates(rng, year, unit.issues[year]):
                category = rng.choices(categories, weights=(3, 3, 3, 2, 2, 3, 1))[0]
                due = raised + timedelta(days=90)
                days_taken = rng.randint(20, 130)
                finished = raised + timedelta(days=days_taken)
                if finished <= AS_OF and (year == 2019 or _chance(rng, 0.75)):
                    status, rectified = "rectified", finished
                else:
                    status, rectified = rng.choice(("open", "in_progress", "in_progress")), None
                rows.append(
                    {
                        "unit": unit.unit_id,
                        "date_raised": raised,
                        "source": rng.choices(sources, weights=(4, 3, 2, 2, 1))[0],
                        "category": category,
                        "description": rng.choice(ISSUE_TEXT[category]),
                        "status": status,
                        "due_date": due,
                        "rectified_date": rectified,
                    }
                )
    frame = pd.DataFrame(rows).sort_values(["date_raised", "unit"], kind="stable").reset_index(drop=True)
    frame.insert(0, "issue_id", [f"WT{d.year}-{i + 1:03d}" for i, d in enumerate(frame["date_raised"])])
    return frame[[c.name for c in TABLES["issues"].columns]]


def make_suggestions(rng: random.Random, issues: pd.DataFrame) -> pd.DataFrame:
    """Most suggestions follow an issue of the same unit and year; the rest stand alone."""
    rows = []
    for year in YEARS:
        for unit in UNITS:
            own = issues[(issues["unit"] == unit.unit_id) & (issues["date_raised"].map(lambda d: d.year) == year)]
            linked = list(own.itertuples(index=False))
            for number in range(unit.suggestions[year]):
                if number < len(linked):
                    issue = linked[number]
                    made = min(issue.date_raised + timedelta(days=rng.randint(0, 10)), date(year, 12, 28))
                    issue_id, category = issue.issue_id, issue.category
                else:
                    made = _year_dates(rng, year, 1)[0]
                    issue_id, category = None, rng.choice(list(CATEGORIES))
                status = rng.choices(list(SUGGESTION_STATUSES), weights=(2, 3, 5) if year == 2019 else (3, 4, 3))[0]
                rows.append(
                    {
                        "unit": unit.unit_id,
                        "date_made": made,
                        "issue_id": issue_id,
                        "category": category,
                        "content": SUGGESTION_TEXT[category],
                        "status": status,
                    }
                )
    frame = pd.DataFrame(rows).sort_values(["date_made", "unit"], kind="stable").reset_index(drop=True)
    frame.insert(0, "suggestion_id", [f"JY{d.year}-{i + 1:03d}" for i, d in enumerate(frame["date_made"])])
    return frame[[c.name for c in TABLES["suggestions"].columns]]


def make_reminders(rng: random.Random) -> pd.DataFrame:
    rows = []
    for year in YEARS:
        for unit in UNITS:
            count = rng.randint(2, 4) if year == 2019 else rng.randint(4, 6)
            for day in _year_dates(rng, year, count):
                rows.append(
                    {
                        "unit": unit.unit_id,
                        "date": day,
                        "form": rng.choices(list(REMINDER_FORMS), weights=(3, 4, 3))[0],
                        "subject": rng.choice(REMINDER_TEXT),
                    }
                )
    frame = pd.DataFrame(rows).sort_values(["date", "unit"], kind="stable").reset_index(drop=True)
    frame.insert(0, "reminder_id", [f"TX{d.year}-{i + 1:03d}" for i, d in enumerate(frame["date"])])
    return frame[[c.name for c in TABLES["reminders"].columns]]


def make_activities(rng: random.Random) -> pd.DataFrame:
    notes = {
        "consultation": "与单位党组（党委）联席会商",
        "special_study": "与机关纪委专题研究",
        "notification": "通报派驻监督工作情况",
        "secondment": "抽调单位纪检干部参与办案",
    }
    rows = []
    for year in YEARS:
        for unit in UNITS:
            counts = {
                "consultation": unit.consultations[year],
                "special_study": unit.special_studies[year],
                "notification": rng.randint(1, 2),
                "secondment": rng.choice((0, 0, 1)),
            }
            for kind, count in counts.items():
                for day in _year_dates(rng, year, count):
                    rows.append({"unit": unit.unit_id, "date": day, "kind": kind, "notes": notes[kind]})
    frame = pd.DataFrame(rows).sort_values(["date", "unit", "kind"], kind="stable").reset_index(drop=True)
    frame.insert(0, "activity_id", [f"HD{d.year}-{i + 1:03d}" for i, d in enumerate(frame["date"])])
    return frame[[c.name for c in TABLES["activities"].columns]]


def build() -> dict[str, pd.DataFrame]:
    rng = random.Random(SEED)
    issues = make_issues(rng)
    tables = {
        "units": make_units(),
        "meetings": make_meetings(rng),
        "issues": issues,
        "suggestions": make_suggestions(rng, issues),
        "reminders": make_reminders(rng),
        "activities": make_activities(rng),
    }
    check_story(tables)
    return tables


def check_story(tables: dict[str, pd.DataFrame]) -> None:
    """The sample must tell the article's story; fail loudly if a change to the generator breaks it."""
    meetings = tables["meetings"].assign(
        year=lambda f: f["date"].map(lambda d: d.year),
        quarter=lambda f: f["date"].map(lambda d: (d.month - 1) // 3 + 1),
    )
    by_quarter = meetings.groupby(["year", "quarter"]).agg(
        count=("meeting_id", "size"),
        avg=("duration_min", "mean"),
        merged=("merged", "sum"),
        prereviewed=("agenda_prereviewed", "sum"),
    )
    for quarter in range(1, 5):
        before, after = by_quarter.loc[(2019, quarter)], by_quarter.loc[(2020, quarter)]
        assert after["count"] < before["count"], quarter
        assert after["avg"] < before["avg"], quarter
        assert after["merged"] > before["merged"], quarter
        assert after["prereviewed"] > before["prereviewed"], quarter

    def in_2020(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        return frame[frame[column].map(lambda d: d.year) == 2020]

    activities = in_2020(tables["activities"], "date")
    assert len(in_2020(tables["issues"], "date_raised")) == 16
    assert len(in_2020(tables["suggestions"], "date_made")) == 19
    assert (activities["kind"] == "special_study").sum() == 17
    assert activities.loc[activities["kind"] == "consultation", "unit"].nunique() == 9


def write(out: Path) -> list[Path]:
    """Write the sample tables as ``<table>.xlsx`` under ``out`` with the Chinese headers and labels."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    units = make_units()
    for name, frame in build().items():
        path = out / TABLES[name].file_name
        workbook.write_table(path, TABLES[name], frame, units=units, created=datetime(2021, 1, 4, 9, 0, 0))
        written.append(path)
    return written
