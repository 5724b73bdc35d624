"""A fresh server started as `make run` starts it (oversight.ui.serve) has its caches built before anyone visits.

Streamlit's own metrics endpoint counts each cached function's lookups: the warm-up's are misses, made with no
browser open; the first visit's are then all hits, so the first leader computes nothing the warm-up computed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.conftest import ROOT, _free_port, stop_server
from tests.browser.helpers import assert_no_exception, metric_value, wait_for_charts

pytestmark = pytest.mark.browser
_LOOKUP = re.compile(
    r'cache_lookups_total\{cache="oversight\.ui\.page\.(\w+)",cache_type="\w+",result="(hit|miss)"\} (\d+)'
)
_WARMED = ("open_store", "cached_span", "cached_query", "cached_alerts")


def _lookups(url: str) -> dict[tuple[str, str], int]:
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=5) as response:
        text = response.read().decode()
    return {(name, result): int(count) for name, result, count in _LOOKUP.findall(text)}


@pytest.fixture
def fresh_server(tmp_path):
    port = _free_port()
    (tmp_path / "users.toml").touch()  # empty, not missing: the app refuses local mode with a missing users file
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OVERSIGHT_USERS_FILE": str(tmp_path / "users.toml")}
    env["OVERSIGHT_AUDIT_LOG"] = str(tmp_path / "audit.jsonl")
    process = subprocess.Popen(
        [sys.executable, "-m", "oversight.ui.serve", "--server.port", str(port), "--server.address", "127.0.0.1"]
        + ["--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield f"http://127.0.0.1:{port}"
    stop_server(process)


def _wait_until_warmed(url: str, timeout: float = 120) -> dict[tuple[str, str], int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            lookups = _lookups(url)
        except OSError:
            lookups = {}
        # the Overview's six queries (two key-figure runs, four charts), its span and its 预警 digest
        if lookups.get(("cached_query", "miss"), 0) >= 6 and lookups.get(("cached_alerts", "miss"), 0) >= 1:
            return lookups
        time.sleep(0.5)
    raise AssertionError(f"the server did not warm up by itself: {lookups}")


def test_a_fresh_servers_first_visit_finds_the_overview_already_computed(page, fresh_server):
    warmed = _wait_until_warmed(fresh_server)
    assert all(warmed.get((name, "miss")) for name in _WARMED), warmed
    assert not any(warmed.get((name, "hit"), 0) for name in ("cached_span", "cached_query", "cached_alerts"))

    page.goto(fresh_server)
    wait_for_charts(page, 4)
    assert metric_value(page, "指出问题") == "16个"
    assert_no_exception(page)
    visited = _lookups(fresh_server)
    for name in _WARMED:  # nothing more computed for the first visit: every lookup it made was a hit
        assert visited[(name, "miss")] == warmed[(name, "miss")], (name, warmed, visited)
    assert visited[("cached_query", "hit")] >= 6 and visited[("cached_span", "hit")] >= 1
