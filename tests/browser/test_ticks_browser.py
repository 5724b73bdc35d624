"""The quarters' ticks as drawn on a phone: no tick's line runs into its neighbour's on the same line (the heatmap of
2019 Q1–2020 Q4 read "Q1Q2Q3Q4" at 390 px, zh and en), none smaller than 12 px, on a page opened at 390 px and on
one narrowed to 390 px from a desktop's width (``oversight.charts.ticks``, ``assets/chart_view.js``)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import wait_for_charts

pytestmark = pytest.mark.browser

# each chart's x tick lines (tspans) that touch a neighbour's line at the same height (closer than 2 px), and the
# smallest tick type
_TOUCHING = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((plot) => {
  const ticks = Array.from(plot.querySelectorAll('g.xaxislayer-above .xtick text'));
  const boxes = [];
  ticks.forEach((tick, i) => {
    const lines = tick.querySelectorAll('tspan.line');
    for (const line of lines.length ? Array.from(lines) : [tick]) {
      const r = line.getBoundingClientRect();
      if (r.width > 0) boxes.push({ i, x0: r.left, x1: r.right, y0: r.top, y1: r.bottom });
    }
  });
  let touching = 0;
  for (const a of boxes)
    for (const b of boxes)
      if (a.i < b.i && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 0.5 * Math.min(a.y1 - a.y0, b.y1 - b.y0)
          && a.x0 < b.x1 + 2 && b.x0 < a.x1 + 2) touching++;
  const sizes = ticks.filter((t) => t.textContent).map((t) => parseFloat(getComputedStyle(t).fontSize));
  return { touching, least: Math.min(...sizes), shown: ticks.filter((t) => t.textContent).length };
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
        # the heatmap (the page's fourth chart) redrawn with every second quarter's tick
        page.wait_for_function(f"() => ({_TOUCHING})()[3].shown === 4", timeout=20_000)
        narrowed = page.evaluate(_TOUCHING)
        page.goto(f"{server_url}/meetings?from=2019Q1&to=2020Q4&lang={lang}")
        wait_for_charts(page, 4)
        # opened at 390 px: waited for as the narrowed page was, not for a fixed 0.5 s (the ticks are picked for the
        # column's width once the chart is drawn, later on a loaded machine)
        page.wait_for_function(f"() => ({_TOUCHING})()[3].shown === 4", timeout=20_000)
        opened = page.evaluate(_TOUCHING)
        for charts in (narrowed, opened):
            assert [chart["touching"] for chart in charts] == [0, 0, 0, 0]
            assert min(chart["least"] for chart in charts) >= 12
    finally:
        context.close()
