"""DuckDB tables built from the data folder, one per table of the contract."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pandas as pd

from oversight import cache, ingest
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
    """Every table of the folder, validated against each other; raises ``ValidationError`` with all problems.

    A table whose file (and the files it is checked against) is unchanged since
    it last validated comes from the Parquet cache in ``<folder>/.cache``.
    """
    return _load_folder(Path(folder))


def _load_folder(folder: Path, prefer_paths: bool = False) -> dict[str, pd.DataFrame | Path]:
    """Each table as a frame, or (``prefer_paths``) as the path of its fresh Parquet cache file where one is."""
    loaded: dict[str, pd.DataFrame | Path] = {}
    keys: dict[str, str] = {}
    problems: list[ingest.Problem] = []
    context = ingest.Context()
    for name in LOAD_ORDER:
        table = TABLES[name]
        path = table_path(folder, table)
        if not path.exists():
            problems.append(ingest.Problem(file=path.name, message_key="error.file_missing", params={"table": table.zh}))
            continue
        source: pd.DataFrame | Path | None = None
        key = None
        if all(dependency in keys for dependency in cache.DEPENDENCIES[name]):
            key = cache.table_key(name, cache.FileKey.of(path), keys)
            if prefer_paths and not _needed_as_context(name):
                source = cache.usable_path(folder, name, key)
            if source is None:
                source = cache.load(folder, name, key)
        if source is None:
            try:
                source = ingest.read_table(path, table, context)
            except ingest.ValidationError as error:
                problems += error.problems
                continue
            if key is not None:
                cache.store(folder, name, key, source)
        loaded[name] = source
        if key is not None:
            keys[name] = key
        if name == "units":
            context.units = ingest.UnitResolver.from_units(source)
        elif name == "issues":
            context.issue_ids = frozenset(source["issue_id"])
    if problems:
        raise ingest.ValidationError(problems)
    return loaded


def _needed_as_context(name: str) -> bool:
    # units and issues are what later tables are checked against, so they are read whatever else happens.
    return name in ("units", "issues")


def typed_relation(relation: duckdb.DuckDBPyRelation, table: Table) -> duckdb.DuckDBPyRelation:
    """The contract's columns cast to their SQL types, built as expressions: no SQL text is assembled."""
    return relation.select(*(
        duckdb.ColumnExpression(c.name).cast(duckdb.sqltype(_SQL_TYPES.get(c.kind, "VARCHAR"))).alias(c.name)
        for c in table.columns))


# Every query filters the same way; these macros keep that one definition.
MACROS = (
    "create macro quarter_key(day) as year(day) * 10 + quarter(day)",
    "create macro in_units(unit_id, units) as (len(units) = 0 or list_contains(units, unit_id))",
    # The same test as quarter_key(day) between q_from and q_to, written as a date range: DuckDB compares the
    # column with two constants instead of computing a quarter per row (about 15% of the Overview at 1M rows).
    "create macro in_quarters(day, q_from, q_to) as day >= make_date(q_from // 10, (q_from % 10) * 3 - 2, 1) "
    "and day < cast(make_date(q_to // 10, (q_to % 10) * 3 - 2, 1) + interval 3 month as date)",
    # Every quarter key from q_from to q_to, so per-quarter queries show quarters without records as zero.
    "create macro quarters_between(q_from, q_to) as table select (i // 4) * 10 + i % 4 + 1 as quarter_key "
    "from range((q_from // 10) * 4 + q_from % 10 - 1, (q_to // 10) * 4 + q_to % 10) as t(i)",
)


def connect(frames: dict[str, pd.DataFrame | Path]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one typed table per frame (or Parquet file), and the shared filter macros."""
    connection = duckdb.connect(":memory:")
    for macro in MACROS:
        connection.execute(macro)
    for name, source in frames.items():
        # DuckDB reads a Parquet cache file straight into its own columns: no pandas copy, a fraction of the memory.
        relation = connection.read_parquet(str(source)) if isinstance(source, Path) else connection.from_df(source)
        typed_relation(relation, TABLES[name]).create(name)
    return connection


def open_folder(folder: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The folder's tables in DuckDB; fresh Parquet cache files are loaded by DuckDB itself."""
    folder = Path(folder or data_dir())
    sources = _load_folder(folder, prefer_paths=True)
    try:
        return connect(sources)
    except duckdb.Error:
        # A cache file went bad between the check and the read: drop those and parse the spreadsheets.
        for source in sources.values():
            if isinstance(source, Path):
                cache.discard(source)
        return connect(_load_folder(folder))
