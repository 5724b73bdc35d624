"""Waiting for a Streamlit page the way a person would: until its charts are drawn."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from playwright.sync_api import Locator, Page, expect

T = TypeVar("T")


def wait_for_charts(page: Page, count: int, timeout: float = 60_000) -> None:
    """Every chart's SVG main layer is present, and Streamlit has stopped running the script."""
    if count:
        # each Plotly chart draws two .main-svg layers
        expect(page.locator(".js-plotly-plot .main-svg").nth(count * 2 - 1)).to_be_attached(timeout=timeout)
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0, timeout=timeout)
    # the app's own word that no run is going on: the status widget shows only after a run's first moments, and a
    # widget changed in them may be lost (a unit picked while the Overview's run had not finished stayed unpicked)
    expect(page.locator("[data-testid='stApp']")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=timeout
    )


# every chart drawn at its box's width: chart_view.js (and Streamlit's own chart) redraws a chart whose box changed
# (a window narrowed, the print layout), a moment after the box changes and later still on a busy machine
_DRAWN_AT_THEIR_BOXES = (
    "() => [...document.querySelectorAll('.js-plotly-plot')]"
    ".every(plot => plot._fullLayout && Math.abs(plot.clientWidth - plot._fullLayout.width) < 1)"
)


def wait_for_charts_redrawn(page: Page, timeout: float = 30_000) -> None:
    """Every chart on the page is drawn at its box's present width (after a resize or ``emulate_media``): what a
    fixed wait of 1.5 s stood for, which a loaded machine can outlast."""
    page.wait_for_function(_DRAWN_AT_THEIR_BOXES, timeout=timeout)


def chips(field: Locator) -> Locator:
    """The chosen values' chips of a multiselect (Streamlit's own markup: ``data-tag``, named by ``aria-label``)."""
    return field.locator("[data-tag]")


def pick_option(page: Page, field: Locator, name: str, attempts: int = 3) -> None:
    """Choose ``name`` in the multiselect ``field`` as a person does: open its list, click the option, see its chip
    appear, close the list. On a loaded browser Streamlit's list can still move under the pointer as it opens: the
    press began on the option and ended on the list around it (pointerdown on the option, pointerup on the listbox),
    and nothing was chosen, no chip and no message to the server (3 picks of 55 at load 20-40; the 16个 that stayed
    for 30 s in test_history_browser, on the clean CI of 242a537). A person sees no chip and clicks again; so does
    this, at most ``attempts`` times. The figures are the server's, waited for by the caller."""
    chip = field.locator(f"[data-tag][aria-label='{name}']")
    for attempt in range(attempts):
        field.locator("input").first.click()
        page.get_by_role("option", name=name, exact=True).click()
        try:
            expect(chip).to_have_count(1, timeout=10_000)
            break
        except AssertionError:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
    page.keyboard.press("Escape")


def metric_value(page: Page, label: str) -> str:
    card = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text(label, exact=True))
    # while a page switch finishes, the last page's card can still stand beside the new one: wait for one
    expect(card).to_have_count(1, timeout=30_000)
    return card.locator("[data-testid='stMetricValue']").inner_text().strip()


def expect_metric(page: Page, label: str, value: str, timeout: float = 30_000) -> None:
    """The card labelled `label` shows `value`, and only one such card stands (a rerun's last card may be faded
    beside the new one for a moment): waits for both, as a person would look again."""
    card = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text(label, exact=True))
    expect(card.locator("[data-testid='stMetricValue']")).to_have_text(value, timeout=timeout)
    expect(card).to_have_count(1, timeout=timeout)


def eventually(page: Page, read: Callable[[], T], done: Callable[[T], bool], timeout: float = 30.0) -> T:
    """``read()`` again every 0.1 s until ``done`` says yes of what it read, at most ``timeout`` seconds (then the
    last reading is returned, for the caller's assert to show): for what the server writes outside the page, such
    as an audit line, where a fixed wait was too short on a loaded machine. Between readings the page's events
    (a download, a dialog) are handled, as during any Playwright wait."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(100)


def assert_no_exception(page: Page) -> None:
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
