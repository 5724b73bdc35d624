"""The Overview in a real browser: charts drawn, known numbers, filters in the URL, reload keeps the view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_exception, metric_value, wait_for_charts

pytestmark = pytest.mark.browser


def test_default_view_draws_four_charts_with_the_article_figures(page, server_url, output_dir):
    page.goto(server_url)
    wait_for_charts(page, 4)
    assert metric_value(page, "指出问题") == "16个"
    assert metric_value(page, "意见建议") == "19条"
    assert metric_value(page, "会商单位") == "9家"
    assert metric_value(page, "专题研究") == "17次"
    # the browser's address bar carries the view, so it can be bookmarked
    expect(page).to_have_url(re.compile(r"from=2020Q1.*to=2020Q4"))
    assert_no_exception(page)
    page.screenshot(path=output_dir / "overview.png", full_page=True)


def test_url_sets_the_view_and_a_reload_keeps_it(page, server_url, output_dir):
    page.goto(f"{server_url}/?unit=research&unit=petitions&from=2019Q1&to=2019Q4&lang=en")
    wait_for_charts(page, 4)
    assert metric_value(page, "Issues raised") == "2"
    page.reload()
    wait_for_charts(page, 4)
    assert metric_value(page, "Issues raised") == "2"
    expect(page).to_have_url(re.compile(r"unit=research&unit=petitions&from=2019Q1&to=2019Q4&lang=en"))
    assert page.get_by_text("Research Office of the Provincial Government").first.is_visible()
    assert_no_exception(page)
    page.screenshot(path=output_dir / "overview_en_filtered.png", full_page=True)


def test_switching_language_writes_it_to_the_url(page, server_url):
    page.goto(server_url)
    wait_for_charts(page, 4)
    page.get_by_text("English", exact=True).click()
    # the card's label: the same words are also in its list button's name for a screen reader, hidden from sight
    expect(page.get_by_role("paragraph").filter(has_text=re.compile(r"^Issues raised$")).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"lang=en"))
    # must not happen: Chinese labels left behind on the cards
    expect(page.get_by_text("指出问题", exact=True)).to_have_count(0)


def test_a_range_before_the_records_shows_no_comparable_data_not_a_change(page, server_url, output_dir):
    page.goto(f"{server_url}/?from=2019Q1&to=2020Q4")
    wait_for_charts(page, 4)
    assert metric_value(page, "会议数量") == "573次"
    card = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text("会议数量", exact=True))
    expect(card.locator("[data-testid='stMetricDelta']")).to_have_text("无可比数据")
    # must not happen: a percentage change against a year with no records
    expect(page.locator("[data-testid='stMetricDelta']").filter(has_text="%")).to_have_count(0)
    assert_no_exception(page)
    page.screenshot(path=output_dir / "overview_no_comparison.png", full_page=True)


def test_the_cards_show_the_absolute_change_beside_the_percent(page, server_url):
    page.goto(server_url)
    wait_for_charts(page, 4)
    card = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text("指出问题", exact=True))
    expect(card.locator("[data-testid='stMetricDelta']")).to_have_text("+5个（+45.5%）")
