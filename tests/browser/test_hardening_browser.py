"""On a real server: a DNS-rebinding page and a relayed request are refused in local mode; a crafted link shows
as plain text, with no link to click and no image fetched."""

from __future__ import annotations

import json
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.helpers import assert_no_exception, wait_for_charts

pytestmark = pytest.mark.browser
REFUSAL = "本看板运行在本机模式（未配置账号），只允许在运行它的计算机上访问"


@pytest.fixture(scope="module")
def rebinding_browser(browser):
    """Chromium that resolves an attacker's name to this machine, as DNS rebinding makes a victim's browser do."""
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP rebind.attacker.test 127.0.0.1"]
    )
    yield launched
    launched.close()


def _refusals(audit_log) -> list[dict]:
    lines = audit_log.read_text(encoding="utf-8").splitlines() if audit_log.exists() else []
    return [entry for entry in map(json.loads, lines) if entry["action"] == "refused"]


def test_a_rebinding_page_on_the_attackers_name_is_refused(rebinding_browser, server_url, audit_log, output_dir):
    port = server_url.rsplit(":", 1)[1]
    context = rebinding_browser.new_context(viewport={"width": 1200, "height": 800}, locale="zh-CN")
    page = context.new_page()
    before = len(_refusals(audit_log))
    # Host: rebind.attacker.test:PORT and Origin http://rebind.attacker.test:PORT, to 127.0.0.1
    page.goto(f"http://rebind.attacker.test:{port}/")
    expect(page.get_by_text(REFUSAL)).to_be_visible(timeout=60_000)
    # must not happen: a single figure, or the Data page's controls
    expect(page.locator("[data-testid='stMetric']")).to_have_count(0)
    expect(page.get_by_role("link", name="数据管理")).to_have_count(0)
    page.screenshot(path=output_dir / "rebinding_refused.png")
    context.close()
    refusals = _refusals(audit_log)[before:]
    assert refusals and refusals[-1]["details"] == {"reason": "non_local_client", "page": "overview"}


def test_the_same_page_on_localhost_is_served(page, server_url):
    page.goto(server_url.replace("127.0.0.1", "localhost"))
    wait_for_charts(page, 4)
    expect(page.get_by_text(REFUSAL)).to_have_count(0)
    assert_no_exception(page)


def test_a_request_relayed_by_a_proxy_is_refused(browser, server_url):
    context = browser.new_context(locale="zh-CN", extra_http_headers={"X-Forwarded-Proto": "https"})
    page = context.new_page()
    page.goto(server_url)
    expect(page.get_by_text(REFUSAL)).to_be_visible(timeout=60_000)
    expect(page.locator("[data-testid='stMetric']")).to_have_count(0)
    context.close()


def test_a_crafted_link_shows_plain_text(page, server_url, output_dir):
    fetched = []
    page.on(
        "request",
        lambda request: fetched.append(request.url) if urlsplit(request.url).hostname == "evil.test" else None,
    )
    phishing, image = "[点此重新登录](http://evil.test/login)", "![](http://evil.test/p.png)"
    icon = ":material/lock:"  # Streamlit draws a padlock for it, even escaped
    page.goto(f"{server_url}/?unit={quote(phishing)}&unit={quote(image)}&unit={quote('$$x^2$$')}&unit={quote(icon)}")
    wait_for_charts(page, 4)
    warning = page.locator("[data-testid='stAlertContentWarning']")
    expect(warning).to_be_visible()
    shown = warning.inner_text().replace("\u2060", "")  # the invisible word joiners that keep addresses text
    assert f"unit={phishing}、unit={image}、unit=$$x^2$$、unit={icon}" in shown  # listed with 、 (i18n.listed)
    # must not happen: a link or an image pointing at the attacker, a typeset formula, an icon
    expect(page.locator("a[href*='evil.test']")).to_have_count(0)
    expect(page.locator("img[src*='evil.test']")).to_have_count(0)
    expect(warning.locator(".katex")).to_have_count(0)
    assert fetched == []
    page.screenshot(path=output_dir / "crafted_link_as_text.png")
    page.get_by_role("button", name="恢复默认视图").click()
    expect(warning).to_have_count(0)  # the warning goes with the reset
    assert_no_exception(page)
