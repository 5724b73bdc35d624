"""In a real browser: a click on a category bar opens the list behind it in a dialog; the upload box speaks the
page's language and says the importer's 20MB limit (Streamlit's own words hidden by assets/app.css)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_no_exception, wait_for_charts

pytestmark = pytest.mark.browser

_UPLOADER_WORDS = """() => {
  const button = document.querySelector(
    'section[data-testid="stFileUploaderDropzone"] button div[data-testid="stMarkdownContainer"] p');
  const limit = document.querySelector('div[data-testid="stFileUploaderDropzoneInstructions"] span');
  const words = (element) => {
    const after = getComputedStyle(element, '::after');
    return {own: getComputedStyle(element).fontSize, shown: after.content, size: after.fontSize};
  };
  return {button: words(button), limit: words(limit)};
}"""


@pytest.mark.parametrize(
    "lang, button, limit",
    [
        ("zh", "选择文件", "每个文件不超过20MB\u00a0· XLSX、XLSM、XLS、ET、CSV、TSV、TXT"),
        ("en", "Choose files", "Up to 20 MB per file\u00a0· XLSX, XLSM, XLS, ET, CSV, TSV, TXT"),
    ],  # the dot's space does not break (safe_text.items_kept): no line starts with "·"
)
def test_the_upload_box_speaks_the_pages_language(page, server_url, output_dir, lang, button, limit):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{server_url}/data?lang={lang}")
    box = page.locator("[data-testid='stFileUploader']")
    expect(box.locator("[data-testid='stFileUploaderDropzone']")).to_be_visible(timeout=60_000)
    # the page's style arrives with the script's run, a moment after the box itself: wait for its words (a box that
    # never gets them times out here), then hold every property of them
    page.wait_for_function(
        f"([button, limit]) => {{ const w = ({_UPLOADER_WORDS})(); "
        'return w.button.shown === `"${button}"` && w.limit.shown === `"${limit}"`; }',
        arg=[button, limit],
        timeout=20_000,
    )
    words = page.evaluate(_UPLOADER_WORDS)
    # Streamlit's "Upload" and "20MB per file • XLSX, CSV" take no room; ours are drawn at the usual size
    assert words["button"] == {"own": "0px", "shown": f'"{button}"', "size": "14px"}
    assert words["limit"] == {"own": "0px", "shown": f'"{limit}"', "size": "14px"}
    assert "200MB" not in box.inner_text()
    box.screenshot(path=output_dir / f"uploader_{lang}.png")


def test_a_category_bar_opens_its_issues_in_a_dialog(page, server_url, output_dir):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(server_url)
    wait_for_charts(page, 4)
    chart = page.locator(".js-plotly-plot").filter(has=page.locator(".gtitle", has_text="问题类别分布"))
    bar = chart.locator(".trace.bars .point path").last  # the top bar: the category with most issues
    count = int(chart.locator(".trace.bars .point").last.locator("text").text_content())  # the bar's own label
    bar.scroll_into_view_if_needed()  # below the fold at 900 px: a person scrolls to it first
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=20_000)
    expect(dialog).to_contain_text(f"（{count}个，截至2020年12月31日）")  # how many, and the day of their statuses
    expect(dialog.locator("[data-testid='stDataFrame']")).to_be_visible()
    expect(dialog.get_by_role("button", name="CSV", exact=True)).to_be_visible()
    expect(dialog.get_by_role("button", name="Excel", exact=True)).to_be_visible()
    assert_no_exception(page)
    page.screenshot(path=output_dir / "drill_dialog.png")
