"""Every reading page at 1280, 1440 and 390 px, in Chinese and English, measured as drawn:
no KPI value or label cut, no legend over a chart's title, no bar a sliver, no sideways scroll of the page.
Screenshots land in test-output/browser/layout/ to be looked at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_exception, wait_for_charts, wait_for_charts_redrawn

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1280, 800), "wide": (1440, 900), "phone": (390, 844)}
# screenshot name: (address, charts drawn)
PAGES = {
    "overview": ("?", 4),
    "meetings": ("meetings?", 4),
    # one quarter: the meetings card says 环比 under its figure
    "meetings_quarter": ("meetings?from=2020Q2&to=2020Q2&", 4),
    "issues": ("issues?", 3),
    "suggestions": ("suggestions?", 4),
    # one unit, one quarter, nothing a year earlier: a change in words ("no suggestions a year earlier") on three of
    # four cards in a row, cut to "no suggestions a year e…" at 1280 px
    "suggestions_unit_quarter": ("suggestions?unit=chronicles&from=2020Q3&to=2020Q3&", 4),
    "reminders": ("reminders?", 4),
    "unit_profile": ("unit_profile?", 2),
    # four units side by side, with the longest English names: each column's cards level with its neighbours'
    "unit_compare": ("unit_profile?unit=data_admin&unit=chronicles&unit=foreign_affairs&unit=counsellors&", 1),
    "briefing": ("briefing?", 0),
}

# What a person would see as broken, measured in the page itself.
_MEASURE = """(phone) => {
  const cut = [];
  // on a phone a label or a change may wrap onto two lines; the value itself is never cut anywhere, nor what the
  // change compares with (同比 was cut to "同…" beside a long change on a 1280 px card)
  const parts = phone ? '[data-testid="stMetricValue"], [data-testid="stMetricDeltaDescription"]'
                      : '[data-testid="stMetricValue"], [data-testid="stMetricLabel"], [data-testid="stMetricDelta"], '
                        + '[data-testid="stMetricDeltaDescription"]';
  const ellipsed = node => {  // "…" drawn over text that is a fraction of a pixel too wide (scrollWidth rounds it away)
    if (getComputedStyle(node).textOverflow !== 'ellipsis') return false;
    const text = document.createRange();
    text.selectNodeContents(node);
    return text.getBoundingClientRect().width > node.getBoundingClientRect().width + 0.05;
  };
  for (const el of document.querySelectorAll(parts)) {
    for (const node of [el, ...el.querySelectorAll('*')]) {
      if ((node.scrollWidth > node.clientWidth + 1 && getComputedStyle(node).overflow !== 'visible') || ellipsed(node)) {
        cut.push(el.innerText.trim()); break;
      }
    }
  }
  const overlaps = [];
  const slivers = [];
  const titles_cut = [];
  const labels_cut = [];
  const titles_low = [];
  const centre_over_ring = [];
  const TITLE_TOP_MOST = 16;
  const ticks_overlap = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const title = plot.querySelector('.gtitle');
    const legend = plot.querySelector('.legend');
    const paper = plot.querySelector('.main-svg');
    // SVG text does not wrap: a title wider than its chart is cut at the card's edge
    if (title && paper && title.getBoundingClientRect().right > paper.getBoundingClientRect().right + 1)
      titles_cut.push(title.textContent);
    // a title's first line the same few pixels below its chart's top, of one line or three (a three-line title
    // once started 36 px lower than its neighbour's)
    if (title && paper && title.getBoundingClientRect().top - paper.getBoundingClientRect().top > TITLE_TOP_MOST)
      titles_low.push(title.textContent + ': ' + Math.round(title.getBoundingClientRect().top - paper.getBoundingClientRect().top));
    // a donut's words in its hole, never over its ring (意见建议总数 ran over the red slice on a phone)
    const slices = [...plot.querySelectorAll('.pielayer path.surface')].map(s => s.getBoundingClientRect())
      .filter(b => b.width);
    const hole = plot.data && plot.data[0] && plot.data[0].hole;
    if (slices.length && hole) {
      const across = Math.max(...slices.map(b => b.right)) - Math.min(...slices.map(b => b.left));
      for (const note of plot.querySelectorAll('.annotation-text-g')) {
        const width = note.getBoundingClientRect().width;
        if (width > across * hole) centre_over_ring.push(
          (title && title.textContent) + ': ' + Math.round(width) + ' px in a hole of ' + Math.round(across * hole));
      }
    }
    // and so is any other text: a donut's outside label, a tick, a legend entry
    const edge = paper && paper.getBoundingClientRect();
    for (const text of (edge ? plot.querySelectorAll('.main-svg text') : [])) {
      const box = text.getBoundingClientRect();
      if (box.width && (box.left < edge.left - 1 || box.right > edge.right + 1 || box.top < edge.top - 1 ||
                        box.bottom > edge.bottom + 1)) labels_cut.push(text.textContent);
    }
    // ticks of one axis side by side, never one over another (whole quarter labels in a phone's heatmap cells)
    for (const layer of plot.querySelectorAll('.xaxislayer-above, .yaxislayer-above')) {
      const ticks = [...layer.querySelectorAll('text')].filter(t => t.getBoundingClientRect().width);
      const clash = ticks.some((t, i) => ticks.slice(i + 1).some(u => {
        const a = t.getBoundingClientRect(), b = u.getBoundingClientRect();
        return a.right > b.left + 1 && b.right > a.left + 1 && a.bottom > b.top + 1 && b.bottom > a.top + 1;
      }));
      if (clash) ticks_overlap.push((title && title.textContent) + ': ' + ticks.map(t => t.textContent).join(' | '));
    }
    if (title && legend) {
      const a = title.getBoundingClientRect(), b = legend.getBoundingClientRect();
      if (a.right > b.left && b.right > a.left && a.bottom > b.top && b.bottom > a.top) overlaps.push(title.textContent);
    }
    const area = plot.querySelector('.cartesianlayer .bg, .nsewdrag');
    const width = area ? area.getBoundingClientRect().width : 0;
    if (area && plot.querySelector('.barlayer') && width < 80) slivers.push((title && title.textContent) + ': ' + width);
  }
  // a key figure's line under it (环比 …, 全部单位平均 …) inside the figure's own border: below it, on a phone, it
  // stood between two rows of cards
  const lines_outside = [];
  for (const column of document.querySelectorAll('[data-testid="stColumn"]')) {
    if (!column.querySelector('[data-testid="stMetric"]')) continue;
    for (const line of column.querySelectorAll('[data-testid="stCaptionContainer"]')) {
      if (line.closest('[data-testid="stMetric"]')) continue;  // the metric's own 同比
      let box = line.parentElement;
      while (box && box !== column && parseFloat(getComputedStyle(box).borderTopWidth) === 0) box = box.parentElement;
      if (!box || box === column || !box.querySelector('[data-testid="stMetric"]')) lines_outside.push(line.innerText.trim());
    }
  }
  // every multiselect's chips (the briefing's chart chooser, the units): every chart's and unit's whole name shown,
  // none cut to "各单位会商、专…" or "General Office of th…", or hidden below the box's edge
  const chips_cut = [];
  for (const name of document.querySelectorAll('[data-testid="stMultiSelect"] span[data-tag] > span[title]')) {
    const text = document.createRange();
    text.selectNodeContents(name);
    const words = text.getBoundingClientRect(), box = name.getBoundingClientRect();
    let shown = name.parentElement.getBoundingClientRect();
    for (let n = name.parentElement; n && !n.matches('[data-testid="stMultiSelect"]'); n = n.parentElement) {
      if (getComputedStyle(n).overflowY !== 'visible') {
        const clip = n.getBoundingClientRect();
        if (shown.bottom > clip.bottom + 1 || shown.top < clip.top - 1) { chips_cut.push(name.title + ' (hidden)'); break; }
      }
    }
    if (words.width > box.width + 0.5 || words.height > box.height + 1) chips_cut.push(name.title);
  }
  // the cards of one row one height, the bordered box of each (the metric, or the box round it and its line): at
  // 390 px in English "year on year" wrapped under the change on five cards of six, 105 px beside 84 px
  const ragged = [];
  const blocks = [], lines = new Map();  // a line of cards: its block of columns and its top
  for (const metric of document.querySelectorAll('[data-testid="stMetric"]')) {
    let card = metric;
    while (card && !card.matches('[data-testid="stColumn"]') && !parseFloat(getComputedStyle(card).borderTopWidth))
      card = card.parentElement;
    const box = (card && !card.matches('[data-testid="stColumn"]') ? card : metric).getBoundingClientRect();
    if (!box.height) continue;
    const block = metric.closest('[data-testid="stHorizontalBlock"]');
    if (!blocks.includes(block)) blocks.push(block);
    const key = blocks.indexOf(block) + ':' + Math.round(box.top);
    const column = metric.closest('[data-testid="stColumn"]');
    // the room left under the box, in a column of one card (the profile's columns stack six)
    const alone = column && column.querySelectorAll('[data-testid="stMetric"]').length === 1;
    const below = alone ? column.getBoundingClientRect().bottom - box.bottom : 0;
    lines.set(key, [...(lines.get(key) || []), [box.height, metric.innerText.split('\\n')[0], below,
                                                Boolean(column && column.querySelector('[data-testid="stButton"]'))]]);
  }
  for (const cards of lines.values()) {
    const heights = cards.map(([height]) => height);
    if (cards.length > 1 && Math.max(...heights) - Math.min(...heights) > 1)
      ragged.push(cards.map(([height, label]) => label + ' ' + Math.round(height)).join(', '));
    // and a line with no 查看清单 button keeps no empty room for one under its boxes
    if (!cards.some(card => card[3]) && cards.some(card => card[2] > 1))
      ragged.push(cards.map(([, label, below]) => label + ' ' + Math.round(below) + ' px empty under it').join(', '));
  }
  const page = document.querySelector('[data-testid="stMain"]') || document.documentElement;
  return {cut, overlaps, slivers, titles_cut, labels_cut, titles_low, centre_over_ring, ticks_overlap, lines_outside, chips_cut, ragged,
          sideways: document.documentElement.scrollWidth > window.innerWidth + 1 || page.scrollWidth > page.clientWidth + 1};
}"""


# A trace that pushes the margins out (a donut's outside labels did, with automargin) makes Plotly lay its chart out
# again and again on every draw (six passes, 30–40 ms a draw at a card's width against 4–10 ms): the charts whose
# layout a trace pushed, by title.
_PUSHED_MARGINS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter(plot => Object.keys((plot._fullLayout || {})._pushmargin || {}).some(key => key.endsWith('.automargin')))
  .map(plot => (plot.querySelector('.gtitle') || {}).textContent)"""


# The marking sits in Streamlit's header band, which must be as opaque as the page, so that what scrolls beneath
# is covered rather than drawn through; and beside each other, units' columns start their cards level.
_MARKING_OVER_PAGE = """() => {
  const marking = document.querySelector('.oversight-marking');
  const header = document.querySelector('header[data-testid="stHeader"]');
  if (!marking || !header) return 'missing';
  const m = marking.getBoundingClientRect(), h = header.getBoundingClientRect();
  const band = getComputedStyle(header).backgroundColor;
  const page = getComputedStyle(document.querySelector('.stApp')).backgroundColor;
  const problems = [];
  if (m.top < h.top || m.bottom > h.bottom) problems.push('outside the header band');
  if (band !== page) problems.push('band ' + band + ' is not the page ' + page);
  const firsts = [...document.querySelectorAll('div[class*="st-key-profile_column_"]')].map(
    column => Math.round(column.querySelector('[data-testid="stMetric"]').getBoundingClientRect().top));
  if (new Set(firsts).size > 1 && window.innerWidth > 640) problems.push('columns not level: ' + firsts);
  return problems.join('; ');
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", list(WIDTHS))
def test_every_page_reads_right_at_this_width(browser, server_url, output_dir, size, lang):
    width, height = WIDTHS[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    folder = output_dir / "layout"
    folder.mkdir(exist_ok=True)
    problems = {}
    try:
        for name, (address, charts) in PAGES.items():
            page.goto(f"{server_url}/{address}lang={lang}")
            wait_for_charts(page, charts)
            assert_no_exception(page)
            found = page.evaluate(_MEASURE, size == "phone")
            found["laid_out_again"] = page.evaluate(_PUSHED_MARGINS)
            # scrolled down, the page passes beneath the marking, which must stay above it
            page.mouse.move(width // 2, height // 2)
            page.mouse.wheel(0, 700)
            page.wait_for_timeout(300)
            found["marking_over_page"] = page.evaluate(_MARKING_OVER_PAGE)
            # Streamlit scrolls inside its own container, so a tall window is what shows the whole page
            page.set_viewport_size({"width": width, "height": 3400})
            page.screenshot(path=folder / f"{name}_{size}_{lang}.png")
            page.set_viewport_size({"width": width, "height": height})
            bad = {key: value for key, value in found.items() if value}
            if bad:
                problems[name] = bad
        if size == "phone":  # the sidebar starts closed on a phone, and the cards sit two to a row
            page.goto(f"{server_url}/?lang={lang}")
            wait_for_charts(page, 4)
            box = page.locator('section[data-testid="stSidebar"]').bounding_box()
            assert box is None or box["x"] + box["width"] <= 1 or box["width"] < 5, box  # off-screen, not over the page
            tops = [
                round(box["y"]) for box in (m.bounding_box() for m in page.locator('[data-testid="stMetric"]').all())
            ]
            assert len(set(tops)) == 3, tops  # six cards, three rows of two
            # a compact grid: the six cards, with the page head above them, fit the first screen
            cards = [m.bounding_box() for m in page.locator('[data-testid="stMetric"]').all()]
            assert max(box["y"] + box["height"] for box in cards) <= height, cards
            assert max(box["height"] for box in cards) < 110, cards
    finally:
        context.close()
    assert problems == {}


def test_printing_the_overview_hides_the_controls_and_keeps_the_cards_in_a_row(browser, server_url, output_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(server_url)
        wait_for_charts(page, 4)
        page.emulate_media(media="print")
        assert not page.locator('section[data-testid="stSidebar"]').is_visible()
        assert page.locator('[data-testid="stPopover"]').first.is_hidden()
        values = page.locator('[data-testid="stMetricValue"]').all()
        heights = {round(v.bounding_box()["height"]) for v in values}
        assert max(heights) < 60, heights  # one line each, never a character per line
        # a chart redrawn for print is no wider than A4 holds (190 mm = 718 px): drawn at the window's 1210 px it
        # was cut at the paper's edge, its last quarters and the ends of its bars gone
        wait_for_charts_redrawn(page)  # Streamlit redraws a chart whose box changed
        widths = page.evaluate(
            "[...document.querySelectorAll('.js-plotly-plot')].map(e => e.getBoundingClientRect().width)"
        )
        assert len(widths) == 4 and max(widths) <= 190 / 25.4 * 96, widths
        page.pdf(path=output_dir / "overview_print.pdf")
    finally:
        context.close()


# Each chart's drawn picture against its card, as laid out for paper: how far its SVG runs past the card's right edge.
_CHARTS_PAST_THEIR_CARDS = """() => [...document.querySelectorAll('.oversight-chart')].map(plot => {
  const card = plot.closest('[data-testid="stElementContainer"]') || plot.parentElement;
  const svg = plot.querySelector('svg.main-svg');
  return Math.round(svg.getBoundingClientRect().right - card.getBoundingClientRect().right);
})"""


def test_a_page_printed_without_its_charts_redrawn_keeps_them_whole(browser, server_url, output_dir):
    """Review of 5 Dec: Ctrl+P (and a headless page.pdf()) lays a wide window's page out for A4 and prints it without
    the charts' redraw at the paper's width: drawn at 690 px they ran 390 px past their cards and were cut at the
    paper's edge. Each chart's picture is now scaled to its card as printed."""
    context = browser.new_context(viewport={"width": 1920, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(server_url)
        wait_for_charts(page, 4)
        drawn = page.evaluate("[...document.querySelectorAll('.oversight-chart')].map(p => p._fullLayout.width)")
        assert min(drawn) > 500, drawn  # drawn for the wide window
        # as printing does it: no redraw at the paper's width (each chart's resize watch stopped)
        page.evaluate("document.querySelectorAll('.oversight-chart').forEach(p => p.oversightResizing.disconnect())")
        page.emulate_media(media="print")
        assert page.evaluate(_CHARTS_PAST_THEIR_CARDS) == [0] * len(drawn)
        page.pdf(path=output_dir / "overview_print_not_redrawn.pdf", format="A4")
    finally:
        context.close()


def test_a_dark_page_prints_on_white_with_the_marking_once(browser, server_url, output_dir):
    """From the dark theme, printing gave black pages with light words (background graphics off, as the browser's
    print dialog leaves them), and the marking, fixed to the window, lay over the table rows of every page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(f"{server_url}/issues")
        wait_for_charts(page, 3)
        assert page.evaluate("document.documentElement.dataset.oversightScheme") == "dark"
        page.emulate_media(media="print")
        looks = page.evaluate(
            """() => ({
              app: getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor,
              title: getComputedStyle(document.querySelector('h1')).color,
              figure: getComputedStyle(document.querySelector('[data-testid="stMetricValue"]')).color,
              marking: getComputedStyle(document.querySelector('.oversight-marking')).position,
            })"""
        )
        assert looks == {
            "app": "rgb(255, 255, 255)",
            "title": "rgb(31, 41, 51)",
            "figure": "rgb(31, 41, 51)",
            "marking": "static",  # not fixed (over every page's rows): once, on its own line above the title
        }
        page.pdf(path=output_dir / "issues_print_dark.pdf", print_background=False)
    finally:
        context.close()


def test_a_touch_screen_shows_no_chart_toolbar_over_the_titles(browser, server_url):
    """On a touch tablet (no hover) Plotly showed its toolbar on every chart, over its title."""
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{server_url}/?lang=en")
        wait_for_charts(page, 4)
        shown = page.evaluate(
            "[...document.querySelectorAll('.modebar-container')].filter(e => getComputedStyle(e).display !== 'none')"
            ".length"
        )
        assert shown == 0 and page.locator(".modebar-container").count() > 0
    finally:
        context.close()


@pytest.mark.parametrize(
    ("lang", "select_all", "nothing_left"), [("zh", "全选", "没有可选项"), ("en", "Select all", "No options left")]
)
def test_the_multiselects_own_words_are_in_the_pages_language(browser, server_url, lang, select_all, nothing_left):
    """Streamlit writes "Select all" and "No results" in English whatever the page's language (a leader saw both
    in the Chinese sidebar and briefing page): the page's words stand in their place."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{server_url}/?lang={lang}")
        wait_for_charts(page, 4)
        page.locator("section[data-testid='stSidebar'] [data-testid='stMultiSelect'] input").first.click()
        item = page.locator("[data-key='__select_all__'] [data-item-hl]")
        item.wait_for()
        assert item.evaluate("e => getComputedStyle(e, '::after').content") == f'"{select_all}"'
        assert item.evaluate("e => getComputedStyle(e).fontSize") == "0px"  # Streamlit's own word, not shown
        page.keyboard.press("Escape")
        page.goto(f"{server_url}/briefing?lang={lang}")
        wait_for_charts(page, 0)
        page.locator(f".st-key-widget-briefing_charts-issues-{lang} input").first.click()  # every chart chosen already
        empty = page.locator(
            "[data-testid='stMultiSelectDropdown'] [role='listbox'][data-empty='true'] [role='option'] span"
        )
        empty.wait_for()
        assert empty.evaluate("e => getComputedStyle(e, '::after').content") == f'"{nothing_left}"'
        assert empty.evaluate("e => getComputedStyle(e).fontSize") == "0px"
    finally:
        page.close()


_TITLE_LINES = """(title) => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')].find(
    p => p._fullLayout && p._fullLayout.title.text.replace(/<br>/g, '').replace(/\\s/g, '') === title);
  if (!plot) return null;
  const drawn = plot.querySelector('.gtitle');
  const box = drawn.getBoundingClientRect(), card = plot.getBoundingClientRect();
  return {lines: plot._fullLayout.title.text.split('<br>').length, inside: box.right <= card.right + 1};
}"""


def test_a_charts_title_takes_the_lines_its_column_needs(browser, server_url):
    """At 1440 px the meeting shares chart kept a phone's two title lines across a 450 px card: one line where the
    column holds it whole, two on a phone, and back to two when the window narrows to a phone's."""
    title = "议题提前报送审核、纪检监察组列席、合并召开占比"
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server_url}/meetings?lang=zh")
        wait_for_charts(page, 4)
        page.wait_for_function(f"() => ({_TITLE_LINES})({title!r}) !== null")
        assert page.evaluate(_TITLE_LINES, title) == {"lines": 1, "inside": True}
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_function(f"() => ({_TITLE_LINES})({title!r}).lines === 2", timeout=20_000)
        assert page.evaluate(_TITLE_LINES, title) == {"lines": 2, "inside": True}
    finally:
        context.close()


# Each reading page but the Overview (its own print test is above): the charts drawn on it, and whether it has tables.
# The table grid is a canvas scrolled inside its card: printed, an English issues list 1,710 px wide lost every column
# past the card's 646 px, and a list of 16 rows its last six.
PRINTED_PAGES = {"meetings": (4, True), "issues": (3, True), "suggestions": (4, True), "reminders": (4, False),
                 "unit_profile": (2, True)}  # fmt: skip
A4_PRINTABLE_PX = 190 / 25.4 * 96  # app.css's print width: A4's 210 mm less the page's margins

# Measured in the page as it is laid out for print: what passes the content's right edge, and each printed table's
# rows beside the count its card's caption gives (the last number: "16 rows", "共16条", "… the latest 10 listed")
_PRINTED = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const style = getComputedStyle(main);
  const right = main.getBoundingClientRect().right - parseFloat(style.paddingRight);
  const past = [];
  for (const node of main.querySelectorAll('.js-plotly-plot, .oversight-print-table, .oversight-print-table td, '
                                           + '[data-testid="stMetric"], [data-testid="stCaptionContainer"]')) {
    const box = node.getBoundingClientRect();
    if (box.width && box.right > right + 1) past.push([node.className || node.dataset.testid, Math.round(box.right)]);
  }
  const tables = [...main.querySelectorAll('.oversight-print-table')].map(table => {
    const card = table.closest('[data-testid="stVerticalBlock"]');
    const captions = [...card.querySelectorAll('[data-testid="stCaptionContainer"]')].map(c => c.innerText);
    const numbers = (captions.join(' ').replace(/,/g, '').match(/\\d+/g) || []).map(Number);
    return {rows: table.querySelectorAll('tbody tr').length, said: numbers.length ? numbers[numbers.length - 1] : null,
            columns: table.querySelectorAll('thead th').length, wide: table.scrollWidth > table.clientWidth + 1};
  });
  const grids = [...main.querySelectorAll('[data-testid="stDataFrame"]')].filter(g => g.getBoundingClientRect().width);
  // the marking and the page's title: "Reminders and consultations" printed under the marking's box
  const marking = document.querySelector('.oversight-marking'), title = main.querySelector('h1');
  const [m, t] = [marking, title].map(node => node && node.getBoundingClientRect());
  const overlap = Boolean(m && t && m.left < t.right && t.left < m.right && m.top < t.bottom && t.top < m.bottom);
  return {width: Math.round(main.getBoundingClientRect().width), right: Math.round(right), past, tables,
          grids: grids.length, marking_over_title: overlap, marked: Boolean(m && m.width)};
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_printing_a_page_keeps_every_chart_and_every_tables_columns_and_rows_on_the_paper(
    browser, server_url, output_dir, lang
):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    problems = {}
    try:
        for name, (charts, has_tables) in PRINTED_PAGES.items():
            page.goto(f"{server_url}/{name}?lang={lang}")
            wait_for_charts(page, charts)
            assert_no_exception(page)
            page.emulate_media(media="print")
            wait_for_charts_redrawn(page)  # Streamlit redraws a chart whose box changed
            printed = page.evaluate(_PRINTED)
            assert printed["width"] <= A4_PRINTABLE_PX + 1, printed["width"]
            assert bool(printed["tables"]) == has_tables, name  # the tables printed as tables of their own …
            assert printed["grids"] == 0, name  # … not as the grid's canvas, scrolled as the screen left it
            wrong = [table for table in printed["tables"] if table["rows"] != table["said"] or table["wide"]]
            if printed["past"] or wrong or printed["marking_over_title"] or not printed["marked"]:
                problems[name] = {
                    "past the paper's edge": printed["past"],
                    "tables": wrong,
                    "marking over the title": printed["marking_over_title"],
                    "marked": printed["marked"],
                }
            page.pdf(path=output_dir / f"print_{name}_{lang}.pdf", format="A4")
            page.emulate_media(media="screen")
            if has_tables:  # and on screen the grid, not the printed table beside it
                expect(page.locator(".oversight-print-table").first).to_be_hidden()
                expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    finally:
        context.close()
    assert problems == {}


# A word no line can break: a URL pasted into 问题描述, a long English word (60 characters in all)
UNBROKEN = {
    "WT2020-024": "详见https://oa.example.gov.cn/supervision/issues/2020/0914/rectification-plan-final.pdf",
    "WT2020-027": "Counterrevolutionariesinternationalisationsuperconductivityx 会议过多",
}


@pytest.fixture(scope="module")
def unbroken_server(tmp_path_factory):
    """The sample data with two open issues of 2020 described by a word that does not break."""
    import shutil

    import openpyxl

    from oversight.data import store
    from tests.browser.conftest import start_server, stop_server

    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path_factory.mktemp("unbroken") / "data")
    book = openpyxl.load_workbook(folder / "issues.xlsx")
    sheet = book["问题"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in UNBROKEN:
            row[5].value = UNBROKEN[row[0].value]
    book.save(folder / "issues.xlsx")
    private = tmp_path_factory.mktemp("unbroken-conf")
    (private / "users.toml").touch()  # local mode
    process, url = start_server(folder, env_extra={"OVERSIGHT_USERS_FILE": str(private / "users.toml")})
    yield url
    stop_server(process)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_word_that_does_not_break_is_wrapped_on_the_paper(browser, unbroken_server, output_dir, lang):
    """A URL or a 60-character word in 问题描述 kept its column as wide as itself: the printed issues list ran past
    the paper's right edge and lost its last columns (整改状态, 整改期限). Its cell breaks it anywhere; the other
    cells still break between words only."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{unbroken_server}/issues?lang={lang}")
        wait_for_charts(page, PRINTED_PAGES["issues"][0])
        assert_no_exception(page)
        page.emulate_media(media="print")
        wait_for_charts_redrawn(page)  # Streamlit redraws a chart whose box changed
        printed = page.evaluate(_PRINTED)
        shown = page.evaluate(
            "() => [...document.querySelectorAll('.oversight-print-table td')].map(td => td.innerText)"
        )
        assert {"WT2020-024", "WT2020-027"} <= set(shown)  # the two issues are in the printed list
        assert any("rectification-plan-final.pdf" in text.replace("\n", "") for text in shown)
        page.pdf(path=output_dir / f"print_unbroken_{lang}.pdf", format="A4")
        assert printed["width"] <= A4_PRINTABLE_PX + 1, printed["width"]
        assert (printed["past"], [table for table in printed["tables"] if table["wide"]]) == ([], [])
    finally:
        context.close()
