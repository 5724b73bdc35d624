"""A refusal on the Data page said the same thing twice: "导入未完成，数据未作任何改动：…，数据未作任何改动" (a full
disk, a folder or .history that cannot be written, another account's lock, a damaged journal, an unexpected error:
each reason says itself that nothing changed). And `history` over a folder whose only entry is damaged printed
"还没有导入记录" before naming that entry."""

from __future__ import annotations

import errno
import re
import shutil

import pytest

from oversight.__main__ import main
from oversight.core import i18n, safe_text
from oversight.data import store
from oversight.ingest import ValidationError, commit, folder_lock, import_history
from oversight.ingest.import_report import describe_failure
from oversight.ingest.problems import Problem
from tests.bad_files import HEADERS, meeting, write_xlsx

# how each language says that the data were left as they were
UNCHANGED = {
    "zh": re.compile("数据未作任何改动"),
    "en": re.compile("left unchanged|data is unchanged|nothing was changed"),
}

REASONS = {
    "disk full": OSError(errno.ENOSPC, "No space left on device"),
    "folder": OSError(errno.EACCES, "Permission denied", "/srv/data/meetings.xlsx"),
    ".history": OSError(errno.EACCES, "Permission denied", "/srv/data/.history/x/manifest.json"),
    "lock": OSError(errno.EACCES, "Permission denied", f"/srv/data/{folder_lock.LOCK_FILE}"),
    "journal": ValidationError([Problem(file=folder_lock.JOURNAL, message_key="error.journal_damaged")]),
    "unexpected": IsADirectoryError(errno.EISDIR, "Is a directory"),
    "a file's problem": ValidationError(
        [Problem(file="issues.xlsx", message_key="error.ledger_open_elsewhere", params={"owner": "~$issues.xlsx"})]
    ),
}


@pytest.mark.parametrize("change", ["import", "undo"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("reason", list(REASONS))
def test_a_refusal_says_once_that_nothing_changed(reason, lang, change):
    said = describe_failure(REASONS[reason], lang, change, keep_traceback=False)
    assert len(UNCHANGED[lang].findall(said)) == 1, said
    opening = {
        ("zh", "import"): "导入未完成",
        ("zh", "undo"): "撤销未完成",
        ("en", "import"): "The import did not complete",
        ("en", "undo"): "The undo did not complete",
    }[lang, change]
    assert said.startswith(opening), said


def test_the_disk_full_refusal_reads_as_one_sentence():
    assert describe_failure(REASONS["disk full"], "zh") == "导入未完成：磁盘空间不足，无法写入；数据未作任何改动"
    assert (
        describe_failure(REASONS["disk full"], "en")
        == "The import did not complete: the disk is full; nothing was written and the data is unchanged"
    )


def _only_a_damaged_entry(tmp_path, monkeypatch):
    """A copy of the sample folder whose history holds one entry, its manifest damaged; returns that entry."""
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".history"))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    commit.import_files(
        write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]}),
        mode="append",
        folder=folder,
    )
    (only,) = import_history.list_history(folder)
    (only.path / import_history.MANIFEST).write_bytes(b"{not json")
    return only


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_history_with_only_a_damaged_entry_does_not_say_there_are_none(tmp_path, monkeypatch, capsys, lang):
    only = _only_a_damaged_entry(tmp_path, monkeypatch)
    assert main(["history", "--lang", lang]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert i18n.t("data.history.empty", lang) not in out + err
    said = i18n.t("data.history.damaged", lang, ids=only.id)
    # a sentence, ended; the English one ends in the folder's name .history, which a full stop would be copied with
    assert err.strip() == {"zh": f"{said}。", "en": said}[lang]


def test_the_data_page_with_only_a_damaged_entry_names_it_and_not_no_imports(tmp_path, monkeypatch):
    from tests.apptest import run_page

    only = _only_a_damaged_entry(tmp_path, monkeypatch)
    at = run_page("pages/07_data.py")
    assert not at.exception
    assert any(safe_text.markdown(only.id) in warning.value for warning in at.warning)
    assert i18n.t("data.history.empty", "zh") not in [caption.value for caption in at.caption]
