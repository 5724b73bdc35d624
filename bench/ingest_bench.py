"""(2) Reading spreadsheets: our reader against pandas + openpyxl on a 100k-row workbook, then the cache.

``ours`` is ``ingest.read_table`` (calamine, header detection, every cell
normalised and checked, the whole-table checks), the work the dashboard does
on a cold start. The baseline is ``pandas.read_excel(engine="openpyxl")``,
which only loads the cells. Then a whole folder: a Parquet cache hit against
the cold read of the same folder.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pandas as pd

from bench.data import drop_cache
from oversight import ingest
from oversight.contract.schema import TABLES
from oversight.data import store
from oversight.ingest import checked_folder

OURS_RUNS = 3
HIT_RUNS = 5


def _seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(folder: Path, big_folder: Path | None = None) -> dict[str, object]:
    path = folder / "meetings.xlsx"
    units = checked_folder.read_folder(folder)["units"]
    context = ingest.Context(units=ingest.UnitResolver.from_units(units))
    rows = len(ingest.read_table(path, TABLES["meetings"], context))
    ours = statistics.median(
        _seconds(lambda: ingest.read_table(path, TABLES["meetings"], context)) for _ in range(OURS_RUNS)
    )
    openpyxl = _seconds(lambda: pd.read_excel(path, engine="openpyxl"))  # ~20 s: once
    calamine = _seconds(lambda: pd.read_excel(path, engine="calamine"))
    drop_cache(folder)
    cold = _seconds(lambda: checked_folder.read_folder(folder))  # parses every table and writes the cache
    hit = statistics.median(_seconds(lambda: checked_folder.read_folder(folder)) for _ in range(HIT_RUNS))
    to_duckdb = statistics.median(_seconds(lambda: store.open_folder(folder)) for _ in range(HIT_RUNS))
    results = {
        "rows": rows,
        "file_mb": path.stat().st_size / 1e6,
        "ours_s": ours,
        "openpyxl_s": openpyxl,
        "pandas_calamine_s": calamine,
        "folder_cold_s": cold,
        "folder_hit_s": hit,
        "folder_hit_to_duckdb_s": to_duckdb,
    }
    if big_folder is not None:
        # the server's start at 1M rows: hashes the files, DuckDB loads the Parquet itself
        results["big_folder_hit_to_duckdb_s"] = statistics.median(
            _seconds(lambda: store.open_folder(big_folder)) for _ in range(3)
        )
    return results
