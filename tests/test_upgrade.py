"""An office upgraded to this release keeps what older releases wrote in its data folder.

Each test builds the folder as the older code left it (from code, not from a stored copy) and runs this release on it.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from oversight import ingest
from oversight.__main__ import main
from oversight.core import atomic
from oversight.data import store
from oversight.ingest import commit, import_history
from tests.bad_files import HEADERS, hash_tree, meeting, write_xlsx


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    return folder


def _import_as_older_releases_did(data_folder: Path, tmp_path: Path) -> import_history.HistoryEntry:
    """An import whose entry is drwx------, as every release before 8569424 made it (``tempfile.mkdtemp``'s fixed
    mode, whatever the umask): the admin's import from the command line, under the admin's own OS account."""
    previous = os.umask(0o022)
    try:
        new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
        entry = commit.import_files(new, mode="append", folder=data_folder, user="admin")
    finally:
        os.umask(previous)
    entry.path.chmod(0o700)
    assert (data_folder / import_history.HISTORY_DIR).stat().st_mode & 0o777 == 0o755
    return entry


def test_an_older_releases_private_history_entry_is_opened_up_by_its_owner(data_folder, tmp_path):
    """Older releases made each history entry 0700 for the account that imported: once upgraded, the dashboard's
    service account still could not read the entries an admin's command-line imports had left (listed as damaged,
    undo refused) — the fix only made new entries readable. The entry's owner, at its next look at the history
    (``python -m oversight history``, an import, an undo), now gives it the mode a new entry gets: the .history
    folder's own."""
    entry = _import_as_older_releases_did(data_folder, tmp_path)
    history = import_history.list_history(data_folder)
    assert [e.id for e in history] == [entry.id] and history.damaged == ()
    assert entry.path.stat().st_mode & 0o777 == 0o755


def test_an_entry_another_account_made_private_is_said_as_unreadable_not_damaged(
    data_folder, tmp_path, monkeypatch, capsys
):
    """As the dashboard's account (not the entry's owner), the old 0700 entry cannot be read nor widened: it was
    said to be damaged (清单无法读取) and the admin told to repair it or move it out of .history — which would have
    thrown its undo away, when nothing is damaged. Now it is named as one this account may not read, with what to do;
    undo still refuses (it may be the newest import)."""
    entry = _import_as_older_releases_did(data_folder, tmp_path)
    real_getuid, real_read = os.geteuid, atomic.read_regular
    monkeypatch.setattr(os, "geteuid", lambda: real_getuid() + 4242)  # the dashboard's account, not the admin's

    def as_another_account(path):  # the tests run as root, whom a mode 0700 does not stop
        if Path(path).parent == entry.path:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_read(path)

    monkeypatch.setattr(atomic, "read_regular", as_another_account)
    history = import_history.list_history(data_folder)
    assert history.damaged == (entry.id,) and history.unreadable == (entry.id,)
    assert entry.path.stat().st_mode & 0o777 == 0o700  # not ours: left as it is

    assert main(["history", "--lang", "en"]) == 0
    err = capsys.readouterr().err.strip()
    assert "damaged" not in err
    assert err == (
        f"History entries {entry.id} cannot be read by this account (made by another account with an older "
        "release): undo is not possible until that account runs python -m oversight history once, or an "
        "administrator lets this account read them."
    )
    assert main(["history", "--lang", "zh"]) == 0
    err = capsys.readouterr().err.strip()
    assert err == (
        f"历史记录 {entry.id} 本账户无权读取（由另一账户用旧版本创建）；由创建它的账户运行一次 python -m oversight "
        "history，或由管理员让本账户可以读取之前，无法撤销。"
    )
    before = hash_tree(data_folder)
    with pytest.raises(ingest.ValidationError) as refused:
        commit.undo_last(data_folder)
    assert [p.message_key for p in refused.value.problems] == ["error.undo_history_unreadable"]
    assert hash_tree(data_folder) == before


def test_an_older_releases_private_lock_files_are_opened_up_by_their_owner(data_folder, tmp_path):
    """Every release before c4b4d81 made the data folder's lock 0600 for the account that first imported, and every
    release so far made the cache's write lock so: in a folder shared by the admin's account and the dashboard's (a
    group, umask 002), an upgraded office kept the admin's 0600 lock, and the dashboard's every import and undo was
    refused (.oversight.lock 无法打开), and the dashboard never wrote the Parquet cache the admin's command line had
    begun (each start parsed every ledger again). Both are made as the umask leaves 0666 now, and an older one is
    given, by its owner at its next use, the mode the folder it is in allows."""
    from oversight.ingest import checked_folder, folder_lock, table_cache

    previous = os.umask(0o002)
    try:
        data_folder.chmod(0o2775)
        shutil.rmtree(table_cache.cache_dir(data_folder), ignore_errors=True)  # the sample's, copied with its mode
        commit.import_files(
            write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]}),
            mode="append",
            folder=data_folder,
            user="admin",
        )
        cache_lock = table_cache.cache_dir(data_folder) / table_cache.WRITE_LOCK
        assert cache_lock.stat().st_mode & 0o777 == 0o664  # made now: as the umask leaves it
        lock = data_folder / folder_lock.LOCK_FILE
        for older in (lock, cache_lock):
            older.chmod(0o600)  # as an older release left them
        commit.undo_last(data_folder)
        for stale in table_cache.cache_dir(data_folder).glob("*.parquet"):
            stale.unlink()  # the next read writes the cache again, under its lock
        checked_folder.read_folder(data_folder)
    finally:
        os.umask(previous)
    assert lock.stat().st_mode & 0o777 == 0o664
    assert cache_lock.stat().st_mode & 0o777 == 0o664


def test_a_commit_an_older_release_left_interrupted_is_rolled_back(data_folder, tmp_path):
    """A crash mid-import under an older release (5a905b0's journal: no ``action``, ``user`` or ``audited``; its entry
    without a sequence number) is rolled back by this release's first reader, as its own would be."""
    import json

    from oversight.ingest import folder_lock

    original = (data_folder / "meetings.xlsx").read_bytes()
    entry = commit.import_files(
        write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]}),
        mode="append",
        folder=data_folder,
    )
    manifest = json.loads((entry.path / import_history.MANIFEST).read_text(encoding="utf-8"))
    del manifest["sequence"]
    (entry.path / import_history.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    older_journal = {"entry": entry.id, "tables": {"meetings": ["meetings.xlsx"]}, "history_existed": False}
    (data_folder / folder_lock.JOURNAL).write_text(json.dumps(older_journal), encoding="utf-8")
    assert folder_lock.recover_if_interrupted(data_folder) == (entry.id, "import")
    assert (data_folder / "meetings.xlsx").read_bytes() == original
    assert not (data_folder / folder_lock.JOURNAL).exists() and not entry.path.exists()
