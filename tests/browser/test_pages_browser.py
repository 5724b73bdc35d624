"""Every page in a real browser: charts drawn, a known number, click-to-narrow, the view surviving a reload;
a screenshot of each page lands in test-output/browser/."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_exception, expect_metric, metric_value, wait_for_charts

pytestmark = pytest.mark.browser

# (URL path, nav label, charts drawn, a metric label and its value on the default view)
PAGES = [
    ("meetings", "会议监督", 4, "会议数量", "232次"),
    ("issues", "问题与整改", 3, "指出问题", "16个"),
    ("suggestions", "意见建议", 4, "意见建议", "19条"),
    ("reminders", "日常提醒与会商", 4, "专题研究", "17次"),
    ("unit_profile", "单位画像", 2, "指出问题", "3个"),
]


@pytest.mark.parametrize("path, nav_label, chart_count, label, value", PAGES, ids=[p[0] for p in PAGES])
def test_each_page_draws_its_charts_and_a_known_number(
    page, server_url, output_dir, path, nav_label, chart_count, label, value
):
    page.goto(server_url)
    wait_for_charts(page, 4)
    # arrive the way a leader does: through the translated nav, which carries the filter in its link
    page.get_by_role("link", name=nav_label).click()
    expect(page).to_have_url(re.compile(rf"/{path}\?"))
    wait_for_charts(page, chart_count)
    assert metric_value(page, label) == value
    assert_no_exception(page)
    page.screenshot(path=output_dir / f"page_{path}.png", full_page=True)


def _click_bar(page, chart_title: str, bar_index: int = -1) -> None:
    """Click a bar where a person would: at the middle of its drawn rectangle."""
    chart = page.locator(".js-plotly-plot").filter(has=page.locator(".gtitle", has_text=chart_title))
    bar = chart.locator(".trace.bars .point path").nth(bar_index)
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _count_cards_while_it_changes(page, label: str) -> None:
    """From now on, the page keeps the most cards labelled `label` it ever showed at once (window.__mostCards)."""
    page.evaluate(
        """label => {
          const count = () => [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
            .filter(el => el.innerText.trim() === label).length;
          window.__mostCards = count();
          new MutationObserver(() => { window.__mostCards = Math.max(window.__mostCards, count()); })
            .observe(document.body, {subtree: true, childList: true, characterData: true});
        }""",
        label,
    )


def test_clicking_a_units_bar_narrows_the_dashboard_and_the_chip_clears_it(page, server_url, output_dir):
    page.goto(server_url)
    wait_for_charts(page, 4)
    # the by-unit chart lists the unit with most issues (省政府办公厅, 3) on top: the last bar drawn
    _click_bar(page, "各单位指出问题与意见建议")
    expect(page).to_have_url(re.compile(r"unit=gov_office"), timeout=20_000)
    wait_for_charts(page, 4)
    expect_metric(page, "指出问题", "3个")
    clear = page.get_by_role("button", name=re.compile("清除单位筛选"))
    expect(clear).to_be_visible()
    page.screenshot(path=output_dir / "overview_narrowed.png", full_page=True)
    # the narrowed view follows to another page
    page.get_by_role("link", name="问题与整改").click()
    # the address changes once the server has begun the issues page's run; before, for 0.2-0.5 s at load 35, the
    # Overview's four charts and its 3个 still stood, not running, and passed for the issues page's
    expect(page).to_have_url(re.compile(r"/issues\?unit=gov_office"))
    wait_for_charts(page, 3)
    assert metric_value(page, "指出问题") == "3个"
    _count_cards_while_it_changes(page, "指出问题")
    page.get_by_role("button", name=re.compile("清除单位筛选")).click()
    expect_metric(page, "指出问题", "16个")
    wait_for_charts(page, 3)
    # must not happen: the narrowed card left standing (faded) beside the new one while the page reruns
    assert page.evaluate("window.__mostCards") == 1
    # must not happen: the unit left in the address bar after clearing
    expect(page).not_to_have_url(re.compile(r"unit="))


def test_a_sent_link_to_a_page_opens_the_same_view_after_reload(page, server_url):
    page.goto(f"{server_url}/meetings?unit=gov_office&from=2020Q2&to=2020Q2&lang=en")
    wait_for_charts(page, 4)
    assert metric_value(page, "Meetings") == "2"
    page.reload()
    wait_for_charts(page, 4)
    assert metric_value(page, "Meetings") == "2"
    expect(page).to_have_url(re.compile(r"/meetings\?unit=gov_office&from=2020Q2&to=2020Q2&lang=en"))
    assert_no_exception(page)


@pytest.mark.parametrize(
    "path, nav_label, last_text",
    [
        ("briefing", "简报导出", "生成简报材料"),
        ("data", "数据管理", "下载数据与模板"),
    ],
    ids=["briefing", "data"],
)
def test_pages_without_charts_open_from_the_nav(page, server_url, output_dir, path, nav_label, last_text):
    page.goto(server_url)
    wait_for_charts(page, 4)
    page.get_by_role("link", name=nav_label).click()
    expect(page).to_have_url(re.compile(rf"/{path}\?"))
    expect(page.get_by_text(last_text).last).to_be_visible(timeout=30_000)
    wait_for_charts(page, 0)  # and the script has finished running
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0)
    assert_no_exception(page)
    page.screenshot(path=output_dir / f"page_{path}.png", full_page=True)


def test_the_data_page_says_the_filter_does_not_apply_and_the_overview_keeps_the_view(page, server_url):
    """The data page showed the unit and quarter filters over ledgers they do not cut; now it says so, and a leader
    going back to the Overview finds the units and quarters left there, in the address too."""
    page.goto(f"{server_url}/data?unit=petitions&from=2020Q3&to=2020Q3")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("单位和季度筛选不适用于本页。其他页面仍显示：省信访局，2020年第3季度。")).to_be_visible(
        timeout=30_000
    )
    expect(sidebar.locator("[data-testid='stMultiSelect'], [data-testid='stSlider']")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/data\?unit=petitions&from=2020Q3&to=2020Q3&lang=zh"))
    sidebar.get_by_role("link", name="总览").click()
    expect(page).to_have_url(re.compile(r"/\?unit=petitions&from=2020Q3&to=2020Q3&lang=zh"))
    wait_for_charts(page, 0)  # one unit's quarter: some charts say they have no data instead
    expect(sidebar.get_by_text("省信访局")).to_be_visible()  # the chip
    expect_metric(page, "会议数量", "7次")
    assert_no_exception(page)


@pytest.fixture(scope="module")
def bare_server_url(tmp_path_factory):
    """The app under a bare `streamlit run app.py`: no bundle served, so Streamlit's own st.plotly_chart draws."""
    from tests.browser.conftest import start_server, stop_server

    users = tmp_path_factory.mktemp("bare") / "users.toml"
    users.touch()
    process, url = start_server(env_extra={"OVERSIGHT_USERS_FILE": str(users)}, bare=True)
    yield url
    stop_server(process)


def test_under_a_bare_streamlit_run_streamlit_draws_the_charts_and_a_click_still_narrows(page, bare_server_url):
    page.goto(bare_server_url)
    wait_for_charts(page, 4)
    assert page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").count() == 4
    assert page.locator(".oversight-chart").count() == 0
    _click_bar(page, "各单位指出问题与意见建议")
    expect(page).to_have_url(re.compile(r"unit=gov_office"), timeout=20_000)
    wait_for_charts(page, 4)
    expect_metric(page, "指出问题", "3个")


_DRAWN_WIDTHS = "() => [...document.querySelectorAll('.js-plotly-plot')].map(p => [p.clientWidth, p._fullLayout.width])"


def test_a_chart_is_redrawn_at_its_columns_width_when_the_window_narrows(page, server_url):
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(server_url)
    wait_for_charts(page, 4)
    # waited for, not read once: on a busy machine a chart was still being put in place after the run ended (three
    # plots of 450 px were found, twice in clean-clone runs); a page that never settles fails here by the timeout
    settled = "() => { const p = [...document.querySelectorAll('.js-plotly-plot')]; return p.length === 4 && p.every((c) => c._fullLayout && Math.abs(c.clientWidth - c._fullLayout.width) < 1); }"
    page.wait_for_function(settled, timeout=30_000)
    before = page.evaluate(_DRAWN_WIDTHS)
    assert len(before) == 4 and all(abs(column - drawn) < 1 for column, drawn in before), before
    page.set_viewport_size({"width": 1000, "height": 1000})
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => Math.abs(p.clientWidth - p._fullLayout.width) < 1)"
    )
    after = page.evaluate(_DRAWN_WIDTHS)
    # narrower columns, and every chart drawn at its column's new width (not cut, not overflowing it)
    assert all(now[1] < then[1] - 50 for now, then in zip(after, before)), (before, after)


def test_a_link_with_a_fifth_unit_opens_the_page_it_was_copied_from(browser, server_url):
    """The unit profile compares four units; a link naming five (copied from it with a fifth chosen in the sidebar)
    keeps the five in its address, the dashboard's filter that the other pages show. The page says so: four
    columns, its scope the four shown, a note naming the fifth. Opened elsewhere, the link shows that same page."""
    five = ["gov_office", "petitions", "research", "data_admin", "chronicles"]
    link = f"{server_url}/unit_profile?" + "&".join(f"unit={unit}" for unit in five) + "&lang=zh"
    heads = "div[class*='st-key-profile_head_']"
    seen = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page = context.new_page()
        try:
            page.goto(link)
            wait_for_charts(page, 1)
            assert_no_exception(page)
            written = parse_qs(urlparse(page.url).query)
            assert written["unit"] == five  # the filter, for the other pages
            scope = page.get_by_text("监督范围：").first.inner_text()
            seen.append(
                (
                    [head.inner_text().strip() for head in page.locator(heads).all()],
                    scope.split("；")[0],
                    page.get_by_test_id("stAlert").inner_text().strip(),
                )
            )
            link = page.url  # the address as the page wrote it back, what 复制链接 copies
        finally:
            context.close()
    assert seen[0] == seen[1]
    columns, scope, note = seen[0]
    assert len(columns) == 4
    assert scope == "监督范围：省政府办公厅、省信访局、省政府研究室、省政务服务和大数据管理局"
    assert note == "单位画像最多并排比较4家单位，以下单位未显示：省地方志编纂委员会办公室。"
