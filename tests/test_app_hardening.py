"""The hardening as a user meets it in the app (AppTest): a broken or crashed data folder, accounts changed under
an open session, a damaged users file, crafted links, refusals in the audit log."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from oversight.auth import accounts, remembered, roles
from oversight.core import i18n, safe_text
from oversight.data import store
from oversight.export import marking
from oversight.ingest import checked_folder, commit, import_history
from oversight.ui import cards, remembered_sign_in
from oversight.ui import sign_in as sign_in_module
from tests.apptest import figure_titled, run_page
from tests.bad_files import (
    HEADERS,
    hash_tree,
    issue,
    meeting,
    temporary_disk_full,
    users_file_without_accounts,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    return folder


def _audit_lines() -> list[dict]:
    path = Path(os.environ["OVERSIGHT_AUDIT_LOG"])
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def sign_in(username: str, password: str = PASSWORD):
    at = run_page("app.py")
    at.text_input(key="widget.login_user").input(username)
    at.text_input(key="widget.login_password").input(password)
    at.button[0].click().run()
    return at


def test_the_data_page_opens_on_a_broken_folder_and_an_import_repairs_it(data_folder, tmp_path):
    (data_folder / "issues.xlsx").write_bytes(b"a file damaged by hand")  # the folder no longer loads

    overview = run_page("app.py")
    assert overview.error[0].value.startswith("数据文件有误")  # the reading pages say so and stop

    at = run_page("pages/07_data.py")
    assert at.error[0].value.startswith("数据文件夹当前无法加载")
    assert "issues.xlsx" in at.code[0].value
    at.file_uploader(key="widget.uploads").set_value(
        ("issues.xlsx", (store.SAMPLE_DATA_DIR / "issues.xlsx").read_bytes(), XLSX)
    ).run()
    at.selectbox(key="widget.import_table").set_value("issues").run()
    at.button(key="widget.import_check").click().run()
    assert at.success[0].value == "检查通过，可以导入。"
    at.button(key="widget.import_apply").click().run()
    assert not at.exception
    assert "已导入" in at.success[-1].value
    assert checked_folder.read_folder(data_folder)["issues"].equals(
        checked_folder.read_folder(store.SAMPLE_DATA_DIR)["issues"]
    )
    assert run_page("app.py").metric[1].value == "16个"  # the dashboard reads again


def test_the_data_page_on_a_broken_folder_offers_undo(data_folder, tmp_path):
    commit.import_files(
        write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]}),
        mode="append",
        folder=data_folder,
    )
    (data_folder / "issues.xlsx").write_bytes(b"a file damaged by hand")
    at = run_page("pages/07_data.py")
    at.button(key="widget.undo").click().run()
    assert not at.exception
    # undo refuses to write a folder that would still not load, and says why in the user's language (as an undo)
    assert at.error[-1].value.startswith("撤销未完成，数据未作任何改动")
    assert len(import_history.list_history(data_folder)) == 1


@pytest.mark.parametrize(
    "change,said",
    [
        ("import", "检测到上次导入中途中断（{id}），已自动恢复到导入之前的数据"),
        # said as an import's before: 已自动恢复到导入之前的数据, of a folder that still held the import
        ("undo", "检测到上次撤销中途中断（{id}），已自动恢复到撤销之前的数据，所撤销的导入仍然有效"),
    ],
)
def test_a_crashed_import_or_undo_is_rolled_back_when_the_app_opens_and_said_as_what_it_was(
    change, said, data_folder, tmp_path
):
    files = [
        write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]}),
        write_xlsx(tmp_path / "i.xlsx", {"问题": [HEADERS["issues"], issue()]}),
    ]
    shown = "16个"  # the sample's figure
    if change == "undo":
        commit.import_files(files, mode="append", folder=data_folder)  # the import the killed undo was taking back
        shown = run_page("app.py").metric[1].value
    before = hash_tree(data_folder)
    script = (
        "import os, sys\nfrom pathlib import Path\nfrom oversight.ingest import commit\n"
        "calls = []\noriginal = commit.rename_into_place\n"
        "def dying(*a):\n    calls.append(1)\n    if len(calls) == 2: os._exit(137)\n    original(*a)\n"
        "commit.rename_into_place = dying\n"
        + (
            "commit.undo_last()\n"
            if change == "undo"
            else "commit.import_files([Path(p) for p in sys.argv[1:]], mode='append')\n"
        )
    )
    crashed = subprocess.run(
        [sys.executable, "-c", script, *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert crashed.returncode == 137
    killed = next(path.name for path in (data_folder / ".history").iterdir() if path.name not in before_entries(before))
    at = run_page("app.py")
    assert at.warning[0].value == said.format(id=killed)
    assert at.metric[1].value == shown  # the figures of the folder as it was
    assert hash_tree(data_folder) == before


def before_entries(tree: dict[str, str]) -> set[str]:
    """The history entries a folder's ``hash_tree`` lists."""
    return {Path(name).parts[1] for name in tree if Path(name).parts[0] == ".history"}


def test_a_removed_account_loses_its_open_session_on_the_next_click():
    accounts.add_user("chief", PASSWORD, roles.ADMIN)  # another account: the app stays in accounts mode
    accounts.add_user("leader", PASSWORD, roles.LEADER)
    at = sign_in("leader")
    assert at.metric, "signed in and reading"
    accounts.remove_user("leader")
    at.run()
    assert at.title[0].value == "登录派驻监督工作看板"
    assert not at.metric
    assert "已被管理员更改、停用或删除" in at.warning[0].value
    assert _audit_lines()[-1]["details"] == {"reason": "account_changed"}


def test_a_demoted_account_loses_the_pages_of_its_old_role():
    accounts.add_user("chief", PASSWORD, roles.ADMIN)
    at = sign_in("chief")
    at.switch_page("pages/07_data.py").run()
    assert not at.error
    accounts.add_user("deputy", PASSWORD, roles.ADMIN)  # the last enabled admin cannot be removed
    accounts.remove_user("chief")
    accounts.add_user("chief", PASSWORD, roles.LEADER)  # same name, lesser role
    at.run()
    assert at.title[0].value == "登录派驻监督工作看板"


def test_a_disabled_account_loses_its_open_session_on_the_next_click_and_cannot_sign_in_again():
    """There was no way to switch an account off but removing it (its password and its trail's continuity lost):
    `user disable` ends its open session at the next run, and its right password then meets a refusal that says
    so, while a wrong one reads as any wrong password."""
    accounts.add_user("chief", PASSWORD, roles.ADMIN)
    accounts.add_user("leader", PASSWORD, roles.LEADER)
    at = sign_in("leader")
    assert at.metric, "signed in and reading"
    accounts.set_disabled("leader", True)
    at.run()
    assert at.title[0].value == "登录派驻监督工作看板" and not at.metric
    assert "已被管理员更改、停用或删除" in at.warning[0].value
    assert _audit_lines()[-1]["action"] == "sign_out"
    at.text_input(key="widget.login_user").input("leader")
    at.text_input(key="widget.login_password").input("wrong-password-1")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["账号或密码错误"]
    at.text_input(key="widget.login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception and not at.metric
    assert [e.value for e in at.error] == ["该账号已停用，请与管理员联系"]
    assert _audit_lines()[-1]["action"] == "refused"
    assert _audit_lines()[-1]["details"] == {"reason": "account_disabled"}
    accounts.set_disabled("leader", False)
    assert sign_in("leader").metric, "enabled again, with the password it had"


def test_a_session_ends_when_its_account_is_disabled_and_enabled_again_before_the_next_click():
    """The admin who disables an account means its sessions end: enabled again before the session's next click, the
    session carried on as if nothing happened. It ends; a new sign-in works."""
    accounts.add_user("chief", PASSWORD, roles.ADMIN)
    accounts.add_user("leader", PASSWORD, roles.LEADER)
    at = sign_in("leader")
    assert at.metric, "signed in and reading"
    accounts.set_disabled("leader", True)
    accounts.set_disabled("leader", False)
    at.run()
    assert at.title[0].value == "登录派驻监督工作看板" and not at.metric
    assert "已被管理员更改、停用或删除" in at.warning[0].value
    assert _audit_lines()[-1]["details"] == {"reason": "account_changed"}
    assert sign_in("leader").metric, "a sign-in after the enable is as good as any"


def test_a_session_ends_when_its_account_is_disabled_by_hand_and_enabled_again_before_the_next_click():
    """Administrators edit the users file too: ``disabled = true`` typed in did not advance the generation, and taken
    out before the session's next click, the session carried on. Found disabled by the app server's watch, the
    session ends at its next click; a sign-in after the enable is as good as any."""
    accounts.add_user("chief", PASSWORD, roles.ADMIN)
    accounts.add_user("leader", PASSWORD, roles.LEADER)
    at = sign_in("leader")
    assert at.metric, "signed in and reading"
    path = accounts.users_file()
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace('[users."leader"]\n', '[users."leader"]\ndisabled = true\n'), "utf-8")
    accounts.watch_disabled()
    path.write_text(original, "utf-8")
    at.run()
    assert at.title[0].value == "登录派驻监督工作看板" and not at.metric
    assert _audit_lines()[-1]["details"] == {"reason": "account_changed"}
    again = sign_in("leader")
    assert again.metric, "a sign-in after the enable is as good as any"
    again.run()
    assert again.metric, "and it stays signed in"


def test_a_damaged_users_file_shows_a_sentence_not_its_content():
    path = Path(os.environ["OVERSIGHT_USERS_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[users."chief"]\nrole = "admin"\npassword_hash = "$argon2id$secret-ish"\n[broken', "utf-8")
    at = run_page("app.py")
    at.text_input(key="widget.login_user").input("chief")
    at.text_input(key="widget.login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["账号配置文件已损坏，暂时无法登录。请联系管理员。"]
    shown = " ".join(str(element.value) for element in at.main if hasattr(element, "value"))
    assert str(path) not in shown and "argon2" not in shown


def test_the_sign_in_form_bounds_what_it_accepts():
    """The name box is bounded by the browser; the password box shows no bound (its counter, 5/1024, told a
    projected screen the password's length) and the sign-in bounds it: a password past the limit fails as too long
    without being checked."""
    accounts.add_user("chief", PASSWORD, roles.ADMIN)
    at = run_page("app.py")
    assert at.text_input(key="widget.login_user").max_chars == accounts.MAX_USERNAME_LENGTH
    assert not at.text_input(key="widget.login_password").max_chars
    at.text_input(key="widget.login_user").input("chief")
    at.text_input(key="widget.login_password").input(PASSWORD + "x" * accounts.MAX_PASSWORD_LENGTH)
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["账号或密码错误"] and not at.exception


def test_a_crafted_link_is_shown_as_text_and_the_warning_goes_with_reset():
    at = run_page("app.py", query={"unit": ["[点此重新登录](http://evil.test/login)", "![](http://evil.test/p.png)"]})
    warning = at.warning[0].value.replace(safe_text.WORD_JOINER, "")
    assert r"\[点此重新登录\]\(http\://evil\.test/login\)" in warning
    assert r"\!\[\]\(http\://evil\.test/p\.png\)" in warning
    at.button(key="widget.reset").click().run()
    assert not at.warning


def test_unit_names_with_markdown_are_escaped_in_the_caption_and_the_chip(data_folder):
    _rename_units(
        data_folder,
        {"research": "$$x^2$$ [点我](http://evil.test)", "gov_office": '<a href="http://evil.test">省政府办公厅</a>'},
    )
    at = run_page("app.py", query={"unit": "research"})
    assert not at.exception
    escaped = r"\$\$x^2\$\$ \[点我\]\(http\://evil\.test\)"
    assert escaped in at.caption[0].value.replace(safe_text.WORD_JOINER, "")
    assert escaped in at.button(key="widget.clear_units").label.replace(safe_text.WORD_JOINER, "")
    # the downloads' tooltips name files named after the unit: Markdown too (a $…$ there rendered a formula)
    helps = [button.proto.help for button in at.get("download_button") if "x^2" in button.proto.help]
    assert helps and all("\\$\\$x^2\\$\\$" in text and "$$x" not in text.replace("\\$", "") for text in helps)
    overview = run_page("app.py")
    chart = figure_titled(overview, "各单位指出问题与意见建议")["data"][0]
    # Plotly shows it, links nothing: the full name in the hover, the axis label shortened first, escaped after
    assert '&lt;a href="http://evil.test"&gt;省政府办公厅&lt;/a&gt;' in chart["hovertext"]
    assert all("<" not in label for label in chart["y"]) and any(label.startswith("&lt;a href") for label in chart["y"])


def test_a_drill_lists_caption_shows_a_units_name_as_typed(data_folder):
    """The caption over a figure's list (查看清单) names the units in view: it was the pictures' subtitle given to
    Markdown as it was, so a unit named ``$$x^2$$ [点我](http://evil.test)`` drew a formula and a live link there."""
    _rename_units(data_folder, {"research": "$$x^2$$ [点我](http://evil.test)"})
    at = run_page("pages/02_issues.py", query={"unit": "research"})
    at.button(key="drill.card.overdue").click().run()
    assert not at.exception, [e.value for e in at.exception]
    from tests.test_app_drill import _dialogs

    [dialog] = _dialogs(at)
    captions = [element.value for element in dialog.get("caption")]
    escaped = r"\$\$x^2\$\$ \[点我\]\(http\://evil\.test\)"
    assert any(escaped in caption.replace(safe_text.WORD_JOINER, "") for caption in captions), captions


def _rename_units(data_folder: Path, names: dict[str, str]) -> None:
    """The data folder's units renamed (Chinese names), each ledger written again as the sample has it."""
    from oversight.contract.schema import TABLES
    from oversight.ingest import workbook

    units = checked_folder.read_folder(data_folder)["units"]
    for unit, name in names.items():
        units.loc[units["unit_id"] == unit, "name_zh"] = name
    (data_folder / "units.xlsx").write_bytes(workbook.ledger_xlsx_bytes(TABLES["units"], units))
    for table in ("meetings", "issues", "suggestions", "reminders", "activities"):  # they name units by id too
        frame = checked_folder.read_folder(store.SAMPLE_DATA_DIR)[table]
        (data_folder / f"{table}.xlsx").write_bytes(workbook.ledger_xlsx_bytes(TABLES[table], frame, None))


def test_each_refused_page_is_logged_once_per_session_with_its_name():
    accounts.add_user("bangongting", PASSWORD, roles.UNIT, units=["gov_office"])
    at = sign_in("bangongting")
    for script in ("pages/07_data.py", "pages/08_audit.py", "pages/07_data.py"):
        at.switch_page(script).run()
    refusals = [line["details"] for line in _audit_lines() if line["action"] == "refused"]
    assert refusals == [{"reason": "forbidden_page", "page": "data"}, {"reason": "forbidden_page", "page": "audit"}]


def test_a_dimension_bomb_uploaded_on_the_data_page_is_refused_by_name(data_folder, tmp_path):
    from tests.hostile import CORPUS

    [bomb] = next(case for case in CORPUS if case.name == "cell_at_the_last_column_and_row").build(tmp_path)
    before = hash_tree(data_folder)
    at = run_page("pages/07_data.py")
    at.file_uploader(key="widget.uploads").set_value(("台账.xlsx", bomb.read_bytes(), XLSX)).run()
    at.button(key="widget.import_check").click().run()
    assert not at.exception
    assert at.error[0].value == "发现1个问题，未导入任何数据："
    problems = at.dataframe[0].value
    assert list(problems["问题"]) == [
        "工作表“会议”的内容延伸到1048576行 × 16384列，超过2,000,000个单元格的上限；"
        "请删除表格以外远处的内容或格式后另存再导入"
    ]
    assert hash_tree(data_folder) == before


# ---------------------------------------------------------------- local mode only where no accounts ever were


def _refused_for_accounts(at) -> bool:
    return (
        len(at.metric) == 0
        and len(at.error) == 1
        and at.error[0].value.startswith("本看板未找到本系统的账号文件，因此不能以本机模式打开")
    )


def test_accounts_in_the_os_default_file_keep_local_mode_shut(monkeypatch, tmp_path):
    home_users = tmp_path / "home" / ".config" / "oversight" / "users.toml"
    accounts.add_user("chief", PASSWORD, roles.ADMIN, path=home_users)
    monkeypatch.setattr(accounts, "os_default_users_file", lambda: home_users)
    at = run_page("app.py")  # OVERSIGHT_USERS_FILE names an empty file: without the rule, local mode
    assert _refused_for_accounts(at)
    assert str(home_users) not in at.error[0].value  # server paths stay in the audit log
    refused = [line for line in _audit_lines() if line["action"] == "refused"]
    assert [line["details"]["reason"] for line in refused] == ["accounts_required"]
    assert str(home_users) in refused[0]["details"]["problem"]
    assert _refused_for_accounts(run_page("pages/07_data.py"))  # the Data page above all


def test_an_import_by_a_signed_in_admin_guards_the_folder_against_local_mode(data_folder, tmp_path, monkeypatch):
    from oversight.auth import accounts_marker

    accounts.add_user("chief", PASSWORD, roles.ADMIN)
    at = sign_in("chief")
    at.switch_page("pages/07_data.py").run()
    upload = write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    at.file_uploader(key="widget.uploads").set_value(("m.xlsx", upload.read_bytes(), XLSX)).run()
    at.selectbox(key="widget.import_table").set_value("meetings").run()
    at.radio(key="widget.import_mode").set_value("append").run()
    at.button(key="widget.import_check").click().run()
    at.button(key="widget.import_apply").click().run()
    assert "已导入" in at.success[-1].value
    marker = json.loads((data_folder / accounts_marker.MARKER).read_text(encoding="utf-8"))
    assert marker["users_file"] == str(Path(os.environ["OVERSIGHT_USERS_FILE"]).resolve())

    # the server restarted with the variable pointing at an empty users file: no local mode on this folder
    users_file_without_accounts(tmp_path, monkeypatch)
    before = hash_tree(data_folder)
    for page in ("app.py", "pages/07_data.py"):
        assert _refused_for_accounts(run_page(page))
    assert hash_tree(data_folder) == before


def test_a_folder_changed_before_markers_existed_is_guarded_at_the_first_sign_in(data_folder, tmp_path, monkeypatch):
    """Review of 5 Dec (upgrade): an office's folder changed for months by releases that wrote no marker (or by a
    command line with no accounts) stayed open to local mode after the upgrade until its first signed-in import:
    pointing OVERSIGHT_USERS_FILE at an empty file let `undo` run unsigned. An account signing in on the
    dashboard of a changed folder marks it; a folder nobody changed stays unmarked (next test)."""
    from oversight.auth import accounts_marker

    commit.import_files(
        write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]}),
        mode="append",
        folder=data_folder,
    )  # the older release's change: history, no marker
    assert not (data_folder / accounts_marker.MARKER).exists()
    accounts.add_user("leader", PASSWORD, roles.LEADER)
    at = sign_in("leader")
    assert at.metric and not at.error
    marker = json.loads((data_folder / accounts_marker.MARKER).read_text(encoding="utf-8"))
    assert marker["users_file"] == str(Path(os.environ["OVERSIGHT_USERS_FILE"]).resolve())

    users_file_without_accounts(tmp_path, monkeypatch)
    assert _refused_for_accounts(run_page("pages/07_data.py"))


def test_a_sign_in_on_a_folder_nobody_changed_leaves_it_unmarked(data_folder):
    from oversight.auth import accounts_marker

    accounts.add_user("leader", PASSWORD, roles.LEADER)
    assert sign_in("leader").metric
    assert not (data_folder / accounts_marker.MARKER).exists()


def test_local_mode_on_a_folder_no_account_changed_still_opens(data_folder, monkeypatch, tmp_path):
    from oversight.auth import accounts_marker

    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(tmp_path / "not-yet" / "users.toml"))  # a fresh install
    at = run_page("app.py")
    assert at.metric[1].value == "16个" and not at.error
    assert not (data_folder / accounts_marker.MARKER).exists()


def test_a_sign_out_in_one_tab_ends_the_tabs_that_share_its_remembered_sign_in(monkeypatch):
    """Review of 5 Dec (h6): a leader signed in, opened a second tab (signed in there from the remembered cookie),
    signed out in the first and left the desk. The second tab carried on signed in, its 下载 buttons working: the
    sign-out revoked the cookie's value, but a session already made from it was never asked again. Every tab
    holding that sign-in ends at its next click, and a download its page still offers is refused and audited."""
    monkeypatch.setitem(remembered_sign_in._route, "installed", True)  # noqa: SLF001  # as under oversight.ui.serve
    accounts.add_user("chief", PASSWORD, roles.ADMIN)
    accounts.add_user("leader", PASSWORD, roles.LEADER)
    other_tab = sign_in("leader")
    assert other_tab.metric, "signed in and reading"
    made = other_tab.session_state[remembered_sign_in.REMEMBERED_KEY]
    account = other_tab.session_state["oversight.account"]
    fingerprint = other_tab.session_state["oversight.account_fingerprint"]
    remembered.revoke(made.id, made.expires)  # what 退出登录 in the first tab does with the same sign-in
    other_tab.run()
    assert other_tab.title[0].value == "登录派驻监督工作看板" and not other_tab.metric
    assert "已在其他页面退出登录" in other_tab.warning[0].value
    assert _audit_lines()[-1]["action"] == "sign_out"
    assert _audit_lines()[-1]["details"] == {"reason": "signed_out_elsewhere"}
    # the download check reads the session's state as the button is drawn; stand in for that run's state
    monkeypatch.setattr(
        sign_in_module.st,
        "session_state",
        {
            "oversight.account": account,
            "oversight.account_fingerprint": fingerprint,
            remembered_sign_in.REMEMBERED_KEY: made,
        },
    )
    monkeypatch.setattr(sign_in_module, "client_address", lambda: "192.0.2.9")
    page = types.SimpleNamespace(account=account, marking=marking.NO_MARKING, scoped_filter=None)
    # what a 下载 button drawn in this tab holds: its check made as it is drawn, its file when it is clicked
    download = cards.audited(page, "总览.csv", lambda: b"unit,issues\n", holds=cards.TEMPLATE)
    with pytest.raises(PermissionError):
        download()
    # the refusal says why, as the tab's own sign-out did: it was audited as account_changed (review of 5 Dec)
    assert (_audit_lines()[-1]["action"], _audit_lines()[-1]["details"]) == (
        "refused",
        {"reason": "signed_out_elsewhere", "file": "总览.csv"},
    )
    accounts.remove_user("leader")  # removed as well: the entry is asked first, as the next click asks it
    with pytest.raises(PermissionError):
        download()
    assert _audit_lines()[-1]["details"] == {"reason": "account_changed", "file": "总览.csv"}


def test_a_users_file_damaged_during_a_sign_in_is_said_and_no_sign_in_is_logged(monkeypatch):
    """The right password was logged as signed in, then the form's own read of the users file (damaged while argon2
    checked the password) stopped the page with a traceback. Now the form says the file is damaged and the log
    has no sign-in."""
    from oversight.auth import login

    accounts.add_user("chief", PASSWORD, roles.ADMIN)
    real = login.authenticate

    def authenticate(name, password, *, path=None):
        account = real(name, password, path=path)
        accounts.users_file().write_text("[users\n", encoding="utf-8")  # damaged meanwhile
        return account

    monkeypatch.setattr(login, "authenticate", authenticate)
    at = sign_in("chief")
    assert not at.exception
    assert [error.value for error in at.error] == [i18n.t("auth.users_file_broken", "zh-CN")]
    assert "sign_in" not in [line["action"] for line in _audit_lines()]


def test_a_check_on_a_full_temporary_disk_is_a_sentence_not_streamlits_error(data_folder, tmp_path, monkeypatch):
    """检查 with /tmp full (the would-be folder is written there) showed Streamlit's English "This app has encountered
    an error"; the admin now reads which disk is full, and the folder is as it was."""
    real_copy = temporary_disk_full(monkeypatch)
    before = hash_tree(data_folder)
    at = run_page("pages/07_data.py")
    upload = write_xlsx(tmp_path / "i.xlsx", {"问题": [HEADERS["issues"], issue()]})
    at.file_uploader(key="widget.uploads").set_value(("i.xlsx", upload.read_bytes(), XLSX)).run()
    at.selectbox(key="widget.import_table").set_value("issues").run()
    at.radio(key="widget.import_mode").set_value("replace").run()
    at.button(key="widget.import_check").click().run()
    assert not at.exception
    assert [error.value for error in at.error] == [
        "服务器临时文件夹（TMPDIR，未设置时为 /tmp）所在的磁盘空间不足，无法完成；数据未作任何改动。"
        "请管理员清理该磁盘，或让 TMPDIR 指向空间充足的文件夹"
    ]
    assert hash_tree(data_folder) == before
    monkeypatch.setattr(shutil, "copyfile", real_copy)  # space again: the same check passes
    at.button(key="widget.import_check").click().run()
    assert not at.exception and at.error[0].value.startswith("发现")  # the check's own report (this file's problems)


def test_the_data_pages_downloads_pause_with_every_other_page_while_the_audit_log_cannot_be_written(monkeypatch):
    """With the audit log's disk full (a real 1 MB tmpfs filled), the Data page said 本页的下载已暂停 and still offered
    its twelve buttons (each table's current data and template); a click ended in 文件未能生成…请刷新页面后重试,
    which no refresh mends. They are not offered now, as no chart's, table's or pack's is."""
    import errno

    from oversight.auth import audit

    def full() -> None:
        raise audit.AuditError(errno.ENOSPC, "audit log: 0 bytes left on its disk")

    writable = audit.ensure_writable
    monkeypatch.setattr(audit, "ensure_writable", full)
    paused = i18n.t("download.paused_audit_unwritable", "zh")
    for script in ("app.py", "pages/07_data.py"):
        at = run_page(script)
        assert [warning.value for warning in at.warning] == [paused]
        assert not at.get("download_button"), script
    monkeypatch.setattr(audit, "ensure_writable", writable)
    assert len(run_page("pages/07_data.py").get("download_button")) == 12  # the log writable again


# Markdown a unit's name could carry, each as Streamlit would draw it were it not escaped: bold, a formula, a link
_ACTIVE_MARKDOWN = ("**粗体**", "$公式$", "](http")


@pytest.mark.parametrize(
    "script",
    ["app.py", "pages/01_meetings.py", "pages/02_issues.py", "pages/04_reminders.py", "pages/05_unit_profile.py"],
)
def test_every_element_of_a_page_shows_a_units_markdown_as_typed(data_folder, script):
    """Each page narrowed to a unit named with Markdown: no element Streamlit draws as Markdown (text, captions, notes,
    a card's label and help, a button's label and help) carries it unescaped. The drill list's caption did (above)."""
    _rename_units(data_folder, {"research": "**粗体**$公式$[点我](http://evil.test)省政府研究室"})
    at = run_page(script, query={"unit": "research"})
    shown = [
        str(getattr(element, attribute, "") or "")
        for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title", "metric")
        for element in at.get(kind)
        for attribute in ("value", "label", "help")
    ]
    shown += [str(button.label) + str(button.proto.help) for button in at.button]
    assert any("粗体" in text for text in shown)  # the unit is named on the page
    assert not [text for text in shown if any(active in text for active in _ACTIVE_MARKDOWN)]
