"""A reader never sees an import half made: while a commit replaces several tables one rename at a time, readers
(other sessions, other replicas) wait on the folder's shared lock and then read all of it."""

from __future__ import annotations

import shutil
import threading
from datetime import date
from pathlib import Path

import pytest

from oversight.core import locking
from oversight.data import store
from oversight.ingest import ValidationError, checked_folder, commit, import_plan
from oversight.ingest.folder_lock import LOCK_FILE
from tests.bad_files import HEADERS, issue, suggestion, write_xlsx

NEW_ISSUE, NEW_SUGGESTION = "WT2020-901", "JY2020-901"


@pytest.fixture
def before_and_after(tmp_path) -> tuple[Path, Path]:
    """The sample data, and the same after one import of an issue and a suggestion that refers to it."""
    before = Path(shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "before", ignore=shutil.ignore_patterns(".*")))
    after = Path(shutil.copytree(before, tmp_path / "after"))
    upload = write_xlsx(
        tmp_path / "两张表.xlsx",
        {
            "问题": [HEADERS["issues"], issue(NEW_ISSUE, raised=date(2020, 6, 1), due=date(2020, 9, 30))],
            "意见建议": [HEADERS["suggestions"], suggestion(NEW_SUGGESTION, made=date(2020, 6, 2), issue_id=NEW_ISSUE)],
        },
    )
    plan = import_plan.plan_import(upload, mode="append", folder=after)
    assert plan.ok, plan.problems
    commit.apply_import(plan, user="test")
    return before, after


def test_a_reader_during_a_two_table_commit_waits_and_reads_all_of_it(before_and_after):
    folder, after = before_and_after
    read: dict[str, object] = {}

    def reader() -> None:
        try:
            read["frames"] = checked_folder.read_folder(folder)
        except ValidationError as error:  # the half-made folder: a suggestion refers to an issue not there yet
            read["error"] = error

    with locking.held(folder / LOCK_FILE, purpose="import"):
        # the commit's first rename: the suggestions now name an issue the issues table does not have yet
        shutil.copy2(after / "suggestions.xlsx", folder / "suggestions.xlsx")
        thread = threading.Thread(target=reader)
        thread.start()
        thread.join(timeout=1.0)  # a reader that did not wait would be reading the half-made folder now
        shutil.copy2(after / "issues.xlsx", folder / "issues.xlsx")  # the last rename
    thread.join(timeout=120)

    assert "error" not in read, read.get("error")
    frames = read["frames"]
    assert NEW_ISSUE in set(frames["issues"]["issue_id"])
    assert NEW_SUGGESTION in set(frames["suggestions"]["suggestion_id"])


def test_the_writer_itself_reads_inside_its_own_lock(before_and_after):
    folder, _ = before_and_after
    with locking.held(folder / LOCK_FILE, purpose="import"):
        frames = checked_folder.read_folder(folder)  # verify_folder does this at the end of every commit
    assert len(frames["issues"]) > 0


def test_a_reader_that_waits_too_long_is_told_the_data_is_being_updated(before_and_after, monkeypatch):
    folder, _ = before_and_after
    monkeypatch.setattr(checked_folder, "READ_WAIT_S", 0.0)
    outcome: dict[str, object] = {}

    def reader() -> None:
        try:
            checked_folder.read_folder(folder)
        except ValidationError as error:
            outcome["error"] = error

    with locking.held(folder / LOCK_FILE, purpose="import"):
        thread = threading.Thread(target=reader)  # another thread: this one's own lock would let it through
        thread.start()
        thread.join(timeout=60)
    error = outcome["error"]
    assert isinstance(error, ValidationError)
    assert [p.message_key for p in error.problems] == ["error.data_updating"]
    assert "数据正在更新" in error.render("zh") and "being updated" in error.render("en")
