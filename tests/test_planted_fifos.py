"""A named pipe planted in the shared data folder under a name the product reads is refused, never waited on.

Anyone who may write in the folder (its group) can put a FIFO where a small file of ours is read by its name: opening
one for reading waits for a writer that never comes. A cache file's check (each cache file's name is in the folder's
listing) hung every reader of the folder, every page of every user; the commit journal hung the page that found it,
holding the folder's lock (every import after it 正在被其他操作使用); a history entry's manifest hung the history. Each
case runs in a child process, which a hang keeps past its allowance (the test then fails rather than hangs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from oversight.data import store
from oversight.ingest import checked_folder, folder_lock, table_cache
from tests import oracle

ROOT = Path(__file__).resolve().parent.parent
NEVER_ANSWERS_S = 60  # what a FIFO waits is forever: a child still running then is one that waits on it

_READ_FOLDER = """
import sys
from pathlib import Path
from oversight.ingest import checked_folder
print(len(checked_folder.read_folder(Path(sys.argv[1]))["meetings"]))
"""
_RECOVER = """
import sys
from pathlib import Path
from oversight.ingest import folder_lock
print(folder_lock.recover_if_interrupted(Path(sys.argv[1])))
"""
_HISTORY = """
import sys
from pathlib import Path
from oversight.ingest import import_history
history = import_history.list_history(Path(sys.argv[1]))
print(len(history), len(history.damaged))
"""


@pytest.fixture
def folder(tmp_path):
    return shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")


def _run(script: str, folder: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        child = subprocess.run(
            [sys.executable, "-c", script, str(folder)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=NEVER_ANSWERS_S,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("waited on the planted FIFO")
    assert child.returncode == 0, child.stderr
    return child.stdout.strip()


def _fifo_in_place_of(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def test_a_cache_files_check_planted_as_a_fifo_is_not_waited_on(folder):
    checked_folder.read_folder(folder)  # the cache is written: each file's name is in the folder's listing
    (check,) = (folder / table_cache.CACHE_DIR_NAME).glob("meetings.*.parquet.check")
    _fifo_in_place_of(check)
    meetings = oracle.read_ledgers(folder).meetings
    assert _run(_READ_FOLDER, folder) == str(len(meetings))  # read from the ledger, as for a check that is wrong


def test_a_commit_journal_planted_as_a_fifo_is_not_waited_on(folder):
    _fifo_in_place_of(folder_lock.journal_path(folder))
    assert _run(_RECOVER, folder) == "None"  # not a journal a commit writes: left for an admin, the folder read as is


def test_a_history_manifest_planted_as_a_fifo_is_not_waited_on(folder, tmp_path, monkeypatch):
    from oversight.__main__ import main
    from oversight.ingest import import_history
    from tests.bad_files import HEADERS, meeting, write_xlsx

    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    assert main(["import", str(new), "--table", "meetings", "--mode", "append"]) == 0
    (entry,) = import_history.list_history(folder)
    _fifo_in_place_of(entry.path / import_history.MANIFEST)
    assert _run(_HISTORY, folder) == "0 1"  # a damaged entry, as for a manifest that is not JSON


_MARKER = """
import sys
from pathlib import Path
from oversight.auth import accounts_marker
print(accounts_marker.remembered_users_file(Path(sys.argv[1])))
"""


def test_an_accounts_marker_planted_as_a_fifo_still_guards_the_folder_and_is_not_waited_on(folder):
    from oversight.auth import accounts_marker

    _fifo_in_place_of(folder / accounts_marker.MARKER)
    assert _run(_MARKER, folder) == "?"  # a marker that cannot be read still counts: local mode stays shut
