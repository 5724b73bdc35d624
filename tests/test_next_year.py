"""Next year's data arrives: the clerk appends 2021's first and second quarters to every ledger through ``import``
(the CLI, the Data page's code path), and replaces the issues ledger once to record two 2020 issues rectified in
2021. Every figure of the pages, the 预警 strip, the 较上季度 box, every chart's reading and data file and the Word
report are then checked against the independent pandas recomputation (``tests/oracle.py``) across the year's
boundary: 2021Q1 against 2020Q4 and against 2020Q1, ranges of nine and ten quarters, a unit with no meeting in 2021.

The clerk's files are written here from code: a few records per unit and ledger, some units with none, a
suggestion adopted in 2021 following a 2020 issue, a 2021 issue already overdue, one rectified, one not yet due.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from oversight.cli.main import main
from tests import test_figure_sweep
from tests.test_definitions import SAMPLE, Case, Worlds

UNITS = (
    "省政府办公厅",
    "省政府研究室",
    "省信访局",
    "省政府参事室",
    "省机关事务管理局",
    "省人民政府外事办公室",
    "省政务服务和大数据管理局",
    "省人民政府驻北京办事处",
    "省地方志编纂委员会办公室",
)
NO_MEETINGS = "省政府参事室"  # holds none in 2021: its zero must read as a zero, not as unknown


def _day(year: int, month: int, day: int) -> pd.Timestamp:
    return pd.Timestamp(date(year, month, day))


def clerk_files(out: Path, quarter: int, base: int) -> dict[str, Path]:
    """One quarter of 2021 as the clerk types it, one workbook per ledger under the Chinese headers."""
    out.mkdir(parents=True, exist_ok=True)
    months = tuple(3 * (quarter - 1) + m for m in (1, 2, 3))
    meetings, number = [], 0
    for i, unit in enumerate(UNITS):
        if unit == NO_MEETINGS:
            continue
        for k in range(1 + i % 3):
            number += 1
            meetings.append(
                {
                    "会议编号": f"HY2021-{base + number:04d}",
                    "单位": unit,
                    "会议日期": _day(2021, months[k % 3], 2 + 2 * i + k),
                    "会议类型": ("党组（党委）会议", "办公会议", "专题会议")[k % 3],
                    "时长(分钟)": 60 + 10 * k + i,
                    "议题数": 3 + k,
                    "议题提前报送审核": "是",
                    "纪检监察组列席": "否" if k else "是",
                    "合并召开": "是" if i % 2 else "否",
                }
            )
    issues = [
        ("省政府办公厅", _day(2021, months[0], 12), "定期会商", "作风建设", "整改中", _day(2021, months[1], 12), None),
        (
            "省信访局",
            _day(2021, months[1], 3),
            "列席会议",
            "决策程序",
            "已整改",
            _day(2021, months[2], 3),
            _day(2021, months[2], 1),
        ),
        (
            "省政府研究室",
            _day(2021, months[2], 10),
            "日常监督",
            "廉洁风险",
            "未整改",
            _day(2021, months[2] + 2, 10),
            None,
        ),
    ]
    suggestions = [
        (
            "省机关事务管理局",
            _day(2021, months[0], 8),
            "WT2020-027",
            "其他",
            "已采纳",
        ),  # a 2020 issue's, adopted in 2021
        ("省政府办公厅", _day(2021, months[0], 20), f"WT2021-{base + 1:03d}", "作风建设", "已提出"),
        ("省信访局", _day(2021, months[1], 25), None, "决策程序", "已落实"),
    ]
    frames = {
        "meetings": pd.DataFrame(meetings),
        "issues": pd.DataFrame(
            [
                {
                    "问题编号": f"WT2021-{base + n:03d}",
                    "单位": unit,
                    "发现日期": raised,
                    "问题来源": source,
                    "问题类别": category,
                    "问题描述": f"2021年问题{base + n}",
                    "整改状态": status,
                    "整改期限": due,
                    "整改完成日期": done,
                }
                for n, (unit, raised, source, category, status, due, done) in enumerate(issues, start=1)
            ]
        ),
        "suggestions": pd.DataFrame(
            [
                {
                    "建议编号": f"JY2021-{base + n:03d}",
                    "单位": unit,
                    "提出日期": made,
                    "关联问题编号": issue,
                    "类别": category,
                    "建议内容": f"2021年建议{base + n}",
                    "采纳状态": status,
                }
                for n, (unit, made, issue, category, status) in enumerate(suggestions, start=1)
            ]
        ),
        # six units reminded, five activities: three units with none of either
        "reminders": pd.DataFrame(
            [
                {
                    "提醒编号": f"TX2021-{base + i + 1:03d}",
                    "单位": unit,
                    "提醒日期": _day(2021, months[i % 3], 10 + i),
                    "提醒方式": ("书面提醒", "面对面提醒", "会议提醒")[i % 3],
                    "提醒事项": "节日期间廉洁自律",
                }
                for i, unit in enumerate(UNITS[:6])
            ]
        ),
        "activities": pd.DataFrame(
            [
                {
                    "活动编号": f"HD2021-{base + i + 1:03d}",
                    "单位": unit,
                    "活动日期": _day(2021, months[i % 3], 15 + i),
                    "活动类型": "定期会商" if i < 4 else "专题研究",
                }
                for i, unit in enumerate(UNITS[:5])
            ]
        ),
    }
    paths = {}
    for table, frame in frames.items():
        paths[table] = out / f"2021年第{quarter}季度{table}.xlsx"
        frame.to_excel(paths[table], index=False)
    return paths


def next_year_folder(root: Path) -> Path:
    """The sample with 2021Q1 and 2021Q2 imported as the clerk does it (append), and WT2020-012 and WT2020-027
    marked rectified in 2021 (a replace of the issues ledger, as edited by hand)."""
    folder = root / "data"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns(".*"))
    mp = pytest.MonkeyPatch()
    mp.setenv("OVERSIGHT_DATA_DIR", str(folder))
    try:
        for quarter, base in ((1, 0), (2, 100)):
            for table, path in clerk_files(root / f"q{quarter}", quarter, base).items():
                assert main(["import", str(path), "--table", table, "--mode", "append"]) == 0, (quarter, table)
            if quarter == 1:
                issues = pd.read_excel(folder / "issues.xlsx", engine="openpyxl")
                for issue, day in (("WT2020-012", date(2021, 1, 15)), ("WT2020-027", date(2021, 2, 20))):
                    issues.loc[issues["问题编号"] == issue, ["整改状态", "整改完成日期"]] = [
                        "已整改",
                        pd.Timestamp(day),
                    ]
                edited = root / "问题台账（已更新）.xlsx"
                issues.to_excel(edited, index=False)
                assert main(["import", str(edited), "--table", "issues", "--mode", "replace"]) == 0
    finally:
        mp.undo()
    return folder


class NextYearWorlds(Worlds):
    def folder(self, name: str) -> Path:
        if name != "next":
            return super().folder(name)
        target = self.root / "next"
        return target / "data" if target.exists() else next_year_folder(target)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> NextYearWorlds:
    return NextYearWorlds(tmp_path_factory.mktemp("worlds"))


def test_the_imports_carry_the_data_into_2021(worlds):
    _, span, ledgers = worlds["next"]
    assert ledgers.data_date == span.last_day == date(2021, 6, 20)
    issues = ledgers.issues.set_index("issue_id")
    assert issues.loc["WT2020-027", "rectified"] == date(2021, 2, 20) and len(issues) == 33
    assert ledgers.meetings["date"].map(lambda d: d.year == 2021).sum() == 34


CASES = [
    Case("next", (), (2021, 1), (2021, 1)),  # against 2020Q4 (较上季度) and 2020Q1 (同比)
    Case("next", (), (2020, 1), (2021, 1), "en"),
    Case("next", (), (2019, 1), (2021, 2)),  # ten quarters
    Case("next", (), (2021, 1), (2021, 4)),  # the default view: the year to date
    Case("next", ("counsellors",), (2021, 1), (2021, 1), "en"),  # no meeting in 2021
    Case("next", ("counsellors", "offices_admin"), (2020, 4), (2021, 2)),
    Case("next", ("gov_office",), (2021, 2), (2021, 2), "en"),
    Case("next", (), (2021, 1), (2021, 2), "zh", date(2021, 4, 1)),  # a link's day: the second quarter's first
    Case("next", (), (2020, 4), (2021, 1), "en", date(2021, 1, 1)),  # the new year's first day: 环比 to 1 October
]


@pytest.mark.slow
@pytest.mark.parametrize("case", [pytest.param(case, id=str(case)) for case in CASES])
def test_every_figure_across_the_year_boundary(worlds, case):
    test_figure_sweep.test_every_figure_of_a_random_filter(worlds, case)


def test_an_import_at_half_past_midnight_in_beijing_is_numbered_on_the_new_day(tmp_path, monkeypatch, capsys):
    """16:30 UTC on 31 December is 00:30 on 1 January in Beijing. The history's 记录号 (the entry's name) is shown
    beside the import's Beijing time (history, the undo's confirmation, 已导入。历史版本已保存为 …): it was the UTC
    stamp, 20201231-163000-…, a number dated the year before beside 2021-01-01 00:30（北京时间）."""
    from datetime import UTC, datetime

    from oversight import config
    from oversight.ingest import import_history

    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns(".*"))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    midnight = datetime(2020, 12, 31, 16, 30, 5, tzinfo=UTC).astimezone(config.TEAM_TIME_ZONE)
    monkeypatch.setattr(config, "team_now", lambda: midnight)
    # the clerk's first records of the new year, dated the team's today (1 January), are taken
    reminders = clerk_files(tmp_path / "q1", 1, 0)["reminders"]
    first = pd.read_excel(reminders, engine="openpyxl").head(1).assign(提醒日期=_day(2021, 1, 1))
    first.to_excel(reminders, index=False)
    assert main(["import", str(reminders), "--table", "reminders", "--mode", "append"]) == 0
    (entry,) = import_history.list_history(folder)
    assert entry.id.startswith("20210101-003005-"), entry.id
    assert "20210101-003005-" in capsys.readouterr().out
