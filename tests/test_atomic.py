"""Atomic writes: the old file or the new one, never half of one; modes kept; nothing left behind on failure."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oversight.core import atomic


def test_write_replaces_and_keeps_the_mode(tmp_path):
    target = tmp_path / "issues.xlsx"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    previous = os.umask(0o022)
    try:
        atomic.write_bytes(tmp_path / "fresh.xlsx", b"x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "fresh.xlsx").stat().st_mode) == 0o644  # not mkstemp's 0600
    atomic.write_bytes(tmp_path / "sub" / "users.toml", b"secret", mode=0o600)
    assert stat.S_IMODE((tmp_path / "sub" / "users.toml").stat().st_mode) == 0o600


@pytest.mark.parametrize("umask, expected", [(0o077, 0o600), (0o027, 0o640), (0o002, 0o664)])
def test_a_new_file_follows_the_umask_as_open_would(tmp_path, umask, expected):
    """A pack written under umask 077 was -rw-r--r--: the default was a fixed 0644."""
    previous = os.umask(umask)
    try:
        atomic.write_bytes(tmp_path / "pack.pptx", b"new")
        (tmp_path / "plain.txt").write_bytes(b"plain")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "pack.pptx").stat().st_mode) == expected
    assert stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.pptx", "plain.txt"]  # no temporary left


def test_a_replaced_file_keeps_its_mode_whatever_the_umask(tmp_path):
    target = tmp_path / "pack.pptx"
    target.write_bytes(b"old")
    os.chmod(target, 0o604)
    previous = os.umask(0o077)
    try:
        atomic.write_bytes(target, b"new")
    finally:
        os.umask(previous)
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o604


def test_a_failed_rename_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "meetings.xlsx"
    target.write_bytes(b"old")

    def broken_replace(source, destination):
        raise OSError("injected")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="injected"):
        atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["meetings.xlsx"]


# a writer killed (os._exit, as kill -9 or a power cut: no cleanup) after its temporary is flushed, before the rename
_KILLED_BEFORE_THE_RENAME = """
import os, sys
from pathlib import Path
from oversight.core import atomic

atomic.os.replace = lambda *args: os._exit(137)
atomic.write_bytes(Path(sys.argv[1]), b"new hashes")
"""


def _killed_before_the_rename(target: Path) -> Path:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_BEFORE_THE_RENAME, str(target)], cwd=root, env=env, capture_output=True
    )
    assert child.returncode == 137, child.stderr
    (left,) = [path for path in target.parent.iterdir() if path.name.endswith(".tmp")]
    return left


def test_the_next_write_removes_what_a_killed_writer_left(tmp_path):
    """Every kill mid-write (of the users file, the sign-in throttle's, the push record, a briefing PDF) left its
    temporary for good: a copy of password hashes, or megabytes, per kill."""
    target = tmp_path / "users.toml"
    target.write_bytes(b"old hashes")
    dead = _killed_before_the_rename(target)
    assert target.read_bytes() == b"old hashes" and dead.read_bytes() == b"new hashes"
    an_hour_ago = time.time() - 3600
    os.utime(dead, (an_hour_ago, an_hour_ago))
    live = tmp_path / ".users.toml.0123abcd.tmp"  # another process's, being written now: not touched
    live.write_bytes(b"being written")
    other = tmp_path / ".throttle.json.89abcdef.tmp"  # another file's: its own writer's to remove
    other.write_bytes(b"x")
    os.utime(other, (an_hour_ago, an_hour_ago))

    atomic.write_bytes(target, b"newer hashes")
    assert target.read_bytes() == b"newer hashes"
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([target.name, live.name, other.name])


def test_a_live_temporary_is_kept_where_this_machines_clock_runs_ahead_of_the_folders(tmp_path, monkeypatch):
    """A folder on a file server (NFS, SMB) shared by the replicas: its files' times are the server's clock. Measured
    against this machine's, 90 s ahead, another replica's temporary of the sign-in throttle's file, written a moment
    ago, was 'a minute untouched': removed under its writer, whose rename then failed. The age is the folder's own:
    taken against the time of the temporary this write has just made there."""
    target = tmp_path / "login-throttle.json"
    live = tmp_path / ".login-throttle.json.0123abcd.tmp"  # another replica's, being written now
    live.write_bytes(b"being written")
    dead = tmp_path / ".login-throttle.json.89abcdef.tmp"  # one killed an hour ago, by the folder's clock
    dead.write_bytes(b"left")
    an_hour_ago = live.stat().st_mtime - 3600
    os.utime(dead, (an_hour_ago, an_hour_ago))
    ahead = time.time() + 90
    monkeypatch.setattr(time, "time", lambda: ahead)

    atomic.write_bytes(target, b"{}")
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([target.name, live.name])
