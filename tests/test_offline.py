"""The server asks nothing of the internet (review of 4 Dec: Streamlit's headless start banner, and every
WebSocket from another site's page, asked checkip.amazonaws.com for this machine's public address).

Started as ``make run`` starts it, with every HTTP(S) request the server makes sent through a local recorder
standing in for a proxy: the start and a cross-origin socket leave the recorder empty."""

from __future__ import annotations

import os
import socketserver
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest
from websockets.sync.client import connect

from oversight.ui import offline
from tests.browser.conftest import ROOT, _free_port, stop_server

pytestmark = pytest.mark.slow


class _Recorder(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        self.first_lines: list[bytes] = []

        recorder = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                recorder.first_lines.append(self.rfile.readline(4096).strip())

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def recorder() -> Iterator[_Recorder]:
    server = _Recorder()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _proxied_environment(proxy: str) -> dict[str, str]:
    """This environment with every HTTP(S) request sent to ``proxy`` (Chromium and requests read these too)."""
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY") and not k.startswith("STREAMLIT_")}
    env.update(PYTHONPATH=str(ROOT), HTTP_PROXY=proxy, HTTPS_PROXY=proxy, http_proxy=proxy, https_proxy=proxy)
    return env


def _answers(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return
        except OSError:
            assert process.poll() is None, process.stdout.read().decode(errors="replace")
            time.sleep(0.3)
    raise AssertionError("the server did not answer within 90 s")


def test_a_start_and_another_sites_socket_ask_nothing_of_the_internet(recorder):
    """``make run``'s command (no --server.address, so Streamlit prints its URLs as a start does); the warm-up
    starts the pictures' Chromium, which is where Debian's Chromium made its own requests."""
    port = _free_port()
    hosts = [flag for host in ("localhost", "127.0.0.1", "::1") for flag in ("--server.allowedHosts", host)]
    process = subprocess.Popen(
        [sys.executable, "-m", "oversight.ui.serve", "--server.port", str(port), *hosts],
        cwd=ROOT,
        env={**_proxied_environment(f"http://127.0.0.1:{recorder.server_address[1]}"), "OVERSIGHT_USERS_FILE": ""},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _answers(port, process)
        # a page on another site opening a socket to the dashboard: refused, without asking anyone
        with pytest.raises(Exception):  # noqa: B017,PT011 — websockets' refusal classes vary by version
            with connect(
                f"ws://127.0.0.1:{port}/_stcore/stream",
                subprotocols=["streamlit"],  # type: ignore[list-item]
                additional_headers={"Origin": "http://evil.example"},
                open_timeout=10,
            ):
                pass
        time.sleep(8)  # the warm-up's Chromium up and idle: its requests came within seconds of its start
    finally:
        stop_server(process)
    banner = process.stdout.read().decode(errors="replace")
    assert f"open http://localhost:{port} in a browser" in banner, banner
    assert "External URL" not in banner
    assert recorder.first_lines == []


def test_a_briefing_pack_asks_nothing_of_the_internet(recorder, tmp_path):
    """The pack's pictures (kaleido) and its PDF (the printer's Chromium) drawn with the way out watched."""
    made = subprocess.run(
        [sys.executable, "-m", "oversight", "brief", "--from", "2020Q1", "--to", "2020Q2", "--format", "pptx,pdf"]
        + ["--out", str(tmp_path)],
        cwd=ROOT,
        env=_proxied_environment(f"http://127.0.0.1:{recorder.server_address[1]}"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    assert sorted(path.suffix for path in tmp_path.iterdir() if path.is_file()) == [".pdf", ".pptx"]
    assert recorder.first_lines == []


def test_the_public_address_is_none_without_a_request(monkeypatch):
    from streamlit import net_util
    from streamlit.web.server import server_util

    asked: list[str] = []
    monkeypatch.setattr(net_util, "_make_blocking_http_get", lambda url, timeout=5: asked.append(url) or "203.0.113.9")
    monkeypatch.setattr(net_util, "_external_ip", None)
    monkeypatch.setattr(net_util, "get_external_ip", net_util.get_external_ip)  # undone after the test
    assert net_util.get_external_ip() == "203.0.113.9" and asked  # what Streamlit does unpatched
    asked.clear()
    monkeypatch.setattr(net_util, "_external_ip", None)
    offline.install()
    assert net_util.get_external_ip() is None
    assert server_util.is_url_from_allowed_origins("http://203.0.113.9") is False
    assert asked == []


def test_make_runs_start_says_where_to_open_in_one_line_and_nothing_else(tmp_path):
    """``make run`` printed "No runtime found, using MemoryCacheStorageManager" three times, "An update to the
    [server] config option section was detected … please restart streamlit", "Uvicorn server started on :::8501",
    and a "Network URL" that its Host check and local mode refuse. Now one line, with the only address that opens."""
    port = _free_port()
    hosts = [flag for host in ("localhost", "127.0.0.1", "::1") for flag in ("--server.allowedHosts", host)]
    environment = {**os.environ, "OVERSIGHT_USERS_FILE": "", "OVERSIGHT_AUDIT_LOG": str(tmp_path / "audit.log")}
    process = subprocess.Popen(
        [sys.executable, "-m", "oversight.ui.serve", "--server.port", str(port), *hosts],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _answers(port, process)
        with urllib.request.urlopen(f"http://localhost:{port}/", timeout=10) as page:  # the address it gives opens
            assert page.status == 200
        time.sleep(3)  # whatever the start says after its first answer
    finally:
        process.terminate()  # what stop_server does, without killing before the output is read
        said = process.communicate(timeout=20)[0].decode(errors="replace")
    url = f"http://localhost:{port}"
    # what the start says, up to the stop (at times the image server's Chromium, stopped with the process, leaves
    # its profile folder half removed and Python's exit prints a traceback of it: a fault of the stop, not the start)
    started = said.split("Stopping...", 1)[0]
    lines = [line.strip() for line in started.splitlines() if line.strip()]
    assert lines == [f"看板已启动，请在浏览器中打开 {url} · The dashboard is running: open {url} in a browser"], said
