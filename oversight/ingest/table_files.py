"""The data folder's table files: which are there, and a digest that changes when any of their bytes do."""
from __future__ import annotations

import hashlib
from pathlib import Path

from oversight.contract.schema import LOAD_ORDER

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
