"""Streamlit's own words in the page's language from the first frame drawn, not from the page run's script (session 36,
w2): Streamlit draws its frame — the skip link among it — before any page run, so a Chinese page showed "Skip to main
content" for about a second before 跳到正文, on every reload (after a replica's failover, say). The page's HTML now
carries the words (oversight/ui/page_locale.py). What every frame showed is recorded just before it is painted
(``requestAnimationFrame``): the assertion is on what was seen, not on how fast."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_exception, wait_for_charts

pytestmark = pytest.mark.browser

# each frame, before it is painted: the skip link's text and the sidebar button's name, as they stand
RECORD_EVERY_FRAME = """
window.oversightSeen = [];
(function frame() {
  var skip = document.querySelector("[data-testid='stSkipToContent']");
  if (skip) window.oversightSeen.push(skip.textContent.trim());
  document.querySelectorAll("[data-testid='stSidebarCollapseButton'] button, [data-testid='stExpandSidebarButton']")
    .forEach(function (button) { window.oversightSeen.push(button.getAttribute("aria-label")); });
  requestAnimationFrame(frame);
})();
"""


def test_a_chinese_page_never_paints_streamlits_english_skip_link(browser, server_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.add_init_script(RECORD_EVERY_FRAME)
    page = context.new_page()
    try:
        for opened in (lambda: page.goto(f"{server_url}/?lang=zh"), page.reload):  # the first visit, then a reload
            opened()
            wait_for_charts(page, 4)
            assert_no_exception(page)
            expect(page.get_by_test_id("stSkipToContent")).to_have_text("跳到正文")
            seen = set(page.evaluate("window.oversightSeen"))
            assert "跳到正文" in seen
            assert {"Skip to main content", "Collapse sidebar", "Expand sidebar"} & seen == set(), seen
    finally:
        context.close()
