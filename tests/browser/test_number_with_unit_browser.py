"""A number stays with its unit where the screen wraps our sentences: the 预警 strip at 1440 px with two units broke
"（217天）" between 217 and 天, and "(217 days)" before "days". The strip, the 较上季度 box, the page's captions and
the notes under them, at 390 and 1440 px in zh and en, each also narrowed step by step so that every place a line
can end is tried: no line starts with the unit of the number that ended the line before, nor ends in an opening
bracket."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import assert_no_exception, wait_for_charts

pytestmark = pytest.mark.browser

WIDTHS = {"phone": (390, 844), "wide": (1440, 900)}
# the Overview with two units (the strip names the longest overdue issue and its days) and with every unit
ADDRESSES = ("?unit=research&unit=petitions&", "?")
WRAPPED = (
    '.st-key-alert_strip [data-testid="stMarkdownContainer"], .st-key-quarter_changes [data-testid="stMarkdownContainer"],'
    ' [data-testid="stMain"] [data-testid="stCaptionContainer"]'
)

# Each element's lines as drawn, at its own width and narrowed 12 px at a time down to 120 px.
_LINES = """(selector) => {
  const found = [];
  const linesOf = el => {
    const lines = [];
    let top = null, line = '';
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = [...range.getClientRects()].find(r => r.width > 0);
        const character = node.data[i];
        if (!box) { line += character; continue; }
        if (top !== null && box.top > top + 4) { lines.push(line); line = ''; }
        top = box.top;
        line += character;
      }
    }
    lines.push(line);
    return lines;
  };
  for (const el of document.querySelectorAll(selector)) {
    const natural = el.getBoundingClientRect().width;
    for (let width = natural; width >= 120; width -= 12) {
      el.style.width = width + 'px';
      found.push({width: Math.round(width), lines: linesOf(el)});
    }
    el.style.width = '';
  }
  return found;
}"""

UNIT_FIRST = re.compile(r"^[\s\u2060]*(天|个|次|家|days?\b|units?\b|issues?\b|times?\b)")
OPEN_LAST = re.compile(r"[(（][\s\u2060]*$")
# the strip's and the captions' items are set "a · b": a line that starts with the dot reads as a stray mark
DOT_FIRST = re.compile(r"^[\s\u2060]*·")


def torn(lines: list[str]) -> list[str]:
    """Each place a line break parted a number from its unit, left a bracket open at a line's end, or started a line
    with the dot between two items."""
    return [
        f"{before!r} / {after!r}"
        for before, after in zip(lines, lines[1:])
        if OPEN_LAST.search(before)
        or DOT_FIRST.search(after)
        or (UNIT_FIRST.search(after) and re.search(r"\d[\s\u2060]*$", before))
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", list(WIDTHS))
def test_no_line_parts_a_number_from_its_unit(browser, server_url, size, lang):
    width, height = WIDTHS[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    measured = 0
    try:
        for address in ADDRESSES:
            page.goto(f"{server_url}/{address}lang={lang}")
            wait_for_charts(page, 4)
            assert_no_exception(page)
            strip = page.locator(".st-key-alert_strip").inner_text()
            assert ("天）" in strip or "days)" in strip) if address != "?" else strip
            for shown in page.evaluate(_LINES, WRAPPED):
                measured += 1
                bad = torn(shown["lines"])
                if bad:
                    problems.setdefault(f"{address} {shown['width']} px", []).extend(bad)
    finally:
        context.close()
    assert measured > 50
    assert problems == {}
