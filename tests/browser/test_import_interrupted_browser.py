"""An import or undo the admin walks away from while its files are written still says what it did.

A clerk pressed 确认导入 and, while the files were being written, clicked 总览 to see the change: the import was made,
but Streamlit stopped the Data page's run at its next touch of the session, before it put the plan away and the
message in. Back on 数据管理 the clerk read 文件、数据表或导入方式已更改，请重新点击“检查文件”, and no word that the import
had happened (and checking again offered the same rows once more, now as ids already there). The commit is held at its
door by ``held_commit/sitecustomize.py`` so that the click lands while it writes, every time."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.bad_files import HEADERS, issue, write_xlsx
from tests.browser.conftest import ROOT, start_server, stop_server
from tests.browser.helpers import assert_no_exception, eventually, wait_for_charts

pytestmark = pytest.mark.browser
NEW_ID = "WT2020-951"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from oversight.data import store

    root = tmp_path_factory.mktemp("import-interrupted")
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, root / "data", ignore=shutil.ignore_patterns(".*"))
    gate = root / "gate"
    gate.mkdir()
    users = root / "users.toml"
    users.touch()  # local mode: the machine's user may import
    process, url = start_server(
        data_dir=folder,
        env_extra={
            "PYTHONPATH": f"{Path(__file__).parent / 'held_commit'}:{ROOT}",
            "OVERSIGHT_TEST_COMMIT_GATE": str(gate),
            "OVERSIGHT_USERS_FILE": str(users),
            "OVERSIGHT_AUDIT_LOG": str(root / "audit.jsonl"),
        },
    )
    yield url, folder, gate, root
    stop_server(process)


def _walk_away_while_it_writes(page, gate: Path, url: str) -> None:
    """Wait until the commit is writing (held at its door), click 总览, see it, then let the commit go on."""
    eventually(page, lambda: (gate / "committing").exists(), bool, timeout=60)
    assert (gate / "committing").exists(), "the click never reached the commit"
    page.locator("[data-testid='stSidebar']").get_by_role("link", name="总览", exact=True).click()
    expect(page).to_have_url(re.compile(rf"{re.escape(url)}/(\?.*)?$"))
    (gate / "go").touch()
    eventually(page, lambda: not (gate / "committing").exists(), bool, timeout=60)
    wait_for_charts(page, 0)
    page.locator("[data-testid='stSidebar']").get_by_role("link", name="数据管理", exact=True).click()
    expect(page).to_have_url(re.compile(rf"{re.escape(url)}/data(\?.*)?$"))


def test_an_import_and_an_undo_left_while_they_write_say_what_they_did(page, server):
    from oversight.ingest import import_history

    url, folder, gate, root = server
    upload = write_xlsx(
        root / "本周新增问题.xlsx",
        {"问题": [HEADERS["issues"], issue(NEW_ID, raised=date(2020, 12, 18), description="本周新增的问题")]},
    )
    page.goto(f"{url}/data")
    wait_for_charts(page, 0)
    page.locator("input[type=file]").set_input_files(upload)
    expect(page.get_by_text("本周新增问题.xlsx")).to_be_visible()
    page.get_by_text("追加记录", exact=True).click()
    page.get_by_role("button", name="检查文件").click()
    page.get_by_role("button", name="确认导入").click()

    _walk_away_while_it_writes(page, gate, url)

    entries = import_history.list_history(folder)
    assert [entry.action for entry in entries] == ["import"]  # made once
    expect(page.get_by_text(f"已导入。导入前的数据已保存为 {entries[-1].id}")).to_be_visible()
    expect(page.get_by_text("请重新点击“检查文件”")).to_have_count(0)  # not "check again" of an import made
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)

    page.get_by_role("button", name="撤销最近一次导入").click()
    page.get_by_role("button", name="确认撤销").click()

    _walk_away_while_it_writes(page, gate, url)

    entries = import_history.list_history(folder)
    assert [entry.action for entry in entries] == ["import", "undo"]
    expect(page.get_by_text(f"已撤销 {entries[0].id}，数据已恢复到该次导入之前")).to_be_visible()
    assert_no_exception(page)
