"""A page's counts in words at a province's scale, under AppTest: a table's 共 N 条 is grouped as its card writes the
same count (共1,216条 beside 指出问题1,216个), never 共1216条."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pandas as pd

from oversight.contract.schema import TABLES
from oversight.data import store
from oversight.ingest import checked_folder, workbook
from tests.apptest import metrics, run_page

COPIES = 75  # 2020's 16 issues, 76 times over: past a thousand


def test_a_list_past_a_thousand_is_counted_as_its_card_counts_it(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(store.SAMPLE_DATA_DIR, folder, ignore=shutil.ignore_patterns(".*"))
    ledgers = checked_folder.read_folder(folder)
    issues = ledgers["issues"]
    raised_2020 = issues[issues["date_raised"] >= date(2020, 1, 1)]
    copies = pd.concat([raised_2020] * COPIES, ignore_index=True)
    copies["issue_id"] = [f"WT2020-{1001 + n}" for n in range(len(copies))]
    workbook.write_table(folder / "issues.xlsx", TABLES["issues"], pd.concat([issues, copies]), ledgers["units"])
    expected = len(raised_2020) * (COPIES + 1)
    assert expected >= 1000
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    at = run_page("pages/02_issues.py")
    assert not at.exception
    assert metrics(at)["指出问题"] == f"{expected:,}个"
    assert f"共{expected:,}条（点击列标题排序）" in [caption.value for caption in at.caption]


def test_the_audit_page_counts_a_long_log_as_the_cards_would():
    log = Path(os.environ["OVERSIGHT_AUDIT_LOG"])
    log.parent.mkdir(parents=True, exist_ok=True)
    lines = [{"at": f"2021-01-04T0{n % 10}:00:00+00:00", "action": "sign_in", "account": "chief"} for n in range(1201)]
    log.write_text("".join(json.dumps(line) + "\n" for line in lines))
    at = run_page("pages/08_audit.py")
    assert not at.exception
    assert any(caption.value.startswith("共1,201条") for caption in at.caption), [c.value for c in at.caption]
    at.date_input(key="widget.audit_since").set_value(date(2021, 1, 6)).run()
    assert [info.value for info in at.info] == ["没有符合条件的审计记录（2021-01-06起）；日志中共有1,201条记录。"]
    # past the 2,000 the page shows, it says how many of how many
    more = [{**lines[0], "at": "2021-01-05T01:00:00+00:00"}] * 800
    log.write_text("".join(json.dumps(line) + "\n" for line in lines + more))
    at = run_page("pages/08_audit.py")
    assert any(caption.value.startswith("显示最新2,000条，共2,001条符合条件") for caption in at.caption)


def test_the_unit_profiles_meetings_caption_counts_past_a_thousand_as_the_card_does(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(store.SAMPLE_DATA_DIR, folder, ignore=shutil.ignore_patterns(".*"))
    ledgers = checked_folder.read_folder(folder)
    meetings = ledgers["meetings"]
    held = meetings[(meetings["unit"] == "gov_office") & (meetings["date"] >= date(2020, 1, 1))]
    times = -(-1000 // len(held))  # enough copies to pass a thousand
    copies = pd.concat([held] * times, ignore_index=True)
    copies["meeting_id"] = [f"HY2020-{5001 + n}" for n in range(len(copies))]
    workbook.write_table(folder / "meetings.xlsx", TABLES["meetings"], pd.concat([meetings, copies]), ledgers["units"])
    expected = len(held) * (times + 1)
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    at = run_page("pages/05_unit_profile.py", {"unit": "gov_office"})
    assert not at.exception
    captions = [caption.value for caption in at.caption]
    assert any(caption.startswith(f"本期会议共{expected:,}次") for caption in captions), captions
