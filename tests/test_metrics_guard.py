"""Streamlit's metrics for this machine only (``oversight.ui.metrics_guard``): review of 5 Dec (h6), anyone who
reached the sign-in page read how many sessions were open and how many views the caches computed, through nginx too."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request

import pytest

from oversight.data import store
from oversight.ui.metrics_guard import MetricsGuardMiddleware
from tests.browser.conftest import start_server, stop_server
from tests.event_loop import run_apart


def _status(path: str, client: str, headers: dict[str, str] | None = None, base_url: str = "") -> int:
    """The status the guard answers with, or 0 where it passes the request on to Streamlit."""
    sent: list[dict] = []

    async def app(scope, receive, send):
        sent.append({"status": 0})

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "root_path": "",
        "client": (client, 50000),
        "headers": [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()],
    }
    run_apart(MetricsGuardMiddleware(app, base_url=base_url)(scope, receive, send))
    return sent[0]["status"]


@pytest.mark.parametrize(
    "path, client, headers, passed",
    [
        ("/_stcore/metrics", "127.0.0.1", {"Host": "127.0.0.1:8501"}, True),  # the warm-up's check, bench, a monitor
        ("/_stcore/metrics", "::1", {"Host": "localhost:8501"}, True),
        ("/_stcore/metrics", "10.1.2.3", {"Host": "dashboard.example.gov"}, False),  # another machine
        ("/_stcore/metrics/", "10.1.2.3", {"Host": "dashboard.example.gov"}, False),
        ("/_stcore/metrics", "127.0.0.1", {"Host": "127.0.0.1:8600", "X-Forwarded-For": "10.1.2.3"}, False),  # nginx
        ("/_stcore/metrics", "127.0.0.1", {"Host": "rebind.attacker.test:8501"}, False),  # DNS rebinding
        ("/oversight/_stcore/metrics", "10.1.2.3", {}, False),  # under server.baseUrlPath
        ("/_stcore/health", "10.1.2.3", {"Host": "dashboard.example.gov"}, True),  # anything else goes on
    ],
)
def test_the_metrics_are_answered_on_this_machine_only(path, client, headers, passed):
    assert _status(path, client, headers, base_url="oversight" if path.startswith("/oversight") else "") == (
        0 if passed else 404
    )


@pytest.mark.slow
def test_the_served_metrics_are_not_relayed_to_a_visitor_behind_the_proxy(tmp_path):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".cache"))
    process, url = start_server(folder, env_extra={"OVERSIGHT_USERS_FILE": ""})
    try:
        with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=60) as response:
            assert b"active_sessions" in response.read()  # the operator on this machine still reads them
        relayed = urllib.request.Request(f"{url}/_stcore/metrics", headers={"X-Forwarded-For": "10.1.2.3"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(relayed, timeout=60)
        assert refused.value.code == 404
    finally:
        stop_server(process)
