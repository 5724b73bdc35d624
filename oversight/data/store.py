"""DuckDB tables built from the data folder, one per table of the contract."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from oversight import config
from oversight.contract.schema import BOOL, DATE, INT, RECORD_DATES, TABLES, Table
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
    # The same test as quarter_key(day) between q_from and q_to, written as a date range: DuckDB compares the
    # column with two constants instead of computing a quarter per row (about 15% of the Overview at 1M rows).
    "create macro in_quarters(day, q_from, q_to) as day >= make_date(q_from // 10, (q_from % 10) * 3 - 2, 1) "
    "and day < cast(make_date(q_to // 10, (q_to % 10) * 3 - 2, 1) + interval 3 month as date)",
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

# Roll-ups (README, Performance): per unit × quarter, the counts and sums the Overview and the pages' cards read,
# built once when the store opens. A period is answered from the quarter rows for the quarters it holds whole and
# from the ledger's own rows for the days of a quarter it cuts (an as-of date inside a quarter: the data date, or a
# year-earlier cut-off); ``filters.rollup_bounds`` splits it. So every span gives what the row-level query gives
# (tests/test_rollups.py runs both). There is no per-day roll-up: at 1M meetings one had 400k rows (the ledgers
# hold a few records per unit and day), cost 65 MB of the server's memory and was no faster to read than the
# rows: DuckDB skips the row groups whose dates lie outside the days asked for, so a ledger kept in date order
# (as one is appended to, and as the scale data are) is read only where the tail lies; an unordered one is
# scanned, which at the size of a real team's ledgers takes well under a millisecond.
# A row exists only where its count is not zero; the dimensions are exactly what the queries group or filter by;
# sums and counts of durations are kept apart so an average stays exact.
ROLLUP_TABLES = (
    # meetings: counts, the minutes and how many meetings recorded minutes (an exact average), the flags, items
    "create table rollup_meetings_quarter as select unit, quarter_key(date) as quarter_key, count(*) as meetings, "
    "sum(duration_min)::bigint as duration_sum, count(duration_min) as durations, "
    "count(*) filter (where merged) as merged, count(*) filter (where agenda_prereviewed) as prereviewed, "
    "count(*) filter (where attended_by_team) as attended, sum(agenda_items)::bigint as agenda_items "
    "from meetings where date is not null group by all order by quarter_key",
    # issues: the day a rectified issue was rectified stays a dimension, so "rectified by the as-of date" is exact
    "create table rollup_issues_quarter as select unit, quarter_key(date_raised) as quarter_key, category, "
    "case when status = 'rectified' then rectified_date end as rectified_day, count(*) as issues "
    "from issues where date_raised is not null group by all order by quarter_key",
    "create table rollup_suggestions_quarter as select unit, quarter_key(date_made) as quarter_key, status, "
    "count(*) as suggestions, count(issue_id) as linked "
    "from suggestions where date_made is not null group by all order by quarter_key",
    "create table rollup_reminders_quarter as select unit, quarter_key(date) as quarter_key, form, "
    "count(*) as reminders from reminders where date is not null group by all order by quarter_key",
    "create table rollup_activities_quarter as select unit, quarter_key(date) as quarter_key, kind, "
    "count(*) as activities from activities where date is not null group by all order by quarter_key",
)

# One table macro per ledger: its roll-up rows for the units (empty = all) and a period split by
# ``filters.rollup_bounds`` (whole quarters whole_from..whole_to, then the days tail_from..tail_to of a quarter
# cut short, read from the ledger's rows as rows of one record each), each row with its quarter; what the
# rolled-up queries (queries/rollups/) read instead of rows. The bounds are bound values, not expressions: DuckDB
# then skips the row groups outside the tail (and all of them where there is none).
ROLLED_TABLES = ("meetings", "issues", "suggestions", "reminders", "activities")
ROLLED_MACROS = (
    "create macro rolled_meetings(units, whole_from, whole_to, tail_from, tail_to) as table "
    "select unit, quarter_key, meetings, duration_sum, durations, merged, prereviewed, attended, agenda_items "
    "from rollup_meetings_quarter where in_units(unit, units) and quarter_key between whole_from and whole_to "
    "union all select unit, quarter_key(date), 1, duration_min, (duration_min is not null)::bigint, "
    "(merged is true)::bigint, (agenda_prereviewed is true)::bigint, (attended_by_team is true)::bigint, "
    "agenda_items from meetings where in_units(unit, units) and date between tail_from and tail_to",
    "create macro rolled_issues(units, whole_from, whole_to, tail_from, tail_to) as table "
    "select unit, quarter_key, category, rectified_day, issues from rollup_issues_quarter "
    "where in_units(unit, units) and quarter_key between whole_from and whole_to "
    "union all select unit, quarter_key(date_raised), category, "
    "case when status = 'rectified' then rectified_date end, 1 from issues "
    "where in_units(unit, units) and date_raised between tail_from and tail_to",
    "create macro rolled_suggestions(units, whole_from, whole_to, tail_from, tail_to) as table "
    "select unit, quarter_key, status, suggestions, linked from rollup_suggestions_quarter "
    "where in_units(unit, units) and quarter_key between whole_from and whole_to "
    "union all select unit, quarter_key(date_made), status, 1, (issue_id is not null)::bigint from suggestions "
    "where in_units(unit, units) and date_made between tail_from and tail_to",
    "create macro rolled_reminders(units, whole_from, whole_to, tail_from, tail_to) as table "
    "select unit, quarter_key, form, reminders from rollup_reminders_quarter "
    "where in_units(unit, units) and quarter_key between whole_from and whole_to "
    "union all select unit, quarter_key(date), form, 1 from reminders "
    "where in_units(unit, units) and date between tail_from and tail_to",
    "create macro rolled_activities(units, whole_from, whole_to, tail_from, tail_to) as table "
    "select unit, quarter_key, kind, activities from rollup_activities_quarter "
    "where in_units(unit, units) and quarter_key between whole_from and whole_to "
    "union all select unit, quarter_key(date), kind, 1 from activities "
    "where in_units(unit, units) and date between tail_from and tail_to",
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


def _create_rollups(connection: duckdb.DuckDBPyConnection, tables: set[str]) -> None:
    """The roll-ups and the macros that read them, where the store holds every ledger they sum."""
    if not set(ROLLED_TABLES) <= tables:
        return  # a partial store (a test's few tables): the queries read rows
    for statement in (*ROLLUP_TABLES, *ROLLED_MACROS):
        connection.execute(statement)


def has_rollups(connection: duckdb.DuckDBPyConnection) -> bool:
    """True where ``connect`` built the roll-ups (every ledger was loaded)."""
    cursor = connection.cursor()
    try:
        found = cursor.execute(
            "select count(*) from duckdb_tables() where table_name = 'rollup_meetings_quarter'"
        ).fetchone()
    finally:
        cursor.close()
    return bool(found and found[0])


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
    _create_rollups(connection, set(frames))
    return connection


def open_folder(folder: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The folder's tables in DuckDB; fresh Parquet cache files are loaded by DuckDB itself."""
    folder = Path(folder or data_dir())
    sources = load_folder(folder, prefer_paths=True)
    try:
        return connect(sources)
    except duckdb.Error:
        # A cache file went bad between the check and the read: drop those and parse the spreadsheets.
        for source in sources.values():
            if isinstance(source, Path):
                table_cache.discard(source)
        return connect(load_folder(folder))
