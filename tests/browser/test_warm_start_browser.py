"""A fresh server started as `make run` starts it (oversight.ui.serve) has its caches built before anyone visits.

Streamlit's own metrics endpoint counts each cached function's lookups: the warm-up's are misses, made with no
browser open; the first visit's are then all hits, so the first leader computes nothing the warm-up computed.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from oversight.core import i18n
from oversight.ui import compressed_static
from tests.browser.conftest import ROOT, _free_port, stop_server
from tests.browser.helpers import assert_no_exception, metric_value, wait_for_charts

pytestmark = pytest.mark.browser
_LOOKUP = re.compile(
    r'cache_lookups_total\{cache="oversight\.ui\.page\.(\w+)",cache_type="\w+",result="(hit|miss)"\} (\d+)'
)
_WARMED = ("store_at", "cached_span", "cached_query", "cached_alerts")


def _lookups(url: str) -> dict[tuple[str, str], int]:
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=5) as response:
        text = response.read().decode()
    return {(name, result): int(count) for name, result, count in _LOOKUP.findall(text)}


@pytest.fixture
def fresh_server(tmp_path):
    port = _free_port()
    (tmp_path / "users.toml").touch()  # an empty users file: local mode
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
        # the Overview's ten queries (two key-figure runs, four charts, four for the quarter's changes), its span
        # and its 预警 digest (computed last)
        if lookups.get(("cached_query", "miss"), 0) >= 10 and lookups.get(("cached_alerts", "miss"), 0) >= 1:
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
    assert visited[("cached_query", "hit")] >= 10 and visited[("cached_span", "hit")] >= 1


def _get(url: str, accept_encoding: str | None) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding} if accept_encoding else {})
    with urllib.request.urlopen(request, timeout=10) as response:  # urllib never decompresses: the bytes as sent
        return {name.lower(): value for name, value in response.getheaders()}, response.read()


def test_a_server_started_as_make_run_sends_streamlits_javascript_gzipped(page, fresh_server):
    from streamlit import file_util

    static = Path(file_util.get_static_dir())
    _wait_until_warmed(fresh_server)
    # compressed in a background thread at start, in the order of their paths: wait for the last one
    last = max(
        candidate.relative_to(static).as_posix()
        for candidate in (static / compressed_static.HASHED_FOLDER).rglob("*.js")
        if candidate.stat().st_size >= compressed_static.MINIMUM_SIZE
    )
    deadline = time.monotonic() + 120
    while (headers := _get(f"{fresh_server}/{last}", "gzip")[0]).get("content-encoding") != "gzip":
        assert time.monotonic() < deadline, headers
        time.sleep(0.5)

    script = re.search(rb'src="\./(static/js/index\.[\w-]+\.js)"', _get(fresh_server, None)[1])
    assert script
    on_disk = (static / script.group(1).decode()).read_bytes()
    url = f"{fresh_server}/{script.group(1).decode()}"
    headers, body = _get(url, "gzip, deflate, br, zstd")
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == on_disk
    assert len(body) < len(on_disk) / 2 and headers["content-length"] == str(len(body))
    assert headers["vary"] == "Accept-Encoding"
    assert headers["cache-control"] == "public, immutable, max-age=31536000"  # Streamlit's, for hashed files
    assert headers["content-type"].startswith(("text/javascript", "application/javascript"))
    plain_headers, plain_body = _get(url, None)  # a client that does not ask for gzip gets the file as it is
    assert "content-encoding" not in plain_headers and plain_body == on_disk
    assert _get(url, "gzip;q=0, identity")[1] == on_disk

    encodings: dict[str, str | None] = {}
    page.on("response", lambda response: encodings.update({response.url: response.headers.get("content-encoding")}))
    page.goto(fresh_server)
    wait_for_charts(page, 4)
    assert metric_value(page, "指出问题") == "16个"
    assert_no_exception(page)
    scripts = {url: encoding for url, encoding in encodings.items() if "/static/js/" in url}
    # every script the page loaded came gzipped, except those under Streamlit's own gzip minimum (1000 bytes)
    not_gzipped = [url for url, encoding in scripts.items() if encoding != "gzip"]
    assert len(scripts) > 20 and len(not_gzipped) < len(scripts) / 2, scripts
    sizes = {url: (static / url.split("/", 3)[3]).stat().st_size for url in not_gzipped}
    assert [url for url, size in sizes.items() if size >= compressed_static.MINIMUM_SIZE] == [], sizes


def test_pages_with_charts_load_our_plotly_with_the_page_once_and_never_streamlits(page, fresh_server):
    from oversight.ui import plotly_bundle

    _wait_until_warmed(fresh_server)
    bundle = plotly_bundle.Bundle.read()
    tag = bundle.script_tag()
    assert tag in _get(fresh_server, None)[1] and tag in _get(f"{fresh_server}/meetings", None)[1]
    assert tag not in _get(f"{fresh_server}/data", None)[1]  # a page without charts does not pay for plotly.js
    headers, body = _get(f"{fresh_server}/{bundle.path}", "gzip")
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == bundle.plain.body

    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(fresh_server)
    wait_for_charts(page, 4)
    assert metric_value(page, "指出问题") == "16个"
    assert_no_exception(page)
    # every chart drawn by our bundle, loaded once; Streamlit's own Plotly module (4.7 MB) never asked for
    assert [url for url in requested if "plotly" in url.lower()] == [f"{fresh_server}/{bundle.path}"]
    assert page.locator(".js-plotly-plot .main-svg").count() >= 4
    # (waited for: a chart's element replaced as a rerun settles was counted as three once, under CI's load)
    expect(page.locator(".oversight-chart.js-plotly-plot")).to_have_count(4, timeout=30_000)
    # the modebar holds what st.plotly_chart's held and no more: no camera, no "Share chart..." (plotly.js 4 shows
    # it unless told not to: it uploads the data to Plotly's cloud), no box or lasso selection (they select nothing)
    buttons = page.evaluate(
        "[...document.querySelectorAll('.oversight-chart .modebar')].map(bar =>"
        " [...bar.querySelectorAll('.modebar-btn')].map(button => button.getAttribute('data-title')))"
    )
    # in the page's language (the zh page's toolbar said Zoom, Pan…): 缩放, 平移, 放大, 缩小, 自动缩放, 还原坐标轴
    tools = ("zoom", "pan", "zoom_in", "zoom_out", "autoscale", "reset_axes")
    cartesian = [i18n.t(f"modebar.{tool}", "zh") for tool in tools]
    assert sorted(buttons) == sorted([cartesian] * 3 + [[]]), buttons  # the donut has no tools
    # the page's loader added it (its relative name; the chart element's would be absolute) before any chart
    # mounted, and gave the page back the WebSocket it found: serve_reconnect's watch on every socket (a server
    # that no longer holds the page's session has the page loaded again), not the loader's own one-shot wrapper
    assert page.locator(f'script[src="./{bundle.path}"]').count() == 1
    constructor = page.evaluate("() => [WebSocket.toString(), WebSocket.OPEN]")
    assert "oversight-reload" in constructor[0] and "setTimeout(load" not in constructor[0] and constructor[1] == 1
    page.get_by_role("link", name="会议监督").click()  # Streamlit's own navigation: no new page load
    expect(page).to_have_url(re.compile(r"/meetings\?"))  # its run begun: the Overview's charts no longer pass for its
    wait_for_charts(page, 3)
    assert_no_exception(page)
    assert [url for url in requested if "plotly" in url.lower()] == [f"{fresh_server}/{bundle.path}"]
    assert errors == []


def test_a_tab_opened_on_a_chartless_page_loads_our_plotly_when_it_moves_to_charts(page, fresh_server):
    from oversight.ui import plotly_bundle

    _wait_until_warmed(fresh_server)
    bundle = plotly_bundle.Bundle.read()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{fresh_server}/data")
    expect(page.get_by_role("link", name="总览")).to_be_visible()
    assert [url for url in requested if "plotly" in url.lower()] == []
    page.get_by_role("link", name="总览").click()  # no new HTML: the chart component adds the script itself
    wait_for_charts(page, 4)
    assert_no_exception(page)
    assert [url for url in requested if "plotly" in url.lower()] == [f"{fresh_server}/{bundle.path}"]


def test_charts_say_so_at_once_when_our_plotly_cannot_be_loaded_and_draw_when_it_can(page, fresh_server):
    from oversight.ui import plotly_bundle

    _wait_until_warmed(fresh_server)
    bundle = plotly_bundle.Bundle.read()
    failing = {"on": True}

    def answer(route):
        if failing["on"]:
            route.abort()
        else:
            route.continue_()

    page.route(f"**/{bundle.path}", answer)
    started = time.monotonic()
    page.goto(fresh_server)
    expect(page.get_by_text("图表未能显示，请刷新页面。")).to_have_count(4, timeout=30_000)
    assert time.monotonic() - started < 30  # the script's error, not the minute's wait
    assert metric_value(page, "指出问题") == "16个"  # the figures above the charts are there all the same
    assert_no_exception(page)
    failing["on"] = False
    page.get_by_role("link", name="会议监督").click()  # the next charts try again, and draw
    wait_for_charts(page, 3)
    expect(page.get_by_text("图表未能显示，请刷新页面。")).to_have_count(0)
