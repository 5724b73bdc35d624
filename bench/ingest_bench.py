"""(2) Reading spreadsheets: our reader against pandas + openpyxl on a 100k-row workbook, then the cache.

``ours`` is ``ingest.read_table`` (calamine, header detection, every cell
normalised and checked, the whole-table checks), the work the dashboard does
on a cold start. The baseline is ``pandas.read_excel(engine="openpyxl")``,
which only loads the cells. Then a whole folder: a Parquet cache hit against
the cold read of the same folder. Last, an append of 50 meetings onto a copy of the folder (check and commit, the
import page's and the CLI's path): written onto the ledger's own workbook, against the same append written whole
(``ledger_append`` switched off, as every append was written before).
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pandas as pd

from bench.data import drop_cache
from oversight import ingest
from oversight.contract.schema import TABLES
from oversight.data import store
from oversight.ingest import checked_folder, commit, import_plan, ledger_append, workbook

OURS_RUNS = 3
HIT_RUNS = 5
APPEND_ROWS = 50
APPEND_RUNS = 3


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
    results |= _appends(folder)
    if big_folder is not None:
        # the server's start at 1M rows: hashes the files, DuckDB loads the Parquet itself
        results["big_folder_hit_to_duckdb_s"] = statistics.median(
            _seconds(lambda: store.open_folder(big_folder)) for _ in range(3)
        )
    return results


def _appends(folder: Path) -> dict[str, float]:
    """An append of ``APPEND_ROWS`` meetings, checked and committed on a copy of ``folder`` (its cache warm)."""
    tables = checked_folder.read_folder(folder)
    added = tables["meetings"].tail(APPEND_ROWS).copy()
    added["meeting_id"] = [f"HYBENCH-{number:04d}" for number in range(len(added))]
    with tempfile.TemporaryDirectory(prefix="oversight-bench-") as scratch:
        upload = Path(scratch) / "added.xlsx"
        upload.write_bytes(workbook.ledger_xlsx_bytes(TABLES["meetings"], added, tables["units"]))
        in_place = statistics.median(_append(folder, upload, Path(scratch)) for _ in range(APPEND_RUNS))
        with _written_whole():
            whole = _append(folder, upload, Path(scratch))  # ~20 s at 100k rows: once
    return {"append_rows": len(added), "append_s": in_place, "append_written_whole_s": whole}


def _append(folder: Path, upload: Path, scratch: Path) -> float:
    copy = scratch / "data"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(folder, copy)  # times kept: the copy's cache is as warm as the folder's
    started = time.perf_counter()
    plan = import_plan.plan_import(upload, "meetings", "append", copy)
    if not plan.ok:
        raise RuntimeError(f"the bench's append was refused: {plan.problems[:3]}")
    commit.apply_import(plan, "bench")
    return time.perf_counter() - started


@contextmanager
def _written_whole():
    """Every append written whole, its file parsed again by the commit's check: what an append cost before."""
    with mock.patch.object(ledger_append, "append_rows", return_value=None):
        yield
