"""A Streamlit server for the benchmarks, and its memory read from /proc (no extra dependency)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Server:
    def __init__(self, script: str = "app.py", data_dir: Path | None = None):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.home = tempfile.TemporaryDirectory(prefix="oversight-bench-")
        # an empty users file: the app runs in its local mode (no sign-in), whatever accounts this machine has set
        # up (a users file named but missing is refused, never read as "no accounts")
        users = Path(self.home.name) / "users.toml"
        users.touch()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "OVERSIGHT_USERS_FILE": str(users)}
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
