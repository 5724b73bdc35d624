"""Load ``queries/*.sql`` and run them with bound parameters.

Each file is one SELECT named after what it returns. The parameters a file
uses (``$units``, ``$q_from`` …) are read from its text and bound from the
filter; user text never becomes SQL.

The Overview's queries and the pages' key figures (``running_totals.ANSWERS``)
are answered from the store's running totals where it has them, and the
会议增多 rule from its twin in ``queries/rollups/``; the file in ``queries/``
stays the definition, and ``run_rows`` runs it on the ledgers' rows
(tests/test_rollups.py checks the two agree).
"""

from __future__ import annotations

import re
from functools import cache

import duckdb
import pandas as pd

from oversight import config
from oversight.data import running_totals
from oversight.data.filters import DataSpan, Filter
from oversight.ingest.problems import NO_RECORDS, Problem, ValidationError

QUERY_DIR = config.QUERY_DIR
ROLLUP_DIR = QUERY_DIR / "rollups"
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


def parameter_names(sql: str) -> set[str]:
    # Comment lines document the parameters; only the statement itself binds them.
    statement = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return set(_PARAMETER.findall(statement))


def query_names() -> list[str]:
    return sorted(path.stem for path in QUERY_DIR.glob("*.sql"))


def run(
    connection: duckdb.DuckDBPyConnection, name: str, filter_: Filter | None = None, **extra: object
) -> pd.DataFrame:
    """The result of ``queries/<name>.sql`` for the filter, as a DataFrame: from the store's running totals where
    they answer it, from its twin in ``queries/rollups/`` where it has one, else from the ledgers' rows."""
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
    if rollups:
        totals, answer = running_totals.of(connection), running_totals.ANSWERS.get(name)
        if totals is not None and answer is not None:
            return answer(totals, available)
        sql = rollup_text(name) or sql
    needed = parameter_names(sql)
    cursor = connection.cursor()  # a cursor per query: the connection is shared across sessions' threads
    try:
        return cursor.execute(sql, {key: available[key] for key in needed}).df()
    finally:
        cursor.close()


def data_span(connection: duckdb.DuckDBPyConnection) -> DataSpan:
    """The data's first and last day and its units; raises ``ValidationError`` where no ledger holds a record
    (each may be header-only, not all: without a data date no figure has a day to be taken at)."""
    row = run(connection, "data_span").iloc[0]
    if pd.isna(row["last_day"]):
        raise ValidationError([Problem(file="", message_key=NO_RECORDS)])
    units = tuple(run(connection, "units")["unit_id"])
    return DataSpan.from_row({**row.to_dict(), "last_day": pd.Timestamp(row["last_day"])}, units)
