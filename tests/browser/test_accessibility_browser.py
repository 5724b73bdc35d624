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


@pytest.mark.parametrize(("lang", "path", "page_id"), [("zh", "issues", "issues"), ("en", "", "overview")])
def test_the_tab_title_names_the_page_in_its_language(page: Page, server_url: str, lang, path, page_id) -> None:
    """Every page in both languages was titled 派驻监督工作看板: a screen reader, which says the title on arriving and
    in its list of tabs, could not tell the Overview from the issues page, and read it in Chinese to an English one."""
    page.goto(f"{server_url}/{path}?lang={lang}")
    wait_for_charts(page, 3)
    expected = f"{i18n.t(f'nav.{page_id}', lang)} · {i18n.t('app.title', lang)}"
    expect(page).to_have_title(expected)
    if lang == "en":
        expect(page).not_to_have_title(re.compile("[\u4e00-\u9fff]"))


# every button's name as the accessibility tree gives it (aria snapshot lines of buttons), the page's main part
# (a name with ": " in it is quoted whole: - 'button "Open: Units"')
_BUTTON = re.compile(r'^\s*- \'?button "((?:[^"\\]|\\.)*)"', re.MULTILINE)


@pytest.mark.parametrize(("lang", "path", "charts"), [("zh", "issues", 3), ("en", "issues", 3), ("zh", "", 4)])
def test_no_two_download_or_list_buttons_share_a_name(page: Page, server_url: str, lang, path, charts) -> None:
    """A screen reader's list of the issues page's buttons read 下载 five times and 查看清单 twice, with no way to
    tell which chart or card each served. Each now names what it downloads or lists, and still shows its one word."""
    page.goto(f"{server_url}/{path}?lang={lang}")
    wait_for_charts(page, charts)
    menu, drill = i18n.t("download.menu", lang), i18n.t("drill.open", lang)
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_role("button", name=menu)).to_have_count(charts + (2 if path else 0))
    names = [name for name in _BUTTON.findall(main.aria_snapshot()) if name.startswith((menu, drill))]
    assert len(names) == len(set(names)) and all(name not in (menu, drill) for name in names), names
    first_chart = page.locator(".oversight-chart").first.get_attribute("aria-label")
    title = first_chart.split("：" if lang == "zh" else ":")[0]
    assert f"{menu} {title}" in names, (title, names)
    # the eye still reads the one word (the title drawn in one pixel, clipped): the chart's title is the card's own
    said = main.get_by_role("button", name=f"{menu} {title}").locator("em").bounding_box()
    assert said is not None and said["width"] <= 1 and said["height"] <= 1, said


_FAINT_TEXT = """() => {
  const rgba = (css) => { const v = css.match(/[0-9.]+/g).map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
  const lum = (c) => { const [r, g, b] = c.slice(0, 3).map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const behind = (node) => {  // the first opaque background up the tree, see-through ones laid over it
    const layers = [];
    for (let e = node; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let under = layers.length && layers[layers.length - 1][3] >= 1 ? layers.pop() : [255, 255, 255, 1];
    for (const layer of layers.reverse()) under = over(layer, under);
    return under;
  };
  const faint = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode.parentElement, text = walker.currentNode.textContent.trim();
    // words to read: not a chart's (measured by the chart tests), the decorative watermark, a disabled button's
    // or the quarter slider's (its ends sit on the track, which is not what they are read against)
    if (!text || !node || node.closest('svg, [aria-hidden="true"], [disabled], [data-testid="stSlider"]')) continue;
    const style = getComputedStyle(node), box = node.getBoundingClientRect();
    if (style.visibility === 'hidden' || box.width * box.height === 0) continue;
    let opacity = 1;
    for (let e = node; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    const page = behind(node), ink = rgba(style.color);
    const seen = over([ink[0], ink[1], ink[2], ink[3] * opacity], page);
    const [high, low] = [lum(seen), lum(page)].sort((a, b) => b - a);
    const ratio = (high + 0.05) / (low + 0.05), size = parseFloat(style.fontSize);
    const large = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) faint.push([text.slice(0, 30), Math.round(ratio * 100) / 100]);
  }
  return faint;
}"""


@pytest.mark.parametrize(
    ("scheme", "path", "charts"), [("light", "issues", 3), ("light", "unit_profile", 3), ("dark", "issues", 3)]
)
def test_every_word_on_the_page_reads_against_its_background(browser, server_url, scheme, path, charts) -> None:
    """The line under each page's title that leaders read aloud (监督范围：…；数据截至…), 同比 on every card, each chart's
    hint, a table's count and the sidebar's 页面 were Streamlit's captions at opacity 0.6: 3.9:1 on the white page
    and 3.8:1 on the grey sidebar, under the 4.5:1 GB/T 37668 (WCAG 1.4.3) asks of 14 px words."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN", color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(f"{server_url}/{path}?lang=zh")
        wait_for_charts(page, charts)
        expect(page.locator("[data-testid='stCaptionContainer']").first).to_be_visible()
        assert page.evaluate(_FAINT_TEXT) == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_choosers_buttons_name_their_field(page: Page, server_url: str, lang: str) -> None:
    """The briefing page's six chart choosers (one per page group) each had a 全部清除 and a 展开选项 button: a
    screen reader's list of buttons read 全部清除 six times, with no way to tell which group each would empty. Each
    now names its field (全部清除：问题与整改), and every button of the page has a name of its own."""
    page.goto(f"{server_url}/briefing?lang={lang}")
    wait_for_charts(page, 0)
    main = page.locator("[data-testid='stMain']")
    groups = ("overview", "meetings", "issues", "suggestions", "reminders", "unit_profile")
    for word in ("clear_all", "open_options"):
        for group in groups:
            name = i18n.t(f"streamlit.{word}_of", lang, label=i18n.t(f"nav.{group}", lang))
            expect(main.get_by_role("button", name=name, exact=True)).to_have_count(1)
    names = _BUTTON.findall(main.aria_snapshot())
    assert len(names) == len(set(names)), sorted(names)
    assert not {i18n.t("streamlit.clear_all", lang), i18n.t("streamlit.open_options", lang)} & set(names), names


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_date_field_and_list_of_the_audit_page_names_its_buttons(page: Page, server_url: str, lang: str) -> None:
    """The audit log's filter had two 展开选项 (账号, 操作) and two 选择日期 (its two date fields): a screen reader's
    list of buttons could not tell them apart. Each names its field."""
    page.goto(f"{server_url}/audit?lang={lang}")
    wait_for_charts(page, 0)
    main = page.locator("[data-testid='stMain']")
    for word, field in (
        ("open_options", "auth.audit.filter.account"),
        ("open_options", "auth.audit.filter.action"),
        ("choose_date", "auth.audit.filter.since"),
        ("choose_date", "auth.audit.filter.until"),
    ):
        name = i18n.t(f"streamlit.{word}_of", lang, label=i18n.t(field, lang))
        expect(main.get_by_role("button", name=name, exact=True)).to_have_count(1)
    names = _BUTTON.findall(main.aria_snapshot())
    assert len(names) == len(set(names)), sorted(names)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_quarter_sliders_handles_each_have_one_name(page: Page, server_url: str, lang: str) -> None:
    """Each handle of the quarter slider was read as "季度范围：起点 季度范围" (Streamlit names it by itself and then by
    its group again); now 季度范围：起点 and 季度范围：终点, and the group 季度范围 once."""
    page.goto(f"{server_url}/?lang={lang}")
    wait_for_charts(page, 4)
    sidebar = page.get_by_test_id("stSidebar")
    label = i18n.t("sidebar.quarters", lang)
    for end in ("start", "end"):
        name = i18n.t(f"streamlit.range_{end}", lang, label=label)
        expect(sidebar.get_by_role("slider", name=name, exact=True)).to_have_count(1)
    expect(sidebar.get_by_role("slider")).to_have_count(2)
