"""Both products in one browser: a first visit after each server starts, then warm visits, alternating.

"Drawn" is one definition for both: every chart's SVG or canvas is on the page (Plotly's traces; ECharts'
canvas), every key figure shows its value (st.metric; Superset's big number), and nothing is loading
(no spinner). Polled every animation frame, timed from navigation to drawn. "Warm" is bench/browser_bench.py's:
a new tab in a browser that has been there before (static files cached), the server having answered the
same view already; for Superset that includes its results cache. A first visit is from a browser profile
with nothing cached, to a server that has just started and settled, with Superset's caches (results, metadata) emptied.

The CPU a visit costs, which the other work on a shared machine disturbs far less than the time: Chromium's
CPU time (all its processes, from the DevTools protocol's SystemInfo) plus the server's (its process and
workers, from /proc), from navigation to drawn.

Bytes on a first visit: every HTTP response's encodedDataLength (the bytes on the wire, compressed as sent,
headers included) plus every WebSocket frame's payload, as Chromium's DevTools protocol reports them.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

from bench.browser_bench import _DRAWN as PLOTLY_CHARTS_DRAWN
from bench.browser_bench import (
    CHROMIUM,
    CHROMIUM_ARGS,
    OVERVIEW_CHART_COUNT,
    TIMEOUT_MS,
)

KEY_FIGURES = 6
SUPERSET_CHARTS = OVERVIEW_CHART_COUNT + KEY_FIGURES

OVERSIGHT_DRAWN = (
    """(arg) => {
  const charts = (%s)(arg.charts);
  if (charts !== true) return charts;
  if (document.querySelector("[data-testid='stSpinner']")) return false;
  const figures = [...document.querySelectorAll("[data-testid='stMetricValue']")];
  return figures.length >= arg.figures && figures.every(f => f.textContent.trim() !== "");
}"""
    % PLOTLY_CHARTS_DRAWN
)

SUPERSET_DRAWN = """(expected) => {
  const charts = [...document.querySelectorAll("[data-test='chart-container']")];
  if (charts.some(c => c.querySelector("[role='alert'], .alert-danger, [data-test='error-alert']"))) return "exception";
  if (document.querySelector("[data-test='loading-indicator'], .dashboard .loading")) return false;
  return charts.length >= expected && charts.every(c => {
    const figure = c.querySelector(".header-line");
    if (figure) return figure.textContent.trim() !== "";
    const drawing = c.querySelector("canvas, svg");
    return drawing !== null && drawing.getBoundingClientRect().width > 0;
  });
}"""


class PageFailed(RuntimeError):
    pass


class Product:
    """One dashboard to time: its URL, its probe for "drawn" and the probe's argument."""

    def __init__(self, name: str, url: str, probe: str, argument: Any, server_pid: int):
        self.name, self.url, self.probe, self.argument = name, url, probe, argument
        self.server_pid = server_pid  # the server process; its workers are found under it
        self.context = None

    def new_context(self, browser) -> None:
        if self.context is not None:
            self.context.close()
        self.context = browser.new_context(viewport={"width": 1500, "height": 1300}, locale="zh-CN")

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
            self.context = None


class _Traffic:
    """Bytes a page received, from the DevTools protocol's network events."""

    def __init__(self, page):
        self.http_bytes = 0
        self.websocket_bytes = 0
        self.requests = 0
        self.websocket_compressed = None
        self._session = page.context.new_cdp_session(page)
        self._session.on("Network.loadingFinished", self._finished)
        self._session.on("Network.webSocketFrameReceived", self._frame)
        self._session.on("Network.webSocketHandshakeResponseReceived", self._handshake)
        self._session.send("Network.enable")

    def _finished(self, event: dict) -> None:
        self.http_bytes += int(event.get("encodedDataLength", 0))
        self.requests += 1

    def _frame(self, event: dict) -> None:
        payload = event["response"].get("payloadData", "")
        # binary frames come base64-encoded: 3 bytes per 4 characters
        self.websocket_bytes += len(payload) * 3 // 4 if event["response"].get("opcode") == 2 else len(payload.encode())

    def _handshake(self, event: dict) -> None:
        headers = {key.lower(): value for key, value in event["response"].get("headers", {}).items()}
        self.websocket_compressed = "permessage-deflate" in headers.get("sec-websocket-extensions", "")

    def summary(self) -> dict[str, Any]:
        return {
            "bytes": self.http_bytes + self.websocket_bytes,
            "http_bytes": self.http_bytes,
            "websocket_bytes": self.websocket_bytes,
            "requests": self.requests,
            "websocket_compressed": self.websocket_compressed,
        }


def timed_visit(product: Product, browser_session, count_bytes: bool = False) -> dict[str, Any]:
    """Open the dashboard in a new tab of the product's browser context; seconds until drawn."""
    page = product.context.new_page()
    try:
        traffic = _Traffic(page) if count_bytes else None
        browser_before = _browser_cpu(browser_session)
        server_before = _cpu_seconds(product.server_pid)
        started = time.perf_counter()
        page.goto(product.url, wait_until="commit")
        outcome = page.wait_for_function(
            product.probe, arg=product.argument, polling="raf", timeout=TIMEOUT_MS
        ).json_value()
        seconds = time.perf_counter() - started
        server_cpu = _cpu_seconds(product.server_pid) - server_before
        browser_cpu = _browser_cpu_since(browser_session, browser_before)
        if outcome == "exception":
            raise PageFailed(f"{product.name}: the page shows an error at {product.url}")
        result: dict[str, Any] = {"seconds": seconds, "browser_cpu_s": browser_cpu, "server_cpu_s": server_cpu}
        if traffic is not None:
            page.wait_for_timeout(500)  # responses still arriving after the last chart drew are part of the visit
            result.update(traffic.summary())
        return result
    finally:
        page.close()


def compare(browser, products: list[Product], warm_runs: int, log=print) -> dict[str, dict[str, Any]]:
    """First visits (fresh profile, each product in turn), then ``warm_runs`` rounds alternating the order."""
    results: dict[str, dict[str, Any]] = {}
    browser_session = browser.new_browser_cdp_session()
    for product in products:
        product.new_context(browser)
        first = timed_visit(product, browser_session, count_bytes=True)
        results[product.name] = {
            "first_visit_s": first.pop("seconds"),
            "first_visit_cpu": {key: first.pop(key) for key in _CPU_KEYS},
            "first_visit_traffic": first,
            "warm_s": [],
            "warm_cpu": [],
        }
        log(
            f"    {product.name}: first visit {results[product.name]['first_visit_s']:.2f} s, "
            f"{first['bytes'] / 1e6:.2f} MB"
        )
    for round_number in range(warm_runs):
        order = products if round_number % 2 == 0 else list(reversed(products))
        for product in order:
            visit = timed_visit(product, browser_session)
            results[product.name]["warm_s"].append(visit["seconds"])
            results[product.name]["warm_cpu"].append({key: visit[key] for key in _CPU_KEYS})
    for product in products:
        result = results[product.name]
        warm = result["warm_s"]
        result.update(warm_median_s=statistics.median(warm), warm_min_s=min(warm), warm_max_s=max(warm))
        result["warm_cpu_median_s"] = {
            key: statistics.median(run[key] for run in result["warm_cpu"]) for key in _CPU_KEYS
        }
        result["warm_cpu_median_s"]["total"] = statistics.median(sum(run.values()) for run in result["warm_cpu"])
        log(
            f"    {product.name}: warm median {result['warm_median_s']:.2f} s (min {min(warm):.2f}, "
            f"max {max(warm):.2f}); CPU per warm visit {result['warm_cpu_median_s']['total']:.2f} s "
            f"(browser {result['warm_cpu_median_s']['browser_cpu_s']:.2f}, "
            f"server {result['warm_cpu_median_s']['server_cpu_s']:.2f})"
        )
        product.close()
    return results


def launch(playwright):
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: `make bench-peer` installs Debian's chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


_CPU_KEYS = ("browser_cpu_s", "server_cpu_s")


def _browser_cpu(session) -> dict[int, float]:
    """CPU seconds so far of each of Chromium's processes (browser, renderers, GPU, network), by process id."""
    return {process["id"]: process["cpuTime"] for process in session.send("SystemInfo.getProcessInfo")["processInfo"]}


def _browser_cpu_since(session, before: dict[int, float]) -> float:
    # per process, so that a renderer of an earlier tab exiting meanwhile takes nothing away
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in _browser_cpu(session).items())


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its descendants, from /proc."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def wait_until_idle(pid: int, busy_share: float = 0.05, window_s: float = 1.0, timeout_s: float = 120) -> float:
    """Wait until a server (and its workers) has finished starting: under 5% of a core over a second.
    A server still importing in a background worker would otherwise slow the other's first visit."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        before = _cpu_seconds(pid)
        time.sleep(window_s)
        if _cpu_seconds(pid) - before < busy_share * window_s:
            break
    return time.monotonic() - started
