"""The browser's side of an Overview visit, Oversight alone: what `make bench-peer` measures of it, without Superset.

    python -m bench.client [--warm-runs 7] [--data PATH] [--trace]

One server started as `make run` starts it (``python -m oversight.ui.serve``), one Chromium: a first visit from
a fresh profile (its bytes on the wire, as the peer bench counts them), then warm visits (a new tab, static files
cached) with the CPU each costs, Chromium's processes and the server's, and the median. ``--trace`` adds the
split of one traced warm load's main thread (bench/peer/profile.py). For before/after checks of a change to what
the browser receives or runs (issue 15): CPU is far less disturbed by other work on a shared machine than time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from bench.peer import measure
from bench.server import Server
from oversight.data import store


def run(folder: Path, warm_runs: int, trace: bool, log=print) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, Server("app.py", folder) as server:
        browser = measure.launch(playwright)
        try:
            measure.wait_until_idle(server.process.pid)
            product = measure.Product(
                "oversight",
                server.url,
                measure.OVERSIGHT_DRAWN,
                {"charts": measure.OVERVIEW_CHART_COUNT, "figures": measure.KEY_FIGURES},
                server.process.pid,
            )
            result = measure.compare(browser, [product], warm_runs, log=log)["oversight"]
            result["browser_cpu_per_warm_visit_s"] = [run["browser_cpu_s"] for run in result["warm_cpu"]]
            if trace:
                from bench.peer import profile

                result["profile"] = profile.trace_warm_visit(browser, server.url, product.probe, product.argument)
        finally:
            browser.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.client", description=__doc__.splitlines()[0])
    parser.add_argument("--warm-runs", type=int, default=7)
    parser.add_argument("--data", type=Path, default=store.SAMPLE_DATA_DIR, help="data folder (default: the sample)")
    parser.add_argument("--trace", action="store_true", help="add the main-thread split of one traced warm load")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    result = run(args.data, args.warm_runs, args.trace, log=lambda line: print(line, file=sys.stderr))
    traffic = result["first_visit_traffic"]
    summary = {
        "load_before": [round(value, 2) for value in load_before],
        "load_after": [round(value, 2) for value in os.getloadavg()],
        "first_visit_s": round(result["first_visit_s"], 2),
        "first_visit_bytes": traffic,
        "first_visit_cpu_s": {key: round(value, 2) for key, value in result["first_visit_cpu"].items()},
        "warm_median_s": round(result["warm_median_s"], 2),
        "warm_cpu_median_s": {key: round(value, 2) for key, value in result["warm_cpu_median_s"].items()},
        "browser_cpu_per_warm_visit_s": [round(value, 2) for value in result["browser_cpu_per_warm_visit_s"]],
    }
    if "profile" in result:
        summary["profile"] = result["profile"]
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
