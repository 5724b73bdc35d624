"""The audit log: one whole JSON line per event, appended and flushed; reading filters and survives damage."""

from __future__ import annotations

import gzip
import json
import os
import stat
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from oversight.auth import audit
from oversight.auth.roles import Account
from oversight.auth.unit_scope import NO_UNIT
from oversight.data.filters import Filter, Quarter

T0 = datetime(2021, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def private_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(tmp_path / "conf" / "users.toml"))
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "logs" / "audit.jsonl"))
    return tmp_path


def at(minutes: int):
    return lambda: T0 + timedelta(minutes=minutes)


def test_a_line_has_who_what_when_where(private_paths):
    clerk = Account("clerk", "unit", ("research",))
    entry = audit.record(
        "download",
        account=clerk,
        address="10.0.0.5",
        clock=at(0),
        details={"file": "会议趋势.png", "filter": {"units": ["research"], "from": "2020Q1"}},
    )
    path = private_paths / "logs" / "audit.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert (
        json.loads(lines[0])
        == entry
        == {
            "at": "2021-03-01T08:00:00.000+00:00",
            "action": "download",
            "account": "clerk",
            "role": "unit",
            "source": "password",
            "address": "10.0.0.5",
            "details": {"file": "会议趋势.png", "filter": {"units": ["research"], "from": "2020Q1"}},
        }
    )
    assert "会议趋势" in lines[0]  # readable for a Chinese admin with `tail`


def test_times_are_utc_whatever_the_clock_zone(private_paths):
    beijing = timezone(timedelta(hours=8))
    entry = audit.record("sign_out", account="lead", clock=lambda: datetime(2021, 3, 1, 16, 0, tzinfo=beijing))
    assert entry["at"] == "2021-03-01T08:00:00.000+00:00"
    assert audit.record("sign_out", account="lead")["at"].endswith("+00:00")


def test_unknown_actions_are_refused(private_paths):
    with pytest.raises(ValueError):
        audit.record("peeked", account="lead")
    assert not (private_paths / "logs" / "audit.jsonl").exists()


def test_appending_keeps_what_was_there(private_paths):
    path = private_paths / "logs" / "audit.jsonl"
    path.parent.mkdir()
    path.write_bytes(b'{"at":"2020-01-01T00:00:00+00:00","action":"import","account":"old"}\n')
    audit.record("undo", account="boss", clock=at(1))
    assert path.read_bytes().startswith(b'{"at":"2020-01-01T00:00:00+00:00","action":"import","account":"old"}\n')
    assert [e["account"] for e in audit.read_audit()] == ["old", "boss"]


def test_a_newline_in_a_name_cannot_forge_a_line(private_paths):
    forged = 'x"}\n{"at":"2021-03-01T08:00:00+00:00","action":"sign_in","account":"boss","role":"admin"}'
    audit.record("sign_in_failed", account=forged, address="10.0.0.5\r\n", clock=at(0))
    path = private_paths / "logs" / "audit.jsonl"
    assert len(path.read_bytes().splitlines()) == 1
    entries = audit.read_audit()
    assert [(e["action"], e["account"]) for e in entries] == [("sign_in_failed", forged)]


def test_threads_write_whole_lines(private_paths):
    def write(worker: int) -> None:
        for n in range(50):
            audit.record("download", account=f"user{worker}", details={"n": n, "pad": "会" * 300})

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = audit.read_audit()
    assert entries.skipped == 0 and len(entries) == 400
    assert sorted((e["account"], e["details"]["n"]) for e in entries) == sorted(
        (f"user{w}", n) for w in range(8) for n in range(50)
    )


def test_read_audit_filters(private_paths):
    audit.record("sign_in", account=Account("boss", "admin"), clock=at(0))
    audit.record("import", account=Account("boss", "admin"), clock=at(10), details={"entry": "x"})
    audit.record("download", account=Account("lead", "leader"), clock=at(20))
    audit.record("sign_out", account=Account("lead", "leader"), clock=at(30))
    assert [e["action"] for e in audit.read_audit(account="boss")] == ["sign_in", "import"]
    assert [e["account"] for e in audit.read_audit(action="download")] == ["lead"]
    assert [e["action"] for e in audit.read_audit(since=T0 + timedelta(minutes=10))] == [
        "import",
        "download",
        "sign_out",
    ]
    # until is exclusive; naive times and ISO text are read as UTC
    assert [e["action"] for e in audit.read_audit(since=datetime(2021, 3, 1, 8, 5), until="2021-03-01T08:20:00Z")] == [
        "import"
    ]
    assert audit.read_audit(account="lead", action="import") == []
    beijing = timezone(timedelta(hours=8))
    assert len(audit.read_audit(until=datetime(2021, 3, 1, 16, 15, tzinfo=beijing))) == 2


def test_damaged_lines_are_skipped_and_counted(private_paths):
    audit.record("sign_in", account="boss", clock=at(0))
    path = private_paths / "logs" / "audit.jsonl"
    with open(path, "ab") as stream:
        stream.write(b"not json at all\n")
        stream.write(b"[1, 2, 3]\n")
        stream.write(b'{"action": "sign_in", "account": "no time"}\n')
        stream.write(b'{"at": "yesterday", "action": "sign_in"}\n')
        stream.write(b'{"at": "2021-03-01T08:00:00+00:00", "action": 7}\n')
        stream.write(b"\xff\xfe broken bytes\n")
        stream.write(b"\n")
    audit.record("sign_out", account="boss", clock=at(5))
    with open(path, "ab") as stream:
        stream.write(b'{"at": "2021-03-01T09:00:00+00:00", "action": "dow')  # a write cut short by a crash
    entries = audit.read_audit()
    assert [e["action"] for e in entries] == ["sign_in", "sign_out"]
    assert entries.skipped == 7
    assert audit.read_audit(account="boss").skipped == 7


def test_a_missing_log_reads_as_empty(private_paths):
    entries = audit.read_audit()
    assert entries == [] and entries.skipped == 0


def test_an_unwritable_log_raises_audit_error(private_paths, monkeypatch):
    blocked = private_paths / "blocked"
    blocked.mkdir()
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(blocked))  # a folder where the file should be
    with pytest.raises(audit.AuditError):
        audit.record("download", account="lead")


def test_default_path_is_beside_the_users_file(private_paths, monkeypatch):
    monkeypatch.delenv("OVERSIGHT_AUDIT_LOG")
    assert audit.audit_log_path() == private_paths / "conf" / "audit.jsonl"
    audit.record("sign_in", account="boss")
    assert (private_paths / "conf" / "audit.jsonl").exists()


def test_describe_filter_says_what_was_received():
    filter_ = Filter(("research",), Quarter(2020, 1), Quarter(2020, 4))
    assert audit.describe_filter(filter_) == {"units": ["research"], "nothing": False, "from": "2020Q1", "to": "2020Q4"}
    nothing = filter_.with_units((NO_UNIT,))
    assert audit.describe_filter(nothing) == {"units": [], "nothing": True, "from": "2020Q1", "to": "2020Q4"}


def test_lines_whose_fields_are_not_what_record_writes_are_skipped_and_counted(private_paths):
    """A line that parses, with a time and an action, but an account written as a number or details as a sentence
    was not written by ``record``: the page sorting the accounts or reading the details stopped on it."""
    audit.record("sign_in", account="boss", clock=at(0))
    path = private_paths / "logs" / "audit.jsonl"
    with open(path, "ab") as stream:
        for field, value in (("account", 5), ("details", "oops"), ("role", ["admin"]), ("address", {"ip": 1})):
            stream.write(json.dumps({"at": "2021-03-01T08:01:00+00:00", "action": "sign_in", field: value}).encode())
            stream.write(b"\n")
    # a line of another version: an action this one does not know is still a line, read as written
    stream_line = {
        "at": "2021-03-01T08:02:00+00:00",
        "action": "report_scheduled",
        "account": "boss",
        "role": "auditor",
    }
    with open(path, "ab") as stream:
        stream.write(json.dumps(stream_line).encode() + b"\n")
    entries = audit.read_audit()
    assert [e["action"] for e in entries] == ["sign_in", "report_scheduled"]
    assert entries.skipped == 4


def test_a_line_the_disk_cut_short_is_taken_back_and_the_next_line_reads_whole(private_paths, monkeypatch):
    """A full disk wrote 67 of a line's 441 bytes (measured on a full tmpfs): the fragment stayed, and the next line,
    written once space was freed, was glued onto it and skipped as damaged: a record reported written was lost."""
    audit.record("download", account="before", details={"file": "a.png"})
    real_write = audit.os.write

    def full_disk(descriptor: int, data: bytes) -> int:
        return real_write(descriptor, data[:67])

    monkeypatch.setattr(audit.os, "write", full_disk)
    with pytest.raises(audit.AuditError):
        audit.record("download", account="refused", details={"file": "b.png"})
    monkeypatch.setattr(audit.os, "write", real_write)
    audit.record("download", account="after", details={"file": "c.png"})
    entries = audit.read_audit()
    assert [e["account"] for e in entries] == ["before", "after"] and entries.skipped == 0


def test_a_line_that_could_not_be_flushed_does_not_stay_to_say_the_action_happened(private_paths, monkeypatch):
    def failing_fsync(descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(audit.os, "fsync", failing_fsync)
    with pytest.raises(audit.AuditError):
        audit.record("import", account="chief", details={"entry": "e1"})
    assert audit.read_audit() == []


def test_a_fragment_left_by_a_killed_writer_does_not_swallow_the_next_line(private_paths):
    log = audit.audit_log_path()
    audit.record("download", account="before")
    with open(log, "ab") as stream:
        stream.write(b'{"at":"2021-03-01T08:00:00.000+00:00","action":"downl')  # killed mid-write
    audit.record("download", account="after")
    entries = audit.read_audit()
    assert [e["account"] for e in entries] == ["before", "after"] and entries.skipped == 1


_WRITER = """
import sys
from oversight.auth import audit
for n in range(int(sys.argv[2])):
    audit.record("download", account=sys.argv[1], details={"n": n, "pad": "会" * 3000})
"""


def test_two_processes_writing_at_once_keep_every_line_whole(private_paths):
    """Lines of 9 KB, beyond what one pipe write keeps whole: the flock, not the kernel, keeps them apart."""
    import subprocess
    import sys

    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, name, "200"], env=dict(os.environ)) for name in ("p1", "p2")
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    entries = audit.read_audit()
    assert entries.skipped == 0 and len(entries) == 400
    for name in ("p1", "p2"):
        assert [e["details"]["n"] for e in entries if e["account"] == name] == list(range(200))


def test_a_log_the_app_may_append_to_but_not_read_still_takes_lines(private_paths, monkeypatch):
    """Opening the log to read its last byte (for a killed writer's fragment) must not refuse a log owned by another
    account that grants this one append only: every download and import would then be refused."""
    real_open = audit.os.open

    def append_only(path, flags, *args):
        if flags & os.O_RDWR:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(audit.os, "open", append_only)
    audit.record("download", account="one")
    audit.record("download", account="two")
    monkeypatch.setattr(audit.os, "open", real_open)
    assert [e["account"] for e in audit.read_audit()] == ["one", "two"]


def test_a_log_rotated_by_renaming_while_eight_processes_write_keeps_every_line_readable(private_paths):
    """DEPLOY.md rotates the log by renaming; the page read only the new file: 2,022 of 2,400 lines written by eight
    processes (lines of 9 KB) were left, 378 gone from it, and a log rotated at a quiet hour read as empty."""
    import subprocess
    import sys

    log = private_paths / "logs" / "audit.jsonl"
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, f"p{n}", "60"], env=dict(os.environ)) for n in range(8)]
    rotated = 0
    while any(writer.poll() is None for writer in writers):  # rename whenever the log exists, as often as it can
        if log.exists():
            log.rename(log.with_name(f"audit.jsonl.{rotated + 1}.tmp"))
            for older in range(rotated, 0, -1):  # logrotate's shift: .1 -> .2, …
                log.with_name(f"audit.jsonl.{older}").rename(log.with_name(f"audit.jsonl.{older + 1}"))
            log.with_name(f"audit.jsonl.{rotated + 1}.tmp").rename(log.with_name("audit.jsonl.1"))
            rotated += 1
    assert [writer.wait(timeout=120) for writer in writers] == [0] * 8
    assert rotated >= 2
    lines = sum(len(path.read_bytes().splitlines()) for path in log.parent.iterdir())
    entries = audit.read_audit()
    assert entries.skipped == 0 and len(entries) == lines == 480
    for n in range(8):
        assert sorted(e["details"]["n"] for e in entries if e["account"] == f"p{n}") == list(range(60))
    times = [e["at"] for e in entries]
    assert times == sorted(times)  # oldest first by time, across the copies


def test_rotated_copies_are_read_oldest_first_compressed_or_dated_and_nothing_else_beside_the_log(private_paths):
    import gzip

    log = private_paths / "logs" / "audit.jsonl"
    log.parent.mkdir(parents=True)

    def line(minutes: int, name: str) -> bytes:
        entry = audit.make_entry("sign_in", account=name, at=T0 + timedelta(minutes=minutes))
        return (json.dumps(entry) + "\n").encode()

    copies = [  # as logrotate leaves them: numbered (.2 older than .1), compressed, or dated
        ("audit.jsonl-20210101.gz", gzip.compress(line(0, "dated"))),
        ("audit.jsonl.3.gz", gzip.compress(line(1, "third"))),
        ("audit.jsonl.2", line(2, "second")),
        ("audit.jsonl.1", line(3, "first")),
    ]
    for age, (name, data) in enumerate(copies):
        (log.parent / name).write_bytes(data)
        os.utime(log.parent / name, ns=(age * 10**9, age * 10**9))
    for name in ("audit.jsonl.bak", "audit.jsonl~", "other.jsonl.1", "audit.jsonl.1.swp"):  # not the log's
        (log.parent / name).write_bytes(line(9, "stranger"))
    (log.parent / "audit.jsonl.4.gz").write_bytes(gzip.compress(line(-1, "cut"))[:-12])  # compressed in part
    os.utime(log.parent / "audit.jsonl.4.gz", ns=(0, 0))
    audit.record("sign_out", account="now", clock=at(10))
    entries = audit.read_audit()
    assert [e["account"] for e in entries] == ["dated", "third", "second", "first", "now"]
    assert entries.skipped == 1  # the copy cut short (its one line lost with its end), counted once, not an error
    assert [e["account"] for e in audit.read_audit(since=T0 + timedelta(minutes=2))] == ["second", "first", "now"]
    assert audit.audit_log_files()[-1] == log


# ---------------------------------------------------------------- the audit page's view of a long rotated log


def _lines(start: int, count: int, action: str = "sign_in") -> str:
    return "".join(
        json.dumps(
            {"at": f"2021-01-{5 + (n % 20):02d}T{n % 24:02d}:00:00+00:00", "action": action, "account": f"u{n % 7}"}
        )
        + "\n"
        for n in range(start, start + count)
    )


def _rotated_log(folder: Path) -> Path:
    """A log with copies rotated as logrotate leaves them: plain, gzipped, dated, one compressed only in part; a
    malformed line, times out of file order, and a last line not ended (being written)."""
    log = folder / "audit.jsonl"
    (folder / "audit.jsonl.3.gz").write_bytes(gzip.compress(_lines(0, 40).encode()))
    os.utime(folder / "audit.jsonl.3.gz", (1, 1))
    cut = gzip.compress(_lines(40, 30, "download").encode())
    (folder / "audit.jsonl-20210110.gz").write_bytes(cut[: len(cut) // 2])
    os.utime(folder / "audit.jsonl-20210110.gz", (2, 2))
    (folder / "audit.jsonl.1").write_text(_lines(70, 25) + "not json\n", encoding="utf-8")
    os.utime(folder / "audit.jsonl.1", (3, 3))
    log.write_text(_lines(95, 30, "download") + '{"at": "2021-01-09T0', encoding="utf-8")
    (folder / "audit.jsonl.bak").write_text(_lines(500, 5), encoding="utf-8")  # not a rotated copy
    return log


def _same_as_read_audit(path: Path) -> None:
    view = audit.audit_log(path)
    whole = audit.read_audit(path)
    assert len(view) == len(whole) and view.skipped == whole.skipped
    assert view.accounts == {e.get("account") for e in whole} and view.actions == {e["action"] for e in whole}
    assert view.entries(view.select()) == whole
    for conditions in (
        {"account": "u3"},
        {"action": "download", "since": "2021-01-08T00:00:00+00:00"},
        {"until": "2021-01-12T05:00:00+00:00", "account": "u1"},
    ):
        assert view.entries(view.select(**conditions)) == audit.read_audit(path, **conditions), conditions


def test_the_audit_pages_view_reads_the_log_as_read_audit_does(tmp_path):
    log = _rotated_log(tmp_path)
    _same_as_read_audit(log)
    with log.open("a", encoding="utf-8") as stream:  # the line being written is finished, and more come
        stream.write('0:00:00+00:00", "action": "sign_out", "account": "late"}\n' + _lines(200, 3))
    _same_as_read_audit(log)
    log.rename(log.with_name("audit.jsonl.2"))  # rotated by renaming; the next line starts a new log
    log.write_text(_lines(300, 2), encoding="utf-8")
    _same_as_read_audit(log)
    log.write_text(_lines(400, 9, "download"), encoding="utf-8")  # rewritten in place, longer: read afresh
    _same_as_read_audit(log)
    log.write_text(_lines(400, 9, "download") + _lines(0, 1), encoding="utf-8")  # a last line without its break
    _same_as_read_audit(log)


def test_a_run_of_the_audit_page_reads_only_what_was_written_since(tmp_path, monkeypatch):
    """Each run of the 审计日志 page read and parsed every rotated copy: 400 copies (100 MB of lines) took 21 to 50 s a
    run and 0.9 to 1.7 GB. A copy is read once; a run after that reads the lines added to the log, and the lines it
    lists."""
    log = _rotated_log(tmp_path)
    read: list[str] = []
    real_open = open  # gzip opens its file with it too

    def counted_open(file, mode="r", *args, **kwargs):
        if str(file).startswith(str(tmp_path)):
            read.append(Path(file).name)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", counted_open)
    first = audit.audit_log(log)
    assert set(read) == {"audit.jsonl.3.gz", "audit.jsonl-20210110.gz", "audit.jsonl.1", "audit.jsonl"}
    read.clear()
    assert audit.audit_log(log) is first and read == []  # nothing written: nothing read, the same view
    with real_open(log, "a", encoding="utf-8") as stream:
        stream.write('0:00:00+00:00", "action": "sign_out", "account": "late"}\n')
    grown = audit.audit_log(log)
    assert set(read) == {"audit.jsonl"} and len(grown) == len(first) + 1  # the live log, from where it was read
    read.clear()
    listed = grown.entries(grown.select(account="late"))  # only the files holding the lines listed are read
    assert set(read) == {"audit.jsonl"} and [e["account"] for e in listed] == ["late"]
    # a line later than any (as every line written is): added to the rows kept, not sorted in again, and the same
    # as read afresh, whether the lines before it came in order or not
    monkeypatch.setattr(audit.AuditLog, "_rows", staticmethod(_counted_rows(audit.AuditLog._rows, read)))
    for at in ("2021-02-01T00:00:00+00:00", "2021-02-01T00:00:00+00:00", "2021-01-06T00:00:00+00:00"):
        with real_open(log, "a", encoding="utf-8") as stream:
            stream.write(json.dumps({"at": at, "action": "download", "account": "later"}) + "\n")
        read.clear()
        view = audit.audit_log(log)
        assert read.count("rows") == (1 if at.startswith("2021-02") else 5)  # the live log's new lines; all files
        assert view.entries(view.select()) == audit.read_audit(log) and view.skipped == audit.read_audit(log).skipped
        assert view.accounts == {e.get("account") for e in audit.read_audit(log)}


def _counted_rows(rows, read):
    def counted(*args):
        read.append("rows")
        return rows(*args)

    return counted


# ---------------------------------------------------------------- the audit page's view, read a block at a time


def _written_log(folder: Path, monkeypatch, count: int) -> Path:
    """``count`` lines written by ``record`` itself over a year (names in Chinese, so bytes are not characters), the
    older half rotated and gzipped as logrotate leaves it."""
    monkeypatch.setattr(audit.os, "fsync", lambda descriptor: None)  # the lines are record's; only its flush skipped
    log = folder / "audit.jsonl"
    names = ["组长", "chief", "副组长王", "unit_1"]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(count):
        if n == count // 2:
            log.rename(folder / "audit.jsonl.1")
            (folder / "audit.jsonl.1.gz").write_bytes(gzip.compress((folder / "audit.jsonl.1").read_bytes()))
            os.utime(folder / "audit.jsonl.1.gz", (1, 1))
            (folder / "audit.jsonl.1").unlink()
        audit.record(
            ("sign_in", "download", "refused")[n % 3],
            account=Account(names[n % 4], "leader"),
            address=f"10.0.0.{n % 250}",
            details={
                "file": f"会议数量_{n}.png",
                "filter": {"units": ["gov_office"], "from": "2025Q1", "to": "2025Q4"},
            },
            path=log,
            clock=lambda n=n: start + timedelta(minutes=127 * n),
        )
    return log


def _independently(folder: Path) -> list[dict]:
    """Every line of the log and its copy, parsed here, oldest first."""
    text = gzip.decompress((folder / "audit.jsonl.1.gz").read_bytes()) + (folder / "audit.jsonl").read_bytes()
    entries = [json.loads(line) for line in text.decode("utf-8").splitlines()]
    return sorted(entries, key=lambda entry: datetime.fromisoformat(entry["at"]))


def test_the_audit_pages_view_read_a_block_at_a_time_lists_exactly_the_lines_asked_for(tmp_path, monkeypatch):
    """The page indexed a file read whole into memory (a 100 MB log: 382 MB at its peak), and read the whole file
    again to show its 2,000 newest lines. Read a block at a time (here 1,000 bytes, so lines straddle blocks), every
    filter lists exactly the lines an independent reading of the file finds, in order."""
    log = _written_log(tmp_path, monkeypatch, 600)
    monkeypatch.setattr(audit, "_BLOCK", 1000, raising=False)  # (none before: files read whole)
    every = _independently(tmp_path)
    first, last = datetime.fromisoformat(every[0]["at"]), datetime.fromisoformat(every[-1]["at"])
    middle = datetime.fromisoformat(every[300]["at"])
    view = audit.audit_log(log)
    assert len(view) == 600 and view.skipped == 0
    for conditions, expected in (
        ({}, every),
        ({"account": "组长"}, [e for e in every if e["account"] == "组长"]),
        ({"action": "refused", "since": middle}, every[302::3] if every[300]["action"] != "refused" else every[300::3]),
        ({"since": first, "until": middle}, every[:300]),  # since inclusive, until exclusive
        ({"since": middle, "until": last}, every[300:599]),
        ({"since": first - timedelta(days=30), "until": first}, []),  # a range before the first line
        ({"since": last + timedelta(seconds=1), "until": last + timedelta(days=30)}, []),  # after the last
        ({"account": "副组长王", "since": first - timedelta(days=1), "until": last + timedelta(days=1)}, every[2::4]),
    ):
        assert view.entries(view.select(**conditions)) == expected, conditions
    assert every[300:599] and all(e["action"] == "refused" for e in every[302::3])
    newest = view.select()[-250:]  # as the page lists them: the newest, each line read back from its file
    assert view.entries(newest) == every[-250:]


def test_the_audit_page_never_reads_a_file_whole(tmp_path, monkeypatch):
    """Indexing the log and reading back the lines listed read at most a block at a time (before: the whole file,
    twice)."""
    log = _written_log(tmp_path, monkeypatch, 600)
    monkeypatch.setattr(audit, "_BLOCK", 4096, raising=False)  # (none before: files read whole)
    reads: list[int] = []
    real_open = open

    class Counted:
        def __init__(self, stream):
            self.stream = stream

        def read(self, size=-1):
            data = self.stream.read(size)
            reads.append(len(data))
            return data

        def __getattr__(self, name):
            return getattr(self.stream, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

    def counted_open(file, mode="r", *args, **kwargs):
        stream = real_open(file, mode, *args, **kwargs)
        return Counted(stream) if str(file) == str(log) else stream

    monkeypatch.setattr("builtins.open", counted_open)
    monkeypatch.setattr(Path, "read_bytes", lambda self: Counted(real_open(self, "rb")).read())
    view = audit.audit_log(log)
    assert view.entries(view.select()[-200:])[-1]["details"]["file"] == "会议数量_599.png"
    assert log.stat().st_size > 3 * 4096 and reads and max(reads) <= 4096


def test_a_line_whose_time_or_depth_the_reader_cannot_take_is_skipped_not_a_traceback(tmp_path):
    """A hand-written line of year 1 at +05:00 (OverflowError taking it to UTC) or nested 100,000 deep
    (RecursionError) stopped read_audit and the 审计日志 page with a traceback; now each is a line skipped."""
    log = tmp_path / "audit.jsonl"
    good = json.dumps({"at": "2021-01-05T00:00:00+00:00", "action": "sign_in", "account": "chief"})
    log.write_text(
        good
        + "\n"
        + json.dumps({"at": "0001-01-01T00:00:00+05:00", "action": "sign_in", "account": "forged"})
        + "\n"
        + json.dumps({"at": "9999-12-31T23:00:00-05:00", "action": "sign_in", "account": "forged"})
        + "\n"
        + "[" * 100_000
        + "\n",
        encoding="utf-8",
    )
    whole = audit.read_audit(log)
    assert [e["account"] for e in whole] == ["chief"] and whole.skipped == 3
    view = audit.audit_log(log)
    assert [e["account"] for e in view.entries(view.select())] == ["chief"] and view.skipped == 3


def test_lines_read_back_after_the_log_was_rotated_are_read_from_the_renamed_copy(tmp_path, monkeypatch):
    """The whole log's download is built on the click, after the page read the log: a rotation in between (the log
    renamed audit.jsonl.1, a new one started) left every line of the renamed file out of the download, unsaid."""
    log = _written_log(tmp_path, monkeypatch, 60)
    every = _independently(tmp_path)
    view = audit.audit_log(log)
    shown = view.select()
    log.rename(tmp_path / "audit.jsonl.2")  # rotated by renaming, as logrotate does; the next line starts a new log
    audit.record("sign_out", account="later", path=log)
    assert view.entries(shown) == every


def test_lines_read_back_after_a_rotation_that_compressed_the_copy_the_page_read_are_read_from_the_gzipped_copy(
    tmp_path, monkeypatch
):
    """With DEPLOY.md's logrotate (compress, delaycompress) every rotation gzips the last plain copy: audit.jsonl.1
    becomes audit.jsonl.2.gz, a new file, as audit.jsonl becomes audit.jsonl.1. A download built on the click after
    that rotation (the page read audit.jsonl.1 plain) found no file with its inode and left out every one of its
    lines, unsaid: a month of the trail."""
    log = _written_log(tmp_path, monkeypatch, 60)
    (tmp_path / "audit.jsonl.1.gz").rename(tmp_path / "audit.jsonl.2.gz")  # the copies before, already gzipped
    log.rename(tmp_path / "audit.jsonl.1")  # a first rotation: the page reads the copy plain
    for n in range(5):
        audit.record("sign_in", account=Account(f"第{n}位", "leader"), path=log)
    view = audit.audit_log(log)
    shown = view.select()
    every = [*view.entries(shown)]
    assert len(every) == 65
    # the next rotation, as logrotate makes it: the plain copy gzipped to the next number, the log renamed in its place
    (tmp_path / "audit.jsonl.2.gz").rename(tmp_path / "audit.jsonl.3.gz")
    plain = tmp_path / "audit.jsonl.1"
    (tmp_path / "audit.jsonl.2.gz").write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()
    log.rename(plain)
    audit.record("sign_out", account="later", path=log)
    assert view.entries(shown) == every
