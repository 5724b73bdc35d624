"""DuckDB tables built from the data folder, one per table of the contract."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pandas as pd

from oversight import ingest
from oversight.schema import BOOL, DATE, INT, LOAD_ORDER, TABLES, Table

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA_DIR = PROJECT_ROOT / "data"
_SQL_TYPES = {INT: "BIGINT", DATE: "DATE", BOOL: "BOOLEAN"}


def data_dir() -> Path:
    """The folder the dashboard reads: ``OVERSIGHT_DATA_DIR`` or the sample data."""
    return Path(os.environ.get("OVERSIGHT_DATA_DIR") or SAMPLE_DATA_DIR)


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


def read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table of the folder, validated against each other; raises ``ValidationError`` with all problems."""
    frames: dict[str, pd.DataFrame] = {}
    problems: list[ingest.Problem] = []
    context = ingest.Context()
    for name in LOAD_ORDER:
        table = TABLES[name]
        path = table_path(folder, table)
        if not path.exists():
            problems.append(ingest.Problem(file=path.name, message_key="error.file_missing", params={"table": table.zh}))
            continue
        try:
            frames[name] = ingest.read_table(path, table, context)
        except ingest.ValidationError as error:
            problems += error.problems
            continue
        if name == "units":
            context.units = ingest.UnitResolver.from_units(frames[name])
        elif name == "issues":
            context.issue_ids = frozenset(frames[name]["issue_id"])
    if problems:
        raise ingest.ValidationError(problems)
    return frames


def _select_typed(table: Table) -> str:
    # Column names come from the contract, never from user input.
    parts = [f'cast("{c.name}" as {_SQL_TYPES.get(c.kind, "VARCHAR")}) as "{c.name}"' for c in table.columns]
    return ", ".join(parts)


# Every query filters the same way; these macros keep that one definition.
MACROS = (
    "create macro quarter_key(day) as year(day) * 10 + quarter(day)",
    "create macro in_units(unit_id, units) as (len(units) = 0 or list_contains(units, unit_id))",
    "create macro in_quarters(day, q_from, q_to) as quarter_key(day) between q_from and q_to",
)


def connect(frames: dict[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one typed table per frame, and the shared filter macros."""
    connection = duckdb.connect(":memory:")
    for macro in MACROS:
        connection.execute(macro)
    for name, frame in frames.items():
        connection.register("incoming", frame)
        connection.execute(f'create table "{name}" as select {_select_typed(TABLES[name])} from incoming')
        connection.unregister("incoming")
    return connection


def open_folder(folder: Path | None = None) -> duckdb.DuckDBPyConnection:
    return connect(read_folder(folder or data_dir()))
