"""Seeded whole offices, not the sample: ``write(seed, folder)`` writes the six ledgers of a random office a clerk
could import (every value one the contract takes), and ``imported(seed, root)`` imports them through the real CLI
(``python -m oversight import``) into a fresh data folder and returns both folders.

An office has 1–40 units with random Chinese names (some long, some sharing a prefix, one Chinese name the start of
another), records over 1–4 years with gaps (a year without meetings, units with nothing at all, a ledger without
rows), every status, category, form, source and kind the contract allows, durations at their bounds (0 and 1,440
minutes), issues rectified on the day raised, on the deadline, after it, and planned after the data date, issues
without a deadline, and suggestions linked to issues of their own unit. The oracle (``tests/oracle.py``) reads the
written ledgers with pandas, not the imported store.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from tests import oracle

_PREFIXES = ("省", "省政府", "省人民政府", "省委", "省直机关")
_WORDS = "发展改革委员会财政厅教育科技交通运输水利农业农村商务文化旅游卫生健康审计统计医疗保障林业草原粮食物资储备能源"
_SUFFIXES = ("厅", "局", "办公室", "委员会", "中心", "研究室", "管理局", "服务中心")
MEETING_KINDS = ("党组（党委）会议", "办公会议", "专题会议", "其他")


@dataclass(frozen=True)
class Office:
    seed: int
    source: Path  # the ledgers as written: what the oracle reads
    data: Path  # the data folder they were imported into: what the app reads
    unit_ids: tuple[str, ...]


def _names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        if names and rng.random() < 0.15:  # one name the start of another (省财政厅, 省财政厅机关服务中心)
            name = rng.choice(names) + rng.choice(_SUFFIXES)
        else:
            length = rng.choice((1, 2, 2, 3, 12))  # some long: twelve pairs of characters
            body = "".join(_WORDS[(i := rng.randrange(0, len(_WORDS) - 1)) : i + 2] for _ in range(length))
            name = rng.choice(_PREFIXES) + body + rng.choice(_SUFFIXES)
        if name not in names:
            names.append(name)
    return names


def _english(index: int) -> str:
    """A unit's English name without digits (a reading's numbers are checked against its chart's: "Unit 4" is not
    one of them)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "Bureau " + letters[index // 26] + letters[index % 26].lower() + "x"


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def write(seed: int, folder: Path) -> tuple[str, ...]:
    """The six ledgers of office ``seed`` in ``folder``; returns its unit codes in the units ledger's order."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    count = rng.choice((1, 2, rng.randint(3, 12), rng.randint(3, 40)))
    names = _names(rng, count)
    ids = [f"unit_{i:02d}" for i in range(count)]
    units = _frame(
        [
            {
                "单位编码": ids[i],
                "单位名称": name,
                "英文名称": f"{_english(i)} of the Province",
                "简称": None,  # a short name must name one unit only: a random one would often repeat
                "党组织类型": rng.choice(("党组", "党委")),
                "英文简称": _english(i),
            }
            for i, name in enumerate(names)
        ],
        ["单位编码", "单位名称", "英文名称", "简称", "党组织类型", "英文简称"],
    )
    first = date(rng.randint(2016, 2022), rng.randint(1, 12), rng.randint(1, 28))
    last = min(first + timedelta(days=rng.randint(20, 4 * 365)), date(2025, 12, 31))
    quiet_year = rng.choice((None, rng.randint(first.year, last.year)))  # a year without meetings
    idle = {unit for unit in ids if rng.random() < 0.2}  # units with nothing recorded
    active = [unit for unit in ids if unit not in idle] or ids[:1]
    empty = {name for name in ("issues", "suggestions", "reminders", "activities") if rng.random() < 0.12}

    def sized(name: str, most: int) -> int:
        return 0 if name in empty else rng.randint(0, most)

    meetings = []
    for n in range(rng.randint(1, 250)):
        day = _day(rng, first, last)
        if quiet_year and day.year == quiet_year:
            continue
        minutes = rng.choice((0, 1440, rng.randint(1, 1439), rng.randint(20, 240)))
        meetings.append(
            {
                "会议编号": f"HY{day.year}-{n:04d}",
                "单位": rng.choice(active),
                "会议日期": day,
                "会议类型": rng.choice(MEETING_KINDS),
                "时长(分钟)": minutes,
                "议题数": rng.choice((0, 1000, rng.randint(1, 12))),
                "议题提前报送审核": rng.choice(("是", "否")),
                "纪检监察组列席": rng.choice(("是", "否")),
                "合并召开": rng.choice(("是", "否")),
                "备注": None,
            }
        )
    issues = []
    for n in range(sized("issues", 60)):
        raised = _day(rng, first, last)
        due = rng.choice((None, raised, raised + timedelta(days=rng.randint(1, 200))))
        status = rng.choice(tuple(oracle.STATUS))
        done = None
        if status == "已整改":
            done = rng.choice((raised, due or raised, raised + timedelta(days=rng.randint(1, 300))))
        elif status == "整改中" and rng.random() < 0.5:  # a planned day, perhaps after the data date
            done = raised + timedelta(days=rng.randint(0, 400))
        issues.append(
            {
                "问题编号": f"WT{raised.year}-{n:03d}",
                "单位": rng.choice(active),
                "发现日期": raised,
                "问题来源": rng.choice(tuple(oracle.SOURCES)),
                "问题类别": rng.choice(tuple(oracle.CATEGORIES)),
                "问题描述": "会议议题未按要求提前报送审核",
                "整改状态": status,
                "整改期限": due,
                "整改完成日期": done,
            }
        )
    suggestions = []
    for n in range(sized("suggestions", 50)):
        link = rng.choice(issues) if issues and rng.random() < 0.6 else None
        made = _day(rng, link["发现日期"] if link else first, last)
        suggestions.append(
            {
                "建议编号": f"JY{made.year}-{n:03d}",
                "单位": link["单位"] if link else rng.choice(active),
                "提出日期": made,
                "关联问题编号": link["问题编号"] if link else None,
                "类别": rng.choice(tuple(oracle.CATEGORIES)),
                "建议内容": "建议完善议题报送审核制度",
                "采纳状态": rng.choice(tuple(oracle.ADOPTION)),
            }
        )
    reminders = [
        {
            "提醒编号": f"TX-{n:03d}",
            "单位": rng.choice(active),
            "提醒日期": _day(rng, first, last),
            "提醒方式": rng.choice(tuple(oracle.FORMS)),
            "提醒事项": "选人用人工作",
        }
        for n in range(sized("reminders", 50))
    ]
    activities = [
        {
            "活动编号": f"HD-{n:03d}",
            "单位": rng.choice(active),
            "活动日期": _day(rng, first, last),
            "活动类型": rng.choice(tuple(oracle.KINDS)),
            "备注": None,
        }
        for n in range(sized("activities", 60))
    ]
    unit_name = dict(zip(ids, names))
    ledgers = {
        "units": units,
        "meetings": _frame(
            meetings,
            [
                "会议编号",
                "单位",
                "会议日期",
                "会议类型",
                "时长(分钟)",
                "议题数",
                "议题提前报送审核",
                "纪检监察组列席",
                "合并召开",
                "备注",
            ],
        ),
        "issues": _frame(
            issues,
            [
                "问题编号",
                "单位",
                "发现日期",
                "问题来源",
                "问题类别",
                "问题描述",
                "整改状态",
                "整改期限",
                "整改完成日期",
            ],
        ),
        "suggestions": _frame(
            suggestions, ["建议编号", "单位", "提出日期", "关联问题编号", "类别", "建议内容", "采纳状态"]
        ),
        "reminders": _frame(reminders, ["提醒编号", "单位", "提醒日期", "提醒方式", "提醒事项"]),
        "activities": _frame(activities, ["活动编号", "单位", "活动日期", "活动类型", "备注"]),
    }
    for name, frame in ledgers.items():
        if "单位" in frame:
            frame["单位"] = frame["单位"].map(unit_name)
        for column in frame.columns:
            if "日期" in column or column == "整改期限":
                frame[column] = pd.to_datetime(frame[column])
        frame.to_excel(folder / f"{name}.xlsx", index=False)
    return tuple(ids)


def imported(seed: int, root: Path) -> Office:
    """Office ``seed`` written under ``root`` and imported through the CLI into its own data folder."""
    from oversight.cli.main import main

    source, data = root / f"office-{seed}" / "written", root / f"office-{seed}" / "data"
    unit_ids = write(seed, source)
    data.mkdir(parents=True, exist_ok=True)
    files = [
        str(source / f"{name}.xlsx")
        for name in ("units", "meetings", "issues", "suggestions", "reminders", "activities")
    ]
    before = os.environ.get("OVERSIGHT_DATA_DIR")
    os.environ["OVERSIGHT_DATA_DIR"] = str(data)
    try:
        code = main(["import", "--mode", "replace", *files])
    finally:
        if before is None:
            del os.environ["OVERSIGHT_DATA_DIR"]
        else:
            os.environ["OVERSIGHT_DATA_DIR"] = before
    assert code == 0, f"office {seed} was refused"
    return Office(seed, source, data, unit_ids)
