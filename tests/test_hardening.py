"""The hardening of issue 13, piece by piece: the lock, local mode's Host/Origin check, bounded sign-in names,
audit before action, damaged history, cache checks, escaping, and the CLI's failures as sentences."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from oversight import config, ingest
from oversight.__main__ import main
from oversight.auth import access_mode, accounts, audit, login, roles, throttle
from oversight.charts import style
from oversight.core import atomic, locking, safe_text
from oversight.data import store
from oversight.ingest import checked_folder, commit, folder_lock, import_history, import_plan, table_cache
from tests.bad_files import (
    HEADERS,
    hash_tree,
    issue,
    meeting,
    temporary_disk_full,
    users_file_without_accounts,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    return folder


def new_meetings(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})


# ---------------------------------------------------------------- the lock


def test_a_second_taker_waits_then_is_told_who_holds_the_lock(tmp_path):
    path = tmp_path / "x.lock"
    with locking.held(path, purpose="import"):
        outcome = {}

        def other():
            try:
                with locking.held(path, timeout=0.2):
                    outcome["got"] = True
            except locking.LockBusy as busy:
                outcome["busy"] = busy.holder

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert "got" not in outcome
    assert outcome["busy"]["pid"] == os.getpid() and outcome["busy"]["purpose"] == "import"
    with locking.held(path, timeout=0):  # free again once released
        pass


def test_the_lock_is_reentrant_in_one_thread(tmp_path):
    with locking.held(tmp_path / "x.lock"):
        with locking.held(tmp_path / "x.lock", timeout=0):
            pass


def test_a_holder_that_dies_releases_the_lock(tmp_path):
    path = tmp_path / "x.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time\nfrom oversight.core import locking\n"
                f"with locking.held({str(path)!r}):\n    print('held', flush=True)\n    time.sleep(600)\n"
            ),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(locking.LockBusy):
        with locking.held(path, timeout=0):
            pass
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    with locking.held(path, timeout=5):  # the kernel let go with the process
        pass


@pytest.mark.parametrize(
    "lang, said",
    [
        (
            "en",
            "another import or undo is in progress (since 2021-01-01 00:30:00, Beijing time); try again in a moment",
        ),
        ("zh", "另一个导入或撤销正在进行（开始于2021-01-01 00:30:00，北京时间），请稍后再试"),
    ],
)
def test_a_busy_data_folder_refuses_with_a_sentence(data_folder, tmp_path, lang, said):
    """The holder's note keeps its start in UTC; the refusal said it as kept ("since 2020-12-31T16:30:00+00:00"), a
    day before the Beijing day it began on, where the page's own "data is being updated" says Beijing time."""
    lock = data_folder / folder_lock.LOCK_FILE
    with locking.held(lock, purpose="import"):
        lock.write_text(json.dumps({"pid": 1, "purpose": "import", "since": "2020-12-31T16:30:00+00:00"}))
        done = {}
        thread = threading.Thread(target=lambda: done.setdefault("result", _import_in_thread(tmp_path, lang)))
        thread.start()
        thread.join()
    assert done["result"].strip() == said


def _import_in_thread(tmp_path: Path, lang: str = "en") -> str:
    try:
        with folder_lock.exclusive(Path(os.environ["OVERSIGHT_DATA_DIR"]), timeout=0.1):
            return "entered"
    except ingest.ValidationError as error:
        return error.render(lang)


# ---------------------------------------------------------------- local mode: Host, Origin, proxies


@pytest.mark.parametrize(
    "headers, port, expected",
    [
        ({}, None, True),  # no headers known (a test double): the peer address decides
        ({"Host": "localhost:8501", "Origin": "http://localhost:8501"}, 8501, True),
        ({"Host": "127.0.0.1:8501", "Origin": "http://127.0.0.1:8501"}, 8501, True),
        ({"Host": "[::1]:8501", "Origin": "http://[::1]:8501"}, 8501, True),
        ({"Host": "localhost:8501"}, 8501, True),  # no Origin: not a browser page
        ({"Host": "rebind.attacker.test:8501", "Origin": "http://rebind.attacker.test:8501"}, 8501, False),
        ({"Host": "localhost:8501", "Origin": "http://rebind.attacker.test:8501"}, 8501, False),
        ({"Host": "localhost:9999", "Origin": "http://localhost:9999"}, 8501, False),
        ({"Host": "127.0.0.1.nip.io:8501"}, 8501, False),
        ({"Host": "localhost.attacker.test:8501"}, 8501, False),
        ({"Host": "user@localhost:8501"}, 8501, False),
        ({"Origin": "http://localhost:8501"}, 8501, False),  # a browser always sends Host
        ({"Host": "localhost:8501", "Origin": "null"}, 8501, False),
        ({"Host": "localhost:8501", "Origin": "file://"}, 8501, False),
    ],
)
def test_local_mode_checks_host_and_origin(headers, port, expected):
    assert access_mode.is_local_request("127.0.0.1", headers, port) is expected


@pytest.mark.parametrize(
    "header",
    [
        "Via",
        "X-Forwarded-Proto",
        "CF-Connecting-IP",
        "True-Client-IP",
        "X-Client-IP",
        "X-Original-Forwarded-For",
        "X-Forwarded-For",
        "Forwarded",
        "X-Real-IP",
        "X-Forwarded-Port",
        "X-Original-URL",
        "Fastly-Client-IP",
    ],
)
def test_local_mode_refuses_any_forwarding_header(header):
    headers = {"Host": "localhost:8501", "Origin": "http://localhost:8501", header: "203.0.113.9"}
    assert not access_mode.is_local_request("127.0.0.1", headers, 8501)


# ---------------------------------------------------------------- sign-in floods


@pytest.mark.slow
def test_a_five_megabyte_name_is_logged_and_counted_bounded(tmp_path):
    accounts.add_user("chief", "correct-horse-battery", roles.ADMIN)
    name = "\x1b[2J" + "a" * (5 * 1024 * 1024)
    for _ in range(8):  # past the lock-out: its first refusal is logged too, the later ones under it are not
        login.sign_in(name, "wrong", "127.0.0.1")
    lines = audit.read_audit()
    assert [line["action"] for line in lines] == ["sign_in_failed"] * 5 + ["refused"]
    assert all(line["account"] == "\\x1b[2j" + "a" * 57 + "…" for line in lines)
    assert Path(os.environ["OVERSIGHT_AUDIT_LOG"]).stat().st_size < 8 * 1024
    assert throttle.throttle_file().stat().st_size < 2 * 1024


def test_the_throttle_file_keeps_at_most_its_limit_of_names():
    state = {}
    for i in range(50):
        state = throttle.record_failure(state, f"user:n{i}", now=1000.0 + i)
    kept = throttle.forget_stale(state, now=1100.0, limit=10)
    assert sorted(kept) == sorted(f"user:n{i}" for i in range(40, 50))  # the most recent ten


# ---------------------------------------------------------------- an action that cannot be audited does not happen


def test_an_import_whose_audit_line_cannot_be_written_changes_nothing(data_folder, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", "/dev/full")  # every write: ENOSPC, as on a full disk
    before = hash_tree(data_folder)
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        "The audit log cannot be written; so that every action is recorded, this one was not carried out.\n"
        "The audit log: /dev/full (the disk is full); an administrator should make it writable or free its disk, "
        "then run the command again."
    )
    assert hash_tree(data_folder) == before
    assert import_history.list_history(data_folder) == []


def test_a_full_disk_while_writing_the_data_is_a_sentence_and_changes_nothing(
    data_folder, tmp_path, monkeypatch, capsys
):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(data_folder / "meetings.xlsx"))

    before = hash_tree(data_folder)
    monkeypatch.setattr(commit, "stage_file", full)
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append", "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == "The disk is full; nothing was written and the data is unchanged."
    assert str(data_folder) not in captured.err and "Traceback" not in captured.err
    assert hash_tree(data_folder) == before
    assert [line["action"] for line in audit.read_audit()] == []  # the audit line comes after staging


def test_an_undo_on_a_full_disk_frees_the_cache_and_goes_ahead(data_folder, tmp_path, monkeypatch, capsys):
    """It was refused (磁盘已满) while .cache held Parquet files the next read rebuilds: room nothing needs."""
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append"]) == 0
    capsys.readouterr()
    checked_folder.read_folder(data_folder)  # the dashboard's read: every table's cache file written
    cache = table_cache.cache_dir(data_folder)
    assert len(list(cache.glob("*.parquet"))) == 6
    staged = commit.stage_file

    def full_while_the_cache_is_there(*args, **kwargs):  # the disk, full until the cache gives its room back
        if list(cache.glob("*.parquet")):
            raise OSError(errno.ENOSPC, "No space left on device")
        return staged(*args, **kwargs)

    monkeypatch.setattr(commit, "stage_file", full_while_the_cache_is_there)
    assert main(["undo", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("Undid ")
    assert len(checked_folder.read_folder(data_folder)["meetings"]) == 573  # the sample's meetings, as before
    assert [line["action"] for line in audit.read_audit()][-1] == "undo"
    # with no cache to free, a full disk is said as before, and nothing is changed
    monkeypatch.setattr(commit, "stage_file", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    table_cache.clear(data_folder)
    before = hash_tree(data_folder)
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append", "--lang", "en"]) == 2
    assert capsys.readouterr().err.strip() == "The disk is full; nothing was written and the data is unchanged."
    assert hash_tree(data_folder) == before


@pytest.mark.parametrize(
    ("owner", "lang", "said"),
    [
        (
            "~$meetings.xlsx",
            "en",
            "meetings.xlsx: open in a spreadsheet program (Excel, WPS or LibreOffice: ~$meetings.xlsx is beside it), "
            "where saving it would write over what this change writes. Close it there, then try again; if it is open "
            "nowhere, ~$meetings.xlsx was left by a program that did not close: delete it",
        ),
        (
            ".~lock.meetings.xlsx#",
            "zh",
            "meetings.xlsx：正在表格软件（Excel、WPS 或 LibreOffice）中打开（旁边有 .~lock.meetings.xlsx#），在那里保存会"
            "覆盖本次写入的内容；请先关闭该文件再重试。如果它并没有在任何地方打开，"
            ".~lock.meetings.xlsx# 是未正常关闭的程序留下的，删除即可",
        ),
    ],
)
def test_a_ledger_open_in_excel_is_not_replaced_under_it(data_folder, tmp_path, capsys, owner, lang, said):
    """An append into meetings.xlsx while a clerk had it open in Excel (its ~$meetings.xlsx beside it) was written,
    exit 0: the clerk's next save in Excel wrote the ledger back over it and the new meetings were gone unsaid. The
    undo of an import into it the same."""
    (data_folder / owner).write_bytes(b"\x0ewang\x00")
    before = hash_tree(data_folder)
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append", "--lang", lang]) == 1
    assert capsys.readouterr().out.strip().endswith(f"  - {said}")  # in the check, before anything is written
    assert hash_tree(data_folder) == before
    assert import_history.list_history(data_folder) == [] and audit.read_audit() == []
    (data_folder / owner).unlink()
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append"]) == 0
    (data_folder / owner).write_bytes(b"\x0ewang\x00")
    before = hash_tree(data_folder)
    assert main(["undo", "--lang", lang]) == 1
    assert capsys.readouterr().err.strip().endswith(said + {"zh": "。", "en": "."}[lang])  # a sentence on its own
    assert hash_tree(data_folder) == before
    assert [line["action"] for line in audit.read_audit()] == ["import"]
    # opened in Excel between the check and the commit: refused by the commit, under the folder's lock
    (data_folder / owner).unlink()
    another = write_xlsx(tmp_path / "another.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0002")]})
    plan = import_plan.plan_import(another, "meetings", "append", data_folder)
    assert plan.ok
    (data_folder / owner).write_bytes(b"\x0ewang\x00")
    before = hash_tree(data_folder)
    with pytest.raises(ingest.ValidationError) as refused:
        commit.apply_import(plan)
    assert refused.value.render(lang).strip().endswith(said)
    assert hash_tree(data_folder) == before


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "zh",
            "数据文件夹中的 .history 文件夹不可写入（只读，或运行看板的账户无写入权限），数据未作任何改动；"
            "请管理员检查该文件夹的权限。",
        ),
        (
            "en",
            "The folder .history in the data folder cannot be written to (read-only, or the account running the "
            "dashboard may not write there); nothing was changed. An administrator should check that folder's "
            "permissions.",
        ),
    ],
)
def test_a_history_folder_that_cannot_be_written_is_named(data_folder, tmp_path, monkeypatch, capsys, lang, said):
    """With .history read-only to the clerk's account, the import said the data folder could not be written: an
    administrator found data/ writable and nothing to mend."""
    (data_folder / import_history.HISTORY_DIR).mkdir()

    def refused(root):
        raise PermissionError(errno.EACCES, "Permission denied", str(Path(root) / ".building-x1y2"))

    monkeypatch.setattr(import_history, "_new_building", refused)
    before = hash_tree(data_folder)
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append", "--lang", lang]) == 2
    assert capsys.readouterr().err.strip() == said
    assert hash_tree(data_folder) == before


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_a_folder_that_cannot_be_written_is_a_sentence_and_changes_nothing(
    data_folder, tmp_path, monkeypatch, capsys, code
):
    """It said 处理失败（PermissionError）."""

    def refused(*args, **kwargs):
        raise OSError(code, "Permission denied", str(data_folder / "meetings.xlsx"))

    before = hash_tree(data_folder)
    monkeypatch.setattr(commit, "stage_file", refused)
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip().startswith("数据文件夹不可写入（只读，或运行看板的账户无写入权限），数据未作任何改动")
    assert str(data_folder) not in captured.err and "Traceback" not in captured.err
    assert hash_tree(data_folder) == before


_AFTER_THE_AUDIT_LINE = {
    "renaming_the_first_file": ("rename_into_place", 1),
    "renaming_the_second_file": ("rename_into_place", 2),
    "verifying_the_written_folder": ("verify_folder", 1),
}


def _fail_at(name: str, call: int):
    real, calls = getattr(commit, name), []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise OSError(errno.EIO, "injected fault")
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("step", _AFTER_THE_AUDIT_LINE, ids=str)
def test_an_import_rolled_back_after_its_audit_line_gets_a_rolled_back_line(step, data_folder, tmp_path, monkeypatch):
    from tests.bad_files import issue

    batch = [
        str(new_meetings(tmp_path)),
        str(write_xlsx(tmp_path / "issues.xlsx", {"问题": [HEADERS["issues"], issue()]})),
    ]
    before = hash_tree(data_folder)
    monkeypatch.setattr(commit, _AFTER_THE_AUDIT_LINE[step][0], _fail_at(*_AFTER_THE_AUDIT_LINE[step]))
    assert main(["import", *batch, "--mode", "append", "--lang", "en"]) == 2
    assert hash_tree(data_folder) == before
    lines = audit.read_audit()
    assert [line["action"] for line in lines] == ["import", "import_rolled_back"]
    assert lines[1]["details"] == {
        "entry": lines[0]["details"]["entry"],
        "history": lines[0]["details"]["entry"],
        "error": "OSError",
        "via": "cli",  # run at the command line: every line it writes says so, and by which OS account
        "os_user": config.os_user(),
    }
    assert lines[1]["account"] == lines[0]["account"]


def test_an_undo_rolled_back_after_its_audit_line_gets_a_rolled_back_line(data_folder, tmp_path, monkeypatch):
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append"]) == 0
    before = hash_tree(data_folder)
    monkeypatch.setattr(commit, "verify_folder", _fail_at("verify_folder", 1))
    assert main(["undo", "--lang", "en"]) == 2
    assert hash_tree(data_folder) == before
    lines = audit.read_audit()
    assert [line["action"] for line in lines] == ["import", "undo", "undo_rolled_back"]
    assert lines[2]["details"]["entry"] == lines[1]["details"]["entry"]


def test_a_rollback_whose_line_cannot_be_written_still_reports_the_first_failure(
    data_folder, tmp_path, monkeypatch, capsys
):
    real_record, written = audit.record, []

    def record_once(action, **kwargs):  # the audit line goes in; the disk is full by the rollback's line
        if written:
            raise audit.AuditError("audit log: no space left on device")
        written.append(action)
        return real_record(action, **kwargs)

    monkeypatch.setattr(audit, "record", record_once)
    monkeypatch.setattr(commit, "verify_folder", _fail_at("verify_folder", 1))
    before = hash_tree(data_folder)
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append", "--lang", "en"]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert hash_tree(data_folder) == before
    assert [line["action"] for line in audit.read_audit()] == ["import"]


# ---------------------------------------------------------------- history that is damaged


def _two_imports(data_folder: Path, tmp_path: Path) -> list[import_history.HistoryEntry]:
    commit.import_files(new_meetings(tmp_path), mode="append", folder=data_folder)
    commit.import_files(
        write_xlsx(tmp_path / "more.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0002")]}),
        mode="append",
        folder=data_folder,
    )
    return import_history.list_history(data_folder)


@pytest.mark.slow
@pytest.mark.parametrize("damage", [b"{not json", b'{"action": "import"}', b"", None])
def test_a_damaged_entry_is_named_and_undo_refuses_rather_than_undo_the_import_before_it(
    damage, data_folder, tmp_path, capsys
):
    """Undo used to skip a damaged newest entry and undo the import before it: both imports' rows were gone."""
    first, second = _two_imports(data_folder, tmp_path)
    manifest = second.path / import_history.MANIFEST
    intact = manifest.read_bytes()
    if damage is None:
        manifest.unlink()
    else:
        manifest.write_bytes(damage)
    history = import_history.list_history(data_folder)
    assert [entry.id for entry in history] == [first.id] and history.damaged == (second.id,)
    assert main(["history", "--lang", "en"]) == 0
    err = capsys.readouterr().err.strip()
    assert err == (
        f"History entries {second.id} are damaged (their manifest cannot be read): undo is not possible until they "
        "are restored or moved out of the folder's .history"
    )
    before = hash_tree(data_folder)
    with pytest.raises(ingest.ValidationError) as refused:
        commit.undo_last(data_folder)
    assert [p.message_key for p in refused.value.problems] == ["error.undo_history_damaged"]
    assert hash_tree(data_folder) == before
    assert main(["undo", "--lang", "en"]) != 0
    assert f"History entries {second.id} are damaged" in capsys.readouterr().err
    assert hash_tree(data_folder) == before
    # moved out of the way, the damaged entry no longer hides that the files are the second import's: undoing the
    # first would throw the second's rows away too, and is refused (it was done, silently); restored, undo proceeds
    shutil.move(second.path, tmp_path / second.id)
    with pytest.raises(ingest.ValidationError) as refused:
        commit.undo_last(data_folder)
    assert [p.message_key for p in refused.value.problems] == ["error.undo_changed_since"]
    ledgers = lambda tree: {k: v for k, v in tree.items() if not k.startswith(".history")}  # noqa: E731
    assert ledgers(hash_tree(data_folder)) == ledgers(before)
    shutil.move(tmp_path / second.id, second.path)
    manifest.write_bytes(intact)
    assert commit.undo_last(data_folder).undoes == second.id


def test_history_is_ordered_by_when_it_happened_not_by_the_writers_clock(data_folder, tmp_path):
    """An import from a shell on Beijing time named its entry 8 hours ahead of a later one from a server on UTC: the
    history listed them out of order, and undo took back the earlier import with the later one's rows."""
    first, second = _two_imports(data_folder, tmp_path)
    # the second entry's folder named as a writer 8 hours behind would have named it: its name sorts first
    renamed = second.path.with_name("19990101-000000-000000-meetings")
    second.path.rename(renamed)
    history = import_history.list_history(data_folder)
    assert [entry.id for entry in history] == [first.id, renamed.name]
    assert commit.undo_last(data_folder).undoes == renamed.name
    assert import_history.list_history(data_folder).undoable().id == first.id


def test_entries_written_before_there_were_sequence_numbers_sort_by_their_recorded_time(data_folder, tmp_path):
    first, second = _two_imports(data_folder, tmp_path)
    for entry, at, name in (
        (first, "2026-12-02T09:22:33+08:00", "20261202-092233-000000-meetings"),  # Beijing time, in its name too
        (second, "2026-12-02T01:22:38+00:00", "20261202-012238-000000-meetings"),  # five seconds later, on UTC
    ):
        manifest = json.loads((entry.path / import_history.MANIFEST).read_text(encoding="utf-8"))
        del manifest["sequence"]
        manifest["at"] = at
        (entry.path / import_history.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        entry.path.rename(entry.path.with_name(name))
    history = import_history.list_history(data_folder)
    assert [entry.id for entry in history] == ["20261202-092233-000000-meetings", "20261202-012238-000000-meetings"]
    # the next entry comes after both, numbered
    commit.undo_last(data_folder)
    history = import_history.list_history(data_folder)
    assert [entry.action for entry in history] == ["import", "import", "undo"] and history[-1].sequence == 1


def test_leftovers_of_a_crash_are_cleaned_on_the_next_import(data_folder, tmp_path):
    stray = data_folder / ".meetings.xlsx.abc123.tmp"
    stray.write_bytes(b"half a file")
    young = data_folder / ".issues.xlsx.def456.tmp"  # another writer's, still being written: left alone
    young.write_bytes(b"in progress")
    an_hour_ago = time.time() - 3600
    os.utime(stray, (an_hour_ago, an_hour_ago))
    (data_folder / ".history").mkdir(exist_ok=True)
    (data_folder / ".history" / ".building-xyz").mkdir()
    (data_folder / ".history" / ".building-xyz" / "meetings.xlsx").write_bytes(b"half a copy")
    commit.import_files(new_meetings(tmp_path), mode="append", folder=data_folder)
    assert list(data_folder.glob(".*.tmp")) == [young]
    assert not list((data_folder / ".history").glob(".building-*"))


# ---------------------------------------------------------------- the cache is what its name says


def test_a_foreign_parquet_file_under_a_valid_name_is_not_trusted(data_folder):
    checked_folder.read_folder(data_folder)
    [path] = (data_folder / table_cache.CACHE_DIR_NAME).glob("meetings.*.parquet")
    ten = checked_folder.read_folder(data_folder)["meetings"].head(10)
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(ten, preserve_index=False), sink)
    atomic.write_bytes(path, sink.getvalue().to_pybytes())  # valid Parquet, the right name, 10 rows
    assert len(checked_folder.read_folder(data_folder)["meetings"]) == 573
    assert store.open_folder(data_folder).execute("select count(*) from meetings").fetchone()[0] == 573


# ---------------------------------------------------------------- escaping


def test_markdown_escaping_leaves_no_link_image_formula_or_html():
    text = safe_text.markdown(
        "[点此重新登录](http://evil.test) ![](http://evil.test/a.png) $$x$$ <b>b</b>\n# h www.evil.test a@evil.test"
    )
    joiner = safe_text.WORD_JOINER  # invisible: keeps GFM from turning bare addresses into links
    assert text == (
        rf"\[点此重新登录\]\(h{joiner}ttp\://evil\.test\) \!\[\]\(h{joiner}ttp\://evil\.test/a\.png\) "
        rf"\$\$x\$\$ \<b\>b\</b\> \# h w{joiner}ww\.evil\.test a{joiner}@evil\.test"
    )


def test_markdown_escaping_leaves_no_icon_logo_or_emoji_shortcode():
    """Streamlit draws ``:material/warning:`` as an icon, ``:streamlit:`` as its logo and ``:smile:`` as an emoji
    from the text its parser leaves, after backslash escapes are resolved (a unit named 省信访局:material/warning:
    drew a warning sign in the page's scope line, and a link's ``?unit=:material/lock:`` a padlock in its notice)."""
    joiner = safe_text.WORD_JOINER  # invisible, between the colon and the shortcode's name
    text = safe_text.markdown("局:material/warning: :streamlit: :smile: :+1: :red[红] 时间: 10:30 http://a.cn")
    assert text == (
        rf"局\:{joiner}material/warning\: \:{joiner}streamlit\: \:{joiner}smile\: \:{joiner}\+1\: "
        rf"\:{joiner}red\[红\] 时间\: 10\:{joiner}30 h{joiner}ttp\://a\.cn"
    )
    # Streamlit's own test for a shortcode (StreamlitMarkdown's) and its icon rewrite find nothing left to draw
    shown = text.replace("\\", "")
    assert ":material/" not in shown and not re.search(r":(?!material/|streamlit:)[\w+-][\w_+-]*:", shown)
    assert ":streamlit:" not in shown


def test_items_side_by_side_on_screen_keep_their_dot_off_a_line_start():
    """The 预警 strip and a problem's place (file · sheet · row) set items "a · b": at 390 px a wrapped line started
    with "·" (tests/browser/test_number_with_unit_browser.py measures the drawn lines). The space before the dot does
    not break on screen; the CLI's line keeps its plain spaces."""
    from oversight.ingest.problems import Problem

    place = Problem(file="会议.xlsx", message_key="", sheet="会议", row=3).location("zh")
    assert place == "会议.xlsx · 工作表“会议” · 第3行"
    assert safe_text.markdown(place) == "会议\\.xlsx\u00a0· 工作表“会议”\u00a0· 第3行"
    assert safe_text.items_kept("逾期未整改6个 · 逾期最久") == "逾期未整改6个\u00a0· 逾期最久"


def test_an_entity_in_data_text_shows_as_typed_on_the_page_and_in_a_robot_message():
    from markdown_it import MarkdownIt  # CommonMark, as Streamlit's renderer: an escaped & is a literal &

    text = "R&D &lt;b&gt;粗&lt;/b&gt; &#x5b;x&#x5d;(y)"
    html = MarkdownIt().render(safe_text.markdown(text))
    assert html == "<p>R&amp;D &amp;lt;b&amp;gt;粗&amp;lt;/b&amp;gt; &amp;#x5b;x&amp;#x5d;(y)</p>\n"
    # robots: the same inline escapes, and the characters that start a tag or an entity in their look-alikes
    assert safe_text.robot_markdown("R&D <font>*粗*</font>\n[x](y)") == "R＆D ＜font＞\\*粗\\*＜/font＞ \\[x\\](y)"
    # a bare address stays text in the group, as on the page (a word joiner inside its trigger)
    joined = safe_text.robot_markdown("见 http://evil.example/?x= www.a.cn a@b.cn")
    assert joined == "见 h\u2060ttp://evil.example/?x= w\u2060ww.a.cn a\u2060@b.cn"


def test_chart_labels_are_escaped_for_plotly():
    frame = pd.DataFrame({"name_zh": ['<a href="http://evil.test">研究室</a>', "A&B"], "name_en": ["x", "y"]})
    assert style.unit_names(frame, "zh") == ['&lt;a href="http://evil.test"&gt;研究室&lt;/a&gt;', "A&amp;B"]


# ---------------------------------------------------------------- the CLI: sentences, and who it trusts


def test_a_named_users_file_that_is_missing_is_refused_not_taken_as_no_accounts(
    data_folder, tmp_path, monkeypatch, capsys
):
    missing = tmp_path / "nowhere" / "users.toml"  # e.g. /etc/oversight/users.toml moved or mistyped
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(missing))
    before = hash_tree(data_folder)
    for command in (["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append"], ["undo"]):
        assert main([*command, "--lang", "en"]) == 3
        assert capsys.readouterr().err.startswith(f"The users file {missing} (OVERSIGHT_USERS_FILE) does not exist;")
    assert hash_tree(data_folder) == before
    refusals = [(e["action"], e["details"]["reason"], e["details"]["command"]) for e in audit.read_audit()]
    assert refusals == [("refused", "users_file_missing", "import"), ("refused", "users_file_missing", "undo")]
    # the headless commands too: a brief or a digest is not run with the local user's full scope
    assert main(["alerts", "--lang", "en"]) == 3
    assert "does not exist" in capsys.readouterr().err


def test_a_missing_users_file_is_refused_even_where_the_refusal_cannot_be_logged(
    data_folder, tmp_path, monkeypatch, capsys
):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(blocked / "users.toml"))  # its folder cannot even exist
    monkeypatch.delenv("OVERSIGHT_AUDIT_LOG")  # so the log's default place, beside it, cannot either
    assert main(["undo", "--lang", "en"]) == 3
    assert capsys.readouterr().err.startswith(f"The users file {blocked / 'users.toml'} (OVERSIGHT_USERS_FILE)")


def test_the_cli_falls_back_to_the_os_accounts_file_when_the_named_one_is_empty(
    data_folder, tmp_path, monkeypatch, capsys
):
    home_users = tmp_path / "home" / ".config" / "oversight" / "users.toml"
    accounts.add_user("chief", "correct-horse-battery", roles.ADMIN, path=home_users)
    monkeypatch.setattr(accounts, "os_default_users_file", lambda: home_users)
    users_file_without_accounts(tmp_path, monkeypatch)
    before = hash_tree(data_folder)
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append", "--lang", "en"]) == 3
    assert "Import and undo need an admin account" in capsys.readouterr().err
    assert hash_tree(data_folder) == before


def test_an_import_made_is_said_made_when_the_disk_fills_before_the_folder_remembers_its_accounts(
    data_folder, tmp_path, monkeypatch, capsys
):
    """The import took the disk's last room; writing the folder's accounts marker after it then failed, and the
    command said "the disk is full; nothing was written and the data is unchanged", exit 2, of meetings it had
    written (the clerk, told so, imported them again and was refused: the ids exist)."""
    from argon2 import PasswordHasher

    from oversight.auth import accounts_marker

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    accounts.add_user("chief", "correct-horse-battery", roles.ADMIN, path=Path(os.environ["OVERSIGHT_USERS_FILE"]))
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("correct-horse-battery\n"))
    real_write = atomic.write_bytes

    def full_for_the_marker(target, data, mode=None, **steps):
        if Path(target).name == accounts_marker.MARKER:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real_write(target, data, mode, **steps)

    monkeypatch.setattr(atomic, "write_bytes", full_for_the_marker)
    args = ["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append", "--lang", "en"]
    assert main([*args, "--user", "chief", "--password-stdin"]) == 0
    captured = capsys.readouterr()
    assert (
        "run undo --entry 20" in captured.out and captured.out.strip().endswith("to restore it.") and captured.err == ""
    )
    assert len(checked_folder.read_folder(data_folder)["meetings"]) == 574  # the sample's 573 and the one imported
    assert not (data_folder / accounts_marker.MARKER).exists()  # tried again by the next signed-in change
    monkeypatch.setattr(atomic, "write_bytes", real_write)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("correct-horse-battery\n"))
    assert main(["undo", "--lang", "en", "--user", "chief", "--password-stdin"]) == 0
    assert (data_folder / accounts_marker.MARKER).exists()


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o755), (0o027, 0o750), (0o077, 0o700)])
def test_a_history_entry_is_readable_as_the_umask_lets_the_ledgers_beside_it_be(data_folder, tmp_path, umask, expected):
    """An entry was always drwx------ (mkdtemp's mode), whatever the umask: an import from the command line by one
    account left an entry the dashboard's service account could not read, listed as damaged, and its undo refused on
    the Data page (撤销前须修复损坏的历史记录)."""
    checked_folder.read_folder(data_folder)  # its cache written, whichever tests ran before (a fresh clone has none)
    previous = os.umask(umask)
    try:
        entry = commit.import_files(new_meetings(tmp_path), "meetings", "append", data_folder, user="clerk")
    finally:
        os.umask(previous)
    assert entry.path.stat().st_mode & 0o777 == expected
    # its files and its folder of cache files too (the cache files in it are the cache's own, links to them)
    kept = [*entry.path.iterdir()]
    assert {path.name for path in kept if path.is_dir()} == {import_history.CACHE}
    assert {(path.name, path.stat().st_mode & 0o777) for path in kept} == {
        (path.name, expected if path.is_dir() else expected & 0o666) for path in kept
    }


def test_the_folders_lock_made_by_one_account_is_taken_by_another(data_folder, tmp_path, monkeypatch, capsys):
    """The first import made .oversight.lock 0600 for its account (an admin at the command line): every later change
    by the dashboard's account, in a folder it could write, was refused as "the data folder cannot be written"
    (checked as a second account with setpriv). It is made as the umask leaves it now, and a lock file this account
    may read but not write is still taken: flock needs an open descriptor, not the right to write."""
    lock = data_folder / folder_lock.LOCK_FILE
    lock.unlink(missing_ok=True)  # one the sample folder's readers left, copied with it
    previous = os.umask(0o022)
    try:
        commit.import_files(new_meetings(tmp_path), "meetings", "append", data_folder, user="admin")
    finally:
        os.umask(previous)
    assert lock.stat().st_mode & 0o777 == 0o644
    real_open = os.open

    def another_accounts(path, flags, *args, **kwargs):  # 0644 and not ours: read, never written
        if str(path) == str(lock) and flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", another_accounts)
    assert main(["undo", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("Undid ")
    assert len(checked_folder.read_folder(data_folder)["meetings"]) == 573


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "zh",
            "数据文件夹的写入锁文件 .oversight.lock 无法打开（它属于另一个账户，且运行看板的账户无权读取），数据未作任何改动；"
            "请管理员让该账户可以读写它，或在没有导入进行时删除它。",
        ),
        (
            "en",
            "The data folder's lock file .oversight.lock cannot be opened (another account's, which the account running "
            "the dashboard may not read); nothing was changed. An administrator should let that account read and write "
            "it, or delete it while no import is running.",
        ),
    ],
)
def test_a_lock_file_this_account_cannot_open_is_named(data_folder, tmp_path, monkeypatch, capsys, lang, said):
    """A lock file made 0600 by another account (before the lock followed the umask) refused every change with "the
    data folder cannot be written": the folder was writable, and the file to mend was not named."""
    lock = data_folder / folder_lock.LOCK_FILE
    lock.touch()
    real_open = os.open

    def not_ours(path, flags, *args, **kwargs):
        if str(path) == str(lock):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", not_ours)
    before = hash_tree(data_folder)
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append", "--lang", lang]) == 2
    assert capsys.readouterr().err.strip() == said
    assert hash_tree(data_folder) == before


@pytest.mark.parametrize(
    ("code", "lock_exists"),
    [(errno.EROFS, True), (errno.EROFS, False), (errno.EACCES, False)],
    ids=["read_only_mount", "read_only_mount_no_lock_yet", "folder_of_another_account_no_lock_yet"],
)
def test_a_data_folder_that_cannot_be_written_is_named_as_such_not_as_its_lock(
    data_folder, tmp_path, monkeypatch, capsys, code, lock_exists
):
    """On a data folder mounted read-only (a real tmpfs remounted ro), an import and an undo said "the lock file
    .oversight.lock is another account's, which this account may not read": the file was root's and readable, and an
    admin went after it. On a folder of another account (0555, no lock file yet) they said 处理失败（FileNotFoundError）.
    Both now say the data folder cannot be written, and change nothing."""
    lock = data_folder / folder_lock.LOCK_FILE
    if lock_exists:
        lock.touch()
    real_open = os.open

    def refused(path, flags, *args, **kwargs):
        if str(path) == str(lock):
            if flags & (os.O_RDWR | os.O_WRONLY | os.O_CREAT):
                raise OSError(code, os.strerror(code), str(path))
            if not lock_exists:
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    before = hash_tree(data_folder)
    said = (
        "The data folder cannot be written to (read-only, or the account running the dashboard may not write there); "
        "nothing was changed. An administrator should check the folder's permissions."
    )
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append", "--lang", "en"]) == 2
    assert capsys.readouterr().err.strip() == said
    assert main(["undo", "--lang", "en"]) == 2
    assert capsys.readouterr().err.strip() == said
    assert hash_tree(data_folder) == before


# a signed-in import from the command line, killed (os._exit, as kill -9 or a power cut) the moment it has committed
_KILLED_ONCE_COMMITTED = """
import os, sys
from oversight.__main__ import main
from oversight.ingest import commit

commit.drop_old_caches = lambda folder: os._exit(137)  # the first step after the commit point
sys.exit(main(["import", sys.argv[1], "--table", "meetings", "--mode", "append", "--lang", "en",
               "--user", "chief", "--password-stdin"]))
"""


@pytest.mark.slow  # a child process
@pytest.mark.parametrize("command", ["import", "undo"])
def test_a_signed_in_change_killed_once_committed_leaves_the_folder_guarded(
    command, data_folder, tmp_path, monkeypatch
):
    """The folder remembered its accounts only after the change had been made: killed in between, it was changed by a
    signed-in account and not guarded, and a users file of no accounts (``OVERSIGHT_USERS_FILE``) opened it to
    anyone's import and undo at the command line, and to the dashboard's local mode."""
    from argon2 import PasswordHasher

    from oversight.auth import accounts_marker

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    users = Path(os.environ["OVERSIGHT_USERS_FILE"])
    accounts.add_user("chief", "correct-horse-battery", roles.ADMIN, path=users)
    script = _KILLED_ONCE_COMMITTED
    if command == "undo":
        commit.import_files(new_meetings(tmp_path), mode="append", folder=data_folder)  # an import by local trust
        script = script.replace('"import", sys.argv[1], "--table", "meetings", "--mode", "append"', '"undo"')
    child = subprocess.run(
        [sys.executable, "-c", script, str(new_meetings(tmp_path))],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        input="correct-horse-battery\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 137, child.stderr
    assert len(checked_folder.read_folder(data_folder)["meetings"]) == (574 if command == "import" else 573)
    assert [e["action"] for e in audit.read_audit()][-1] == command  # made by the signed-in account
    marker = json.loads((data_folder / accounts_marker.MARKER).read_text(encoding="utf-8"))
    assert marker["users_file"] == str(users.resolve())

    users_file_without_accounts(tmp_path, monkeypatch)
    assert accounts.local_trust_refusal(data_folder) is not None
    with pytest.raises(accounts.AccountError):
        accounts.accounts_for_cli(data_folder)


# an import (undo) killed (os._exit, as kill -9 or a power cut) between its two tables' files
_KILLED_BETWEEN_THE_FILES = """
import os, sys
from pathlib import Path
from oversight.ingest import commit

renamed, rename = [], commit.rename_into_place

def dying(*args):
    renamed.append(1)
    if len(renamed) == 2:
        os._exit(137)
    rename(*args)

commit.rename_into_place = dying
if sys.argv[1] == "undo":
    commit.undo_last()
else:
    commit.import_files([Path(p) for p in sys.argv[2:]], mode="append")
"""


@pytest.mark.slow  # a child process
@pytest.mark.parametrize(
    "change,command,said",
    [
        (
            "import",
            ["history", "--lang", "en"],
            "The last import was interrupted ({id}); the data was restored to what it was before it.",
        ),
        (
            "import",
            ["import", "{file}", "--table", "meetings", "--mode", "append"],
            "检测到上次导入中途中断（{id}），已自动恢复到导入之前的数据。",
        ),
        (
            "undo",
            ["undo", "--lang", "en"],
            "The last undo was interrupted ({id}); the data was restored to what it was "
            "before it, and the import it was undoing still stands.",
        ),
    ],
)
def test_the_command_line_says_a_killed_change_was_put_back(change, command, said, data_folder, tmp_path, capsys):
    """The dashboard said 检测到上次导入中途中断，已自动恢复; the command line put the folder back without a word: a
    clerk whose import had been killed found its rows gone, and `history` without it, unexplained."""
    files = [
        write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]}),
        write_xlsx(tmp_path / "i.xlsx", {"问题": [HEADERS["issues"], issue()]}),
    ]
    if change == "undo":
        commit.import_files(files, mode="append", folder=data_folder)
    entries = {path.name for path in (data_folder / ".history").glob("*")}
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_BETWEEN_THE_FILES, change, *map(str, files)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 137, child.stderr
    (killed,) = {path.name for path in (data_folder / ".history").glob("*")} - entries
    main([part.format(file=tmp_path / "another.xlsx") for part in command])
    assert capsys.readouterr().err.splitlines()[0] == said.format(id=killed)
    assert not folder_lock.needs_recovery(data_folder)
    # the sample's 573: the killed import put back; the import a killed undo left in place, taken back by this undo
    assert len(checked_folder.read_folder(data_folder)["meetings"]) == 573


def test_a_folder_changed_by_an_account_stays_guarded_when_the_variable_points_at_no_accounts(
    data_folder, tmp_path, monkeypatch, capsys
):
    from argon2 import PasswordHasher

    from oversight.auth import accounts_marker

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    users = Path(os.environ["OVERSIGHT_USERS_FILE"])
    accounts.add_user("chief", "correct-horse-battery", roles.ADMIN, path=users)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("correct-horse-battery\n"))
    source = str(new_meetings(tmp_path))
    assert not (data_folder / accounts_marker.MARKER).exists()
    args = ["import", source, "--table", "meetings", "--mode", "append", "--lang", "en"]
    assert main([*args, "--user", "chief", "--password-stdin"]) == 0
    marker = json.loads((data_folder / accounts_marker.MARKER).read_text(encoding="utf-8"))
    assert marker["users_file"] == str(users.resolve())
    capsys.readouterr()

    empty = users_file_without_accounts(tmp_path, monkeypatch)  # exists, no accounts: local mode on a fresh folder
    before = hash_tree(data_folder)
    for command in (args, ["undo", "--lang", "en"]):
        assert main(command) == 3
        err = capsys.readouterr().err
        assert err.startswith(
            f"This data folder has been changed by a signed-in account before (users file {users.resolve()}), "
            f"but the users file {empty} has no accounts;"
        )
        assert str(data_folder / accounts_marker.MARKER) in err
    assert hash_tree(data_folder) == before
    refused = [e for e in audit.read_audit() if e["action"] == "refused"]
    assert [(e["details"]["reason"], e["details"]["command"]) for e in refused] == [
        ("accounts_required", "import"),
        ("accounts_required", "undo"),
    ]
    # a fresh folder with the same empty file is local mode, as before
    fresh = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "fresh")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(fresh))
    assert main(args) == 0


def test_history_records_the_os_user_beside_the_claimed_one(data_folder, tmp_path, monkeypatch):
    import getpass

    monkeypatch.setenv("OVERSIGHT_USER", "someone-else")
    entry = commit.import_files(new_meetings(tmp_path), mode="append", folder=data_folder)
    assert (entry.user, entry.os_user) == ("someone-else", getpass.getuser())
    manifest = json.loads((entry.path / import_history.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["os_user"] == getpass.getuser()


def test_a_claimed_name_with_a_line_break_cannot_forge_a_history_line(data_folder, tmp_path, monkeypatch, capsys):
    forged = "mallory\n20261202-000000-000000-issues · chief 撤销了 everything\x1b[2K"
    monkeypatch.setenv("OVERSIGHT_USER", forged)
    commit.import_files(new_meetings(tmp_path), mode="append", folder=data_folder)
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "chief 撤销了" in out  # there, but on the forger's own line
    (line,) = [line for line in out.splitlines() if "mallory" in line]
    assert "mallory\\x0a20261202" in line and "\\x1b[2K" in line


@pytest.mark.slow
def test_stale_plans_and_busy_folders_reach_the_cli_user_as_sentences(data_folder, tmp_path, capsys):
    with locking.held(data_folder / folder_lock.LOCK_FILE):
        result = subprocess.run(
            [sys.executable, "-m", "oversight", "undo", "--lang", "en"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert result.stderr.startswith("another import or undo is in progress (since ")
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- control characters never reach an export


def test_a_data_folder_file_with_a_control_character_does_not_load_and_says_where(data_folder):
    from tests.hostile import raw_xlsx_bytes

    units = checked_folder.read_folder(data_folder)["units"]
    rows = [HEADERS["units"], *[[None if v != v else v for v in row] for row in units.itertuples(index=False)]]
    rows[2][1] = rows[2][1][:2] + "\x0b" + rows[2][1][2:]  # written by hand into the folder, past the importer
    (data_folder / "units.xlsx").write_bytes(raw_xlsx_bytes({"监督单位": rows}))
    with pytest.raises(ingest.ValidationError) as raised:
        checked_folder.read_folder(data_folder)
    assert (
        raised.value.problems[0]
        .render("en")
        .startswith(
            "units.xlsx · sheet “监督单位” · row 3 · column B “单位名称”: contains an invisible control character U+000B"
        )
    )


def test_query_results_reach_screen_and_exports_without_control_characters():
    frame = pd.DataFrame({"name_zh": ["研究室\x0b", "办公厅"], "issues": [1, 2]})
    cleaned = safe_text.printable_frame(frame)
    assert list(cleaned["name_zh"]) == ["研究室", "办公厅"] and list(cleaned["issues"]) == [1, 2]
    assert frame["name_zh"][0] == "研究室\x0b"  # the caller's frame is not changed
    clean = pd.DataFrame({"name_zh": ["办公厅"]})
    assert safe_text.printable_frame(clean) is clean  # nothing to do, no copy


# ---------------------------------------------------------------- the sheet bound's two readers agree


@pytest.mark.parametrize(
    "xml, extent",
    [
        (
            b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="J1" t="s"><v>0</v></c></row>'
            b'<row r="7"><c r="C7"><v>1</v></c></row></sheetData>',
            (7, 10),
        ),
        (b'<x:sheetData xmlns:x="s"><x:row r="3"><x:c r="AB3"><x:v>1</x:v></x:c></x:row></x:sheetData>', (3, 28)),
        (b'<sheetData><row r="5"><c/><c/><c><v>1</v></c></row><row><c><v>1</v></c></row></sheetData>', (6, 3)),  # no r
        (b'<sheetData><row r="2"><c s="1" r="XFD1048576"><v>1</v></c></row></sheetData>', (1048576, 16384)),
        # an empty formatted cell far out: the reader skips it (it builds its grid from cells with a value), so do we
        (
            b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c s="1" r="XFD1048576"/></row></sheetData>',
            (1, 1),
        ),
        (b'<sheetData><row r="1"><c r="B1"><v>1</v></c><c r="XFD1"><f>1+1</f></c></row></sheetData>', (1, 2)),
        # whitespace anywhere XML allows it, and attributes in any order: the audit's bypass
        (b'<sheetData><row r="9"><c\nr="XFD1048576"><v>1</v></c></row></sheetData>', (1048576, 16384)),
        (b'<sheetData><row r="9"><c\tr="XFD1048576"><v>1</v></c></row></sheetData>', (1048576, 16384)),
        (b'<sheetData><row r="9"><c\rr="XFD1048576"><v>1</v></c></row></sheetData>', (1048576, 16384)),
        (b'<sheetData><row r="9"><c r = "CV1048576" ><is><t>x</t></is></c></row></sheetData>', (1048576, 100)),
        (b"<sheetData><row r='9'><c r='CV1048576'><v>1</v></c></row></sheetData>", (1048576, 100)),
        (b'<sheetData><row><c r="&#67;V1048576"><v>1</v></c></row></sheetData>', (1048576, 100)),  # an entity
        (
            b'<x:sheetData xmlns:x="s"><x:row><x:c r="CV1048576"><x:v>1</x:v></x:c></x:row></x:sheetData>',
            (1048576, 100),
        ),
        (b'<sheetData><row r="1"><c r="A1" r="XFD1"><v>1</v></c></row></sheetData>', None),  # not XML: refused
        # a reference past Excel's grid is measured, not dropped (the bound then refuses it)
        (b'<sheetData><row><c r="A99999999"><v>1</v></c></row></sheetData>', (99999999, 1)),
        # a declared dimension that understates the cells does not decide
        (
            b'<worksheet><dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
            b'<row r="1048576"><c\n r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>',
            (1048576, 16384),
        ),
        (b"<sheetData/>", (0, 0)),
        # UTF-16, which expat reads (calamine 0.9 does not, a later one may)
        ('<sheetData><row r="9"><c r="CV1048576"><v>1</v></c></row></sheetData>'.encode("utf-16"), (1048576, 100)),
    ],
)
def test_the_sheet_extent_counts_every_cell_as_the_reader_places_it(xml, extent):
    from oversight.ingest import sheet_bounds

    if extent is None:
        with pytest.raises(sheet_bounds.SheetUnreadable):
            sheet_bounds.sheet_extent(xml, limit=10**12)
        return
    assert sheet_bounds.sheet_extent(xml, limit=10**12) == extent
    assert sheet_bounds.streamed_extent(xml, limit=10**12) == extent  # the fast path agrees with the parse


# ---------------------------------------------------------------- the legacy .xls bound


def test_the_legacy_bound_skips_formatting_only_cells_and_embedded_charts_as_calamine_does():
    import io

    import python_calamine

    from oversight.ingest import legacy_sheet_bounds
    from tests import legacy_xls

    # a BLANK far out (formatting, no value) under an honest dimension: no grid, so no refusal
    data = legacy_xls.xls_bytes({"S": [["a", 1]]}, dimension=(1, 2), cells=[(65535, 255, None)])
    legacy_sheet_bounds.check_legacy_workbook(data)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.get_sheet_by_name("S").to_python() == [["a", 1.0]]

    # a chart substream inside the sheet carries cell-like records that calamine skips: so does the bound
    chart = legacy_xls._bof(0x0020) + legacy_xls._cell(65535, 255, 1.0) + legacy_xls._record(0x000A, b"")
    stream = legacy_xls.workbook_stream({"S": [["a", 1]]})
    stream = stream[:-4] + chart + stream[-4:]  # before the sheet's EOF
    legacy_sheet_bounds.check_legacy_workbook(legacy_xls.compound_file(stream))

    # the same cell outside the chart is refused, by sheet name
    far = legacy_xls.xls_bytes({"台账": [["a", 1]]}, dimension=(1, 2), cells=[(65535, 255, 1.0)])
    with pytest.raises(legacy_sheet_bounds.SheetTooLarge) as refused:
        legacy_sheet_bounds.check_legacy_workbook(far)
    assert (refused.value.sheet, refused.value.rows, refused.value.columns) == ("台账", 65536, 256)


# ---------------------------------------------------------------- the configuration the app runs with


def _run_command() -> list[str]:
    """The command ``make run`` starts (``make -n`` prints without running; the installs before it are skipped):
    ``python -m oversight.ui.serve`` hands its options to ``streamlit run app.py`` unchanged."""
    printed = subprocess.run(["make", "-s", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    line = next(line for line in printed.stdout.splitlines() if " -m oversight.ui.serve" in line)
    return line.split()


def _effective_config(flags: list[str]) -> str:
    """Streamlit's own reading of .streamlit/config.toml and the flags, as the server would apply them."""
    shown = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show", *flags],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")},
    )
    assert shown.returncode == 0, shown.stderr
    return shown.stdout


def _option(config_text: str, section: str, name: str) -> object:
    import tomllib

    # from the first section on, the options set are TOML and the defaults comments (a prose header comes first)
    sections = config_text[config_text.index("\n[") :]
    return tomllib.loads(sections)[section][name]


def test_make_run_serves_local_mode_with_streamlits_host_check_and_no_error_details():
    command = _run_command()
    flags = command[command.index("oversight.ui.serve") + 1 :]
    shown = _effective_config(flags)
    assert _option(shown, "server", "allowedHosts") == ["localhost", "127.0.0.1", "::1"]
    assert _option(shown, "client", "showErrorDetails") == "none"


def test_every_way_the_app_is_started_keeps_tracebacks_from_the_browser():
    # the repository's config alone (a systemd unit, the cluster, a container start streamlit without make's flags)
    assert _option(_effective_config([]), "client", "showErrorDetails") == "none"


# ---------------------------------------------------------------- sign-off lines under a ledger


@pytest.mark.parametrize(
    "row, footer",
    [
        (["填报人：张三", None, "审核人：李四", None, "单位负责人：王五"], True),
        (["填报人：", "张三", "审核人：", "李四"], True),  # a label, then its value in the next cell
        ([None, "（单位盖章）", "2021年1月5日"], True),
        (["填报日期：", None, "2021-01-06"], True),
        ([None, None, "日期：2021-01-06"], True),
        (["日期", None, "2021/1/6"], True),
        ([None, "以上数据截至2021年底"], True),  # one remark alone
        # a record, not a sign-off line: an id, or a record's values beside a word that starts like one
        (["HY2021-0009", "省政府研究室", None, None, None, None, None, None, None, "日期待定"], False),
        ([None, "省政府研究室", "2021-01-05", "办公会议", 60, 3, "是", "否", "否", "日期待定"], False),
        ([None, "省政府研究室", "填报人：张三"], False),
        ([None, "日期待定", 60], False),
    ],
)
def test_a_sign_off_line_has_no_id_and_only_sign_off_words(row, footer):
    from oversight.ingest import record_rows

    assert record_rows._is_footer_row(row, key_position=0) is footer


def test_a_file_name_that_draws_as_another_is_spelled_out_wherever_a_report_shows_it():
    """A file named "\\u202excod.xlsx" drew as xlsx.docx in the import history and the problems' list: the invisible
    characters (direction overrides, zero widths) are spelled out as control characters are."""
    from oversight.ingest.problems import Problem, shown_text

    assert shown_text("\u202excod.xlsx") == "\\u202excod.xlsx"
    assert shown_text("meet\u200bings.xlsx") == "meet\\u200bings.xlsx"
    assert shown_text("会议台账.xlsx") == "会议台账.xlsx"
    rendered = Problem(file="\u202excod.xlsx", message_key="error.file_missing", params={"table": "会议"}).render("zh")
    assert "\u202e" not in rendered and "\\u202excod.xlsx" in rendered


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "zh",
            "服务器临时文件夹（TMPDIR，未设置时为 /tmp）所在的磁盘空间不足，无法完成；数据未作任何改动。"
            "请管理员清理该磁盘，或让 TMPDIR 指向空间充足的文件夹。",
        ),
        (
            "en",
            "The disk of the server's temporary folder (TMPDIR, else /tmp) is full, so this could not be done; the data "
            "is unchanged. An administrator should free space there, or point TMPDIR at a folder with room.",
        ),
    ],
)
def test_a_full_temporary_disk_is_named_as_such(data_folder, tmp_path, monkeypatch, capsys, lang, said):
    """With TMPDIR on a full tmpfs and the data folder's disk half empty, validate and import said
    磁盘空间不足，无法写入 — validate writes nothing of the user's, and the admin's df of the data folder showed room."""
    temporary_disk_full(monkeypatch)
    before = hash_tree(data_folder)
    issues = write_xlsx(tmp_path / "issues.xlsx", {"问题": [HEADERS["issues"], issue()]})
    for command in (["validate", str(issues)], ["import", str(issues), "--mode", "replace"]):
        assert main([*command, "--table", "issues", "--lang", lang]) == 2
        assert capsys.readouterr().err.strip() == said
    assert hash_tree(data_folder) == before
    assert import_history.list_history(data_folder) == [] and audit.read_audit() == []
