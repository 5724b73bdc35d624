"""Atomic file writes: write beside the target, flush to disk, then rename over it.

A reader (or a crash) sees the old file or the new one, never half of one. Every module that
replaces a file — data imports, the sample, accounts, the Parquet cache — goes through here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def kept_mode(target: Path, default: int = 0o644) -> int:
    """The mode the target already has, else ``default`` (mkstemp's own 0600 would hide data from others)."""
    return target.stat().st_mode & 0o777 if target.exists() else default


def write_beside(target: Path, data: bytes, mode: int | None = None) -> Path:
    """``data`` flushed to disk next to ``target`` under a temporary name; the caller renames it into place."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, kept_mode(target) if mode is None else mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def sync_directory(folder: Path) -> None:
    """Make a rename inside ``folder`` survive a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_bytes(target: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``target`` with ``data`` atomically (creating its folder if need be)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = write_beside(target, data, mode)
    try:
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_directory(target.parent)
