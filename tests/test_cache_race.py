"""The Parquet cache cleared under a reader, and a data folder on a disk that is nearly full.

``table_cache.clear`` (a full disk's commit frees the cache) may remove a cache file between a reader finding it
and opening it: the reader parses the spreadsheet again, and what it shows is the spreadsheet's. On a nearly full
disk the cache that cannot be written costs only a parse; an import that cannot be written says so and changes
nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import pytest

from oversight.__main__ import main
from oversight.data import store
from oversight.ingest import checked_folder, table_cache
from tests.bad_files import HEADERS, hash_tree, meeting, write_xlsx
from tests.oracle import read_ledgers


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    monkeypatch.setenv("OVERSIGHT_USER", "王秘书")
    return folder


def _meeting_count(connection) -> int:
    return connection.cursor().execute("select count(*) from meetings").fetchone()[0]


def test_a_cache_file_cleared_between_finding_and_opening_it_is_parsed_again(data_folder, monkeypatch, caplog):
    checked_folder.read_folder(data_folder)  # every table's cache file written
    found = table_cache.usable_path

    def cleared_after_finding(folder, table, key):
        path = found(folder, table, key)
        table_cache.clear(folder)  # another process's commit freeing the disk, right now
        return path

    monkeypatch.setattr(table_cache, "usable_path", cleared_after_finding)
    connection = store.open_folder(data_folder)
    assert _meeting_count(connection) == len(read_ledgers(data_folder).meetings)


def test_a_cache_file_cleared_before_it_is_verified_is_parsed_again_quietly(data_folder, monkeypatch, caplog):
    """The frame comes from the spreadsheet, and the log does not call the removed file forged ("its rows or hash
    differ"), which sent whoever read it looking for tampering."""
    checked_folder.read_folder(data_folder)
    verified = table_cache._verified

    def cleared_first(path):
        table_cache.clear(data_folder)
        return verified(path)

    monkeypatch.setattr(table_cache, "_verified", cleared_first)
    with caplog.at_level("WARNING", logger=table_cache.__name__):
        frames = checked_folder.read_folder(data_folder)
    assert list(frames["meetings"]["meeting_id"]) == list(read_ledgers(data_folder).meetings["meeting_id"])
    assert "differ" not in caplog.text


def _fill(mount):
    """A file taking all the room the disk has left."""
    with (mount / f"filler-{uuid.uuid4().hex}").open("wb", buffering=0) as stream:  # unbuffered: close cannot fail
        try:
            while True:
                stream.write(b"\0" * 4096)
        except OSError:
            pass


@pytest.fixture
def nearly_full_disk(tmp_path):
    """A 3 MB tmpfs holding a copy of the sample data and a file filling all but ``room`` of it (root only)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        folder = shutil.copytree(store.SAMPLE_DATA_DIR, mount / "data")
        _fill(mount)
        free = shutil.disk_usage(mount).free
        assert free < 8192, free  # nearly full: no room for a cache file, nor a ledger's copy
        yield mount, folder
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_on_a_nearly_full_disk_nothing_is_lost_and_the_refusal_is_a_sentence(
    nearly_full_disk, tmp_path, monkeypatch, capsys
):
    mount, folder = nearly_full_disk
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    monkeypatch.setenv("OVERSIGHT_USER", "王秘书")
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "audit.jsonl"))  # the log's own disk has room
    expected = read_ledgers(folder)

    frames = checked_folder.read_folder(folder)  # the cache cannot be written: the frames are read all the same
    assert list(frames["meetings"]["meeting_id"]) == list(expected.meetings["meeting_id"])
    assert _meeting_count(store.open_folder(folder)) == len(expected.meetings)

    table_cache.clear(folder)
    _fill(mount)  # no cache left whose room a commit could take back
    before = hash_tree(folder)
    one = write_xlsx(tmp_path / "one.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    assert main(["import", str(one), "--table", "meetings", "--mode", "append", "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == "The disk is full; nothing was written and the data is unchanged."
    assert "Traceback" not in captured.err
    assert hash_tree(folder) == before
    assert list(checked_folder.read_folder(folder)["meetings"]["meeting_id"]) == list(expected.meetings["meeting_id"])

    for filler in mount.glob("filler-*"):  # room again: the same import goes through, every meeting kept
        filler.unlink()
    assert main(["import", str(one), "--table", "meetings", "--mode", "append", "--lang", "en"]) == 0
    after = checked_folder.read_folder(folder)["meetings"]["meeting_id"]
    assert list(after) == [*expected.meetings["meeting_id"], "HY2021-0001"]
