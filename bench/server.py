"""A Streamlit server for the benchmarks, and its memory read from /proc (no extra dependency)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Streamlit's /_stcore/metrics counts each cached function's lookups; the warm-up's are misses (oversight.ui.warm).
_LOOKUP = re.compile(
    r'cache_lookups_total\{cache="oversight\.ui\.page\.(\w+)",cache_type="\w+",result="(hit|miss)"\} (\d+)'
)
# What the warm-up computes before anyone visits (tests/browser/test_warm_start_browser.py waits for the same): the
# Overview's ten queries (key figures and the year before, four charts, four for the quarter's changes), then the
# 预警 digest, computed last.
_WARMED_QUERIES, _WARMED_DIGESTS = 10, 1
_TICKS = os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, script: str = "app.py", data_dir: Path | None = None, env: dict[str, str] | None = None):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.home = tempfile.TemporaryDirectory(prefix="oversight-bench-")
        # an empty users file: the app runs in its local mode (no sign-in), whatever accounts this machine has set
        # up (a users file named but missing is refused, never read as "no accounts")
        users = Path(self.home.name) / "users.toml"
        users.touch()
        env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT), "OVERSIGHT_USERS_FILE": str(users)}
        if data_dir is not None:
            env["OVERSIGHT_DATA_DIR"] = str(data_dir)
        self.log = tempfile.TemporaryFile()
        # the app as `make run` starts it (warmed at start, oversight.ui.serve); any other script as Streamlit does
        launch = ["-m", "oversight.ui.serve"] if script == "app.py" else ["-m", "streamlit", "run", script]
        self.process = subprocess.Popen(
            [
                sys.executable,
                *launch,
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.output())
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("streamlit did not start within 60 s")

    def lookups(self) -> dict[tuple[str, str], int]:
        """The page caches' lookups so far, by (function, "hit" or "miss")."""
        with urllib.request.urlopen(f"{self.url}/_stcore/metrics", timeout=5) as response:
            text = response.read().decode()
        return {(name, result): int(count) for name, result, count in _LOOKUP.findall(text)}

    def wait_warmed(self, timeout: float = 180, quiet_cpu: float = 0.05) -> float:
        """Seconds from now until the warm-up has finished: its caches are filled (the metrics above) and the
        server with its child processes (the image server's Chromium) has gone quiet (under ``quiet_cpu`` of a
        core over half a second), so what is timed next is a visit, not a visit beside the rest of the start."""
        started = deadline = time.monotonic()
        deadline += timeout
        while time.monotonic() < deadline:
            try:
                lookups = self.lookups()
            except OSError:
                lookups = {}
            if (
                lookups.get(("cached_query", "miss"), 0) >= _WARMED_QUERIES
                and lookups.get(("cached_alerts", "miss"), 0) >= _WARMED_DIGESTS
            ):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"the server did not warm up within {timeout:.0f} s: {lookups}")
        while time.monotonic() < deadline:
            before = self.cpu_seconds()
            time.sleep(0.5)
            if self.cpu_seconds() - before < quiet_cpu * 0.5:
                return time.monotonic() - started
        raise RuntimeError(f"the server did not go quiet within {timeout:.0f} s")

    def cpu_seconds(self) -> float:
        """CPU used so far by the server and every process it started (/proc; children still running)."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parent = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
                except (OSError, IndexError, ValueError):
                    continue  # a process that ended meanwhile
                children.setdefault(parent, []).append(int(entry.name))
        total, pending = 0, [self.process.pid]
        while pending:
            pid = pending.pop()
            pending += children.get(pid, [])
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
        return total / _TICKS

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def memory_mb(self) -> dict[str, float]:
        """Resident memory now and at its peak (VmHWM), in MB."""
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) / 1024
        return {"rss_mb": fields.get("VmRSS", 0.0), "peak_rss_mb": fields.get("VmHWM", 0.0)}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        self.home.cleanup()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
