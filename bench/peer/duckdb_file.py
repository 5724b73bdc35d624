"""The data folder as a DuckDB file for Superset: the project's own typed tables, written once per data fingerprint.

``oversight.data.store.open_folder`` reads the folder exactly as the dashboard does (Parquet cache, types, the
coverage row); its tables are copied into a file in a storage format the DuckDB in Superset's virtualenv
(1.x, as its duckdb extra requires) can open read-only.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from oversight.contract.schema import LOAD_ORDER
from oversight.data import store
from oversight.ingest import table_files

# The oldest storage format DuckDB 1.x reads: Superset's extra pins duckdb<2, the project runs 2.x.
STORAGE_VERSION = "v1.0.0"


def export(folder: Path, target_dir: Path) -> tuple[Path, date]:
    """(the .duckdb file, the data date). Rewritten only when the folder's data fingerprint changed."""
    target_dir.mkdir(parents=True, exist_ok=True)
    connection = store.open_folder(folder)
    try:
        last_day = connection.execute("select last_day from coverage").fetchall()[0][0]
        target = target_dir / f"{table_files.fingerprint(folder)}.duckdb"
        if target.exists():
            return target, last_day
        partial = target.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        # ATTACH takes no bound parameters; the path is ours (test-output/, a hex name), never user text
        assert "'" not in str(partial)
        connection.execute(f"attach '{partial}' as peer (storage_version '{STORAGE_VERSION}')")
        for table in (*LOAD_ORDER, "coverage"):
            connection.execute(f"create table peer.{table} as select * from memory.main.{table}")
        connection.execute("detach peer")
        os.replace(partial, target)  # a half-written file is never taken for a finished one
        return target, last_day
    finally:
        connection.close()
