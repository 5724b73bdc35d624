"""``make bench``: every figure beside its baseline from the same run; prints a table, writes bench/results.json.

    python -m bench [--meetings 1000000] [--ingest-rows 100000] [--skip browser export ...]

Scale folders are generated once under ``test-output/bench-data/`` and reused
while their parameters (and the generator) are unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import data, report

PARTS = ("queries", "ingest", "browser", "export")
RESULTS = Path(__file__).resolve().parent / "results.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=1_000_000, help="meetings in the scale data (default 1M)")
    parser.add_argument("--ingest-rows", type=int, default=100_000, help="rows of the workbook read in (2)")
    parser.add_argument("--skip", nargs="*", choices=PARTS, default=[], help="parts to leave out")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    raw: dict[str, object] = {}

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log(f"scale data: {args.meetings:,} meetings; ingest workbook: {args.ingest_rows:,} rows")
    big = data.scale_folder(args.meetings, log=log)
    small = data.scale_folder(args.ingest_rows, log=log)
    if "queries" not in args.skip:
        log("(1) Overview queries …")
        from bench import queries_bench

        raw["queries"] = queries_bench.run(big)
    if "ingest" not in args.skip:
        log("(2) ingest and cache …")
        from bench import ingest_bench

        raw["ingest"] = ingest_bench.run(small, big)
    if "browser" not in args.skip:
        log("(3) browser and (5) server memory …")
        from bench import browser_bench

        raw["browser"] = browser_bench.run(big, log=log)
    if "export" not in args.skip:
        log("(4) export …")
        from bench import export_bench

        raw["export"] = export_bench.run()
    rows = report.rows(raw, args.meetings)
    print(report.table(rows))
    document = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "parameters": {"meetings": args.meetings, "ingest_rows": args.ingest_rows, "skipped": args.skip},
        "seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
        "raw": raw,
    }
    # Read-modify-write: `make bench-peer` keeps its figures under "peer"; this run replaces everything else. Atomic.
    if RESULTS.exists():
        try:
            previous = json.loads(RESULTS.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            previous = {}  # a damaged file: this run's figures replace it
        if isinstance(previous, dict) and "peer" in previous:
            document["peer"] = previous["peer"]
    partial = RESULTS.with_suffix(".json.partial")
    partial.write_text(json.dumps(document, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(partial, RESULTS)
    log(
        f"wrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS} "
        f"in {document['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
