"""Atomic writes: the old file or the new one, never half of one; modes kept; nothing left behind on failure."""

from __future__ import annotations

import os
import stat

import pytest

from oversight.core import atomic


def test_write_replaces_and_keeps_the_mode(tmp_path):
    target = tmp_path / "issues.xlsx"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    atomic.write_bytes(tmp_path / "fresh.xlsx", b"x")
    assert stat.S_IMODE((tmp_path / "fresh.xlsx").stat().st_mode) == 0o644  # not mkstemp's 0600
    atomic.write_bytes(tmp_path / "sub" / "users.toml", b"secret", mode=0o600)
    assert stat.S_IMODE((tmp_path / "sub" / "users.toml").stat().st_mode) == 0o600


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
