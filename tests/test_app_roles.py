"""Access control under AppTest: what each role sees on every page, URL tampering, sign-in failures and
throttling, local mode refusing other machines, and the audit lines each action writes."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from oversight.auth import accounts, audit, roles
from oversight.contract.schema import TABLES
from oversight.data import store
from tests.apptest import as_read, metrics, run_page

PASSWORD = "correct-horse-battery"
PAGES = [
    "app.py",
    "pages/01_meetings.py",
    "pages/02_issues.py",
    "pages/03_suggestions.py",
    "pages/04_reminders.py",
    "pages/05_unit_profile.py",
    "pages/06_briefing.py",
    "pages/07_data.py",
    "pages/08_audit.py",
]
READING = PAGES[:6]
# role → the pages it may open (the rest show a refusal)
ALLOWED = {
    "admin": set(PAGES),
    "leader": set(READING) | {"pages/06_briefing.py"},
    "unit": set(READING),
}


@pytest.fixture
def users():
    accounts.add_user("chief", PASSWORD, roles.ADMIN)
    accounts.add_user("leader", PASSWORD, roles.LEADER)
    accounts.add_user("bangongting", PASSWORD, roles.UNIT, units=["gov_office"])
    return Path(os.environ["OVERSIGHT_USERS_FILE"])


def _audit_lines():
    path = Path(os.environ["OVERSIGHT_AUDIT_LOG"])
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def sign_in(username, password=PASSWORD, script="app.py", query=None, address="127.0.0.1"):
    at = run_page("app.py", query, address=address)
    assert at.title[0].value == "登录派驻监督工作看板"
    at.text_input(key="widget.login_user").input(username)
    at.text_input(key="widget.login_password").input(password)
    at.button[0].click().run()
    if script != "app.py" and not at.exception:
        at.switch_page(script).run()
    return at


@pytest.mark.parametrize("role, username", [("admin", "chief"), ("leader", "leader"), ("unit", "bangongting")])
def test_role_page_matrix(users, role, username):
    at = sign_in(username)
    for script in PAGES:
        at.switch_page(script).run()
        assert not at.exception, (script, [e.value for e in at.exception])
        refused = any("无权访问此页面" in error.value for error in at.error)
        assert refused == (script not in ALLOWED[role]), (role, script)
        # the nav lists exactly the pages the role may open, on a refused page too
        assert len(at.sidebar.get("page_link")) == len(ALLOWED[role]), (role, script)


@pytest.mark.parametrize(
    "lang, refusal, back, sign_out",
    [
        ("zh", "您的账号无权访问此页面", "返回总览", "退出登录"),
        ("en", "Your account may not open this page", "Back to the Overview", "Sign out"),
    ],
)
def test_a_refused_page_keeps_the_sidebar_sign_out_and_a_way_back(users, lang, refusal, back, sign_out):
    """A unit account sent a link to /briefing saw one line and nothing else: no page list, no 退出登录, no link
    back; the only ways out were the address bar and Back."""
    at = run_page("app.py", {"lang": lang, "from": "2020Q3", "to": "2020Q4"})
    at.text_input(key="widget.login_user").input("bangongting")
    at.text_input(key="widget.login_password").input(PASSWORD)
    at.button[0].click().run()
    at.switch_page("pages/06_briefing.py").run()
    assert not at.exception
    assert [error.value for error in at.error] == [refusal]
    nav = at.sidebar.get("page_link")
    assert [link.proto.page for link in nav] == ["", "meetings", "issues", "suggestions", "reminders", "unit_profile"]
    assert at.button(key="widget.logout").label == sign_out
    # the way back: to the Overview, in the view the link came with
    (link,) = at.main.get("page_link")
    assert link.proto.label == back and link.proto.page_script_hash == nav[0].proto.page_script_hash
    assert link.proto.query_string == f"from=2020Q3&to=2020Q4&lang={lang}"
    assert not at.title and not at.main.get("download_button")  # nothing of the briefing page itself


def test_a_unit_account_sees_only_its_own_unit(users):
    at = sign_in("bangongting")
    shown = metrics(at)
    assert shown["指出问题"] == "3个" and shown["意见建议"] == "3条"
    assert all(value not in ("16个", "19条") for value in shown.values())
    assert at.multiselect(key="widget.units").options == ["省政府办公厅"]
    assert as_read(at.caption[0].value).startswith("监督范围：省政府办公厅；")
    assert len(at.download_button) == 0  # unit accounts read; they do not download
    # nor are they promised one under a chart that opens its list
    hints = " ".join(as_read(caption.value) for caption in at.caption)
    assert "点击条形，查看其所统计的清单。" in hints and "可下载" not in hints
    assert at.button(key="drill.card.issues").proto.help == "打开“指出问题”所统计的清单"  # nor by the list's button
    at.switch_page("pages/05_unit_profile.py").run()
    assert "全部单位平均" not in " ".join(as_read(caption.value) for caption in at.caption)  # would reveal the totals


def test_url_tampering_shows_nothing_of_another_unit(users):
    at = sign_in("bangongting", query={"unit": "research", "from": "2020Q1", "to": "2020Q4"})
    shown = metrics(at)
    assert shown["指出问题"] == "3个"  # its own unit, never research's
    assert "unit=research" in at.warning[0].value
    for script in READING[1:]:
        at.switch_page(script).run()
        frames = [frame.value for frame in at.dataframe]
        for frame in frames:
            assert "省政府研究室" not in frame.to_string()
    # who asked for whose units is in the audit log, once however many pages the link was carried to
    refused = [line for line in _audit_lines() if line["action"] == "refused"]
    assert [(line["account"], line["details"]) for line in refused] == [
        ("bangongting", {"reason": "unit_out_of_scope", "units": ["research"]})
    ]


def test_a_forged_widget_value_is_dropped_named_and_audited_as_a_link_is(users):
    """rev-h, 2 Dec: the sidebar's units, a chart's bar and the profile's picker passed on whatever value their
    widget sent: a unit account sending research's id read "数据范围：；" over zeros, with no audit line."""
    at = sign_in("bangongting")
    at.multiselect(key="widget.units").set_value(["research", "gov_office"]).run()
    assert not at.exception
    assert as_read(at.caption[0].value).startswith("监督范围：省政府办公厅；"), as_read(at.caption[0].value)
    assert metrics(at)["指出问题"] == "3个"
    assert any("research" in w.value and "已去掉" in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.query_params.get("unit") in (None, [], ["gov_office"])  # the address names no other unit
    refused = [line for line in _audit_lines() if line["action"] == "refused"]
    assert [(line["account"], line["details"]) for line in refused] == [
        ("bangongting", {"reason": "unit_out_of_scope", "units": ["research"]})
    ]
    at.switch_page("pages/05_unit_profile.py").run()
    assert not at.exception and "省政府研究室" not in " ".join(as_read(m.value) for m in at.markdown)


def test_a_long_forged_list_still_audits_the_unit_in_it_and_counts_what_it_dropped(users):
    """rev-h2: 600 made-up ids before research cut research from the dropped list, so no audit line; the notice
    counted 600 where 601 were dropped."""
    at = sign_in("bangongting")
    forged = [f"u{n:06d}" for n in range(600)] + ["research", "gov_office"]
    at.multiselect(key="widget.units").set_value(forged).run()
    assert not at.exception
    assert metrics(at)["指出问题"] == "3个"
    assert any("等共601个" in w.value for w in at.warning), [w.value for w in at.warning]
    refused = [line["details"] for line in _audit_lines() if line["action"] == "refused"]
    assert refused == [{"reason": "unit_out_of_scope", "units": ["research"]}]


def test_a_filter_unit_that_is_not_text_is_dropped_without_breaking_the_session(users):
    """rev-h2: a forged chart click with customdata [["x"]] put a list in the filter; every page of the session then
    failed (unhashable type) with no sidebar to sign out from."""
    from oversight.ui import session

    at = sign_in("leader")
    filter_ = at.session_state[session.FILTER_KEY]
    at.session_state[session.FILTER_KEY] = filter_.with_units([["x"], {"a": 1}, "research"])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert as_read(at.caption[0].value).startswith("监督范围：省政府研究室；"), as_read(at.caption[0].value)
    assert any("已去掉" in w.value for w in at.warning)


def test_a_unit_an_import_removed_is_dropped_from_an_open_session(users, monkeypatch, tmp_path):
    """rev-h, 2 Dec: a leader's session on a unit an import then removed read "数据范围：；" and zeros under an empty
    unit box (as if all units had none), and the profile failed on every run."""
    from oversight.ingest import checked_folder, workbook

    folder = tmp_path / "data"
    shutil.copytree(store.SAMPLE_DATA_DIR, folder, ignore=shutil.ignore_patterns(".cache", ".history"))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    at = sign_in("leader", query={"unit": "chronicles"})
    at.switch_page("pages/05_unit_profile.py").run()
    assert metrics(at)  # the chronicles office's profile
    frames = checked_folder.read_folder(folder)
    for name, frame in frames.items():  # the office is gone from every ledger
        kept = frame[frame["unit_id" if name == "units" else "unit"] != "chronicles"]
        if name == "suggestions":
            kept = kept[
                kept["issue_id"].isin(frames["issues"].query("unit != 'chronicles'")["issue_id"])
                | kept["issue_id"].isna()
            ]
        (folder / TABLES[name].file_name).write_bytes(workbook.ledger_xlsx_bytes(TABLES[name], kept, frames["units"]))
    at.run()
    assert not at.exception, at.exception
    assert any("chronicles" in w.value for w in at.warning), [w.value for w in at.warning]
    at.switch_page("app.py").run()
    assert as_read(at.caption[0].value).startswith("监督范围：全部8家综合监督单位；"), as_read(at.caption[0].value)


def test_the_next_account_in_a_tab_is_not_held_to_the_last_ones_address(users):
    """rev-h, 2 Dec: an admin viewing ?unit=research signed out; the unit account signing in next in that tab was
    warned that unit=research was ignored and audited as asking for it."""
    at = sign_in("chief", query={"unit": "research"})
    assert metrics(at)["指出问题"] == "1个" or "省政府研究室" in as_read(at.caption[0].value)
    at.button(key="widget.logout").click().run()
    assert "unit" not in at.query_params
    at.text_input(key="widget.login_user").input("bangongting")
    at.text_input(key="widget.login_password").input(PASSWORD)
    at.button[0].click().run()
    assert as_read(at.caption[0].value).startswith("监督范围：省政府办公厅；"), as_read(at.caption[0].value)
    assert not at.warning, [w.value for w in at.warning]
    assert not [line for line in _audit_lines() if line["action"] == "refused"]


def test_the_audit_page_names_the_units_a_refusal_names():
    from oversight.present import audit_rows

    details = {"reason": "unit_out_of_scope", "units": ["research", "gone"]}
    text = audit_rows.details_text(details, "zh", {"research": "省政府研究室"})
    assert text == "原因：请求查看账号范围以外的单位；单位：省政府研究室、gone"


def test_a_unit_that_does_not_exist_is_not_audited_as_out_of_scope(users):
    sign_in("bangongting", query={"unit": "no_such_unit"})
    assert not [line for line in _audit_lines() if line["action"] == "refused"]


def test_a_leader_sees_all_units_and_may_download(users):
    at = sign_in("leader")
    assert metrics(at)["指出问题"] == "16个"
    assert len(at.download_button) == 16
    assert "当前账号：leader（领导）" in " ".join(as_read(caption.value) for caption in at.caption)
    assert "点击条形，查看其所统计的清单（可下载）。" in " ".join(as_read(caption.value) for caption in at.caption)


def test_the_password_box_does_not_count_what_is_typed(users):
    """Its counter (5/1024) told anyone watching a projected screen the password's length."""
    at = run_page("app.py")
    assert at.text_input(key="widget.login_password").proto.max_chars == 0  # no limit shown; sign_in bounds it


def test_wrong_passwords_are_refused_then_throttled(users):
    at = sign_in("leader", "wrong-password")
    assert at.error[0].value == "账号或密码错误"
    for _ in range(5):
        at = sign_in("leader", "wrong-password")
    assert "登录失败次数过多" in at.error[0].value
    at = sign_in("leader")  # even the right password waits out the lock
    assert "登录失败次数过多" in at.error[0].value
    actions = [line["action"] for line in _audit_lines()]
    assert actions.count("sign_in_failed") == 5 and "refused" in actions


def test_sign_in_and_sign_out_are_audited(users):
    at = sign_in("chief")
    at.button(key="widget.logout").click().run()
    assert at.title[0].value == "登录派驻监督工作看板"
    lines = _audit_lines()
    assert [(line["action"], line["account"]) for line in lines] == [("sign_in", "chief"), ("sign_out", "chief")]


def test_local_mode_serves_this_machine_and_refuses_others():
    at = run_page(address="127.0.0.1")
    assert metrics(at)["指出问题"] == "16个"
    assert any("本机模式" in as_read(caption.value) for caption in at.caption)
    at = run_page(address="192.0.2.10")
    assert "只允许在运行它的计算机上访问" in at.error[0].value
    assert len(at.metric) == 0
    refused = [line for line in _audit_lines() if line["action"] == "refused"]
    assert refused[-1]["details"]["reason"] == "non_local_client" and refused[-1]["address"] == "192.0.2.10"


def test_admins_read_the_audit_log(users):
    sign_in("leader", "wrong-password")
    at = sign_in("chief", script="pages/08_audit.py")
    table = at.dataframe[0].value
    assert list(table["操作"])[:2] == ["登录", "登录失败"]  # newest first
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", at) for at in table["时间（北京时间）"])
    shown = table.to_string()
    assert "None" not in shown and "{" not in shown
    # no choice reads as what it is, not "—"
    assert at.selectbox(key="widget.audit_account").format_func("") == "全部账号"
    assert at.selectbox(key="widget.audit_action").format_func("") == "全部操作"
    at.selectbox(key="widget.audit_action").set_value("sign_in_failed").run()
    assert list(at.dataframe[0].value["账号"]) == ["leader"]


def _oidc_app(user: dict):
    from streamlit.testing.v1 import AppTest

    from oversight.ui import TEST_ADDRESS_KEY
    from tests.apptest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[TEST_ADDRESS_KEY] = "192.0.2.20"  # single sign-on serves other machines too
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "oversight",
        "client_secret": "y",
        "server_metadata_url": "https://idp.invalid",
    }
    at.user = user
    return at.run()


def test_single_sign_on_maps_the_email_to_the_account(users):
    accounts.add_user("bgt-sso", None, roles.UNIT, units=["gov_office"], email="bgt@gov.example")
    at = _oidc_app({"is_logged_in": False})
    assert at.button[0].label == "通过单位统一身份认证登录"
    at = _oidc_app({"is_logged_in": True, "email": "bgt@gov.example", "email_verified": True})
    assert metrics(at)["指出问题"] == "3个"
    assert ("sign_in", "bgt-sso") in [(line["action"], line["account"]) for line in _audit_lines()]
    at = _oidc_app({"is_logged_in": True, "email": "stranger@elsewhere.example", "email_verified": True})
    assert "未分配看板账号" in at.error[0].value and len(at.metric) == 0
    # a provider that does not say it verified the address: no account for it
    at = _oidc_app({"is_logged_in": True, "email": "bgt@gov.example"})
    assert "未分配看板账号" in at.error[0].value and len(at.metric) == 0


def test_a_users_file_inside_the_repository_pauses_the_dashboard_with_a_sentence(monkeypatch):
    """It showed Streamlit's English "This app has encountered an error" page on every page, the traceback's
    links with it."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import ROOT as APP_ROOT

    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(APP_ROOT / "users.toml"))
    at = AppTest.from_file(str(APP_ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert [error.value for error in at.error] == [
        "账号文件的位置不符合要求（不能放在代码仓库内），看板暂停服务。请管理员按 README 的 Configuration 一节设置 OVERSIGHT_USERS_FILE 后重启。"
    ]
    assert not at.metric


@pytest.mark.parametrize("username, sees_problems", [("bangongting", False), ("leader", False), ("chief", True)])
def test_only_an_admin_reads_why_the_folder_does_not_load(users, tmp_path, monkeypatch, username, sees_problems):
    """The problems quote cells, rows and ids of every unit's ledgers: a unit account read another unit's 整改状态
    cell (a note about a named official) on this page."""
    import shutil

    import openpyxl

    from oversight.data import store

    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    book = openpyxl.load_workbook(folder / "issues.xlsx")
    sheet = book.worksheets[0]
    status = next(cell.column for cell in sheet[1] if cell.value == "整改状态")
    sheet.cell(2, status, "已约谈某某副局长，涉嫌违规收受礼金")
    book.save(folder / "issues.xlsx")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    at = sign_in(username)
    assert not at.exception
    shown = " ".join([e.value for e in at.error] + [c.value for c in at.code])
    assert "数据文件有误" in shown
    assert ("涉嫌违规收受礼金" in shown) == sees_problems and ("issues.xlsx" in shown) == sees_problems


def test_a_unit_account_whose_units_left_the_data_is_told_so_on_every_page(users):
    """Its unit profile took the first of no units and failed with a traceback."""
    accounts.add_user("gone", PASSWORD, roles.UNIT, units=["merged_away"])
    at = sign_in("gone")
    for script in READING:
        at.switch_page(script).run()
        assert not at.exception, (script, [e.value for e in at.exception])
        shown = [w.value for w in at.warning] + [e.value for e in at.error]
        assert any("merged" in text and "不在当前数据的单位表中" in text for text in shown), (script, shown)
        assert len(at.metric) == 0 and not at.get("plotly_chart")


def test_the_units_that_left_the_data_are_listed_in_the_pages_language(users):
    """The English sentence listed them joined by 、."""
    accounts.add_user("gone2", PASSWORD, roles.UNIT, units=["merged_away", "split_off"])
    at = run_page("app.py", {"lang": "en"})
    at.text_input(key="widget.login_user").input("gone2")
    at.text_input(key="widget.login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        r"The units this account may see (merged\_away, split\_off) are not in the data's units sheet, so there is "
        "nothing to show. Ask an administrator to check the account's units."
    ]


def test_an_account_named_by_its_email_address_is_shown_as_text_not_a_mailto_link(users):
    """The sidebar's 当前账号 caption is Markdown: zhang.san@gov.cn became a mailto link."""
    accounts.add_user("zhang.san@gov.cn", PASSWORD, roles.LEADER)
    at = sign_in("zhang.san@gov.cn")
    assert not at.exception
    (caption,) = [c.value for c in at.sidebar.caption if "当前账号" in c.value]
    assert caption == "当前账号：zhang\\.san\u2060@gov\\.cn（领导）"


def test_the_next_account_in_the_same_tab_starts_from_nothing_of_the_last(users):
    """An admin chose two units and built a pack, signed out, and a unit account signed in in the same tab: it kept
    the admin's filter (every card 0个, the scope blank) and was offered the admin's pack, watermarked with the
    admin's name. The next account starts as a new visit, from the default view: the address the last account left
    is not read as its own (it was warned of, and audited for, the admin's units it never asked for)."""
    at = sign_in("chief", query={"unit": ["research", "petitions"]})
    assert "省政府研究室" in as_read(at.caption[0].value)
    at.session_state["oversight.briefing_pack_left_over"] = "the admin's pack"  # anything a page kept
    at.button(key="widget.logout").click().run()
    assert at.title[0].value == "登录派驻监督工作看板"
    assert "oversight.briefing_pack_left_over" not in at.session_state
    at.text_input(key="widget.login_user").input("bangongting")
    at.text_input(key="widget.login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert metrics(at)["指出问题"] == "3个" and as_read(at.caption[0].value).startswith("监督范围：省政府办公厅；")
    assert not any("research" in warning.value for warning in at.warning)


def test_a_sign_in_that_cannot_be_audited_says_so_in_the_readers_language(users, tmp_path, monkeypatch):
    """With the audit log unwritable, a right password showed Streamlit's English error box ("This app has
    encountered an error … Ask Google"): nobody is let in, and the page says why."""
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path))  # a folder: no line can be appended to it
    at = sign_in("leader")
    assert not at.exception, [e.value for e in at.exception]
    assert [error.value for error in at.error] == ["审计日志无法写入，为保证每项操作都有记录，本次操作未执行"]
    assert not at.metric  # not let in
    en = run_page("app.py", {"lang": "en"})
    en.text_input(key="widget.login_user").input("leader")
    en.text_input(key="widget.login_password").input(PASSWORD)
    en.button[0].click().run()
    assert not en.exception and en.error[0].value.startswith("The audit log cannot be written")


def test_a_signed_in_import_is_recorded_under_the_account_not_the_servers_os_user(users, tmp_path, monkeypatch):
    """The server's OS account says nothing of who imported on the web: every web import read "chief（系统用户
    root）". The CLI and local mode keep it beside the claimed name (test_importer, test_cli_users)."""
    import pandas as pd

    from oversight.ingest import checked_folder, import_history, workbook

    folder = tmp_path / "data"
    shutil.copytree(store.SAMPLE_DATA_DIR, folder, ignore=shutil.ignore_patterns(".cache", ".history"))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    meetings = checked_folder.read_folder(folder)["meetings"].head(1).copy()
    meetings["meeting_id"] = "HY-WEB-1"
    units = checked_folder.read_folder(folder)["units"]
    upload = workbook.ledger_xlsx_bytes(TABLES["meetings"], pd.DataFrame(meetings), units)

    at = sign_in("chief", script="pages/07_data.py")
    at.file_uploader(key="widget.uploads").set_value(
        ("新会议.xlsx", upload, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    ).run()
    at.radio(key="widget.import_mode").set_value("append").run()
    at.button(key="widget.import_check").click().run()
    at.button(key="widget.import_apply").click().run()
    assert not at.exception and "已导入" in at.success[-1].value, [e.value for e in at.error]

    (entry,) = import_history.list_history(folder)
    assert entry.user == "chief" and entry.os_user is None
    shown = " ".join(as_read(m.value) for m in at.markdown)
    assert " · chief 导入 " in shown and "系统用户" not in shown


def test_a_long_audit_log_lists_its_newest_lines_and_says_how_many_match(users, monkeypatch):
    """200,000 lines took 29 s to tabulate on every rerun of the page (and two 4.7 s reads of the file)."""
    from oversight.present import audit_rows

    monkeypatch.setattr(audit_rows, "SHOWN_AT_MOST", 3)
    for n in range(5):
        audit.record("download", account="leader", details={"file": f"f{n}.csv"})
    at = sign_in("chief", script="pages/08_audit.py")  # its sign-in is the sixth line
    table = at.dataframe[0].value
    assert list(table["操作"]) == ["登录", "下载", "下载"] and "f4.csv" in table["详情"].iloc[1]
    assert [as_read(c.value) for c in at.caption if c.value.startswith("显示最新3条，共6条符合条件")]
    at.selectbox(key="widget.audit_action").set_value("sign_in").run()
    assert len(at.dataframe[0].value) == 1 and [as_read(c.value) for c in at.caption if c.value.startswith("共1条")]


def test_a_single_sign_on_session_ends_when_its_account_is_disabled_and_enabled_again_before_the_next_click(users):
    """An OIDC session compared only the account the address maps to: disabled and enabled again before the next
    click, it mapped to the same account, and the session carried on. It ends (audited), and the identity provider
    is asked again."""
    accounts.add_user("bgt-sso", None, roles.UNIT, units=["gov_office"], email="bgt@gov.example")
    at = _oidc_app({"is_logged_in": True, "email": "bgt@gov.example", "email_verified": True})
    assert metrics(at)["指出问题"] == "3个"
    accounts.set_disabled("bgt-sso", True)
    accounts.set_disabled("bgt-sso", False)
    at.run()
    assert not at.exception
    ended = [line for line in _audit_lines() if line["action"] == "sign_out"]
    assert ended and ended[-1]["account"] == "bgt-sso" and ended[-1]["details"] == {"reason": "account_changed"}
    assert len(at.metric) == 0 and "oversight.account" not in at.session_state


def test_a_single_sign_on_session_ends_when_its_account_is_disabled_by_hand_and_enabled_again(users):
    """The users file edited by hand (no generation advanced): found disabled by the app server's watch, the OIDC
    session made before ends; one made after the enable stays."""
    accounts.add_user("bgt-sso", None, roles.UNIT, units=["gov_office"], email="bgt@gov.example")
    user = {"is_logged_in": True, "email": "bgt@gov.example", "email_verified": True}
    at = _oidc_app(user)
    assert metrics(at)["指出问题"] == "3个"
    path = accounts.users_file()
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace('[users."bgt-sso"]\n', '[users."bgt-sso"]\ndisabled = true\n'), "utf-8")
    accounts.watch_disabled()
    path.write_text(original, "utf-8")
    at.run()
    ended = [line for line in _audit_lines() if line["action"] == "sign_out"]
    assert ended and ended[-1]["account"] == "bgt-sso" and ended[-1]["details"] == {"reason": "account_changed"}
    assert len(at.metric) == 0 and "oversight.account" not in at.session_state
    again = _oidc_app(user)
    again.run()
    assert metrics(again)["指出问题"] == "3个", "signed on after the enable, and staying"


def test_a_forged_list_is_named_back_in_the_order_sent_so_it_tells_no_unit_of_the_data_from_a_made_up_id(users):
    """h5, 4 Dec: the dropped units were named back with the data's units first (kept first for the audit line), so
    a unit account that sent made-up ids around research's read "已去掉：research, zz_a, zz_b" and learnt which of
    its guesses the data holds — which the link's own notice ("不在数据中或不在本账号可见范围内") never tells."""
    at = sign_in("bangongting")
    at.multiselect(key="widget.units").set_value(["zz_a", "zz_b", "research", "zz_c", "gov_office"]).run()
    assert not at.exception
    dropped = [w.value for w in at.warning if "已去掉" in w.value]
    assert dropped and "已去掉：zz\\_a、zz\\_b、research、zz\\_c。" in dropped[0], dropped
    # the audit line still names the unit of the data it asked for
    refused = [line["details"] for line in _audit_lines() if line["action"] == "refused"]
    assert refused == [{"reason": "unit_out_of_scope", "units": ["research"]}]
