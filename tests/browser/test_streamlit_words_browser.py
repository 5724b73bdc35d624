"""Streamlit's own words on a Chinese page: its frontend writes them in English whatever the page's language — the
first Tab stop "Skip to main content", and what a screen reader reads for the sidebar's button ("Collapse sidebar",
"Expand sidebar" on a phone), each card's help icon ("Help for 指出问题") and the range slider's ends ("季度范围 —
start"). Now in the page's language (assets/streamlit_words.js); an English page keeps Streamlit's own."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_exception, wait_for_charts

pytestmark = pytest.mark.browser

STREAMLITS = re.compile(
    r"^(Skip to main content|Sidebar|Collapse sidebar|Expand sidebar|Open|Help for .+|.+ — (start|end))$"
)
LABELS = "() => [...document.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label'))"


@pytest.mark.parametrize("width", [1440, 390])
def test_a_chinese_page_names_streamlits_own_controls_in_chinese(browser, server_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server_url}/?lang=zh")
        wait_for_charts(page, 4)
        assert_no_exception(page)
        expect(page.get_by_test_id("stSkipToContent")).to_have_text("跳到正文")
        page.wait_for_function(f"() => ({LABELS})().includes('指出问题的说明')")
        labels = page.evaluate(LABELS)
        assert [label for label in labels if STREAMLITS.match(label)] == []
        assert {"侧边栏", "季度范围：起点", "季度范围：终点", "会议数量的说明"} <= set(labels)
        assert ("收起侧边栏" if width == 1440 else "展开侧边栏") in labels
    finally:
        context.close()


def test_an_english_page_keeps_streamlits_own_words(page, server_url):
    page.goto(f"{server_url}/?lang=en")
    wait_for_charts(page, 4)
    expect(page.get_by_test_id("stSkipToContent")).to_have_text("Skip to main content")
    labels = page.evaluate(LABELS)
    assert "Collapse sidebar" in labels and "Help for Issues raised" in labels
