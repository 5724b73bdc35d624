"""A real Streamlit server and Debian's Chromium driven by Playwright, for the browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench import browser_bench

# A page waits as a person would, longer than Playwright's 5 s: on CI's two cores, shared by two test workers, their
# servers and browsers, one rerun after a click has taken more than 5 s (a passing check still returns at once).
expect.set_options(timeout=20_000)

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "browser"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = browser_bench.CHROMIUM_ARGS  # the bench's: the same browser for both
START_TIMEOUT_S = 180


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    data_dir: Path | None = None,
    script: str = "app.py",
    env_extra: dict[str, str] | None = None,
    bare: bool = False,
    base_url: str = "",
    port: int | None = None,
) -> tuple[subprocess.Popen, str]:
    """The app as `make run` serves it (``python -m oversight.ui.serve``: our plotly.js, gzip, the warm-up), or
    ``bare`` (and any other script) as ``streamlit run`` does; under ``base_url`` (``server.baseUrlPath``), the URL
    returned ends with it. On ``port`` (a server started again where another stopped), else on a free one."""
    port = port or _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    if data_dir is not None:
        env["OVERSIGHT_DATA_DIR"] = str(data_dir)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            *(["oversight.ui.serve"] if script == "app.py" and not bare else ["streamlit", "run", script]),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *(["--server.baseUrlPath", base_url] if base_url else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}" + (f"/{base_url}" if base_url else "")
    # generous: the start imports streamlit, pandas, plotly and duckdb, which took more than 60 s on two cores at
    # load 30-40 (every browser test of a module erred at its server's start); a server that fails says so at once
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stdout.read().decode(errors="replace"))
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not start within {START_TIMEOUT_S} s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def audit_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("local-mode") / "audit.jsonl"


@pytest.fixture(scope="session")
def server_url(tmp_path_factory, audit_log):
    """The app in local mode (an empty accounts file), with its audit log where the tests can read it."""
    private = tmp_path_factory.mktemp("local-mode-conf")
    users = private / "users.toml"
    users.touch()  # empty: local mode
    process, url = start_server(env_extra={"OVERSIGHT_USERS_FILE": str(users), "OVERSIGHT_AUDIT_LOG": str(audit_log)})
    yield url
    stop_server(process)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `make test` installs Debian's chromium; run it, or apt-get install chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1300}, accept_downloads=True, locale="zh-CN")
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    # not wiped: running one browser test file must not delete the other files' screenshots
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT
