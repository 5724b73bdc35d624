"""The Data page's 导入记录 on a page opened before another admin's import lists that import with no click.

The history was read once per page run: another admin's import (or one by the command line) left the open page
listing the history before it, and its 撤销 popover naming an import that was no longer the last, until something
else made the page rerun. The history is now a part that reruns on its own (``data_page.HISTORY_REFRESH_S``), and
reruns the page where the data changed (``partial_runs``)."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.bad_files import HEADERS, issue, write_xlsx
from tests.browser.conftest import start_server, stop_server
from tests.browser.helpers import assert_no_exception

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from oversight.data import store

    root = tmp_path_factory.mktemp("history-refresh")
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, root / "data", ignore=shutil.ignore_patterns(".*"))
    process, url = start_server(data_dir=folder, env_extra={"OVERSIGHT_AUDIT_LOG": str(root / "audit.jsonl")})
    yield url, folder, root
    stop_server(process)


def test_an_import_made_elsewhere_appears_in_the_open_pages_history(page, server):
    from oversight.ingest import commit

    url, folder, root = server
    page.goto(f"{url}/data")
    expect(page.get_by_text("还没有导入记录。")).to_be_visible(timeout=60_000)

    upload = write_xlsx(
        root / "另一位管理员的问题.xlsx",
        {"问题": [HEADERS["issues"], issue("WT2020-901", raised=date(2020, 12, 16))]},
    )
    entry = commit.import_files(upload, "issues", "append", folder, user="another-admin")

    # no click, no reload: the history part reruns on its own and finds the data changed
    # (waited for past data_page.HISTORY_REFRESH_S, 30 s, and the page's rerun on two busy cores)
    expect(page.get_by_text(entry.id)).to_be_visible(timeout=75_000)
    expect(page.get_by_text("还没有导入记录。")).to_have_count(0)
    assert_no_exception(page)
