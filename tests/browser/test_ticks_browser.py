"""The quarters' ticks as drawn on a phone: no tick's line runs into its neighbour's on the same line (the heatmap of
2019 Q1–2020 Q4 read "Q1Q2Q3Q4" at 390 px, zh and en), none smaller than 12 px, on a page opened at 390 px and on
one narrowed to 390 px from a desktop's width (``oversight.charts.ticks``, ``assets/chart_view.js``); and across a
year's boundary with data to 20 March 2021, no remark beside a year on its row (Q2's — beside 2021年 read "2021年 —")
and no tick line cut off under the chart."""

from __future__ import annotations

import pytest

from tests.browser.conftest import start_server, stop_server
from tests.browser.helpers import wait_for_charts, wait_for_charts_redrawn

pytestmark = pytest.mark.browser

# each chart's x tick lines (tspans) that touch a neighbour's line at the same height (closer than 2 px), and the
# smallest tick type; a row left blank (a no-break space under a quarter without a year) is no text; ``beside``: a
# year and another tick's remark on one row with no tick's text between them (2021年 —), ``cut``: lines under the
# picture's edge
_TOUCHING = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((plot) => {
  const ticks = Array.from(plot.querySelectorAll('g.xaxislayer-above .xtick text'));
  const edge = plot.querySelector('svg.main-svg').getBoundingClientRect().bottom;
  const boxes = [];
  ticks.forEach((tick, i) => {
    const lines = tick.querySelectorAll('tspan.line');
    for (const line of lines.length ? Array.from(lines) : [tick]) {
      const r = line.getBoundingClientRect();
      const text = line.textContent.trim();
      if (r.width > 0 && text) boxes.push({ i, text, x0: r.left, x1: r.right, y0: r.top, y1: r.bottom });
    }
  });
  const row = (a, b) => Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 0.5 * Math.min(a.y1 - a.y0, b.y1 - b.y0);
  const year = (text) => /^\\d{4}年?$/.test(text);
  const remark = (text) => !year(text) && !/^Q[1-4]$/.test(text);
  let touching = 0;
  const beside = [];
  for (const a of boxes)
    for (const b of boxes) {
      if (a.i < b.i && row(a, b) && a.x0 < b.x1 + 2 && b.x0 < a.x1 + 2) touching++;
      if (a.i < b.i && row(a, b) && ((year(a.text) && remark(b.text)) || (remark(a.text) && year(b.text)))
          && !boxes.some((c) => c.i > a.i && c.i < b.i && row(a, c)))
        beside.push(a.text + ' ' + b.text);
    }
  const sizes = ticks.filter((t) => t.textContent).map((t) => parseFloat(getComputedStyle(t).fontSize));
  const cut = boxes.filter((box) => box.y1 > edge + 0.5).map((box) => box.text);
  return { touching, beside, cut, least: Math.min(...sizes), shown: ticks.filter((t) => t.textContent).length };
})"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_quarter_ticks_touch_on_a_phone(browser, server_url, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server_url}/meetings?from=2019Q1&to=2020Q4&lang={lang}")
        wait_for_charts(page, 4)
        wide = page.evaluate(_TOUCHING)
        assert [chart["shown"] for chart in wide] == [8, 8, 8, 8]  # every quarter named where there is room
        page.set_viewport_size({"width": 390, "height": 844})
        # the heatmap (the page's fourth chart) redrawn with every second quarter's tick in Chinese; in English its
        # unit names' margin is narrower (measured widths: "Counsellors' Office" draws 104.5 px, not the 132 once
        # reckoned), leaving each "Q2" (15.6 px) 21 px, room for all eight
        shown = {"zh": 4, "en": 8}[lang]
        wait_for_charts_redrawn(page)
        page.wait_for_function(f"() => ({_TOUCHING})()[3].shown === {shown}", timeout=20_000)
        narrowed = page.evaluate(_TOUCHING)
        page.goto(f"{server_url}/meetings?from=2019Q1&to=2020Q4&lang={lang}")
        wait_for_charts(page, 4)
        # opened at 390 px: waited for as the narrowed page was, not for a fixed 0.5 s (the ticks are picked for the
        # column's width once the chart is drawn, later on a loaded machine)
        wait_for_charts_redrawn(page)
        page.wait_for_function(f"() => ({_TOUCHING})()[3].shown === {shown}", timeout=20_000)
        opened = page.evaluate(_TOUCHING)
        for charts in (narrowed, opened):
            assert [chart["touching"] for chart in charts] == [0, 0, 0, 0]
            assert min(chart["least"] for chart in charts) >= 12
    finally:
        context.close()


@pytest.fixture(scope="module")
def next_year_server(tmp_path_factory):
    """The sample with one issue raised on 20 March 2021 appended (the data date moves into 2021's first quarter)."""
    import shutil
    from datetime import date

    from oversight.data import store
    from oversight.ingest import commit
    from tests.bad_files import HEADERS, issue, write_xlsx

    root = tmp_path_factory.mktemp("ticks-2021")
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, root / "data", ignore=shutil.ignore_patterns(".*"))
    upload = write_xlsx(
        root / "WT2021-901.xlsx", {"问题": [HEADERS["issues"], issue("WT2021-901", raised=date(2021, 3, 20))]}
    )
    commit.import_files(upload, "issues", "append", folder, user="clerk")
    process, url = start_server(data_dir=folder, env_extra={"OVERSIGHT_AUDIT_LOG": str(root / "audit.jsonl")})
    yield url
    stop_server(process)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_quarter_not_begun_never_reads_with_the_new_years_number(browser, next_year_server, lang):
    """Data to 20 March 2021 over 2019 Q1–2021 Q2 on the Overview: Q1 / 2021年 / （截至 / 3月20日） stood beside
    Q2 / —, the dash on 2021年's row ("2021年 —", 2021 onwards). At a phone's and a desktop's width no year has a
    remark beside it on its row, no two ticks' lines touch and none is cut off under the chart."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{next_year_server}/?from=2019Q1&to=2021Q2&lang={lang}")
            wait_for_charts(page, 4)
            page.wait_for_function(
                "() => [...document.querySelectorAll('.js-plotly-plot')]"
                ".every(plot => plot._fullLayout && Math.abs(plot.clientWidth - plot._fullLayout.width) < 1)",
                timeout=20_000,
            )
            charts = page.evaluate(_TOUCHING)
            assert max(chart["shown"] for chart in charts) >= 5, (width, charts)  # the quarters' chart has its ticks
            assert [(chart["touching"], chart["beside"], chart["cut"]) for chart in charts] == [(0, [], [])] * len(
                charts
            ), (width, charts)
    finally:
        context.close()


# a heatmap's counts in its cells: the type of each one written
_CELLS = """() => Array.from(document.querySelectorAll('g.heatmap-label text')).filter((t) => t.textContent.trim())
  .map((t) => parseFloat(getComputedStyle(t).fontSize))"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_heatmaps_counts_on_a_phone_are_written_at_the_least_text_or_not_at_all(browser, next_year_server, lang):
    """Nine quarters, 2019 Q1–2021 Q1, on a phone: Plotly fitted the meetings heatmap's counts to cells a ninth of the
    room beside the Chinese units' names, at 10 px (12 px is the least text on screen); 12, 10 and 11 read as one
    number along a row. Opened at 390 px and narrowed to it from a desktop's width (``oversight.charts.labels``,
    ``assets/chart_view.js``); on the desktop every count is written."""
    address = f"{next_year_server}/meetings?from=2019Q1&to=2021Q1&lang={lang}"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(address)
        wait_for_charts(page, 4)
        page.wait_for_function(f"() => ({_CELLS})().length === {9 * 9}", timeout=20_000)
        assert min(page.evaluate(_CELLS)) >= 12
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_function(f"() => ({_TOUCHING})()[3].shown < 9", timeout=20_000)  # redrawn for the phone
        narrowed = page.evaluate(_CELLS)
        page.goto(address)
        wait_for_charts(page, 4)
        page.wait_for_function(f"() => ({_TOUCHING})()[3].shown < 9", timeout=20_000)
        opened = page.evaluate(_CELLS)
        assert all(size >= 12 for size in narrowed + opened), (narrowed, opened)
    finally:
        context.close()
