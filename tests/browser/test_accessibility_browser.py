"""信息无障碍 (GB/T 37668, like WCAG 2.1 AA) as a screen reader and a colour-blind or low-vision reader meet the
pages: the page's language named, each chart one image named by its title and its reading, text and chart marks
with enough contrast. Measured in Debian's Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from oversight.core import i18n
from tests import oracle
from tests.browser.helpers import wait_for_charts

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize(("lang", "tag"), [("zh", "zh-CN"), ("en", "en")])
def test_the_page_names_its_language_for_a_screen_reader(page: Page, server_url: str, lang: str, tag: str) -> None:
    # Streamlit's own page says <html lang="en">: a screen reader read 指出问题 with English rules
    page.goto(f"{server_url}/issues?lang={lang}")
    wait_for_charts(page, 3)
    expect(page.locator("html")).to_have_attribute("lang", tag)


def test_switching_the_language_renames_the_page_language(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/?lang=en")
    wait_for_charts(page, 4)
    page.get_by_role("radio", name="中文").check(force=True)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("radio", name="English").check(force=True)
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_each_chart_is_one_image_named_by_its_title_and_reading(page: Page, server_url: str) -> None:
    """The chart's SVG read aloud was every tick and label in a row ("2 2 2 2 3 1 … 省政府研究室 …"); now the chart
    is one image whose name is its title and the reading the briefing prints under it, with the figures of the
    view (recomputed here from the spreadsheets)."""
    view = oracle.View(oracle.read_ledgers(DATA), (), (2020, 1), (2020, 4))
    page.goto(f"{server_url}/?lang=zh")
    wait_for_charts(page, 4)
    charts = page.locator(".oversight-chart")
    expect(charts).to_have_count(4)
    for index in range(4):
        expect(charts.nth(index)).to_have_attribute("role", "img")
    by_unit = page.get_by_role("img", name="各单位指出问题与意见建议：", exact=False)
    expect(by_unit).to_have_count(1)
    totals = f"共指出问题{len(view.issues)}个，提出意见建议{len(view.suggestions)}条。"
    expect(by_unit).to_have_attribute("aria-label", re.compile(rf"^各单位指出问题与意见建议：.+；{totals}$"))
    meetings = len(view.meetings)
    expect(
        page.get_by_role("img", name=f"各季度会议数量（与上年同期对比）：本期会议{meetings}次", exact=False)
    ).to_have_count(1)
    # the chart's insides are not read again after its name
    snapshot = page.locator("[data-testid='stMain']").aria_snapshot()
    assert "省政府研究室 省政府参事室" not in snapshot
    assert "2 2 2 2" not in snapshot


def test_printing_keeps_each_chart_card_and_row_of_cards_on_one_page(browser, server_url: str, output_dir) -> None:
    """Ctrl+P on the issues page printed a chart card broken at the page's end: its box empty on one page, its chart
    drawn over the next card's on the other. The rule that kept cards whole named Streamlit's old bordered box
    (stVerticalBlockBorderWrapper), which no longer exists: every chart's card and row now avoid a break inside."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server_url}/issues?lang=zh")
        wait_for_charts(page, 3)
        expect(page.locator(".oversight-chart")).to_have_count(3)  # a chart of three SVG layers counts twice above
        page.emulate_media(media="print")
        breaks = page.evaluate(
            """() => [...document.querySelectorAll('.oversight-chart')].map(chart => {
                 const card = chart.closest('[data-testid="stLayoutWrapper"]');
                 const row = chart.closest('[data-testid="stHorizontalBlock"]');
                 return [card && getComputedStyle(card).breakInside, row && getComputedStyle(row).breakInside];
               })"""
        )
        assert len(breaks) == 3
        assert all(card == "avoid" and row in ("avoid", None) for card, row in breaks), breaks
        page.pdf(path=output_dir / "issues_print_a4.pdf", format="A4", print_background=True)
    finally:
        context.close()


_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  return {
    testid: (e.closest('[data-testid]') || { dataset: {} }).dataset.testid || '',
    name: (e.getAttribute('aria-label') || e.innerText || '').trim(),
    outline: s.outlineStyle === 'none' ? null : s.outlineColor,
  };
}"""


def test_the_keyboard_reaches_every_download_past_the_charts_and_sees_where_it_is(page: Page, server_url: str) -> None:
    """Tab from the top of the Overview: the title's "Link to heading", and each chart's toolbar took six stops (Zoom, Pan … pointer tools, inside what a
    screen reader skips) before its 下载; a focused link in the nav showed only the current page's pale grey."""
    page.goto(f"{server_url}/?lang=zh")
    wait_for_charts(page, 4)
    # from the top of the document, with the sidebar's pages drawn: under CI's load a late rerun once left the focus
    # inside the page, and the walk began past the sidebar (no 问题与整改 among its stops)
    expect(page.get_by_role("link", name="问题与整改")).to_be_visible()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None or (stops and focused["testid"] == "stSkipToContent"):
            break
        stops.append(focused)
    names = [stop["name"] for stop in stops]
    toolbar = {i18n.t(f"modebar.{tool}", "zh") for tool in ("zoom", "pan", "zoom_in", "autoscale")}  # 缩放, 平移…
    assert not (toolbar | {"Zoom", "Pan", "Zoom in", "Autoscale"}) & set(names), names
    assert "Link to heading" not in names  # the title's anchor: English on a Chinese page, a stop to nowhere
    assert sum(1 for stop in stops if stop["testid"] == "stPopoverButton" and "下载" in stop["name"]) == 4, names
    nav = [stop for stop in stops if stop["testid"] == "stPageLink-NavLink" and stop["name"] == "问题与整改"]
    assert nav and nav[0]["outline"] == "rgb(179, 38, 30)", (nav, names)
