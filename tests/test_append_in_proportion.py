"""An append is checked in proportion to what it adds: the rows it adds are parsed, not the ledger they join.

A one-row append onto 190,000 meetings wrote the would-be folder to scratch and parsed all of it again (some
90 s and 0.9 GB). Counted here as rows parsed, never as seconds: the folder's cache is warm, as the app and a
previous import leave it, so reading the folder parses nothing and the plan's own parsing is what is counted.
"""

from __future__ import annotations

import shutil

import pytest

from oversight.data import store
from oversight.ingest import checked_folder, import_plan, sheets
from tests.bad_files import HEADERS, meeting, write_xlsx


@pytest.fixture
def warm_folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    checked_folder.read_folder(folder)  # the Parquet cache, as the dashboard's first read leaves it
    return folder


@pytest.fixture
def rows_parsed(monkeypatch):
    """The rows every sheet parsed since the fixture began held, by table."""
    counted: dict[str, int] = {}
    parse = sheets.parse_sheet

    def counting(rows, table, *args, **kwargs):
        result = parse(rows, table, *args, **kwargs)
        counted[table.name] = counted.get(table.name, 0) + len(result[1])
        return result

    monkeypatch.setattr(sheets, "parse_sheet", counting)
    return counted


def test_a_one_row_append_parses_that_row_not_the_folder(warm_folder, tmp_path, rows_parsed):
    ledger = len(checked_folder.read_folder(warm_folder)["meetings"])
    path = write_xlsx(tmp_path / "one.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})

    plan = import_plan.plan_import(path, mode="append", folder=warm_folder)

    assert plan.ok, plan.problems
    assert plan.changes["meetings"].rows_after == ledger + 1
    # the file's row, and the same row written as the ledger keeps it and read back: not the ledger's rows again,
    # nor the other tables (before: every table of the folder, the meetings ledger whole among them)
    assert rows_parsed == {"meetings": 2}


def test_the_folder_an_append_would_make_still_loads_whole(warm_folder, tmp_path):
    """The bytes the plan writes are the ledger before and the row added, in that order: the folder they make loads
    with every meeting of before and the new one (what the whole check read, now read once after the commit)."""
    before = checked_folder.read_folder(warm_folder)["meetings"]
    path = write_xlsx(tmp_path / "one.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    plan = import_plan.plan_import(path, mode="append", folder=warm_folder)

    assert (
        import_plan.validate_would_be_folder(warm_folder, {"meetings": ("meetings.xlsx", plan.files["meetings"])}) == []
    )
    (warm_folder / "meetings.xlsx").write_bytes(plan.files["meetings"])
    after = checked_folder.read_folder(warm_folder)["meetings"]
    assert list(after["meeting_id"]) == [*before["meeting_id"], "HY2021-0001"]


def test_an_append_onto_a_folder_that_does_not_read_cleanly_takes_the_whole_check(warm_folder, tmp_path, rows_parsed):
    """A broken table the append does not touch is refused as before: by the whole would-be folder's check."""
    broken = write_xlsx(warm_folder / "reminders.xlsx", {"提醒": [HEADERS["reminders"], ["TX-1", "无此单位"]]})
    assert broken.exists()
    path = write_xlsx(tmp_path / "one.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})

    plan = import_plan.plan_import(path, mode="append", folder=warm_folder)

    assert not plan.ok
    assert any(problem.file == "reminders.xlsx" for problem in plan.problems)
