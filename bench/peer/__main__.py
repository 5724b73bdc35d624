"""``make bench-peer``: Oversight's Overview against the same dashboard in Apache Superset 6.1, side by side.

    python -m bench.peer [--meetings 1000000] [--warm-runs 9] [--no-profile] [--only sample|scale]

Superset runs from its own virtualenv under test-output/superset-peer/ (``make bench-peer`` installs it),
with SQLite metadata and the data folder as a read-only DuckDB file; the dashboard is built through its
REST API from bench/peer/dashboard.json. Both products are timed in one browser, alternating, for the
sample data and the scale folder. Rows go into bench/results.json under "peer" (the other keys are kept).
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
from typing import Any

from bench import data
from bench.peer import dashboard, duckdb_file, measure, superset
from bench.peer.api import SupersetApi
from bench.server import Server
from oversight.data import store

RESULTS = Path(__file__).resolve().parents[1] / "results.json"
WARM_RUNS = 9
# The targets: Oversight at most 0.6x Superset's time, and no more bytes on a first visit.
TIME_TARGET = 0.6
BYTES_TARGET = 1.0


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _scale_label(meetings: int) -> str:
    return f"{meetings / 1e6:g}M" if meetings >= 1_000_000 else f"{meetings / 1e3:g}k"


def _load() -> dict[str, Any]:
    return {"loadavg": [round(value, 2) for value in os.getloadavg()], "cpus": os.cpu_count()}


def build_dashboards(folders: dict[str, Path]) -> dict[str, str]:
    """Export each folder to DuckDB and build its dashboard, in a Superset started for that alone (so the
    measured servers start cold)."""
    exports = {label: duckdb_file.export(folder, superset.HOME / "data" / label) for label, folder in folders.items()}
    with superset.Gunicorn() as server:
        api = SupersetApi(server.url, superset.ADMIN, superset.admin_password())
        # the year Oversight shows by default: the latest in the data, to its data date (its as-of date)
        return {
            label: dashboard.build(api, label, path, last_day.year, last_day, log=_log)
            for label, (path, last_day) in exports.items()
        }


def measure_folder(
    browser, label: str, folder: Path, dashboard_path: str, warm_runs: int, profile: bool
) -> dict[str, Any]:
    superset.drop_caches()
    with Server("app.py", folder) as oversight, superset.Gunicorn() as peer:
        settle = {
            "oversight_s": measure.wait_until_idle(oversight.process.pid),
            "superset_s": measure.wait_until_idle(peer.process.pid),
        }
        products = [
            measure.Product(
                "oversight",
                oversight.url,
                measure.OVERSIGHT_DRAWN,
                {"charts": measure.OVERVIEW_CHART_COUNT, "figures": measure.KEY_FIGURES},
                oversight.process.pid,
            ),
            measure.Product(
                "superset", peer.url + dashboard_path, measure.SUPERSET_DRAWN, measure.SUPERSET_CHARTS, peer.process.pid
            ),
        ]
        load_before = _load()
        result: dict[str, Any] = measure.compare(browser, products, warm_runs, log=_log)
        result.update(settle_s=settle, load_before=load_before, load_after=_load())
        if profile:
            from bench.peer import profile as chrome_profile

            result["profile"] = {}
            for product in products:
                _log(f"  {label}: Chrome trace of a warm {product.name} load …")
                trace_file = superset.HOME.parent / "peer-traces" / f"{product.name}-warm-{label}.json"
                result["profile"][product.name] = chrome_profile.trace_warm_visit(
                    browser, product.url, product.probe, product.argument, save_to=trace_file
                )
                result["profile"][product.name]["trace_file"] = str(trace_file.relative_to(superset.ROOT))
    return result


def rows(raw: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for label, result in raw.items():
        ours, peer = result["oversight"], result["superset"]
        for name, key in (("warm median", "warm_median_s"), ("first visit after start", "first_visit_s")):
            ratio = ours[key] / peer[key]
            out.append(
                {
                    "measure": f"{label}, {name}",
                    "oversight": ours[key],
                    "superset": peer[key],
                    "unit": "s",
                    "ratio": ratio,
                    "target": f"≤ {TIME_TARGET}×",
                    "met": ratio <= TIME_TARGET,
                }
            )
        if "warm_cpu_median_s" in ours:
            cpu_ours, cpu_peer = ours["warm_cpu_median_s"]["total"], peer["warm_cpu_median_s"]["total"]
            out.append(
                {
                    "measure": f"{label}, CPU per warm visit (browser + server)",
                    "oversight": cpu_ours,
                    "superset": cpu_peer,
                    "unit": "s",
                    "ratio": cpu_ours / cpu_peer,
                    "target": "",
                    "met": None,
                }
            )
        ours_bytes, peer_bytes = ours["first_visit_traffic"]["bytes"], peer["first_visit_traffic"]["bytes"]
        ratio = ours_bytes / peer_bytes
        out.append(
            {
                "measure": f"{label}, bytes on a first visit",
                "oversight": ours_bytes / 1e6,
                "superset": peer_bytes / 1e6,
                "unit": "MB",
                "ratio": ratio,
                "target": f"≤ {BYTES_TARGET:g}×",
                "met": ratio <= BYTES_TARGET,
            }
        )
    return out


def _met(met: bool | None) -> str:
    return "" if met is None else "yes" if met else "MISSED"


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| | Oversight | Superset 6.1 | ratio | target | met |", "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:

        def number(value: float, row: dict[str, Any] = row) -> str:
            return f"{value:.2f} {row['unit']}"

        lines.append(
            f"| {row['measure']} | {number(row['oversight'])} | {number(row['superset'])} | "
            f"{row['ratio']:.2f}× | {row['target']} | {_met(row['met'])} |"
        )
    lines.append("ratio: Oversight ÷ Superset (lower is better for Oversight)")
    return "\n".join(lines)


def write_results(document: dict[str, Any]) -> None:
    """Read-modify-write: `make bench` keeps its keys, this run replaces "peer" only. Atomic."""
    existing: dict[str, Any] = {}
    if RESULTS.exists():
        try:
            existing = json.loads(RESULTS.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise SystemExit(f"{RESULTS} is not valid JSON ({error}); move it away and run again") from None
    existing["peer"] = document
    partial = RESULTS.with_suffix(".json.partial")
    partial.write_text(json.dumps(existing, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(partial, RESULTS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=1_000_000, help="meetings in the scale data (default 1M)")
    parser.add_argument("--warm-runs", type=int, default=WARM_RUNS, help="warm visits of each product per folder")
    parser.add_argument("--no-profile", action="store_true", help="leave out the Chrome trace of a warm load")
    parser.add_argument("--only", choices=("sample", "scale"), help="measure one folder only")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_at_start = _load()
    _log(f"load at start: {load_at_start['loadavg']} on {load_at_start['cpus']} CPUs")
    try:
        superset.initialise(log=_log)
    except superset.PeerMissing as error:
        _log(str(error))
        return 2
    folders: dict[str, Path] = {}
    if args.only != "scale":
        folders["sample"] = store.SAMPLE_DATA_DIR
    if args.only != "sample":
        folders[_scale_label(args.meetings)] = data.scale_folder(args.meetings, log=_log)
    paths = build_dashboards(folders)

    from playwright.sync_api import sync_playwright

    raw: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = measure.launch(playwright)
        try:
            for label, folder in folders.items():
                _log(f"  {label}: Oversight and Superset, first visit then {args.warm_runs} warm visits each …")
                raw[label] = measure_folder(
                    browser,
                    label,
                    folder,
                    paths[label],
                    args.warm_runs,
                    profile=not args.no_profile and label == "sample",
                )
            browser_version = browser.version
        finally:
            browser.close()
    result_rows = rows(raw)
    print(table(result_rows))
    for label, result in raw.items():
        for name, profile in result.get("profile", {}).items():
            print(
                f"\n{name}, a warm load traced ({label}, {profile['visit_s']:.2f} s), main thread ms: "
                f"{profile['main_thread_ms']}"
            )
            print(f"  sampled time by script, ms: {profile['javascript_ms']}")
    write_results(
        {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "chromium": browser_version,
                "load_at_start": load_at_start,
                "load_at_end": _load(),
            },
            "parameters": {
                "meetings": args.meetings,
                "warm_runs": args.warm_runs,
                "superset_workers": superset.WORKERS,
                "superset_threads": superset.THREADS,
            },
            "seconds": round(time.perf_counter() - started, 1),
            "rows": result_rows,
            "raw": raw,
        }
    )
    _log(f'wrote the "peer" rows into {RESULTS} in {time.perf_counter() - started:.0f} s')
    return 0


if __name__ == "__main__":
    sys.exit(main())
