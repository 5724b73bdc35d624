"""How much memory one more session costs a replica (RSS, read from /proc).

    .venv/bin/python -m tests.cluster.measure_memory [--sessions 1,5,10,20,30]

One replica behind nginx, the sample data, accounts. Light clients (light_client.py) join in steps; each
signs in, opens the Overview for its unit (the soak's units in turn) and moves the range's start back and
forth twice, then stays connected, as a leader who leaves the tab open. After each step the replica's RSS is
read from /proc. Prints and writes ``test-output/cluster/memory.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import tempfile
from pathlib import Path

from deploy import cluster
from oversight.auth import accounts, roles
from oversight.data import store
from tests.cluster.conftest import PASSWORD, PROXY_SOURCE, ROOT, _free_ports
from tests.cluster.light_client import LightSession
from tests.cluster.test_soak import RANGE_LABEL, SIGN_IN_LABELS, STARTS, UNITS

REPORT = ROOT / "test-output" / "cluster" / "memory.json"


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return round(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024, 1)  # type: ignore[union-attr]


async def one_session(url: str, index: int) -> LightSession:
    client = LightSession(url, f"unit={UNITS[index % len(UNITS)]}&from={STARTS[0]}&to=2020Q4")
    await client.open()
    await client.sign_in("leader", PASSWORD, SIGN_IN_LABELS)
    for step in (-1, 1, -1, 1):
        await client.move_range_start(RANGE_LABEL, step)
    return client


async def measure(url: str, pid: int, steps: list[int]) -> list[dict]:
    rows = []
    clients: list[LightSession] = []
    for total in [0, *steps]:
        while len(clients) < total:
            clients.append(await one_session(url, len(clients)))
        await asyncio.sleep(3)  # let the runs' threads end
        row = {"sessions": total, "rss_mb": rss_mb(pid)}
        print(json.dumps(row, ensure_ascii=False), flush=True)
        rows.append(row)
    for client in clients:
        await client.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.cluster.measure_memory")
    parser.add_argument("--sessions", default="1,5,10,20,30")
    arguments = parser.parse_args()
    steps = [int(n) for n in arguments.sessions.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        data = Path(shutil.copytree(store.SAMPLE_DATA_DIR, base / "data", ignore=shutil.ignore_patterns(".*")))
        users = base / "users.toml"
        accounts.add_user("leader", PASSWORD, roles.LEADER, path=users)
        ports = _free_ports(2)
        env = {
            "OVERSIGHT_DATA_DIR": str(data),
            "OVERSIGHT_USERS_FILE": str(users),
            "OVERSIGHT_AUDIT_LOG": str(base / "audit.jsonl"),
            "OVERSIGHT_TRUSTED_PROXIES": PROXY_SOURCE,
        }
        plan = cluster.Layout(
            run_dir=base / "run", port=ports[0], replica_ports=(ports[1],), proxy_source=PROXY_SOURCE, extra_env=env
        )
        cluster.start(plan)
        try:
            pid = int(plan.pid_file(ports[1]).read_text())
            rows = asyncio.run(measure(plan.url, pid, steps))
        finally:
            cluster.stop(plan)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
