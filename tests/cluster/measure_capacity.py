"""How many sessions one replica serves with a filter change's p95 at or under 2 s.

    .venv/bin/python -m tests.cluster.measure_capacity [--sessions 2,4,8,16] [--think 0] [--seconds 30]

One replica behind nginx, the sample data, light clients only (light_client.py): each signs in, opens the
Overview for its unit and, for ``--seconds``, moves the range's start back and forth, waiting ``--think``
seconds between a finished change and the next (0: everyone clicks without pause, the worst case; a leader
reading the page waits far longer). Times are from the change sent to its run finished — the replica's
share of what a person waits for; the browser's drawing comes on top. Prints and writes
``test-output/cluster/capacity.json``.
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
from tests.cluster.conftest import PASSWORD, PROXY_SOURCE, ROOT, _free_ports
from tests.cluster.light_client import LightSession
from tests.cluster.test_soak import RANGE_LABEL, SIGN_IN_LABELS, STARTS, UNITS

REPORT = ROOT / "test-output" / "cluster" / "capacity.json"


class Start:
    """The clock starts once every session has signed in (signing in is not what is measured)."""

    def __init__(self, sessions: int, seconds: float) -> None:
        self.waiting, self.seconds = sessions, seconds
        self.deadline = 0.0
        self.go = asyncio.Event()

    def signed_in(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.deadline = time.monotonic() + self.seconds
            self.go.set()


async def one_session(url: str, index: int, start: Start, think: float) -> list[float]:
    client = LightSession(url, f"unit={UNITS[index % len(UNITS)]}&from={STARTS[0]}&to=2020Q4")
    times = []
    try:
        await client.open()
        await client.sign_in("leader", PASSWORD, SIGN_IN_LABELS)
        start.signed_in()
        await start.go.wait()
        await asyncio.sleep(random.uniform(0, think))  # people do not click in step
        step = -1
        while time.monotonic() < start.deadline:
            began = time.monotonic()
            await client.move_range_start(RANGE_LABEL, step)
            times.append(time.monotonic() - began)
            step = -step
            await asyncio.sleep(think)
    finally:
        await client.close()
    return times


async def load(url: str, sessions: int, seconds: float, think: float) -> dict:
    start = Start(sessions, seconds)
    results = await asyncio.gather(*(one_session(url, i, start, think) for i in range(sessions)))
    times = [t for result in results for t in result]
    return {
        "sessions": sessions,
        "think_s": think,
        "changes": len(times),
        "p50_s": round(statistics.median(times), 3),
        "p95_s": round(statistics.quantiles(times, n=20)[-1], 3) if len(times) >= 20 else None,
        "load_1min_at_end": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.cluster.measure_capacity")
    parser.add_argument("--sessions", default="2,4,8,16")
    parser.add_argument("--think", type=float, default=0.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    arguments = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        data = Path(shutil.copytree(store.SAMPLE_DATA_DIR, base / "data", ignore=shutil.ignore_patterns(".*")))
        users = base / "users.toml"
        accounts.add_user("leader", PASSWORD, roles.LEADER, path=users)
        ports = _free_ports(2)
        plan = cluster.Layout(
            run_dir=base / "run",
            port=ports[0],
            replica_ports=(ports[1],),
            proxy_source=PROXY_SOURCE,
            extra_env={
                "OVERSIGHT_DATA_DIR": str(data),
                "OVERSIGHT_USERS_FILE": str(users),
                "OVERSIGHT_AUDIT_LOG": str(base / "audit.jsonl"),
                "OVERSIGHT_TRUSTED_PROXIES": PROXY_SOURCE,
            },
        )
        cluster.start(plan)
        try:
            for sessions in (int(n) for n in arguments.sessions.split(",")):
                row = asyncio.run(load(plan.url, sessions, arguments.seconds, arguments.think))
                print(json.dumps(row), flush=True)
                rows.append(row)
        finally:
            cluster.stop(plan)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
