"""A PNG click while the image browser is still starting (session 36, w2): on a loaded machine Chromium's start took
its whole minute, and the click's button spun for as long with nothing said. Here Chromium never gets going (a
``BROWSER_PATH`` that only sleeps): the click waits its bounded while, and the page says, in its language, that the
browser is still starting and what to do — under the button and in the note that stays (download_failed.js)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from oversight.core import i18n
from tests.browser.conftest import start_server, stop_server
from tests.browser.helpers import wait_for_charts

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def slow_browser_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("slow-chromium")
    chromium = folder / "chromium"
    chromium.write_text("#!/bin/sh\n# a Chromium that never answers, and ends on its own\nexec sleep 150\n")
    chromium.chmod(0o755)
    users = folder / "users.toml"
    users.touch()  # local mode
    process, url = start_server(
        env_extra={
            "BROWSER_PATH": str(chromium),
            "OVERSIGHT_USERS_FILE": str(users),
            "OVERSIGHT_AUDIT_LOG": str(folder / "audit.jsonl"),
        }
    )
    yield url
    stop_server(process)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_png_click_while_the_browser_starts_says_so_in_the_pages_language(page, slow_browser_url, lang):
    page.goto(slow_browser_url + ("/?lang=en" if lang == "en" else ""))
    wait_for_charts(page, 4)
    page.get_by_role("button", name="Download" if lang == "en" else "下载").first.click()
    page.get_by_role("button", name="PNG", exact=True).first.click()
    said = i18n.t("export.error.images_starting", lang)
    # the click's wait is bounded (cards.IMAGE_CLICK_WAIT_SECONDS), far inside Chromium's minute to start
    expect(page.locator("[data-testid='stDownloadButtonError']")).to_have_text(said, timeout=50_000)
    expect(page.locator("[data-testid='oversightDownloadFailed'] p")).to_have_text(said)
