"""DuckDB tables built from the data folder, one per table of the contract."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from oversight import config
from oversight.contract.schema import BOOL, DATE, INT, LOAD_ORDER, RECORD_DATES, TABLES, Table
from oversight.data import running_totals
from oversight.ingest import table_cache
from oversight.ingest.checked_folder import load_folder

SAMPLE_DATA_DIR = config.SAMPLE_DATA_DIR
_SQL_TYPES = {INT: "BIGINT", DATE: "DATE", BOOL: "BOOLEAN"}


def data_dir() -> Path:
    """The folder the dashboard reads: ``OVERSIGHT_DATA_DIR`` or the sample data."""
    return config.data_dir()


def typed_relation(relation: duckdb.DuckDBPyRelation, table: Table) -> duckdb.DuckDBPyRelation:
    """The contract's columns cast to their SQL types, built as expressions: no SQL text is assembled."""
    return relation.select(
        *(
            duckdb.ColumnExpression(c.name).cast(duckdb.sqltype(_SQL_TYPES.get(c.kind, "VARCHAR"))).alias(c.name)
            for c in table.columns
        )
    )


# Every query filters the same way; these macros keep that one definition.
MACROS = (
    "create macro quarter_key(day) as year(day) * 10 + quarter(day)",
    "create macro in_units(unit_id, units) as (len(units) = 0 or list_contains(units, unit_id))",
    # The filter's own days: from the range's first day to its as-of date (the range's end, or the data date
    # where that is earlier; a year-earlier span keeps the same cut-off). Every count of a span uses this.
    "create macro in_period(day, period_start, period_end) as day >= period_start and day <= period_end",
    # Every quarter key from q_from to q_to, so per-quarter queries show quarters without records as zero.
    "create macro quarters_between(q_from, q_to) as table select (i // 4) * 10 + i % 4 + 1 as quarter_key "
    "from range((q_from // 10) * 4 + q_from % 10 - 1, (q_to // 10) * 4 + q_to % 10) as t(i)",
    # A quarter's last day, and that day capped at the as-of date (a quarter still running is shown to date).
    "create macro quarter_last_day(quarter_key) as cast(make_date(quarter_key // 10, (quarter_key % 10) * 3 - 2, 1) "
    "+ interval 3 month - interval 1 day as date)",
    # Rectification, one vocabulary for every query (README, 口径说明): an issue counts as rectified at a day
    # only if it was rectified on or before it; it is overdue at a day if its deadline passed before that day
    # and it was not rectified by then, whenever it was raised; its status at a day follows from the same.
    "create macro rectified_by(status, rectified_date, day) as "
    "coalesce(status = 'rectified' and rectified_date <= day, false)",
    "create macro overdue_at(status, rectified_date, due_date, day) as "
    "coalesce(due_date < day, false) and not rectified_by(status, rectified_date, day)",
    "create macro status_at(status, rectified_date, day) as case "
    "when rectified_by(status, rectified_date, day) then 'rectified' "
    "when status = 'rectified' then 'in_progress' else status end",
    # The quarters of the range, each with the day its figures run to (its last day, or the as-of date for a
    # quarter still running) and whether any of it lies on or before the as-of date: a quarter after the data
    # date, or before the data's first quarter, has no figures (null, not zero: README, 口径说明, "unknown").
    "create macro quarter_series(q_from, q_to, period_end) as table select quarter_key, quarter_key // 10 as year, "
    "quarter_key % 10 as quarter, least(quarter_last_day(quarter_key), period_end) as through_day, "
    "make_date(quarter_key // 10, (quarter_key % 10) * 3 - 2, 1) <= period_end "
    "and quarter_key >= (select quarter_key(first_day) from coverage) as recorded "
    "from quarters_between(q_from, q_to)",
)

# The dates that say what the ledgers cover (``schema.RECORD_DATES``), each with the rows it counts for.
_RECORD_DATES = tuple(
    (record.table, record.column, f"status = '{record.status}'" if record.status else "true") for record in RECORD_DATES
)


def _create_coverage(connection: duckdb.DuckDBPyConnection, tables: set[str]) -> None:
    """One row, built once: the first and last recorded day. Comparisons are made only where the data
    reaches (a year before the first record is unknown, not zero); statuses are taken at the last day."""
    relations = [
        connection.table(table).filter(rows).select(duckdb.ColumnExpression(column).alias("day"))
        for table, column, rows in _RECORD_DATES
        if table in tables
    ]
    if not relations:
        connection.execute("create table coverage as select null::date as first_day, null::date as last_day")
        return
    union = relations[0]
    for relation in relations[1:]:
        union = union.union(relation)
    union.aggregate("min(day) as first_day, max(day) as last_day").create("coverage")


# Roll-ups (README, Performance): the key figures and the Overview's charts are answered from running totals of
# every ledger, held in memory beside the connection (oversight/data/running_totals.py), built once here.
LEDGERS = running_totals.LEDGERS


def has_rollups(connection: duckdb.DuckDBPyConnection) -> bool:
    """True where ``connect`` built the running totals (every ledger was loaded)."""
    return running_totals.of(connection) is not None


def connect(frames: dict[str, pd.DataFrame | Path]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one typed table per frame (or Parquet file), and the shared filter macros."""
    connection = duckdb.connect(":memory:")
    for macro in MACROS:
        connection.execute(macro)
    for name, source in frames.items():
        # DuckDB reads a Parquet cache file straight into its own columns: no pandas copy, a fraction of the memory.
        relation = connection.read_parquet(str(source)) if isinstance(source, Path) else connection.from_df(source)
        typed_relation(relation, TABLES[name]).create(name)
    _create_coverage(connection, set(frames))
    if set(LEDGERS) <= set(frames):  # a partial store (a test's few tables): the queries read rows
        running_totals.build(connection)
    return connection


# the ledgers in the order the pages name them (the units sheet is not a ledger)
LEDGERS_IN_ORDER = tuple(name for name in LOAD_ORDER if name != "units")


def ledgers_without_records(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The ledgers loaded with their header and no row (the units sheet always has rows: ingest requires it)."""
    cursor = connection.cursor()  # a cursor per query: the connection is shared across sessions' threads
    try:
        present = {row[0] for row in cursor.execute("select table_name from duckdb_tables()").fetchall()}
        return [
            name
            for name in LEDGERS_IN_ORDER
            if name in present and cursor.table(name).aggregate("count(*)").fetchall() == [(0,)]
        ]
    finally:
        cursor.close()


def open_folder(folder: Path | None = None, fingerprint: str | None = None) -> duckdb.DuckDBPyConnection:
    """The folder's tables in DuckDB; fresh Parquet cache files are loaded by DuckDB itself.

    ``fingerprint``: the folder's version the store must hold (a page's cache key): ``table_files.DataChanged``, and
    no store, where an import or an undo has moved the folder on since the caller looked at it."""
    folder = Path(folder or data_dir())
    sources = load_folder(folder, prefer_paths=True, fingerprint=fingerprint)
    try:
        return connect(sources)
    except duckdb.Error:
        # A cache file went bad between the check and the read: drop those and parse the spreadsheets.
        for source in sources.values():
            if isinstance(source, Path):
                table_cache.discard(source)
        return connect(load_folder(folder, fingerprint=fingerprint))
