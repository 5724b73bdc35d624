"""The PDF's page as Chromium lays it out for print: every copy of the watermark (a picture of its turned lines) lies
wholly inside the page's text area (a copy running past the edge was cut into a stray "2.0" on every page), however
long the name."""

from __future__ import annotations

import pytest

from oversight import briefing
from oversight.briefing.html_report import report_html
from oversight.data import queries
from oversight.data.filters import Filter, Quarter
from oversight.export import marking

pytestmark = pytest.mark.browser

# A4 less the report's @page margins (16 mm each side, 18 mm top and foot), in CSS pixels
TEXT_AREA = {"width": round((210 - 32) / 25.4 * 96), "height": round((297 - 36) / 25.4 * 96)}


@pytest.mark.parametrize(
    "viewer, lang",
    [
        ("bench", "en"),
        (None, "zh"),
        (None, "en"),
        ("an-account-name-long-enough-to-fill-a-line-of-its-own", "en"),
        ("驻省政府办公厅纪检监察组综合室负责同志" * 3, "zh"),  # Chinese characters are twice as wide
    ],
)
def test_no_watermark_copy_is_cut_at_the_page_edge(browser, connection, viewer, lang):
    run = lambda name, filter_: queries.run(connection, name, filter_)  # noqa: E731
    made_for = marking.for_viewer(viewer, viewer is None, lang)
    report = briefing.collect_report(run, Filter((), Quarter(2020, 1), Quarter(2020, 4)), lang, [], marking=made_for)
    context = browser.new_context(viewport=TEXT_AREA)
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        page.set_content(report_html(report))
        area, copies = page.evaluate(
            """() => {
                const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
                const mark = document.querySelector('.watermark');
                // each copy as drawn: its picture, turned already and cropped to its letters (a copy's box around
                // it is the unturned lines' place)
                return [box(mark), [...mark.querySelectorAll(':scope > span > img')].map(box)];
            }"""
        )
    finally:
        context.close()
    assert len(copies) == 5
    left, top, right, bottom = area
    for x0, y0, x1, y1 in copies:  # the turned picture's bounding box
        assert left <= x0 and x1 <= right and top <= y0 and y1 <= bottom, (area, (x0, y0, x1, y1))


# names as long as real units' (README's 省人民政府国有资产…服务中心): wider than the report's 单位 column
_LONG_NAMES = {
    "zh": ("name_zh", "省人民政府国有资产监督管理委员会机关服务中心"),
    "en": ("short_name_en", "State-owned Assets Supervision and Administration Commission Service Centre"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_table_cell_is_overrun_and_a_name_that_fits_is_never_broken(browser, frames, lang):
    """Chinese names were kept whole with white-space: nowrap: a 22-character name in the overdue table ran over
    the description beside it in the printed PDF."""
    from oversight.data import store

    column, long_name = _LONG_NAMES[lang]
    units = frames["units"].copy()
    units.loc[units["unit_id"] == "foreign_affairs", column] = long_name  # it has an overdue issue in 2020
    connection = store.connect({**frames, "units": units})
    run = lambda name, filter_: queries.run(connection, name, filter_)  # noqa: E731
    report = briefing.collect_report(run, Filter((), Quarter(2020, 1), Quarter(2020, 4)), lang, [])
    context = browser.new_context(viewport=TEXT_AREA)
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        page.set_content(report_html(report))
        cells, names = page.evaluate(
            """() => {
                const right = (e) => e.getBoundingClientRect().right;
                const cells = [...document.querySelectorAll('td')];
                const overrun = cells.filter((cell) => [...cell.querySelectorAll('*')].some(
                    (inner) => right(inner) > right(cell) + 0.5)).map((cell) => cell.textContent);
                const names = [...document.querySelectorAll('.name')].map((name) => {
                    const style = getComputedStyle(name);
                    return [name.textContent, name.getClientRects().length,
                            Math.round(name.getBoundingClientRect().height / parseFloat(style.lineHeight))];
                });
                return [{count: cells.length, overrun: overrun, text: cells.map((c) => c.textContent).join(' ')}, names];
            }"""
        )
    finally:
        context.close()
    assert long_name in cells["text"] and cells["overrun"] == []
    if lang == "zh":  # Chinese keeps names whole; English breaks them at spaces as any text
        assert {name for name, _, _ in names} >= {long_name, "省政府研究室"}
        # every name narrower than its cell on one line, as before: every name but the long one
        assert [entry for entry in names if entry[0] != long_name and entry[1:] != [1, 1]] == []
