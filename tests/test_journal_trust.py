"""The journal an interrupted commit leaves is followed only where it is what a commit writes: a journal edited by hand
or planted in the folder ("entry": "../..") deleted the data folder's parent's files when the next page was opened."""

from __future__ import annotations

import json
import shutil

import pytest

from oversight import ingest
from oversight.data import store
from oversight.ingest import commit, folder_lock
from tests.bad_files import HEADERS, hash_tree, meeting, write_xlsx

HOSTILE = [
    {"entry": "../..", "tables": {}, "history_existed": True},
    {"entry": "..", "tables": {}, "history_existed": True},
    {"entry": "20201231-120000-000000-meetings", "tables": {"meetings": ["../precious.txt"]}},
    {"entry": "20201231-120000-000000-meetings", "tables": {"../../etc": ["meetings.xlsx"]}},
    {"entry": "20201231-120000-000000-meetings", "tables": {"meetings": "meetings.xlsx"}},
    "not a journal",
]


@pytest.fixture
def outer(tmp_path):
    """A data folder with an import in its history, inside a folder holding a file of someone else's."""
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "outer" / "data")
    (tmp_path / "outer" / "precious.txt").write_text("precious", "utf-8")
    commit.import_files(
        [write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})],
        mode="append",
        folder=folder,
    )
    return folder


@pytest.mark.parametrize("journal", HOSTILE + ["{ broken"], ids=[*(str(n) for n in range(len(HOSTILE))), "not JSON"])
def test_a_journal_that_is_not_a_commits_own_touches_nothing(outer, journal):
    text = journal if journal == "{ broken" else json.dumps(journal)
    folder_lock.journal_path(outer).write_text(text, "utf-8")
    before = hash_tree(outer.parent)
    assert folder_lock.recover_if_interrupted(outer) is None  # a page reads the folder as it is
    assert hash_tree(outer.parent) == before and (outer.parent / "precious.txt").exists()
    # a change waits for an admin: refused with a sentence, the journal left where it is
    with pytest.raises(ingest.ValidationError) as refused:
        commit.undo_last(outer)
    assert "已损坏或被改动" in refused.value.render("zh") and "nothing was changed" in refused.value.render("en")
    assert hash_tree(outer.parent) == before


def test_a_recovery_that_died_while_removing_the_entry_finishes_next_time(outer, tmp_path):
    """The entry is removed only after every file is back: a kept file gone means a recovery died removing it, and
    every later import failed on it (处理失败（FileNotFoundError）)."""
    entry = sorted((outer / ".history").iterdir())[-1]
    kept = shutil.copytree(entry, tmp_path / "kept")  # as it was before the import's rollback began
    shutil.rmtree(entry)
    shutil.copytree(kept, entry)
    (entry / "meetings.xlsx").unlink()  # the removal got this far
    folder_lock.journal_path(outer).write_text(
        json.dumps({"entry": entry.name, "tables": {"meetings": ["meetings.xlsx"]}, "history_existed": True}), "utf-8"
    )
    assert folder_lock.recover_if_interrupted(outer) == (entry.name, "import")  # a journal naming no action
    assert not folder_lock.needs_recovery(outer) and not entry.exists()


def test_undo_refuses_to_throw_away_what_changed_since_the_import(outer, tmp_path):
    """An issue typed into issues.xlsx after an import went with the undo, without a word; so did a newer import
    whose history entry had been deleted by hand."""
    from openpyxl import load_workbook

    commit.import_files(
        [write_xlsx(tmp_path / "m2.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0002")]})],
        mode="append",
        folder=outer,
    )
    book = load_workbook(outer / "meetings.xlsx")
    book.active.append(["typed in by hand"])
    book.save(outer / "meetings.xlsx")
    before = hash_tree(outer)
    with pytest.raises(ingest.ValidationError) as refused:
        commit.undo_last(outer)
    assert "meetings.xlsx" in refused.value.render("zh") and "已被改动" in refused.value.render("zh")
    assert hash_tree(outer) == before
    # a newer import's entry removed from the history: the older import's undo would take the newer rows too
    newest = sorted((outer / ".history").iterdir())[-1]
    book = load_workbook(outer / "meetings.xlsx")
    book.active.delete_rows(book.active.max_row)
    book.save(outer / "meetings.xlsx")
    shutil.rmtree(newest)
    with pytest.raises(ingest.ValidationError):
        commit.undo_last(outer)
