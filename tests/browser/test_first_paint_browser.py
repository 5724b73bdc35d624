"""The page's head does not jump while Streamlit loads the code of its HTML element (oversight/ui/first_paint.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import wait_for_charts

pytestmark = pytest.mark.browser

_TOP = "Math.round(document.querySelector('h1').getBoundingClientRect().top)"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_title_is_drawn_where_it_stays_while_the_html_element_loads(page, server_url, width):
    """The HTML element's code is held back (as a slow network holds it) until the title has been drawn: the title
        was 80 px lower under two grey bars, then jumped up once the code came (120 px on a phone, where app.css, which
    that code draws, also sets the padding above it). Now it is drawn where it stays."""
    page.set_viewport_size({"width": width, "height": 900})
    held: list = []
    page.route("**/static/js/Html.*.js", lambda route: held.append(route))
    page.goto(f"{server_url}/issues")
    expect(page.get_by_role("heading", name="问题与整改", level=1)).to_be_visible(timeout=60_000)
    expect(page.locator("[data-testid='stMetric']").first).to_be_visible(timeout=60_000)
    assert len(held) == 1  # the code is still held: its two elements have not been drawn
    while_loading = page.evaluate(_TOP)
    for route in held:
        route.continue_()
    wait_for_charts(page, 3)
    assert page.evaluate(_TOP) == while_loading
