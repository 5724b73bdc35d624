"""(3) and (5): the Overview in a real browser against a one-chart Streamlit page, and the server's memory.

"Drawn" means every Plotly chart on the page has finished plotting (Plotly has
set its layout on the element and drawn its traces), polled every animation
frame. "Warm" means the server has already served the page once (data loaded,
query results cached) and the browser has the static files cached: each timed
visit is a new tab, so a new Streamlit session, as when a leader opens the link. The warm visits of the
one-chart page and of the Overview (sample and scale data) take turns, round after round, so that a busy
moment of the machine (visits vary by ±15% on this 2-core machine) falls on all three alike.

A filter change is timed in the page, from the press on a unit in the sidebar's list (``pointerdown``) to the
animation frame in which every chart shows new data; the time Playwright's ``click()`` spends before it
presses (waiting for the option to be visible and still, scrolling it into view: 60–140 ms here) is not the
product's, but is kept in the raw results beside it (``playwright_median_s``).
"""

from __future__ import annotations

import contextlib
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

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
    # Headless Chromium opens each new page in a window of its own, and each window starts the WebUI renderer of
    # its address bar's popup: ~0.65 s of CPU and ~0.3 s of the browser process's, per page, on this 2-core
    # machine (measured with SystemInfo.getProcessInfo around opening about:blank). A leader's browser opens the
    # link in a window it already has, so the visit is measured without it.
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",
]
WARM_RUNS = 9
FILTER_CHANGES = 7
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
  const redrawn = plots.length >= expected && plots.every(p => p._fullLayout && p._fullData
                                                 && !window.__benchBefore.has(p._fullData) && p.querySelector('.main-svg .trace'));
  if (redrawn) window.__benchRedrawnAt = performance.now();
  return redrawn;
}"""
# the moment the unit is pressed, in the page's own clock
_WATCH_PRESS = """() => { window.__benchPressedAt = null; window.__benchRedrawnAt = null;
  document.addEventListener('pointerdown', () => { window.__benchPressedAt = performance.now(); }, {capture: true, once: true}); }"""
_PRESS_TO_REDRAWN = "() => (window.__benchRedrawnAt - window.__benchPressedAt) / 1000"


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


def first_visit(browser, url: str, charts_expected: int) -> float:
    """A visit from a browser that has not been there before, the moment the server answers."""
    context, _ = _new_page(browser)
    try:
        return _visit(context, url, charts_expected)
    finally:
        context.close()


def warm_visits(browser, pages: dict[str, tuple[str, int]]) -> dict[str, dict[str, object]]:
    """``WARM_RUNS`` warm visits to each page (name → (url, charts)), the pages taking turns in a rotating order,
    in one browser that has been to each of them before (static files cached), as a leader opening the link
    again; then visits from a fresh browser profile (nothing cached), the better of two, for each page alike."""
    context, _ = _new_page(browser)
    names = list(pages)
    warm: dict[str, list[float]] = {name: [] for name in names}
    try:
        for name in names:  # each page once, untimed: the browser's cache holds what that page needs
            _visit(context, *pages[name])
        for run in range(WARM_RUNS):
            for name in names[run % len(names) :] + names[: run % len(names)]:
                warm[name].append(_visit(context, *pages[name]))
    finally:
        context.close()
    out = {}
    for name in names:
        out[name] = {
            "warm_median_s": statistics.median(warm[name]),
            "warm_min_s": min(warm[name]),
            "warm_max_s": max(warm[name]),
            "warm_all_s": warm[name],
            "fresh_profile_s": min(first_visit(browser, *pages[name]) for _ in range(2)),
        }
    return out


def first_visit_after_warm_up(browser, server: Server, charts_expected: int) -> dict[str, float]:
    """The first visit to a server that has finished its warm-up (the store, the Overview's caches, the image
    server): what a leader meets who opens the link a little after the server started. Same kind of visit as
    ``first_visit`` (a new browser context, so nothing cached), so the two rows differ only in the wait."""
    warm_up = server.wait_warmed()
    context, _ = _new_page(browser)
    try:
        return {"warm_up_s": warm_up, "first_visit_s": _visit(context, server.url, charts_expected)}
    finally:
        context.close()


def filter_changes(browser, url: str, charts_expected: int, unit_names: list[str]) -> dict[str, object]:
    """Add one unit after another to the sidebar's unit filter: each is a filter not seen before."""
    context, page = _new_page(browser)
    in_page, whole_call = [], []
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
            page.evaluate(_WATCH_PRESS)
            started = time.perf_counter()
            option.click()
            page.wait_for_function(_REDRAWN, arg=charts_expected, polling="raf", timeout=TIMEOUT_MS)
            whole_call.append(time.perf_counter() - started)
            in_page.append(page.evaluate(_PRESS_TO_REDRAWN))
            page.keyboard.press("Escape")
    finally:
        context.close()
    return {
        "median_s": statistics.median(in_page),
        "max_s": max(in_page),
        "all_s": in_page,
        "playwright_median_s": statistics.median(whole_call),
        "playwright_all_s": whole_call,
    }


def _one_chart_filter_changes(browser, names: list[str]) -> dict[str, object]:
    """The filter change's baseline: the same presses, on a Streamlit page with the same list and one chart."""
    with tempfile.TemporaryDirectory(prefix="oversight-bench-units-") as home:
        names_file = Path(home) / "names.json"
        names_file.write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
        with Server("bench/one_filter_page.py", env={"BENCH_UNIT_NAMES": str(names_file)}) as page:
            return filter_changes(browser, page.url, 1, names)


def run(big_folder: Path, log=print) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            log("  browser: one-chart page, the Overview on sample and scale data, visits taking turns …")
            with contextlib.ExitStack() as others:
                one_chart = others.enter_context(Server("bench/one_chart_page.py"))
                sample = others.enter_context(Server("app.py", store.SAMPLE_DATA_DIR))
                firsts = {
                    "one_chart": first_visit(browser, one_chart.url, 1),
                    "overview_sample": first_visit(browser, sample.url, OVERVIEW_CHART_COUNT),
                }
                with Server("app.py", big_folder) as big:
                    firsts["overview_big"] = first_visit(browser, big.url, OVERVIEW_CHART_COUNT)  # as it answers
                    pages = {
                        "one_chart": (one_chart.url, 1),
                        "overview_sample": (sample.url, OVERVIEW_CHART_COUNT),
                        "overview_big": (big.url, OVERVIEW_CHART_COUNT),
                    }
                    for name, figures in warm_visits(browser, pages).items():
                        results[name] = {"first_visit_s": firsts[name], **figures}
                    results["overview_sample"].update(sample.memory_mb())
                    others.close()  # the filter changes have the machine to themselves and the scale server
                    log("  browser: filter changes on scale data …")
                    names = list(checked_folder.read_folder(big_folder)["units"]["name_zh"])
                    results["filter_change_big"] = filter_changes(browser, big.url, OVERVIEW_CHART_COUNT, names)
                    results["server_big"] = big.memory_mb()
                log("  browser: the same presses on a one-chart page with the same list of units …")
                results["filter_change_one_chart"] = _one_chart_filter_changes(browser, names)
            log("  browser: Overview, scale data, first visit after the warm-up finished …")
            with Server("app.py", big_folder) as server:
                results["overview_big_warmed"] = first_visit_after_warm_up(browser, server, OVERVIEW_CHART_COUNT)
        finally:
            browser.close()
    return results
