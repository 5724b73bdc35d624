"""(3) and (5): the Overview in a real browser against a one-chart Streamlit page, and the server's memory.

"Drawn" means every Plotly chart on the page has finished plotting (Plotly has
set its layout on the element and drawn its traces), polled every animation
frame. "Warm" means the server has already served the page once (data loaded,
query results cached) and the browser has the static files cached: each timed
visit is a new tab, so a new Streamlit session, as when a leader opens the link. A filter change is timed
from the click on a unit in the sidebar to every chart showing new data.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench.server import Server
from oversight import charts
from oversight.data import store
from oversight.ingest import checked_folder

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
WARM_RUNS = 5
FILTER_CHANGES = 3
TIMEOUT_MS = 120_000
OVERVIEW_CHART_COUNT = len(charts.OVERVIEW_CHARTS)

_DRAWN = """(expected) => {
  if (document.querySelector("[data-testid='stException']")) return "exception";
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  return plots.length >= expected && plots.every(p => p._fullLayout && p._fullData && p.querySelector('.main-svg .trace'));
}"""
_MARK = """() => { window.__benchBefore = new Set([...document.querySelectorAll('.js-plotly-plot')].map(p => p._fullData)); }"""
_REDRAWN = """(expected) => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  return plots.length >= expected && plots.every(p => p._fullLayout && p._fullData && !window.__benchBefore.has(p._fullData)
                                                 && p.querySelector('.main-svg .trace'));
}"""


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1300}, locale="zh-CN")
    return context, context.new_page()


class PageFailed(RuntimeError):
    pass


def _wait_drawn(page, charts_expected: int) -> None:
    outcome = page.wait_for_function(_DRAWN, arg=charts_expected, polling="raf", timeout=TIMEOUT_MS).json_value()
    if outcome == "exception":
        raise PageFailed(page.locator("[data-testid='stException']").first.inner_text()[:2000])


def _visit(context, url: str, charts_expected: int) -> float:
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        _wait_drawn(page, charts_expected)
        return time.perf_counter() - started
    finally:
        page.close()


def visits(browser, url: str, charts_expected: int) -> dict[str, float]:
    """The first visit after the server started, then warm visits: a new tab (so a new Streamlit session)
    in a browser that has been there before (static files cached), as a leader opening the link again.
    Visits from a fresh browser profile (nothing cached) are timed too, for both pages alike."""
    context, _ = _new_page(browser)
    try:
        first = _visit(context, url, charts_expected)
        warm = [_visit(context, url, charts_expected) for _ in range(WARM_RUNS)]
    finally:
        context.close()
    fresh = []
    for _ in range(2):
        context, _ = _new_page(browser)
        try:
            fresh.append(_visit(context, url, charts_expected))
        finally:
            context.close()
    return {
        "first_visit_s": first,
        "warm_median_s": statistics.median(warm),
        "warm_min_s": min(warm),
        "warm_max_s": max(warm),
        "fresh_profile_s": min(fresh),
    }


def first_visit_after_warm_up(browser, server: Server, charts_expected: int) -> dict[str, float]:
    """The first visit to a server that has finished its warm-up (the store, the Overview's caches, the image
    server): what a leader meets who opens the link a little after the server started. Same kind of visit as
    ``visits``' first one (a new browser context, so nothing cached), so the two rows differ only in the wait."""
    warm_up = server.wait_warmed()
    context, _ = _new_page(browser)
    try:
        return {"warm_up_s": warm_up, "first_visit_s": _visit(context, server.url, charts_expected)}
    finally:
        context.close()


def filter_changes(browser, url: str, charts_expected: int, unit_names: list[str]) -> dict[str, float]:
    """Add one unit after another to the sidebar's unit filter: each is a filter not seen before."""
    context, page = _new_page(browser)
    times = []
    try:
        page.goto(url)
        _wait_drawn(page, charts_expected)
        units = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']")
        for name in unit_names[:FILTER_CHANGES]:
            units.locator("input").click()
            units.locator("input").fill(name)  # the list of ~500 units is virtualised: type to bring it into view
            option = page.get_by_role("option", name=name, exact=True)
            option.wait_for(timeout=TIMEOUT_MS)
            page.evaluate(_MARK)
            started = time.perf_counter()
            option.click()
            page.wait_for_function(_REDRAWN, arg=charts_expected, polling="raf", timeout=TIMEOUT_MS)
            times.append(time.perf_counter() - started)
            page.keyboard.press("Escape")
    finally:
        context.close()
    return {"median_s": statistics.median(times), "max_s": max(times), "all_s": times}


def run(big_folder: Path, log=print) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    results: dict[str, object] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            log("  browser: one-chart page …")
            with Server("bench/one_chart_page.py") as server:
                results["one_chart"] = visits(browser, server.url, 1)
            log("  browser: Overview, sample data …")
            with Server("app.py", store.SAMPLE_DATA_DIR) as server:
                results["overview_sample"] = visits(browser, server.url, OVERVIEW_CHART_COUNT)
                results["overview_sample"].update(server.memory_mb())
            log("  browser: Overview, scale data …")
            with Server("app.py", big_folder) as server:
                results["overview_big"] = visits(browser, server.url, OVERVIEW_CHART_COUNT)
                names = list(checked_folder.read_folder(big_folder)["units"]["name_zh"])
                results["filter_change_big"] = filter_changes(browser, server.url, OVERVIEW_CHART_COUNT, names)
                results["server_big"] = server.memory_mb()
            log("  browser: Overview, scale data, first visit after the warm-up finished …")
            with Server("app.py", big_folder) as server:
                results["overview_big_warmed"] = first_visit_after_warm_up(browser, server, OVERVIEW_CHART_COUNT)
        finally:
            browser.close()
    return results
