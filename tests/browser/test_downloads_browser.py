"""Downloads in a real browser: a chart's PNG and CSV, and the briefing pack's slides and PDF, checked as files."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from oversight.charts import catalog
from tests.browser.helpers import wait_for_charts

pytestmark = pytest.mark.browser


def _download(page, button_name: str, nth: int = 0, exact: bool = False, menu: bool = False):
    """Click a download button; a chart's buttons sit in its 下载 popover, which opens first."""
    if menu:
        page.get_by_role("button", name="下载").nth(nth).click()
        nth = 0
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=button_name, exact=exact).nth(nth).click()
    download = info.value
    if menu:
        page.keyboard.press("Escape")  # close the popover again, as a person would
    return download.suggested_filename, open(download.path(), "rb").read()


def test_a_charts_png_and_csv_download(page, server_url, output_dir):
    from PIL import Image

    page.goto(server_url)
    wait_for_charts(page, 4)
    name, data = _download(page, "PNG", exact=True, menu=True)
    assert name == "问题与意见建议_按单位_2020Q1-2020Q4.png"
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.width == 2560  # 1280 px at scale 2: a 16:9 slide's width
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # not monochrome
    assert any(rgb == (0xB3, 0x26, 0x1E) for _, rgb in colours)  # the template's red bars, not black
    (output_dir / name).write_bytes(data)

    name, data = _download(page, "CSV", exact=True, menu=True)
    assert name.endswith("2020Q1-2020Q4.csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read Chinese correctly
    text = data.decode("utf-8-sig")
    assert "省政府办公厅" in text


def test_tables_offer_no_export_of_their_own(page, server_url):
    """Streamlit's table toolbar would download a CSV with no audit line and formula-like cells unescaped
    (.streamlit/config.toml, client.disableDataExport): only our audited 下载 buttons export."""
    page.goto(f"{server_url}/issues")
    table = page.locator('[data-testid="stDataFrame"]').first
    expect(table).to_be_visible()
    table.scroll_into_view_if_needed()
    table.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    # the toolbar is shown, with its other tools (named in the page's language: streamlit_words.js)
    expect(toolbar.get_by_role("button", name="在表格中搜索")).to_be_visible()
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    assert page.get_by_role("button", name="下载为 CSV").count() == 0


def test_the_briefing_pack_downloads(page, server_url, output_dir):
    from pptx import Presentation
    from pypdf import PdfReader

    page.goto(f"{server_url}/briefing")
    expect(page.get_by_role("button", name="生成简报材料")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="生成简报材料").click()
    expect(page.get_by_text("简报材料已生成")).to_be_visible(timeout=180_000)

    name, data = _download(page, "PPT 演示文稿")
    assert name.endswith(".pptx")
    slides = Presentation(io.BytesIO(data)).slides
    # title, key figures, one per chart, the open and the overdue issues, the closing summary
    assert len(slides) == 2 + len(catalog.all_charts()) + 2 + 1
    (output_dir / name).write_bytes(data)

    name, data = _download(page, "PDF 报告")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "派驻监督工作情况" in text and "指出问题16个" in text.replace(" ", "")
    (output_dir / "briefing.pdf").write_bytes(data)


def test_the_data_pages_ledgers_and_templates_are_audited(page, server_url, audit_log):
    """The 数据 page hands out every table's whole ledger: each download writes its audit line, as every chart's and
    list's does (it wrote none)."""
    import json

    # a unit and a quarter in the address: the ledgers are whole all the same, and their lines say so (they said
    # "units [research], 2020Q3" over all 27 issues), claiming no marking the files do not carry
    page.goto(f"{server_url}/data?unit=research&from=2020Q3&to=2020Q3")
    before = audit_log.read_text(encoding="utf-8").count("\n") if audit_log.exists() else 0
    for button, holds in (("监督单位：当前数据", "whole_ledger"), ("问题：填报模板", "template")):
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=button).click()
        name = info.value.suggested_filename
        info.value.path()  # the whole file has arrived: the bytes were made, and the line written, on its request
        lines = [json.loads(line) for line in audit_log.read_text(encoding="utf-8").splitlines()[before:]]
        line = [line for line in lines if line["action"] == "download"][-1]
        assert line["details"]["file"] == name, lines
        assert line["details"]["holds"] == holds and "filter" not in line["details"]
        assert "marking" not in line["details"] and "watermark" not in line["details"]
    assert name.endswith(".xlsx")


def test_the_audit_log_downloads_whole_escaped_and_audited(page, server_url, audit_log):
    """The 审计日志 page had no way to hand the trail on (its table's own toolbar exports nothing): an inspector
    copied the server's file. Its 下载 menu gives every matching entry, not only the newest listed, with a name that
    reads as a formula neutralised, and the download writes its own line with the conditions it was made under."""
    import csv
    import json

    from oversight.auth import audit

    forged = "=cmd|' /C calc'!A0"
    audit.record("sign_in_failed", account=forged, path=audit_log)
    page.goto(f"{server_url}/audit")
    expect(page.get_by_role("button", name="下载")).to_be_visible(timeout=60_000)
    entries = audit.read_audit(audit_log)
    name, data = _download(page, "CSV", exact=True, menu=True)
    assert name.startswith("审计日志_") and name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["时间（北京时间）", "账号", "操作"]
    assert len(rows) - 1 == len(entries)  # every entry read when the page was drawn
    assert ["'" + forged, "登录失败"] in [row[1:3] for row in rows[1:]]  # neutralised, not run by a spreadsheet
    line = [json.loads(text) for text in audit_log.read_text(encoding="utf-8").splitlines()][-1]
    assert line["action"] == "download" and line["details"]["file"] == name
    assert line["details"]["holds"] == "audit_log" and "filter" not in line["details"]


def test_a_download_that_cannot_be_audited_says_so_in_the_pages_language(page, server_url, audit_log):
    """The audit log became unwritable after the page was drawn: no file is handed over (nothing unaudited happens),
    and the button said, for five seconds, Streamlit's "Failed to generate file for download" in English on a
    Chinese page, and nothing of what to do. It now says it in the page's language; a reload shows why (the page's
    warning that downloads are paused)."""
    from oversight.core import i18n

    page.goto(server_url)
    wait_for_charts(page, 4)
    kept = audit_log.with_name("audit.kept")
    if audit_log.exists():
        audit_log.rename(kept)
    audit_log.mkdir()  # a folder in the log's place: no line can be appended to it
    downloads: list = []
    page.on("download", lambda download: downloads.append(download))
    try:
        page.get_by_role("button", name="下载").first.click()
        page.get_by_role("button", name="PNG", exact=True).first.click()
        said = page.locator("[data-testid='stDownloadButtonError']")
        expect(said).to_have_text(i18n.t("streamlit.download_failed", "zh"), timeout=30_000)
        assert "Failed" not in said.inner_text()
        page.keyboard.press("Escape")
        page.reload()
        expect(page.get_by_text(i18n.t("download.paused_audit_unwritable", "zh"))).to_be_visible(timeout=60_000)
    finally:
        audit_log.rmdir()
        if kept.exists():
            kept.rename(audit_log)
    assert downloads == []
