"""One data folder, one audit log and one users file shared by several processes (replicas behind nginx).

Each test starts real processes (``multiprocessing`` with ``spawn``, so each has
its own interpreter, as a replica has) released at the same instant by a
barrier, and checks the shared file afterwards line by line or byte by byte.
The import race itself (two CLI imports at the same instant, 20 times) is
``tests/test_commit_safety.py``; it is not repeated here.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from pathlib import Path

import pandas as pd

from oversight.data import store
from oversight.ingest import checked_folder, table_cache

SPAWN = multiprocessing.get_context("spawn")
PROCESSES = 6


def _run_all(target, arguments: list[tuple]) -> list:
    """Run ``target(barrier, queue, *args)`` in one process per entry, all released together; their results."""
    barrier = SPAWN.Barrier(len(arguments))
    queue = SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(barrier, queue, *args)) for args in arguments]
    for process in processes:
        process.start()
    results = [queue.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0, f"a worker failed: exit code {process.exitcode}"
    return results


# ---------------------------------------------------------------- the audit log

LINES_PER_PROCESS = 400
FILLER = (
    "会议监督" * 600
)  # ~7 KB a line: longer than a pipe's atomic write, so only O_APPEND + one write keeps it whole


def _append_audit_lines(barrier, queue, log_path: str, writer: int) -> None:
    from oversight.auth import audit

    barrier.wait()
    for sequence in range(LINES_PER_PROCESS):
        audit.record(
            "download",
            account=f"writer{writer}",
            address="10.0.0.1",
            details={"writer": writer, "sequence": sequence, "filler": FILLER},
            path=Path(log_path),
        )
    queue.put(writer)


def test_audit_lines_from_many_processes_are_all_there_once_and_whole(tmp_path):
    log_path = tmp_path / "audit.jsonl"
    _run_all(_append_audit_lines, [(str(log_path), writer) for writer in range(PROCESSES)])
    raw = log_path.read_bytes()
    assert raw.endswith(b"\n")
    lines = raw.split(b"\n")[:-1]
    assert len(lines) == PROCESSES * LINES_PER_PROCESS
    seen = []
    for line in lines:
        entry = json.loads(line)  # a torn or interleaved line would not parse
        assert entry["details"]["filler"] == FILLER
        seen.append((entry["details"]["writer"], entry["details"]["sequence"]))
    assert sorted(seen) == [(w, s) for w in range(PROCESSES) for s in range(LINES_PER_PROCESS)]
    for writer in range(PROCESSES):  # each process's lines stay in the order it wrote them
        own = [s for w, s in seen if w == writer]
        assert own == sorted(own)


# ---------------------------------------------------------------- the users file


def _add_users(barrier, queue, users_path: str, writer: int) -> None:
    from oversight.auth import accounts

    barrier.wait()
    for number in range(3):
        accounts.add_user(f"user{writer}x{number}", "a long enough password 1", "leader", path=Path(users_path))
    queue.put(writer)


def test_accounts_added_from_many_processes_at_once_are_all_kept(tmp_path):
    from oversight.auth import accounts

    users_path = tmp_path / "conf" / "users.toml"
    _run_all(_add_users, [(str(users_path), writer) for writer in range(PROCESSES)])
    records = accounts.load_users(users_path)
    assert sorted(records) == sorted(f"user{w}x{n}" for w in range(PROCESSES) for n in range(3))
    assert all(record.role == "leader" for record in records.values())


# ---------------------------------------------------------------- the Parquet cache


def _open_the_folder(barrier, queue, folder: str, rounds: int) -> None:
    barrier.wait()
    counts = []
    for _ in range(rounds):
        connection = store.open_folder(Path(folder))
        counts.append(
            {
                name: connection.execute(f"select count(*) from {name}").fetchone()[0]
                for name in ("units", "meetings", "issues", "suggestions", "reminders", "activities")
            }
        )
        connection.close()
    queue.put(counts)


def _expected_counts(folder: Path) -> dict[str, int]:
    return {name: len(frame) for name, frame in checked_folder.read_folder(folder).items()}


def test_replicas_starting_together_on_a_cold_cache_all_read_the_data_and_leave_verified_files(tmp_path):
    folder = Path(shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*")))
    expected = _expected_counts(Path(shutil.copytree(folder, tmp_path / "reference")))
    results = _run_all(_open_the_folder, [(str(folder), 3)] * PROCESSES)
    assert all(counts == expected for result in results for counts in result)
    parquet = sorted((folder / table_cache.CACHE_DIR_NAME).glob("*.parquet"))
    assert len(parquet) == 6  # one entry per table: written once, not once per process
    assert all(table_cache._verified(path) for path in parquet)
    for name, frame in checked_folder.read_folder(folder).items():  # what the cache now serves is what the files hold
        reference = checked_folder.read_folder(tmp_path / "reference")[name]
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), reference.reset_index(drop=True))


def _replace_meetings_back_and_forth(barrier, queue, folder: str, versions: list[str], times: int) -> None:
    """What an import and an undo do to the folder: the table file replaced by rename, again and again."""
    from oversight.core import atomic

    barrier.wait()
    target = Path(folder) / "meetings.xlsx"
    for turn in range(times):
        atomic.write_bytes(target, Path(versions[turn % 2]).read_bytes())
    queue.put("done")


def test_readers_see_one_version_or_the_other_while_a_table_is_replaced_under_them(tmp_path):
    folder = Path(shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*")))
    before = _expected_counts(folder)
    # the other version: the sample's meetings without the last 40 rows
    smaller = tmp_path / "smaller"
    shutil.copytree(folder, smaller)
    meetings = checked_folder.read_folder(folder)["meetings"]
    _write_meetings(smaller / "meetings.xlsx", meetings.iloc[:-40])
    after = _expected_counts(smaller)
    assert after["meetings"] == before["meetings"] - 40
    versions = [str(smaller / "meetings.xlsx"), str(folder / "meetings.xlsx")]
    versions = [shutil.copy(v, tmp_path / f"v{i}.xlsx") for i, v in enumerate(versions)]
    results = _run_all_mixed(folder, [str(v) for v in versions])
    seen = {counts["meetings"] for result in results if isinstance(result, list) for counts in result}
    assert seen <= {before["meetings"], after["meetings"]}, seen
    assert all(
        counts["issues"] == before["issues"] for result in results if isinstance(result, list) for counts in result
    )
    # the folder ends valid, and its cache verified and matching the file now there
    final = _expected_counts(folder)
    assert final["meetings"] in (before["meetings"], after["meetings"])
    assert all(table_cache._verified(path) for path in (folder / table_cache.CACHE_DIR_NAME).glob("*.parquet"))


def _run_all_mixed(folder: Path, versions: list[str]) -> list:
    barrier = SPAWN.Barrier(PROCESSES)
    queue = SPAWN.Queue()
    processes = [
        SPAWN.Process(target=_replace_meetings_back_and_forth, args=(barrier, queue, str(folder), versions, 30))
    ]
    processes += [
        SPAWN.Process(target=_open_the_folder, args=(barrier, queue, str(folder), 6)) for _ in range(PROCESSES - 1)
    ]
    for process in processes:
        process.start()
    results = [queue.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return results


def _write_meetings(path: Path, frame: pd.DataFrame) -> None:
    """The meetings table with its English headers (the contract accepts them), as an office would save it."""
    from oversight.contract.schema import TABLES

    columns = [c.name for c in TABLES["meetings"].columns]
    out = frame[columns].copy()
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map({True: "是", False: "否"})
    out.to_excel(path, index=False)
    os.utime(path)
