"""Three replicas behind nginx on loopback, with accounts, one shared data folder, users file and audit log.

nginx connects to the replicas from 127.0.0.2 (``proxy_bind``) while the browsers connect to nginx from
127.0.0.1, and the replicas trust only 127.0.0.2: so the audit log shows the browser's address only if the
replicas really read it from the proxy's headers (with one address for both, the test could not tell).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy import cluster
from oversight.auth import accounts, roles
from oversight.data import store

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
PROXY_SOURCE = "127.0.0.2"
REPLICAS = 3


def _free_ports(count: int) -> list[int]:
    """``count`` ports free now; from ``CLUSTER_FIRST_PORT`` on, one by one, where a shared machine gives each
    engineer a range of ports of their own."""
    first = os.environ.get("CLUSTER_FIRST_PORT")
    if first:
        return list(range(int(first), int(first) + count))
    sockets = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            sockets.append(probe)
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


@dataclass
class Cluster:
    plan: cluster.Layout
    data: Path
    audit_log: Path
    pristine: Path  # a copy of the data as it started, for the recomputation

    @property
    def url(self) -> str:
        return self.plan.url

    @property
    def access_log(self) -> Path:
        return self.plan.run_dir / "access.log"

    def diagnosis(self, routes: dict[str, str | None], last: int = 40) -> str:
        """What nginx and the replicas logged, for a failure message: each browser's requests (name → route
        cookie; the upstream column shows a request passed on to another replica), nginx's errors and the
        tail of each replica's log."""

        def lines(path: Path) -> list[str]:
            try:
                return path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError as error:
                return [f"({path.name} unreadable: {error})"]

        def telling(line: str) -> bool:
            """Not one of the page's many script and font loads, unless it failed or moved."""
            moved = ", " in line.split("upstream=", 1)[-1].split(" rt=", 1)[0]
            failed = re.search(r'" [45]\d\d ', line) is not None
            return moved or failed or not re.search(r'"GET /(static/|favicon)', line)

        parts = []
        access = lines(self.access_log)
        for name, route in routes.items():
            mine = [line for line in access if route and f"route={route} " in line and telling(line)]
            parts += [
                f"--- nginx access log, {name} (route={route}), static files left out: "
                f"last {last} of {len(mine)} requests",
                *mine[-last:],
            ]
        errors = [line for line in lines(self.plan.run_dir / "error.log") if "buffered to a temporary file" not in line]
        parts += [
            f"--- nginx error log: last {last} of {len(errors)} lines (buffering notices left out)",
            *errors[-last:],
        ]
        for port in self.plan.replica_ports:
            parts += [
                f"--- replica {port} log: last {last // 2} lines",
                *lines(self.plan.run_dir / f"replica-{port}.log")[-last // 2 :],
            ]
        return "\n".join(parts)

    def replica_of_route(self, route: str) -> int | None:
        """The replica port that served the route's last request (the last address nginx tried)."""
        port = None
        for line in self.access_log.read_text(encoding="utf-8", errors="replace").splitlines():
            if f"route={route} " in line and "upstream=" in line:
                upstream = line.split("upstream=", 1)[1].split(" rt=", 1)[0]
                last = upstream.replace(" : ", ", ").split(",")[-1].strip()
                if ":" in last:
                    port = int(last.rsplit(":", 1)[1])
        return port


@pytest.fixture(scope="module")
def running_cluster(tmp_path_factory):
    try:
        cluster.nginx_binary()
    except cluster.ClusterError as error:
        pytest.fail(str(error))
    base = tmp_path_factory.mktemp("cluster")
    data = Path(shutil.copytree(store.SAMPLE_DATA_DIR, base / "data", ignore=shutil.ignore_patterns(".*")))
    pristine = Path(shutil.copytree(data, base / "pristine"))
    conf = base / "conf"
    users = conf / "users.toml"
    accounts.add_user("leader", PASSWORD, roles.LEADER, path=users)
    accounts.add_user("chief", PASSWORD, roles.ADMIN, path=users)
    audit_log = conf / "audit.jsonl"
    ports = _free_ports(REPLICAS + 1)
    run_dir = ROOT / "test-output" / "cluster" / f"run-{os.getpid()}"
    shutil.rmtree(run_dir, ignore_errors=True)
    plan = cluster.Layout(
        run_dir=run_dir,
        port=ports[0],
        replica_ports=tuple(ports[1:]),
        proxy_source=PROXY_SOURCE,
        extra_env={
            "OVERSIGHT_DATA_DIR": str(data),
            "OVERSIGHT_USERS_FILE": str(users),
            "OVERSIGHT_AUDIT_LOG": str(audit_log),
            "OVERSIGHT_TRUSTED_PROXIES": PROXY_SOURCE,
        },
    )
    cluster.start(plan)
    try:
        yield Cluster(plan, data, audit_log, pristine)
    finally:
        cluster.stop(plan)
