"""A download that made no file says so until the reader has seen it: Streamlit's own line under the button goes after
five seconds, and a leader who looked away found a menu that said nothing, and no file."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from oversight.core import i18n
from tests.browser.helpers import wait_for_charts

pytestmark = pytest.mark.browser

NOTE = "[data-testid='oversightDownloadFailed']"


@contextmanager
def _audit_log_unwritable(audit_log):
    """A folder in the audit log's place: no line can be appended, so no file is handed over."""
    kept = audit_log.with_name("audit.kept")
    if audit_log.exists():
        audit_log.rename(kept)
    audit_log.mkdir()
    try:
        yield
    finally:
        audit_log.rmdir()
        if kept.exists():
            kept.rename(audit_log)


def _fail_a_png(page) -> None:
    page.get_by_role("button", name="下载" if "lang=en" not in page.url else "Download").first.click()
    page.get_by_role("button", name="PNG", exact=True).first.click()
    expect(page.locator("[data-testid='stDownloadButtonError']")).to_have_count(1, timeout=30_000)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_failed_downloads_message_stays_until_dismissed(page, server_url, audit_log, lang):
    """The page's clock is run on past Streamlit's five seconds (no real wait): its line under the button is gone, and
    the page's own note still says, in the page's language, that nothing was downloaded and what to do; the note's
    close button removes it."""
    page.clock.install()
    page.goto(server_url + ("/?lang=en" if lang == "en" else ""))
    wait_for_charts(page, 4)
    with _audit_log_unwritable(audit_log):
        _fail_a_png(page)
        page.keyboard.press("Escape")  # the menu closed, as a leader turning to something else closes it
        page.clock.run_for(10_000)
        expect(page.locator("[data-testid='stDownloadButtonError']")).to_have_count(0)
        note = page.locator(NOTE)
        expect(note).to_be_visible()
        expect(note).to_have_attribute("role", "alert")
        expect(note.locator("p")).to_have_text(i18n.t("streamlit.download_failed", lang))
        note.get_by_role("button", name=i18n.t("streamlit.close", lang)).click()
        expect(note).to_have_count(0)


def test_a_failed_downloads_message_goes_at_the_next_action(page, server_url, audit_log):
    """Not a note left over a page the reader has moved on from: the next click on a control (here another page in the
    navigation) removes it; a second failure shows one note, not two."""
    page.goto(server_url)
    wait_for_charts(page, 4)
    with _audit_log_unwritable(audit_log):
        _fail_a_png(page)
        page.keyboard.press("Escape")
        _fail_a_png(page)
        page.keyboard.press("Escape")
        expect(page.locator(NOTE)).to_have_count(1)
        page.get_by_role("link", name="问题与整改").click()
        expect(page.locator(NOTE)).to_have_count(0)
