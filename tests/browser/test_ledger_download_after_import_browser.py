"""数据管理's 当前数据 file, clicked after an import made while the page was open, is the ledger as it now is.

The file was made from the page run's store: a clerk downloaded the old ledger after another admin's import (or the
command line's), edited it and imported it back as a replace, dropping that import's rows. Where the import moved the
data date the file's name carries, the file is refused, and the page reloaded offers it under the new date."""

from __future__ import annotations

import io
import shutil
from datetime import date

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.bad_files import HEADERS, issue, write_xlsx
from tests.browser.conftest import start_server, stop_server
from tests.browser.helpers import assert_no_exception

pytestmark = pytest.mark.browser
BUTTON = "问题：当前数据"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from oversight.data import store

    root = tmp_path_factory.mktemp("ledger-after-import")
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, root / "data", ignore=shutil.ignore_patterns(".*"))
    process, url = start_server(data_dir=folder, env_extra={"OVERSIGHT_AUDIT_LOG": str(root / "audit.jsonl")})
    yield url, folder, root
    stop_server(process)


def _ledger(page) -> tuple[str, list[str]]:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=BUTTON).click()
    download = info.value
    frame = pd.read_excel(io.BytesIO(open(download.path(), "rb").read()), dtype=str, engine="calamine")
    return download.suggested_filename, frame.iloc[:, 0].tolist()


def _import(folder, root, issue_id: str, raised: date) -> None:
    from oversight.ingest import commit

    upload = write_xlsx(root / f"{issue_id}.xlsx", {"问题": [HEADERS["issues"], issue(issue_id, raised=raised)]})
    commit.import_files(upload, "issues", "append", folder, user="clerk")


def test_the_current_ledger_clicked_after_an_import_is_the_ledger_as_it_now_is(page, server):
    from oversight.core import i18n

    url, folder, root = server
    page.goto(f"{url}/data")
    expect(page.get_by_role("button", name=BUTTON)).to_be_visible(timeout=60_000)
    name, ids = _ledger(page)
    assert (name, len(ids)) == ("问题_2020-12-31.xlsx", 27)

    _import(folder, root, "WT2020-901", date(2020, 12, 16))  # the data date stays
    name, ids = _ledger(page)
    assert (name, len(ids), ids[-1]) == ("问题_2020-12-31.xlsx", 28, "WT2020-901")

    _import(folder, root, "WT2021-902", date(2021, 1, 5))  # the data date moves: no file named 2020-12-31
    downloads: list = []
    page.on("download", lambda download: downloads.append(download))
    page.get_by_role("button", name=BUTTON).click()
    expect(page.locator("[data-testid='stDownloadButtonError']")).to_have_text(
        i18n.t("streamlit.download_failed", "zh"), timeout=30_000
    )
    assert downloads == []
    page.reload()
    expect(page.get_by_role("button", name=BUTTON)).to_be_visible(timeout=60_000)
    name, ids = _ledger(page)
    assert (name, len(ids), ids[-1]) == ("问题_2021-01-05.xlsx", 29, "WT2021-902")
    assert_no_exception(page)
