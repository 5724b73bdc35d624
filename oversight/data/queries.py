"""Load ``queries/*.sql`` and run them with bound parameters.

Each file is one SELECT named after what it returns. The parameters a file
uses (``$units``, ``$q_from`` …) are read from its text and bound from the
filter; user text never becomes SQL.
"""

from __future__ import annotations

import re
from functools import cache

import duckdb
import pandas as pd

from oversight import config
from oversight.data.filters import DataSpan, Filter

QUERY_DIR = config.QUERY_DIR
_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


@cache
def sql_text(name: str) -> str:
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def parameter_names(sql: str) -> set[str]:
    # Comment lines document the parameters; only the statement itself binds them.
    statement = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return set(_PARAMETER.findall(statement))


def query_names() -> list[str]:
    return sorted(path.stem for path in QUERY_DIR.glob("*.sql"))


def run(
    connection: duckdb.DuckDBPyConnection, name: str, filter_: Filter | None = None, **extra: object
) -> pd.DataFrame:
    """The result of ``queries/<name>.sql`` for the filter, as a DataFrame."""
    sql = sql_text(name)
    available = {**(filter_.sql_params() if filter_ else {}), **extra}
    needed = parameter_names(sql)
    missing = needed - available.keys()
    if missing:
        raise KeyError(f"{name}.sql needs parameters {sorted(missing)}")
    cursor = connection.cursor()  # a cursor per query: the connection is shared across sessions' threads
    try:
        return cursor.execute(sql, {key: available[key] for key in needed}).df()
    finally:
        cursor.close()


def data_span(connection: duckdb.DuckDBPyConnection) -> DataSpan:
    row = run(connection, "data_span").iloc[0]
    units = tuple(run(connection, "units")["unit_id"])
    return DataSpan.from_row({**row.to_dict(), "last_day": pd.Timestamp(row["last_day"])}, units)
