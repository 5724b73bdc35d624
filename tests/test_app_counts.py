"""A page's counts in words at a province's scale, under AppTest: a table's 共 N 条 is grouped as its card writes the
same count (共 1,216 条 beside 指出问题 1,216个), never 共 1216 条."""

from __future__ import annotations

import shutil
from datetime import date

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
    assert f"共 {expected:,} 条（点击列标题排序）" in [caption.value for caption in at.caption]
