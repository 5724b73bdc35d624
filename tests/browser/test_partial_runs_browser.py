"""An account narrowed with `user set` while its page is open: the parts of the page that rerun on their own (a
table's search box, 生成简报, the list behind a figure) end the session as a whole page does, showing and building
nothing of the old scope. They reran with the page run's account: the search searched the old units' table, and
生成简报 built the all-unit pack for an account now of one unit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, start_server, stop_server
from tests.browser.helpers import assert_no_exception, wait_for_charts

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"
ENDED = "您的账号已被管理员更改、停用或删除，请重新登录。"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from oversight.auth import accounts, roles

    conf = tmp_path_factory.mktemp("narrowed-conf")
    users = conf / "users.toml"
    accounts.add_user("chief", PASSWORD, roles.ADMIN, path=users)
    env = {"OVERSIGHT_USERS_FILE": str(users), "OVERSIGHT_AUDIT_LOG": str(conf / "audit.jsonl")}
    process, url = start_server(env_extra=env)
    yield url, users, env
    stop_server(process)


@pytest.fixture
def account(server):
    """A fresh account per test (``make`` it), narrowed by the command line as an administrator would."""
    from oversight.auth import accounts

    url, users, env = server
    made: list[str] = []

    def make(name: str, role: str, units: tuple[str, ...] = ()) -> None:
        accounts.add_user(name, PASSWORD, role, units=list(units), path=users)
        made.append(name)

    def narrow(name: str, *arguments: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "oversight", "user", "set", name, *arguments],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            check=True,
            capture_output=True,
            timeout=120,
        )

    yield make, narrow
    for name in made:
        accounts.remove_user(name, path=users)


def _sign_in(page, url: str, name: str, path: str = "") -> None:
    page.goto(f"{url}/{path}")
    expect(page.get_by_role("heading", name="登录派驻监督工作看板")).to_be_visible(timeout=60_000)
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _session_ended(page) -> None:
    expect(page.get_by_text(ENDED)).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="登录派驻监督工作看板")).to_be_visible()
    assert_no_exception(page)


def test_the_search_box_of_a_narrowed_account_searches_nothing_of_its_old_units(page, server, account):
    url = server[0]
    make, narrow = account
    make("liangdan", "unit", ("gov_office", "offices_admin"))
    _sign_in(page, url, "liangdan", "issues")
    search = page.get_by_role("textbox", name="搜索", exact=True).first
    expect(search).to_be_visible(timeout=60_000)
    wait_for_charts(page, 0)
    narrow("liangdan", "--unit", "gov_office")
    search.fill("机关事务")
    search.press("Enter")
    _session_ended(page)
    expect(page.get_by_text("省机关事务管理局")).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)


def test_a_leader_made_a_unit_account_builds_no_briefing_pack(page, server, account):
    url = server[0]
    make, narrow = account
    make("lingdao", "leader")
    _sign_in(page, url, "lingdao")
    build = page.get_by_role("button", name="生成总览简报材料")
    expect(build).to_be_visible(timeout=60_000)
    wait_for_charts(page, 4)
    narrow("lingdao", "--role", "unit", "--unit", "gov_office")
    build.click()
    _session_ended(page)
    expect(page.get_by_text("简报材料已生成")).to_have_count(0)
    expect(page.get_by_role("button", name="PPT 演示文稿")).to_have_count(0)


def test_the_list_behind_a_figure_of_a_narrowed_account_is_not_opened(page, server, account):
    url = server[0]
    make, narrow = account
    make("liangdan2", "unit", ("gov_office", "offices_admin"))
    _sign_in(page, url, "liangdan2")
    wait_for_charts(page, 4)
    opening = page.get_by_role("button", name="查看清单").first
    expect(opening).to_be_visible()
    narrow("liangdan2", "--unit", "gov_office")
    opening.click()
    _session_ended(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
