"""Streamlit's own words on a Chinese page: its frontend writes them in English whatever the page's language — the
first Tab stop "Skip to main content", and what a screen reader reads for the sidebar's button ("Collapse sidebar",
"Expand sidebar" on a phone), each card's help icon ("Help for 指出问题") and the range slider's ends ("季度范围 —
start"). Now in the page's language (assets/streamlit_words.js); an English page keeps Streamlit's own."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
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
    expect(page).to_have_title("Overview · Supervision Dashboard")  # the tab, a bookmark: said 派驻监督工作看板


# Every word Streamlit's frontend writes in English that a Chinese page showed or read out, found by reading the
# rendered pages at 1440 px for Latin letters: the tables' toolbar and its hover tips, the unit picker's chips and
# clear button, the data page's chooser and file box, the audit log's date fields (their yyyy/mm/dd, "year, 起始日期",
# "Empty") and calendar, the "Page not found" dialog of an address of no page — each page with what it holds of them.
_STREAMLITS_WORDS = """() => {
  const words = [];
  // a Latin word but the names of file kinds our Chinese text uses (上传 Excel 或 CSV 文件)
  const latin = {test: text => /[A-Za-z]{2,}/.test(text.replace(/\\b(Excel|CSV|PDF|PPT|Word|ZIP|PNG|SVG)\\b/g, ''))};
  const attributes = ['aria-label', 'title', 'placeholder', 'aria-valuetext'];
  for (const element of document.querySelectorAll(attributes.map(a => '[' + a + ']').join(', '))) {
    if (element.closest('.js-plotly-plot')) continue;  // the charts' own words are ours, tested with the charts
    for (const name of attributes) {
      const value = element.getAttribute(name);
      if (value && latin.test(value)) words.push(name + ': ' + value);
    }
  }
  const places = '.stDialog, [data-testid="stTooltipContent"], [data-testid="stDateInputFieldsScroller"], '
    + '[data-testid="InputInstructions"], [data-testid="stElementToolbar"], [data-testid="stDateInputCalendar"]';
  for (const place of document.querySelectorAll(places)) {
    for (const node of [...place.querySelectorAll('*')].flatMap(e => [...e.childNodes])) {
      if (node.nodeType !== 3 || !latin.test(node.data)) continue;
      if (node.parentElement.closest('[data-testid="stIconMaterial"]')) continue;  // an icon's name, not read
      words.push('text: ' + node.data.trim());
    }
  }
  return [...new Set(words)];
}"""

# (page, charts drawn)
_CHINESE_PAGES = [
    ("", 4),
    ("meetings", 4),
    ("unit_profile", 2),
    ("briefing", 0),
    ("data", 0),
    ("audit", 0),
    ("no_such_page", 4),  # an old bookmark: Streamlit's "Page not found" over the Overview
]
# our data's own Latin words, not Streamlit's: the records' numbers, a unit's name as the link names it
_OURS = re.compile(r"^(title|aria-label): ([A-Z]{2}\d{4}-\d+|English)$")


def _open_a_calendar(page) -> None:
    """The first date field's calendar, opened as a person does: its month, weekdays, buttons and days."""
    button = page.get_by_test_id("stDateInputCalendarButton").first
    expect(button).to_be_visible()
    button.click()
    page.get_by_test_id("stDateInputCalendar").locator("[role='gridcell']").first.wait_for()


def test_a_chinese_page_shows_and_reads_none_of_streamlits_english(browser, server_url, tmp_path):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    found = {}
    try:
        for address, charts in _CHINESE_PAGES:
            page.goto(f"{server_url}/{address}?lang=zh")
            wait_for_charts(page, charts)
            assert_no_exception(page)
            grid = page.get_by_test_id("stDataFrame").first
            if grid.count():  # the toolbar shows, and its tip, with the pointer over the table and its buttons
                grid.hover()
                page.get_by_test_id("stElementToolbar").first.locator("button").first.hover()
                page.get_by_test_id("stTooltipContent").first.wait_for()
            if address == "audit":  # its date fields' calendar, opened
                _open_a_calendar(page)
            if address == "data":  # a file chosen: the box then offers to add more ("Add files")
                chosen = tmp_path / "台账.CSV"
                chosen.write_text("a,b\n1,2\n", encoding="utf-8")
                page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(chosen)
                page.get_by_test_id("stFileChipName").first.wait_for()
            try:  # the page's script mends what the hover drew a moment after it is drawn: waited for, at most 5 s
                page.wait_for_function(
                    f"() => ({_STREAMLITS_WORDS})().every(w => /{_OURS.pattern}/.test(w))", timeout=5000
                )
            except PlaywrightTimeout:
                pass  # what is still English is listed below
            words = [word for word in page.evaluate(_STREAMLITS_WORDS) if not _OURS.match(word)]
            if words:
                found[address or "overview"] = words
    finally:
        context.close()
    assert found == {}


# What the calendar of a date field wrote in the browser's language rather than the page's: a Chinese page in an
# English browser said "December", "S M T W T F S", "Monday, December 7, 2026"; an English page in a Chinese
# browser said 十二月, 一 二 三, "2026年12月7日星期一", 今天.
_CALENDAR_WORDS = """(pattern) => {
  const calendar = document.querySelector('[data-testid="stDateInputCalendar"]');
  if (!calendar) return ['no calendar open'];
  const words = [...calendar.querySelectorAll('*')].flatMap(e => [...e.childNodes])
    .filter(node => node.nodeType === 3).map(node => node.data.trim());
  for (const element of [calendar, ...calendar.querySelectorAll('[aria-label]')]) {
    words.push(element.getAttribute('aria-label') || '');
  }
  return [...new Set(words.filter(word => new RegExp(pattern).test(word)))];
}"""


@pytest.mark.parametrize(
    ("lang", "browser_locale", "wrong", "right", "a_day"),
    [
        (
            "zh",
            "en-US",
            "[A-Za-z]{2,}",
            {"上个月", "下个月", "选择日期"},
            r"^(今天，即 )?\d{4}年\d{1,2}月\d{1,2}日星期[一二三四五六日]$",
        ),
        (
            "en",
            "zh-CN",
            "[\\u3400-\\u9fff]",
            {"Previous month", "Next month", "Choose date"},
            r"^(Today, )?[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4}$",
        ),
    ],
)
def test_a_date_fields_calendar_speaks_the_pages_language_not_the_browsers(
    browser, server_url, lang, browser_locale, wrong, right, a_day
):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale=browser_locale)
    page = context.new_page()
    try:
        page.goto(f"{server_url}/audit?lang={lang}")
        wait_for_charts(page, 0)
        # the calendar opened at once, before any rerun: the session's first drawing can come before the page's
        # script runs, and was in the browser's language (2 runs of 3, alone on a new server) until the page's
        # language was set in its HTML, before Streamlit's own script (oversight/ui/page_locale.py)
        _open_a_calendar(page)
        try:  # mended a moment after it is drawn: waited for, at most 5 s
            page.wait_for_function(f"() => ({_CALENDAR_WORDS})({wrong!r}).length === 0", timeout=5000)
        except PlaywrightTimeout:
            pass  # what is still in the wrong language is listed below
        assert page.evaluate(_CALENDAR_WORDS, wrong) == []
        shown = page.evaluate(_CALENDAR_WORDS, ".")
        assert right <= set(shown)
        assert [word for word in shown if re.match(a_day, word)] != []
    finally:
        context.close()


_CHINESE_LABELS = """() => [...document.querySelectorAll('[aria-label], [title], [placeholder]')]
  .filter(element => !element.closest('.js-plotly-plot'))
  .flatMap(element => ['aria-label', 'title', 'placeholder'].map(name => element.getAttribute(name)))
  .filter(value => value && /[\\u3400-\\u9fff]/.test(value) && value !== '中文')"""


def _assert_no_chinese_label(page) -> None:
    """No label, title or placeholder in Chinese, once the script has mended what Streamlit drew (at most 5 s)."""
    try:
        page.wait_for_function(f"() => ({_CHINESE_LABELS})().length === 0", timeout=5000)
    except PlaywrightTimeout:
        pass  # what is still Chinese is listed below
    assert page.evaluate(_CHINESE_LABELS) == []


def test_an_english_page_in_a_chinese_browser_reads_out_no_chinese(browser, server_url):
    """What react-aria names by itself follows the browser's language: the "Page not found" dialog's hidden
    dismiss button was read out as 取消 on an English page in a Chinese browser."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server_url}/no_such_page?lang=en")
        wait_for_charts(page, 4)
        expect(page.locator(".stDialog")).to_contain_text("Page not found")
        _assert_no_chinese_label(page)
    finally:
        context.close()


@pytest.mark.parametrize(("path", "charts"), [("audit", 0), ("issues", 3)])
def test_switching_a_chinese_page_to_english_renames_streamlits_own_words(browser, server_url, path, charts):
    """Streamlit writes its words once and not again while they do not change: after 中文 → English, what our script
    had put in Chinese stayed (收起侧边栏, 侧边栏, the tables' 全屏 and 在表格中搜索, the audit filter's 展开选项 and
    选择日期), read out in Chinese on an English page."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server_url}/{path}?lang=zh")
        wait_for_charts(page, charts)
        page.wait_for_function("() => (" + LABELS + ")().includes('收起侧边栏')")
        page.get_by_role("radio", name="English").check(force=True)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        wait_for_charts(page, charts)
        expect(page.get_by_role("button", name="Collapse sidebar")).to_have_count(1)
        _assert_no_chinese_label(page)
    finally:
        context.close()
