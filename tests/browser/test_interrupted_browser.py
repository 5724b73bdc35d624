"""What an admin or a leader walks away from while it is being done still says what became of it.

A clerk pressed 确认导入 and, while the files were being written, clicked 总览 to see the change: the import was made,
but Streamlit stopped the Data page's run at its next touch of the session, before it put the plan away and the
message in. Back on 数据管理 the clerk read 文件、数据表或导入方式已更改，请重新点击“检查文件”, and no word that the import
had happened. A leader pressed 生成简报材料 and picked a unit while it built: the progress bar went, the button came
back, and no pack and no word. The commit and the build are held at their door by ``held_at_the_door/sitecustomize.py``
so that the click lands while they work, every time."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.bad_files import HEADERS, issue, write_xlsx
from tests.browser.conftest import ROOT, start_server, stop_server
from tests.browser.helpers import assert_no_exception, eventually, pick_option, wait_for_charts

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
            "PYTHONPATH": f"{Path(__file__).parent / 'held_at_the_door'}:{ROOT}",
            "OVERSIGHT_TEST_GATE": str(gate),
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


def test_a_pack_stopped_by_a_filter_change_while_it_builds_says_so_and_builds_again(page, server):
    url, folder, gate, root = server
    page.goto(f"{url}/briefing")
    wait_for_charts(page, 0)
    page.get_by_role("button", name="生成简报材料").click()
    eventually(page, lambda: (gate / "building").exists(), bool, timeout=60)
    assert (gate / "building").exists(), "the click never reached the build"
    units = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    (gate / "rerun_requested").unlink(missing_ok=True)
    pick_option(page, units, "省政府研究室")
    # the pick must reach the server before the build goes on, and nothing on the page shows that it has (the rerun it
    # asks for waits for the build): the server marks it at the gate
    eventually(page, lambda: (gate / "rerun_requested").exists(), bool, timeout=60)
    assert (gate / "rerun_requested").exists(), "the pick never reached the server"
    (gate / "go").touch()

    stopped = page.get_by_text("简报材料（全部9家综合监督单位；2020年第1季度至2020年第4季度）在生成完成前已中断")
    expect(stopped).to_be_visible(timeout=60_000)
    expect(page.get_by_text("请按当前筛选条件重新点击“生成简报材料”。")).to_be_visible()
    expect(page.locator("[data-testid='stDownloadButton']")).to_have_count(0)  # no pack of either view

    wait_for_charts(page, 0)
    page.get_by_role("button", name="生成简报材料").click()
    eventually(page, lambda: (gate / "building").exists(), bool, timeout=60)
    (gate / "go").touch()
    expect(page.get_by_text("简报材料已生成（省政府研究室；2020年第1季度至2020年第4季度），请下载：")).to_be_visible(
        timeout=120_000
    )
    expect(stopped).to_have_count(0)
    assert_no_exception(page)
