"""Signing in for real: a unit account in the browser sees its own unit's figures and nothing else."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, start_server, stop_server
from tests.browser.helpers import assert_no_exception, eventually, metric_value, wait_for_charts

pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def accounts_server(tmp_path_factory):
    from oversight.auth import accounts, roles

    conf = tmp_path_factory.mktemp("accounts-conf")
    users = conf / "users.toml"
    accounts.add_user("bangongting", PASSWORD, roles.UNIT, units=["gov_office"], path=users)
    accounts.add_user("lingdao", PASSWORD, roles.LEADER, path=users)
    process, url = start_server(
        env_extra={"OVERSIGHT_USERS_FILE": str(users), "OVERSIGHT_AUDIT_LOG": str(conf / "audit.jsonl")}
    )
    yield url, conf / "audit.jsonl", users
    stop_server(process)


def _sign_in(page, url, name):
    page.goto(url)
    expect(page.get_by_role("heading", name="登录派驻监督工作看板")).to_be_visible(timeout=60_000)
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_unit_account_signs_in_and_sees_only_its_unit(page, accounts_server, output_dir):
    url, audit_log, _ = accounts_server
    page.goto(f"{url}/?unit=research")  # a tampered link to another unit
    expect(page.get_by_role("heading", name="登录派驻监督工作看板")).to_be_visible(timeout=60_000)
    page.get_by_label("账号").fill("bangongting")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    wait_for_charts(page, 4)
    assert metric_value(page, "指出问题") == "3个"
    assert metric_value(page, "意见建议") == "3条"
    # must not happen: the totals of all units, another unit's name, or download buttons
    expect(page.get_by_text("16个", exact=True)).to_have_count(0)
    expect(page.locator(".js-plotly-plot").get_by_text("省政府研究室")).to_have_count(0)
    expect(page.get_by_role("button", name="下载")).to_have_count(0)
    expect(page.get_by_role("link", name="数据管理")).to_have_count(0)
    expect(page.get_by_text("当前账号：bangongting（单位）")).to_be_visible()
    assert_no_exception(page)
    page.screenshot(path=output_dir / "unit_account_overview.png", full_page=True)
    assert '"action":"sign_in"' in audit_log.read_text(encoding="utf-8")


def test_a_download_is_written_to_the_audit_log(page, server_url, audit_log):
    page.goto(server_url)
    wait_for_charts(page, 4)
    page.get_by_role("button", name="下载").first.click()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="CSV", exact=True).first.click()
    name = info.value.suggested_filename
    info.value.path()
    expect(page.get_by_text("指出问题").first).to_be_visible()
    lines = audit_log.read_text(encoding="utf-8")
    assert '"action":"download"' in lines and name in lines and '"from":"2020Q1"' in lines
    download = [line for line in lines.splitlines() if '"action":"download"' in line][-1]
    assert '"address":"127.0.0.1"' in download  # read when the button was drawn, not on the media request
    # a CSV carries no marking, and its line claims none
    assert '"marking"' not in download and '"watermark"' not in download
    # the screen carries the marking and this viewer's watermark, and a picture's audit line the same text
    expect(page.locator(".oversight-marking")).to_have_text("内部资料 注意保存")
    watermark = page.locator(".oversight-watermark span").first.inner_text()
    assert watermark.startswith("本机 20")  # local mode: this computer, then the date and time
    svg_button = page.get_by_role("button", name="SVG", exact=True).first
    if not svg_button.is_visible():  # the menu closed after the CSV
        page.get_by_role("button", name="下载").first.click()
    with page.expect_download(timeout=60_000) as info:
        svg_button.click()
    svg = info.value.path().read_text(encoding="utf-8")
    picture = [
        line for line in audit_log.read_text(encoding="utf-8").splitlines() if info.value.suggested_filename in line
    ]
    assert f'"watermark":"{watermark}"' in picture[-1] and '"marking":"内部资料 注意保存"' in picture[-1]
    assert "内部资料 注意保存" in svg


def test_an_account_removed_while_its_page_is_open_gets_no_file(page, accounts_server):
    """A download is made on Streamlit's media request, without a rerun: the buttons on a removed leader's open
    page still handed out files, and the audit line named the removed account as a leader."""
    from oversight.auth import accounts

    url, audit_log, users = accounts_server
    _sign_in(page, url, "lingdao")
    wait_for_charts(page, 4)
    page.get_by_role("button", name="下载").first.click()
    csv = page.get_by_role("button", name="CSV", exact=True).first
    expect(csv).to_be_visible()
    accounts.remove_user("lingdao", path=users)
    failures = []
    page.on("download", lambda download: failures.append(download.failure()))
    csv.click()

    def lines_of_lingdao() -> list[str]:
        return [line for line in audit_log.read_text(encoding="utf-8").splitlines() if '"lingdao"' in line]

    def refused(lines: list[str]) -> bool:
        return any('"action":"refused"' in line and '"account_changed"' in line for line in lines)

    # the refusal is written when the browser asks for the file: waited for (a fixed 3 s could pass first under load)
    lines = eventually(page, lines_of_lingdao, refused)
    assert all(failure is not None for failure in failures), failures  # nothing arrived whole
    assert not any('"action":"download"' in line for line in lines)
    assert any('"action":"refused"' in line and '"account_changed"' in line for line in lines)


def test_a_sign_in_survives_a_reload_until_signed_out_or_the_account_is_disabled(page, accounts_server):
    """A full reload asked for the password again. The sign-in is kept in an HttpOnly, SameSite=Strict cookie that
    no script of the page reads; a reload signs in again from it, audited; a sign-out revokes it (a copy kept by
    the browser no longer works) and `user disable` ends it for good, even once the account is enabled again."""
    from oversight.auth import accounts, roles

    url, audit_log, users = accounts_server
    accounts.add_user("fuzuzhang", PASSWORD, roles.LEADER, path=users)  # the module's other tests remove theirs
    signed_in = page.get_by_text("当前账号：fuzuzhang（领导）")
    with page.expect_response(lambda response: response.url.endswith("/_oversight/remember")) as handed:
        _sign_in(page, url, "fuzuzhang")
        expect(signed_in).to_be_visible(timeout=60_000)
    assert handed.value.status == 204
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "oversight_signed_in"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "oversight_signed_in" not in page.evaluate("document.cookie")
    page.reload()
    expect(signed_in).to_be_visible(timeout=60_000)
    lines = [json.loads(line) for line in audit_log.read_text(encoding="utf-8").splitlines()]
    assert lines[-1]["action"] == "sign_in" and lines[-1]["details"] == {"method": "remembered"}

    page.get_by_role("button", name="退出登录").click()
    login = page.get_by_role("heading", name="登录派驻监督工作看板")
    expect(login).to_be_visible(timeout=30_000)
    page.context.add_cookies([cookie])  # a browser that kept it (its request to clear it lost)
    page.reload()
    expect(login).to_be_visible(timeout=30_000)
    expect(signed_in).to_have_count(0)

    _sign_in(page, url, "fuzuzhang")
    expect(signed_in).to_be_visible(timeout=60_000)
    accounts.set_disabled("fuzuzhang", True, path=users)
    accounts.set_disabled("fuzuzhang", False, path=users)
    page.reload()
    expect(login).to_be_visible(timeout=30_000)
    expect(signed_in).to_have_count(0)
    assert_no_exception(page)


def test_a_sign_out_ends_the_other_tab_of_the_same_sign_in(page, accounts_server, output_dir):
    """Review of 5 Dec (h6): signed in, a second tab opened (signed in there by the remembered cookie), 退出登录 in the
    first: the second tab carried on signed in, figures and 下载 buttons, for whoever sat down next. It ends at its
    next click, saying why, and the sign-out elsewhere is in the audit log."""
    from oversight.auth import accounts, roles

    url, audit_log, users = accounts_server
    accounts.add_user("kezhang", PASSWORD, roles.LEADER, path=users)
    signed_in_words = "当前账号：kezhang（领导）"
    with page.expect_response(lambda response: response.url.endswith("/_oversight/remember")):
        _sign_in(page, url, "kezhang")
        expect(page.get_by_text(signed_in_words)).to_be_visible(timeout=60_000)
    other_tab = page.context.new_page()
    other_tab.goto(url)
    expect(other_tab.get_by_text(signed_in_words)).to_be_visible(timeout=60_000)
    wait_for_charts(other_tab, 4)

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="登录派驻监督工作看板")).to_be_visible(timeout=30_000)
    other_tab.get_by_role("link", name="会议监督").click()  # the other tab's next click
    expect(other_tab.get_by_role("heading", name="登录派驻监督工作看板")).to_be_visible(timeout=30_000)
    expect(other_tab.get_by_text("您已在其他页面退出登录，请重新登录。")).to_be_visible()
    # must not happen: anything of the signed-in page left in the tab
    expect(other_tab.get_by_text(signed_in_words)).to_have_count(0)
    expect(other_tab.get_by_role("button", name="下载")).to_have_count(0)
    assert_no_exception(other_tab)
    expect(other_tab.get_by_label("密码")).to_be_visible()  # the whole form, ready for the next sign-in
    other_tab.screenshot(path=output_dir / "signed_out_in_another_tab.png")
    lines = [json.loads(line) for line in audit_log.read_text(encoding="utf-8").splitlines()]
    ended = [(line["action"], line["details"]) for line in lines if line["account"] == "kezhang"][-2:]
    assert ended == [("sign_out", {}), ("sign_out", {"reason": "signed_out_elsewhere"})]


# The reading pages a unit account may open, by the path Streamlit gives each (the Overview at the root).
READING_PATHS = ("", "meetings", "issues", "suggestions", "reminders", "unit_profile")


def _other_units_words(allowed: set[str]) -> set[str]:
    """Every way a page could name a unit outside ``allowed``: its id, names and short names in both languages, as
    text and as JSON writes them (Plotly's figure escapes Chinese as \\uXXXX, which a plain search misses)."""
    import pandas as pd

    # the units sheet as written, every name column of it (tests/oracle.py reads only the full names)
    units = pd.read_excel(ROOT / "data" / "units.xlsx", dtype=str, engine="openpyxl")
    words = set()
    for row in units[~units["单位编码"].isin(allowed)].to_dict("records"):
        for column in ("单位编码", "单位名称", "英文名称", "简称", "英文简称"):
            value = row.get(column)
            if isinstance(value, str) and value.strip():
                words |= {value.strip(), json.dumps(value.strip())[1:-1]}
    return words


def test_a_two_unit_account_is_sent_nothing_of_another_unit_on_any_page(page, accounts_server):
    """The brief's hidden data: not only what is drawn but everything the server sends — Plotly's figure JSON (hover
    texts, customdata), the tables' rows, captions, alt texts, the 预警 strip — holds no other unit's id or name, on
    every page a unit account may open, in both languages, for an account of two units (whose "all your units" is
    a list, not one)."""
    from oversight.auth import accounts, roles

    url, _, users = accounts_server
    allowed = {"gov_office", "research"}
    accounts.add_user("liangjia", PASSWORD, roles.UNIT, units=sorted(allowed), path=users)
    sent: list[str] = []
    page.on(
        "websocket",
        lambda socket: socket.on(
            "framereceived",
            lambda frame: sent.append(frame if isinstance(frame, str) else frame.decode("utf-8", "replace")),
        ),
    )
    _sign_in(page, url, "liangjia")
    expect(page.get_by_text("当前账号：liangjia（单位）")).to_be_visible(timeout=60_000)
    others = _other_units_words(allowed)
    for lang in ("zh", "en"):
        for path in READING_PATHS:
            sent.clear()
            page.goto(f"{url}/{path}?lang={lang}")
            wait_for_charts(page, 1)
            assert_no_exception(page)
            received = "\n".join(sent) + page.content()
            # the sweep reads what the page was sent: the scope caption names its unit in full
            assert ("省政府办公厅" if lang == "zh" else "General Office of the Provincial Government") in received, path
            found = sorted(word for word in others if word in received)
            assert not found, (lang, path, found)
