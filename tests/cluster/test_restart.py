"""A rolling update: one replica restarted (TERM, started again) under a signed-in tab behind nginx.

The tab's socket reconnects by itself, to the next replica while its own is down or to its own once it is back; either
server no longer holds the tab's session. Before oversight.ui.serve_reconnect the page carried on with that session's
id and its files' ids and every 下载 did nothing ("Invalid session ID for backend operation request"), shown nowhere.
Now the server closes the reconnection as gone and the page loads itself again: signed in (the remembered sign-in),
the same filter (the address), the same figures, and its 下载 buttons give files.

Loaded while its own replica was down, the page is served by the next replica of the ring and its session stays
there; once its own is back, the route hashes to it again. A download's file is then asked of a replica without it
(404, passed on by nginx to the next one: ``http_404``), and an upload was refused there (Streamlit's 400, not passed
on): the import's file never arrived. The replica now answers such an upload 404 too (oversight.ui.serve_reconnect).
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import signal
import time

import pytest

from deploy import cluster
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.cluster.conftest import PASSWORD, Cluster
from tests.cluster.test_soak import (
    WAIT_MS,
    errors_shown,
    import_file,
    meetings_card,
    meetings_expected,
    rerun_by,
    route_cookie,
    run_async,
    settled,
    sign_in,
)

pytestmark = [pytest.mark.cluster, pytest.mark.browser]

MEETINGS_MENU = 1  # the Overview's second 下载 menu: 季度会议数量 (the first is 问题与建议 by unit)
RELOADED = """() => !window.openedBeforeTheRestart
  && document.querySelector("[data-testid='stApp']")?.dataset.testConnectionState === 'CONNECTED'"""


def test_a_tab_on_a_restarted_replica_keeps_its_filter_its_sign_in_and_its_downloads(running_cluster):
    run_async(_restart_under_a_tab(running_cluster))


async def _restart(the_cluster: Cluster, port: int) -> None:
    """TERM the replica, wait until it has gone, start it again on the same port and wait until it answers."""
    plan = the_cluster.plan
    pid = int(plan.pid_file(port).read_text())
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + cluster.STOP_TIMEOUT_S
    while cluster._alive(pid, "oversight.ui.serve") and time.monotonic() < deadline:
        cluster._reap(pid)
        await asyncio.sleep(0.1)  # polling a process's end: there is no event to wait for
    assert not cluster._alive(pid, "oversight.ui.serve"), "the replica did not stop in time"
    process = cluster.start_replica(plan, port)
    await asyncio.to_thread(
        cluster._wait_healthy, plan.replica_url(port), process, plan.run_dir / f"replica-{port}.log"
    )


async def _meetings_csv(page) -> tuple[str, str]:
    """The 季度会议数量 chart's CSV, through its 下载 menu, as the browser saves it: its name and its text."""
    await page.get_by_role("button", name="下载").nth(MEETINGS_MENU).click()
    button = page.get_by_role("button", name=re.compile("CSV"))
    async with page.expect_download(timeout=WAIT_MS) as info:
        await button.click()
    download = await info.value
    assert await download.failure() is None
    await page.keyboard.press("Escape")  # the menu closed, as a reader leaves it
    return download.suggested_filename, open(await download.path(), encoding="utf-8-sig").read()


async def _restart_under_a_tab(the_cluster: Cluster) -> None:
    from playwright.async_api import async_playwright

    expected = meetings_expected(the_cluster.pristine)[("research", "2020Q1")]
    address = f"{the_cluster.url}/?unit=research&from=2020Q1&to=2020Q4"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(
            locale="zh-CN", accept_downloads=True, viewport={"width": 1440, "height": 1800}
        )
        page = await context.new_page()
        await sign_in(page, address)
        await settled(page)
        assert await meetings_card(page) == f"{expected}次"
        name, before = await _meetings_csv(page)
        replica = the_cluster.replica_of_route(route_cookie(await context.cookies()))
        assert replica is not None
        await page.evaluate("window.openedBeforeTheRestart = true")

        await _restart(the_cluster, replica)

        # the tab loaded itself again: signed in, the same filter, the same figure, nothing drawn as an error
        await page.wait_for_function(RELOADED, timeout=WAIT_MS)
        await settled(page)
        assert "unit=research" in page.url and "from=2020Q1" in page.url and "to=2020Q4" in page.url
        assert await meetings_card(page) == f"{expected}次"
        assert await errors_shown(page) == []
        name_after, after = await _meetings_csv(page)
        await browser.close()
    assert name_after == name and after == before
    rows = list(csv.reader(io.StringIO(after)))
    column = next(i for i, heading in enumerate(rows[0]) if heading.startswith("会议数量"))
    assert sum(int(row[column]) for row in rows[1:]) == expected


def test_an_admin_tab_moved_to_the_next_replica_still_uploads_once_its_own_is_back(running_cluster, tmp_path):
    run_async(_upload_after_a_restart(running_cluster, import_file(tmp_path / "append.xlsx")))


def _served_by(the_cluster: Cluster, route: str, request: str) -> int | None:
    """The replica that answered the route's last ``request`` (its first words, as the access log has them)."""
    port = None
    for line in the_cluster.access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        if f'"{request}' in line and f"route={route} " in line:
            last = line.split("upstream=", 1)[1].split(" rt=", 1)[0].split(",")[-1].strip()
            port = int(last.rsplit(":", 1)[1])
    return port


async def _upload_after_a_restart(the_cluster: Cluster, file) -> None:
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1400, "height": 1400}, locale="zh-CN")
        context.set_default_timeout(WAIT_MS)
        page = await context.new_page()
        await page.goto(f"{the_cluster.url}/data")
        await page.get_by_label("账号").fill("chief")
        await page.get_by_label("密码").fill(PASSWORD)
        async with page.expect_response(lambda response: "/_oversight/remember" in response.url):
            await page.get_by_role("button", name="登录").click()  # the sign-in remembered: a load keeps it
        await settled(page)
        route = route_cookie(await context.cookies())
        replica = the_cluster.replica_of_route(route)
        assert route is not None and replica is not None
        await page.evaluate("window.openedBeforeTheRestart = true")

        await _restart(the_cluster, replica)

        await page.wait_for_function(RELOADED, timeout=WAIT_MS)
        await settled(page)
        # the case looked for: the page (and its session) on another replica, while its own is back
        assert _served_by(the_cluster, route, "GET /data") not in (None, replica)
        await rerun_by(page, page.get_by_text("追加记录", exact=True).click)
        await page.locator("input[type='file']").set_input_files(str(file))
        check = page.get_by_role("button", name="检查文件")
        await expect(check).to_be_enabled(timeout=WAIT_MS)  # the upload has reached the session's replica
        await check.click()
        await expect(page.get_by_text("检查通过，可以导入。")).to_be_visible(timeout=WAIT_MS)
        await browser.close()
    assert _served_by(the_cluster, route, "PUT /_stcore/upload_file") not in (None, replica)
