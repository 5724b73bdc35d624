"""Waiting for a Streamlit page the way a person would: until its charts are drawn."""

from __future__ import annotations

from playwright.sync_api import Page, expect


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


def assert_no_exception(page: Page) -> None:
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
