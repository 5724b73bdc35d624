"""The morning of a meeting, measured: many leaders open the Overview within a minute, change a filter, take a
chart's PNG; a few build the briefing pack at the same time; one more arrives; one replica is killed.

    .venv/bin/python -m tests.cluster.measure_meeting [--viewers 40] [--packs 5] [--spread 60] [--port 8650]

Three replicas behind nginx (nginx on ``--port``, the replicas on the next three ports), the sample data,
accounts. Every viewer is a light client (light_client.py: Streamlit's websocket protocol, its own route cookie);
the PNG is taken as the browser takes it: the 下载 menu's deferred button asked for over the websocket, then the
file fetched from the URL the replica answers with. Prints and writes ``test-output/cluster/meeting.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from deploy import cluster
from oversight.auth import accounts, roles
from oversight.data import store
from tests.cluster.conftest import PASSWORD, PROXY_SOURCE, ROOT
from tests.cluster.light_client import LightSession
from tests.cluster.measure_memory import rss_mb
from tests.cluster.test_soak import RANGE_LABEL, SIGN_IN_LABELS, UNITS

REPORT = ROOT / "test-output" / "cluster" / "meeting.json"
BUILD_LABEL = "生成简报材料"
PACK_READY = "简报材料已生成"


async def viewer(url: str, index: int, delay: float, pack: bool, log: dict) -> LightSession | None:
    await asyncio.sleep(delay)
    client = LightSession(url, f"unit={UNITS[index % len(UNITS)]}&from=2020Q1&to=2020Q4", timeout=180)
    began = time.monotonic()
    step = "open"
    try:
        await client.open()
        step = "sign in"
        run = await client.sign_in("leader", PASSWORD, SIGN_IN_LABELS)
        log["first_chart_s"] = round(time.monotonic() - began, 2)
        log["charts"] = len(run.of_type("plotly_chart")) + len(run.of_type("bidi_component"))
        log["errors"] = run.errors()
        step = "filter"
        changed = time.monotonic()
        run = await client.move_range_start(RANGE_LABEL, -1)
        log["filter_s"] = round(time.monotonic() - changed, 2)
        log["errors"] += run.errors()
        step = "png"
        asked = time.monotonic()
        png = await client.download("PNG")
        log["png_s"] = round(time.monotonic() - asked, 2)
        if not png.startswith(b"\x89PNG"):
            log["errors"].append(f"the PNG download is not a PNG: {png[:40]!r}")
        if pack:
            step = "pack"
            await client.open_page("briefing")
            asked = time.monotonic()
            run = await client.click_button("briefing", BUILD_LABEL)
            log["pack_s"] = round(time.monotonic() - asked, 2)
            if not any(PACK_READY in e.alert.body for e in run.of_type("alert")):
                log["errors"].append(f"no pack: {run.errors()}")
        log["replica_route"] = client.route
        return client
    except Exception as error:  # a timeout or a closed socket is this viewer's error
        log.setdefault("errors", []).append(f"{step}: {type(error).__name__}: {str(error)[:200]}")
        return None


def summary(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    ordered = sorted(values)
    return {
        "n": len(values),
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
        "max": round(ordered[-1], 2),
    }


async def scenario(plan: cluster.Layout, viewers: int, packs: int, spread: float) -> dict:
    pids = {port: int(plan.pid_file(port).read_text()) for port in plan.replica_ports}
    peak = dict.fromkeys(pids, 0.0)
    idle = {port: rss_mb(pid) for port, pid in pids.items()}
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            for port, pid in pids.items():
                peak[port] = max(peak[port], rss_mb(pid))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    logs: list[dict] = [{"index": i} for i in range(viewers)]
    rng = random.Random(36)
    delays = sorted(rng.uniform(0, spread) for _ in range(viewers))
    began = time.monotonic()
    clients = await asyncio.gather(*(viewer(plan.url, i, delays[i], i < packs, logs[i]) for i in range(viewers)))
    wall = round(time.monotonic() - began, 1)
    late: dict = {"index": viewers}
    extra = await viewer(plan.url, viewers, 0, False, late)
    await asyncio.sleep(3)
    held = {port: rss_mb(pid) for port, pid in pids.items()}
    done.set()
    await sampler
    result = {
        "viewers": viewers,
        "packs": packs,
        "wall_s": wall,
        "errors": [(log["index"], e) for log in logs for e in log.get("errors", [])],
        "first_chart": summary([log["first_chart_s"] for log in logs if "first_chart_s" in log]),
        "filter": summary([log["filter_s"] for log in logs if "filter_s" in log]),
        "png": summary([log["png_s"] for log in logs if "png_s" in log]),
        "pack": summary([log["pack_s"] for log in logs if "pack_s" in log]),
        "late_viewer": late,
        "rss_idle_mb": idle,
        "rss_peak_mb": peak,
        "rss_held_mb": held,
        "load": os.getloadavg()[0],
    }
    for client in [*clients, extra]:
        if client is not None:
            await client.close()
    await asyncio.sleep(5)
    result["rss_after_close_mb"] = {port: rss_mb(pid) for port, pid in pids.items()}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.cluster.measure_meeting")
    parser.add_argument("--viewers", type=int, default=40)
    parser.add_argument("--packs", type=int, default=5)
    parser.add_argument("--spread", type=float, default=60)
    parser.add_argument("--port", type=int, default=8650)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("MEETING_TMP")) as scratch:
        base = Path(scratch)
        data = Path(shutil.copytree(store.SAMPLE_DATA_DIR, base / "data", ignore=shutil.ignore_patterns(".*")))
        users = base / "users.toml"
        accounts.add_user("leader", PASSWORD, roles.LEADER, path=users)
        env = {
            "OVERSIGHT_DATA_DIR": str(data),
            "OVERSIGHT_USERS_FILE": str(users),
            "OVERSIGHT_AUDIT_LOG": str(base / "audit.jsonl"),
            "OVERSIGHT_TRUSTED_PROXIES": PROXY_SOURCE,
        }
        port = arguments.port
        plan = cluster.Layout(
            run_dir=base / "run",
            port=port,
            replica_ports=(port + 1, port + 2, port + 3),
            proxy_source=PROXY_SOURCE,
            extra_env=env,
        )
        cluster.start(plan)
        try:
            result = asyncio.run(scenario(plan, arguments.viewers, arguments.packs, arguments.spread))
        finally:
            shutil.copytree(plan.run_dir, ROOT / "test-output" / "cluster" / "meeting-run", dirs_exist_ok=True)
            cluster.stop(plan)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
