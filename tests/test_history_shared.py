"""History keeps each version of a ledger once: an entry holding bytes an older entry holds is a hard link to that
file, never to the live ledger, so undo gives back the exact bytes and nothing written to the data folder (an import,
an undo, a file copied over a ledger by hand) can alter what an entry keeps."""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from oversight.data import store
from oversight.ingest import commit, import_history
from tests import oracle
from tests.bad_files import HEADERS, meeting, write_xlsx


@pytest.fixture
def folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*"))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    return folder


def _append(folder: Path, tmp_path: Path, meeting_id: str) -> import_history.HistoryEntry:
    upload = write_xlsx(
        tmp_path / f"{meeting_id}.xlsx",
        {"会议": [HEADERS["meetings"], meeting(meeting_id, "省政府研究室", date(2020, 12, 30))]},
    )
    return commit.import_files(upload, "meetings", "append", folder, user="tester")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_import_after_an_undo_keeps_the_ledger_once(folder, tmp_path):
    """The office's mistake: import the wrong file, undo, import the right one. The second import kept a second copy
    of the ledger the first one kept (8 MB at 190,000 meetings)."""
    original = _sha(folder / "meetings.xlsx")
    wrong = _append(folder, tmp_path, "HY2021-0901")
    commit.undo_last(folder, "tester")
    right = _append(folder, tmp_path, "HY2021-0902")

    first, second = wrong.path / "meetings.xlsx", right.path / "meetings.xlsx"
    assert _sha(first) == _sha(second) == original
    assert os.path.samefile(first, second) and first.stat().st_nlink == 2
    assert not os.path.samefile(second, folder / "meetings.xlsx")


def test_a_second_undo_keeps_the_ledger_the_newer_import_kept_once(folder, tmp_path):
    _append(folder, tmp_path, "HY2021-0901")
    newer = _append(folder, tmp_path, "HY2021-0902")
    commit.undo_last(folder, "tester")
    second_undo = commit.undo_last(folder, "tester")

    assert os.path.samefile(newer.path / "meetings.xlsx", second_undo.path / "meetings.xlsx")
    assert "HY2021-0901" not in set(oracle.read_ledgers(folder).meetings["meeting_id"])


def test_nothing_written_to_the_live_ledger_reaches_a_kept_one_and_undo_gives_the_exact_bytes(folder, tmp_path):
    """A hand edit writes the ledger where it is (a copy over it, a spreadsheet saved in place): a kept file linked to
    the live one would change with it, and undo would give back the edit."""
    original = (folder / "meetings.xlsx").read_bytes()
    _append(folder, tmp_path, "HY2021-0901")
    commit.undo_last(folder, "tester")
    _append(folder, tmp_path, "HY2021-0902")
    written = (folder / "meetings.xlsx").read_bytes()
    entries = [entry.path / "meetings.xlsx" for entry in import_history.list_history(folder)]
    before = {path: path.read_bytes() for path in entries}
    assert all(not os.path.samefile(path, folder / "meetings.xlsx") for path in entries)

    with open(folder / "meetings.xlsx", "r+b") as live:  # written where it is, as `cp` over it writes
        live.write(b"PK\x03\x04 edited in place")
    assert {path: path.read_bytes() for path in entries} == before
    (folder / "meetings.xlsx").write_bytes(written)  # the edit taken back, in place too

    commit.undo_last(folder, "tester")
    assert (folder / "meetings.xlsx").read_bytes() == original
    assert {path: path.read_bytes() for path in entries} == before


def test_the_newest_three_imports_not_undone_keep_their_ledgers_cache_files(folder, tmp_path):
    """What the next undos read; an undo's entry (never undone) and an import undone keep none."""
    from oversight.ingest import checked_folder

    checked_folder.read_folder(folder)  # the cache warm, as the dashboard leaves it
    for number in range(5):
        _append(folder, tmp_path, f"HY2021-090{number}")
    commit.undo_last(folder, "tester")
    history = import_history.list_history(folder)
    kept = [[path.name.split(".")[0] for path in import_history.cached_files(entry)] for entry in history]
    assert [entry.action for entry in history] == ["import"] * 5 + ["undo"]
    # the fifth import let the second's go (it was fourth newest then); its undo let its own go
    assert kept == [[], [], ["meetings", "meetings"], ["meetings", "meetings"], [], []]


def test_undo_after_undo_reads_no_ledger(folder, tmp_path, monkeypatch):
    """The second undo read its import's cache files after the first one's commit had let them go."""
    from oversight.ingest import checked_folder, sheets

    checked_folder.read_folder(folder)
    _append(folder, tmp_path, "HY2021-0901")
    _append(folder, tmp_path, "HY2021-0902")
    commit.undo_last(folder, "tester")
    opened: list[str] = []
    real = sheets.read_table
    monkeypatch.setattr(sheets, "read_table", lambda path, *rest: opened.append(path.name) or real(path, *rest))

    commit.undo_last(folder, "tester")
    checked_folder.read_folder(folder)

    assert opened == []
    assert len(checked_folder.read_folder(folder)["meetings"]) == len(oracle.read_ledgers(folder).meetings)
