"""The Parquet cache beside the data: hits, never stale, corrupt entries ignored, unwritable folders tolerated."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from oversight import ingest
from oversight.contract.schema import LOAD_ORDER
from oversight.data import store
from oversight.devdata import scale
from oversight.ingest import checked_folder, sheets, table_cache


@pytest.fixture
def folder(tmp_path) -> Path:
    return shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*"))


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The tables ingest actually parses (a cache hit parses nothing)."""
    calls: list[str] = []
    real = ingest.read_table

    def counting(path, table, context=None, cap=None):
        calls.append(table.name)
        return real(path, table, context, cap)

    monkeypatch.setattr(sheets, "read_table", counting)
    return calls


def cache_files(folder: Path) -> list[str]:
    directory = folder / table_cache.CACHE_DIR_NAME
    return sorted(p.name.split(".")[0] for p in directory.glob("*.parquet")) if directory.is_dir() else []


def all_rows(connection, table: str) -> pd.DataFrame:
    return connection.execute(f"select * from {table} order by 1").df()


def test_second_read_is_a_hit_with_identical_frames(folder, parsed):
    first = checked_folder.read_folder(folder)
    assert parsed == list(LOAD_ORDER)
    assert cache_files(folder) == sorted(LOAD_ORDER)
    second = checked_folder.read_folder(folder)
    assert parsed == list(LOAD_ORDER)  # nothing parsed again
    for name in LOAD_ORDER:
        pd.testing.assert_frame_equal(second[name], first[name], check_exact=True)
    assert second["meetings"]["date"].iloc[0] == first["meetings"]["date"].iloc[0]
    assert second["issues"]["rectified_date"].isna().sum() == first["issues"]["rectified_date"].isna().sum() > 0


def test_duckdb_from_the_cache_holds_what_the_frames_hold(folder, parsed):
    from_frames = store.connect(checked_folder.read_folder(folder))
    from_cache = store.open_folder(folder)
    assert parsed == list(LOAD_ORDER)
    for name in LOAD_ORDER:
        pd.testing.assert_frame_equal(all_rows(from_cache, name), all_rows(from_frames, name))
        assert from_cache.execute(f"describe {name}").df().equals(from_frames.execute(f"describe {name}").df())


def _rezipped(path: Path) -> None:
    """The same workbook in other bytes (its parts compressed at another level): a file saved again."""
    with zipfile.ZipFile(path) as book:
        parts = [(info, book.read(info)) for info in book.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for info, data in parts:
            book.writestr(info.filename, data)


def test_a_touched_file_is_read_from_the_cache_as_its_bytes_are_unchanged(folder, parsed):
    """The key is the file's bytes, not its modification time: undo gives a ledger back byte for byte with a new time,
    and parsed 190,000 meetings again to find the frame it had."""
    checked_folder.read_folder(folder)
    parsed.clear()
    for path in folder.glob("*.xlsx"):
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    checked_folder.read_folder(folder)
    assert parsed == []


def test_a_file_saved_again_is_read_again_with_what_depends_on_it(folder, parsed):
    checked_folder.read_folder(folder)
    parsed.clear()
    _rezipped(folder / "meetings.xlsx")
    checked_folder.read_folder(folder)
    assert parsed == ["meetings"]
    parsed.clear()
    _rezipped(folder / "units.xlsx")
    checked_folder.read_folder(folder)
    assert parsed == list(LOAD_ORDER)  # every table's units are checked against units
    assert cache_files(folder) == sorted(LOAD_ORDER)  # older entries are dropped, not piled up


def test_a_changed_file_is_never_served_stale_even_with_the_same_size_and_time(tmp_path, parsed):
    folder = tmp_path / "scale"
    scale.write(folder, 300, csv=True)
    before = checked_folder.read_folder(folder)["reminders"]
    path = folder / "reminders.csv"
    stat = path.stat()
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    fields = lines[1].split(",")
    moved = (pd.Timestamp(fields[2]) + pd.Timedelta(days=1)).date()
    fields[2] = moved.isoformat()
    lines[1] = ",".join(fields)
    edited = "".join(lines)
    assert len(edited.encode()) == len(text.encode())  # same size…
    path.write_text(edited, encoding="utf-8-sig")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # …and the same modification time
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    parsed.clear()
    after = checked_folder.read_folder(folder)["reminders"]
    assert parsed == ["reminders"]  # only the content hash tells
    assert after["date"].iloc[0] == moved != before["date"].iloc[0]


def test_key_covers_content_hash_dependencies_and_code(folder):
    path = folder / "meetings.xlsx"
    key = table_cache.FileKey.of(path)
    assert key.sha256 == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    base = table_cache.table_key("meetings", key, {"units": "u1"})
    assert (
        table_cache.table_key(
            "meetings", table_cache.FileKey(key.name, key.size, key.mtime_ns, "0" * 64), {"units": "u1"}
        )
        != base
    )
    assert table_cache.table_key("meetings", key, {"units": "u2"}) != base
    assert (  # the bytes decide the frame: a new modification time alone is the same key
        table_cache.table_key(
            "meetings", table_cache.FileKey(key.name, key.size, key.mtime_ns + 1, key.sha256), {"units": "u1"}
        )
        == base
    )
    assert table_cache.table_key("meetings", key, {"units": "u1"}) == base


@pytest.mark.parametrize("damage", [b"", b"not parquet at all", b"PAR1" + b"\0" * 64])
def test_a_corrupt_cache_file_is_ignored_and_rebuilt(folder, parsed, damage):
    expected = checked_folder.read_folder(folder)
    target = next((folder / table_cache.CACHE_DIR_NAME).glob("meetings.*.parquet"))
    target.write_bytes(damage)
    parsed.clear()
    again = checked_folder.read_folder(folder)
    assert parsed == ["meetings"]
    pd.testing.assert_frame_equal(again["meetings"], expected["meetings"])
    assert target.stat().st_size > 1000  # rebuilt whole
    target.write_bytes(damage)
    connection = store.open_folder(folder)  # DuckDB reading the file itself falls back too
    assert connection.execute("select count(*) from meetings").fetchone()[0] == len(expected["meetings"])


def test_a_folder_that_cannot_hold_a_cache_still_loads(folder, parsed):
    (folder / table_cache.CACHE_DIR_NAME).write_text("a file where the cache folder would go")
    first = checked_folder.read_folder(folder)
    second = checked_folder.read_folder(folder)
    assert parsed == list(LOAD_ORDER) * 2  # parsed each time, never fatal
    pd.testing.assert_frame_equal(first["meetings"], second["meetings"])
    assert store.open_folder(folder).execute("select count(*) from units").fetchone()[0] == 9


def test_a_failed_write_leaves_no_partial_file(folder, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(table_cache.pq, "write_table", refuse)
    frames = checked_folder.read_folder(folder)
    assert len(frames["meetings"]) == 573
    # only the writers' lock file (it holds no data, and is never deleted: see oversight.locking)
    assert [p.name for p in (folder / table_cache.CACHE_DIR_NAME).iterdir()] in ([], [table_cache.WRITE_LOCK])


def test_problems_are_still_all_reported_and_nothing_bad_is_cached(folder):
    checked_folder.read_folder(folder)
    (folder / "reminders.xlsx").unlink()
    (folder / "activities.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(ingest.ValidationError) as raised:
        checked_folder.read_folder(folder)
    keys = sorted(p.message_key for p in raised.value.problems)
    assert keys == ["error.file_missing", "error.not_a_spreadsheet"]
    assert "activities" in cache_files(folder)  # the old entry stays, under a key the bad file does not match
    with pytest.raises(ingest.ValidationError):
        checked_folder.read_folder(folder)


# a child that reads the folder and is killed (os._exit, as kill -9 would: no cleanup) once its meetings' cache file
# is written beside its name, before the rename
_KILLED_WHILE_CACHING = """
import os, sys
from pathlib import Path
from oversight.core import atomic
from oversight.ingest import checked_folder

written = atomic.write_beside

def dying(target, data, mode=None):
    temporary = written(target, data, mode)
    if target.name.startswith("meetings.") and target.name.endswith(".parquet"):
        os._exit(137)
    return temporary

atomic.write_beside = dying
checked_folder.read_folder(Path(sys.argv[1]))
"""


def _killed_while_caching(folder: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_WHILE_CACHING, str(folder)], cwd=root, env=env, capture_output=True, timeout=120
    )
    assert child.returncode == 137, child.stderr


def _leftovers(folder: Path) -> list[str]:
    directory = folder / table_cache.CACHE_DIR_NAME
    return sorted(
        path.name
        for path in directory.iterdir()
        if path.name.endswith(".tmp") or (path.name.endswith(".check") and not path.with_suffix("").exists())
    )


def test_what_a_reader_killed_while_caching_left_goes_with_the_next_cache_write(folder):
    _killed_while_caching(folder)
    (folder / "units.xlsx").touch()  # the same bytes: the next reader writes no cache file of units again
    left = _leftovers(folder)
    # the killed reader's meetings temporary (the size of the cache file) and the check written before it
    assert [name.lstrip(".").split(".")[0] for name in left] == ["meetings", "meetings"]
    assert len(checked_folder.read_folder(folder)["meetings"]) == 573  # the next reader caches meetings itself
    assert _leftovers(folder) == []
    assert cache_files(folder) == sorted(LOAD_ORDER)


def test_clearing_a_full_disks_cache_frees_what_killed_readers_left(folder):
    """Freeing a full disk's cache (``table_cache.clear``, the commit's retry) took only the Parquet files: each kill's
    temporary, as large as one, stayed."""
    _killed_while_caching(folder)
    directory = folder / table_cache.CACHE_DIR_NAME
    parquet = sum(path.stat().st_size for path in directory.glob("*.parquet"))
    temporary = sum(path.stat().st_size for path in directory.glob(".*.tmp"))
    assert temporary > 0
    assert table_cache.clear(folder) >= parquet + temporary
    assert sorted(path.name for path in directory.iterdir()) == [table_cache.WRITE_LOCK]
