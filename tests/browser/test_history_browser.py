"""Back and Forward in a real browser: every filter change is a history entry, and Back shows the previous
filter's figures again (the address and the figures agree)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_exception, chips, pick_option, wait_for_charts

pytestmark = pytest.mark.browser


def _issues_card(page):
    card = page.locator("[data-testid='stMetric']").filter(has=page.get_by_text("指出问题", exact=True))
    # .first: while a run redraws the page, the card being replaced may briefly stand beside the new one
    return card.locator("[data-testid='stMetricValue']").first


def _settled(page, issues: str) -> None:
    """The card shows ``issues`` and the run has finished (a person reads the page before pressing Back)."""
    expect(_issues_card(page)).to_have_text(issues, timeout=30_000)
    wait_for_charts(page, 4)


def _units(page):
    return page.locator("section[data-testid='stSidebar'] [data-testid='stMultiSelect']").first


def _pick_unit(page, name: str) -> None:
    pick_option(page, _units(page), name)


def test_back_undoes_a_filter_change_and_forward_redoes_it(page, server_url, output_dir):
    page.goto(server_url)
    wait_for_charts(page, 4)
    _settled(page, "16个")

    _pick_unit(page, "省政务服务和大数据管理局")
    _settled(page, "2个")
    expect(page).to_have_url(re.compile(r"unit=data_admin"))
    _pick_unit(page, "省政府研究室")
    _settled(page, "3个")  # 2 + research's 1
    expect(page).to_have_url(re.compile(r"unit=data_admin&unit=research"))

    page.go_back()  # one step: the filter before the second unit
    expect(page).to_have_url(re.compile(r"unit=data_admin&from"))
    _settled(page, "2个")
    page.go_back()  # the view before any unit was chosen
    expect(page).not_to_have_url(re.compile(r"unit="))
    _settled(page, "16个")
    # the sidebar says the same as the figures
    expect(chips(_units(page))).to_have_count(0)

    page.go_forward()
    _settled(page, "2个")
    expect(page).to_have_url(re.compile(r"unit=data_admin&from"))
    assert_no_exception(page)
    page.screenshot(path=output_dir / "history_forward.png", full_page=True)
