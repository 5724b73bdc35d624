"""A table's search box on a page opened before an import searches the data as it now is.

A clerk kept 问题与整改 open, imported a new issue (in another tab, or with the command line) and searched the table
for it: the search box is a fragment, which reran with the rows of the page's run, from before the import, and said
没有与“…”匹配的记录 until the next full run. Now a part of the page drawn from data that changed since reruns the page
(``partial_runs``)."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.bad_files import HEADERS, issue, write_xlsx
from tests.browser.conftest import start_server, stop_server
from tests.browser.helpers import assert_no_exception, wait_for_charts

pytestmark = pytest.mark.browser
NEW_ID = "WT2020-901"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from oversight.data import store

    root = tmp_path_factory.mktemp("search-after-import")
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, root / "data", ignore=shutil.ignore_patterns(".*"))
    process, url = start_server(data_dir=folder, env_extra={"OVERSIGHT_AUDIT_LOG": str(root / "audit.jsonl")})
    yield url, folder, root
    stop_server(process)


def test_the_search_box_finds_an_issue_imported_after_the_page_was_drawn(page, server):
    from oversight.ingest import commit

    url, folder, root = server
    page.goto(f"{url}/issues")
    search = page.get_by_role("textbox", name="搜索", exact=True).first
    expect(search).to_be_visible(timeout=60_000)
    wait_for_charts(page, 0)
    search.fill(NEW_ID)
    search.press("Enter")
    expect(page.get_by_text(f"没有与“{NEW_ID}”匹配的记录。")).to_be_visible(timeout=30_000)

    upload = write_xlsx(
        root / "new-issue.xlsx",
        {"问题": [HEADERS["issues"], issue(NEW_ID, raised=date(2020, 12, 16), description="导入后新增的问题")]},
    )
    commit.import_files(upload, "issues", "append", folder, user="clerk")
    search.fill("导入后新增")
    search.press("Enter")

    expect(page.get_by_text("共1条（点击列标题排序）")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("没有与“导入后新增”匹配的记录。")).to_have_count(0)
    assert_no_exception(page)
