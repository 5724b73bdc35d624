"""Load ``queries/*.sql`` and run them with bound parameters.

Each file is one SELECT named after what it returns. The parameters a file
uses (``$units``, ``$q_from`` …) are read from its text and bound from the
filter; user text never becomes SQL.

A query with a twin in ``queries/rollups/`` (the Overview's and the pages'
key figures) is answered from the store's roll-ups where it has them; the
file in ``queries/`` stays the definition, and ``run_rows`` runs it on the
ledgers' rows (tests/test_rollups.py checks the two agree).
"""

from __future__ import annotations

import re
import weakref
from functools import cache

import duckdb
import pandas as pd

from oversight import config
from oversight.data import store
from oversight.data.filters import DataSpan, Filter, rollup_bounds

QUERY_DIR = config.QUERY_DIR
ROLLUP_DIR = QUERY_DIR / "rollups"
# Whether a connection has its roll-ups, asked once per connection (a store is built once per data version).
_HAS_ROLLUPS: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, bool] = weakref.WeakKeyDictionary()
_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


@cache
def sql_text(name: str) -> str:
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


@cache
def rollup_text(name: str) -> str | None:
    """The roll-up twin of ``queries/<name>.sql``, or ``None`` where the query reads rows only."""
    path = ROLLUP_DIR / f"{name}.sql"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def rollup_names() -> list[str]:
    return sorted(path.stem for path in ROLLUP_DIR.glob("*.sql"))


def _has_rollups(connection: duckdb.DuckDBPyConnection) -> bool:
    known = _HAS_ROLLUPS.get(connection)
    if known is None:
        known = _HAS_ROLLUPS[connection] = store.has_rollups(connection)
    return known


def parameter_names(sql: str) -> set[str]:
    # Comment lines document the parameters; only the statement itself binds them.
    statement = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return set(_PARAMETER.findall(statement))


def query_names() -> list[str]:
    return sorted(path.stem for path in QUERY_DIR.glob("*.sql"))


def run(
    connection: duckdb.DuckDBPyConnection, name: str, filter_: Filter | None = None, **extra: object
) -> pd.DataFrame:
    """The result of ``queries/<name>.sql`` for the filter, as a DataFrame: from the roll-ups where the query has
    a twin in ``queries/rollups/`` and the store has them, else from the ledgers' rows."""
    return _run(connection, name, filter_, extra, rollups=True)


def run_rows(
    connection: duckdb.DuckDBPyConnection, name: str, filter_: Filter | None = None, **extra: object
) -> pd.DataFrame:
    """``queries/<name>.sql`` itself, on the ledgers' rows: the definition the roll-ups are checked against."""
    return _run(connection, name, filter_, extra, rollups=False)


def _run(
    connection: duckdb.DuckDBPyConnection,
    name: str,
    filter_: Filter | None,
    extra: dict[str, object],
    *,
    rollups: bool,
) -> pd.DataFrame:
    available = {**(filter_.sql_params() if filter_ else {}), **extra}
    sql = sql_text(name)
    # the definition's parameters are asked for, whichever text answers
    missing = parameter_names(sql) - available.keys()
    if missing:
        raise KeyError(f"{name}.sql needs parameters {sorted(missing)}")
    rolled = rollup_text(name) if rollups else None
    if rolled is not None and _has_rollups(connection):
        bounds = rollup_bounds(available)
        if bounds is not None:
            sql, available = rolled, {**available, **bounds}
    needed = parameter_names(sql)
    cursor = connection.cursor()  # a cursor per query: the connection is shared across sessions' threads
    try:
        return cursor.execute(sql, {key: available[key] for key in needed}).df()
    finally:
        cursor.close()


def data_span(connection: duckdb.DuckDBPyConnection) -> DataSpan:
    row = run(connection, "data_span").iloc[0]
    units = tuple(run(connection, "units")["unit_id"])
    return DataSpan.from_row({**row.to_dict(), "last_day": pd.Timestamp(row["last_day"])}, units)
