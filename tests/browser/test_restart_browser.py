"""A tab that outlives its server: the server restarted on the same port under an open Overview.

Streamlit's page reconnects by itself and the server gives it a new session, drawn again with the filter from the
address. Before ``oversight.ui.serve_reconnect`` the page carried on with its old session's id and its old files'
ids: every 下载 did nothing (the server's log: "Invalid session ID for backend operation request"), shown nowhere.
Now the server closes such a reconnection with its own code and the page loads itself again; a reconnection to a
session the server still holds (a dropped connection, the same process) is left as Streamlit makes it.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from playwright.sync_api import expect

from tests import oracle
from tests.browser.conftest import ROOT, start_server, stop_server
from tests.browser.helpers import wait_for_charts

pytestmark = pytest.mark.browser

UNIT, UNIT_ZH = "research", "省政府研究室"
ADDRESS = f"/?unit={UNIT}&from=2020Q1&to=2020Q4"
MEETINGS_MENU = 1  # the Overview's second 下载 menu: 季度会议数量 (the first is 问题与建议 by unit)
CONNECTED = "() => document.querySelector(\"[data-testid='stApp']\")?.dataset.testConnectionState === 'CONNECTED'"
# Streamlit's page keeps the sockets our test hook saw, so that one can be closed as a network drop would
RECORD_SOCKETS = """(() => {
  const Native = window.WebSocket;
  window.testSockets = [];
  function Recorded(url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    window.testSockets.push(socket);
    return socket;
  }
  Recorded.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach((name) => { Recorded[name] = Native[name]; });
  window.WebSocket = Recorded;
})();"""


def _meetings_expected() -> int:
    """会议数量 of the unit in 2020, counted with pandas from the spreadsheets."""
    meetings = oracle.read_ledgers(ROOT / "data").meetings
    in_2020 = (meetings["date"] >= date(2020, 1, 1)) & (meetings["date"] <= date(2020, 12, 31))
    return int(((meetings["unit"] == UNIT) & in_2020).sum())


def _meetings_csv(page) -> tuple[str, str]:
    """The 季度会议数量 chart's CSV through its 下载 menu, as the browser saves it: its name and its text."""
    page.get_by_role("button", name="下载").nth(MEETINGS_MENU).click()
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="CSV", exact=True).click()
    download = info.value
    page.keyboard.press("Escape")  # the menu closed again, as a reader leaves it
    assert download.failure() is None
    return download.suggested_filename, open(download.path(), encoding="utf-8-sig").read()


def _meetings_in(text: str) -> int:
    rows = list(csv.reader(io.StringIO(text)))
    column = next(i for i, name in enumerate(rows[0]) if name.startswith("会议数量"))
    return sum(int(row[column]) for row in rows[1:])


@pytest.fixture
def own_server(tmp_path):
    """A server of our own (local mode), to be stopped and started again on its port by the test."""
    users = tmp_path / "users.toml"
    users.touch()
    env = {"OVERSIGHT_USERS_FILE": str(users), "OVERSIGHT_AUDIT_LOG": str(tmp_path / "audit.jsonl")}
    servers = [start_server(env_extra=env)]

    def restart() -> None:
        process, url = servers[-1]
        stop_server(process)
        servers.append(start_server(env_extra=env, port=int(url.rsplit(":", 1)[1])))

    def stop() -> None:  # only stopped: the tab is left with no server
        stop_server(servers[-1][0])

    restart.stop = stop  # type: ignore[attr-defined]
    yield servers[-1][1], restart
    for process, _ in servers:
        if process.poll() is None:
            stop_server(process)


def test_a_tab_whose_server_restarted_downloads_the_right_file(page, own_server):
    url, restart = own_server
    expected = _meetings_expected()
    page.goto(url + ADDRESS)
    wait_for_charts(page, 4)
    name, before = _meetings_csv(page)
    assert _meetings_in(before) == expected
    page.evaluate("window.openedBeforeTheRestart = true")

    restart()

    # the page was loaded again (the mark is gone), connected, with its filter from the address
    page.wait_for_function(f"() => !window.openedBeforeTheRestart && ({CONNECTED})()", timeout=60_000)
    wait_for_charts(page, 4)
    assert f"unit={UNIT}" in page.url and "from=2020Q1" in page.url and "to=2020Q4" in page.url
    expect(page.get_by_text(UNIT_ZH).first).to_be_visible()
    name_after, after = _meetings_csv(page)
    assert name_after == name
    assert _meetings_in(after) == expected
    assert after == before


def test_a_dropped_connection_to_the_same_server_does_not_reload_the_page(page, own_server):
    url, _ = own_server
    page.add_init_script(RECORD_SOCKETS)
    page.goto(url + ADDRESS)
    wait_for_charts(page, 4)
    page.evaluate("window.openedBeforeTheDrop = true")
    assert page.evaluate("window.testSockets.length") == 1

    with page.expect_event("websocket", timeout=30_000):  # Streamlit's page opens a new one by itself
        page.evaluate("window.testSockets[0].close()")
    page.wait_for_function(f"() => window.testSockets.length === 2 && ({CONNECTED})()", timeout=30_000)
    wait_for_charts(page, 4)
    assert page.evaluate("window.openedBeforeTheDrop") is True  # the same document: not loaded again
    _, text = _meetings_csv(page)
    assert _meetings_in(text) == _meetings_expected()


@pytest.mark.parametrize(
    ("lang", "title", "body"),
    [
        ("zh", "连接中断", "看板服务暂时没有响应（可能正在重启，或网络中断）。恢复后页面会自动重新连接，无需刷新。"),
        ("en", "Connection lost", "The dashboard’s server is not responding (it may be restarting, or the network is"),
    ],
)
def test_a_server_gone_quiet_is_said_in_the_pages_language(page, own_server, lang, title, body):
    """Streamlit's own dialog said "Connection error / Streamlit server is not responding. Are you connected to the
    internet?" in English on a Chinese page, and asked a leader on the office network about the internet while the
    server was only restarting. Our words replace it, in the page's language, while the server is away."""
    url, restart = own_server
    page.goto(f"{url}/?lang={lang}")
    wait_for_charts(page, 4)
    restart.stop()
    dialog = page.locator(".stDialog")
    expect(dialog.get_by_text(title, exact=True)).to_be_visible(timeout=60_000)
    expect(dialog).to_contain_text(body)
    expect(dialog).not_to_contain_text("Connection error")
    expect(dialog).not_to_contain_text("internet?")
