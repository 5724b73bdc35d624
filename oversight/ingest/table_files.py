"""The data folder's table files: which are there, the one the store reads, and digests that change when they do."""

from __future__ import annotations

import hashlib
from pathlib import Path

from oversight.contract.schema import LOAD_ORDER, TABLES, Table

# The kinds of file a table may be kept in, in the order the store prefers them.
TABLE_SUFFIXES = (".xlsx", ".csv")


def table_files(folder: Path, name: str) -> list[Path]:
    """The files of table ``name`` in ``folder``: none, one, or both an .xlsx and a .csv."""
    return [folder / f"{name}{suffix}" for suffix in TABLE_SUFFIXES if (folder / f"{name}{suffix}").exists()]


def folder_state(folder: Path) -> str:
    """A digest of every table file's bytes: any change to the data between plan and apply shows."""
    digest = hashlib.sha256()
    for name in LOAD_ORDER:
        for path in table_files(folder, name):
            digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def table_path(folder: Path, table: Table) -> Path:
    """The table's file in ``folder``: ``<name>.xlsx``, or ``<name>.csv`` where that is what the office keeps."""
    for suffix in (".xlsx", ".csv"):
        candidate = folder / f"{table.name}{suffix}"
        if candidate.exists():
            return candidate
    return folder / table.file_name


def fingerprint(folder: Path) -> str:
    """Changes whenever any table file is replaced or edited, so caches keyed on it are never stale."""
    digest = hashlib.sha256()
    for name in LOAD_ORDER:
        path = table_path(folder, TABLES[name])
        if path.exists():
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]
